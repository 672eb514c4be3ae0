/** The envelope format (T-S5): round trips, and any altered bit or foreign context fails. */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { PlugboardError } from '../core/index.ts';
import { envelopeBytes, openEnvelope, parseEnvelope, parseEnvelopeBytes, rewrapEnvelope, sealEnvelope, serializeEnvelope } from './envelope.ts';
import type { EnvelopeParts, SecretContext } from './envelope.ts';

const kek1 = randomBytes(32);
const kek2 = randomBytes(32);
const keys = new Map<number, Uint8Array>([
  [1, kek1],
  [2, kek2],
]);

/** Decrypts the way the service does: look the version up, then open. */
function openWith(sealed: string, context: SecretContext): string {
  const parts = parseEnvelope(sealed);
  const kek = keys.get(parts.keyVersion);
  if (kek === undefined) throw new PlugboardError(`unknown version ${parts.keyVersion}`, { code: 'SecretKeyVersionUnknown' });
  return openEnvelope(parts, { kek, context }).toString('utf8');
}

const seal = (plaintext: string, context: SecretContext, version = 1): string => sealEnvelope(Buffer.from(plaintext, 'utf8'), { kek: { key: keys.get(version) ?? kek1, version }, context });

const context = (overrides: Partial<SecretContext> = {}): SecretContext => ({
  environmentId: 'env-1',
  ownerId: 'connection-a',
  purpose: 'connection-secrets',
  ...overrides,
});

const contextArb = fc.record({
  environmentId: fc.string({ minLength: 1, maxLength: 40 }),
  ownerId: fc.string({ minLength: 1, maxLength: 40 }),
  purpose: fc.string({ minLength: 1, maxLength: 40 }),
});

function flipBit(sealed: string, bit: number): string {
  const bytes = envelopeBytes(parseEnvelope(sealed));
  const index = Math.floor(bit / 8) % bytes.length;
  bytes[index] = (bytes[index] ?? 0) ^ (1 << bit % 8);
  return 'pbs1.' + bytes.toString('base64url');
}

describe('secret envelopes', () => {
  it('decrypts what it encrypted, for any text and context', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), contextArb, fc.constantFrom(1, 2), (plaintext, ctx, version) => {
        const sealed = seal(plaintext, ctx, version);
        assert.equal(openWith(sealed, ctx), plaintext);
        assert.equal(parseEnvelope(sealed).keyVersion, version);
      }),
      { numRuns: 300 },
    );
  });

  it('refuses the envelope when any single bit of it is flipped', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), contextArb, fc.nat(), (plaintext, ctx, bitSeed) => {
        const sealed = seal(plaintext, ctx);
        const totalBits = envelopeBytes(parseEnvelope(sealed)).length * 8;
        const tampered = flipBit(sealed, bitSeed % totalBits);
        assert.throws(() => openWith(tampered, ctx), PlugboardError);
      }),
      { numRuns: 500 },
    );
  });

  it('refuses the envelope when a bit of each named field is flipped: nonce, ciphertext, tag, wrapped key, wrap nonce, wrap tag, version', () => {
    const sealed = seal('the api key', context());
    const parts = parseEnvelope(sealed);
    const fields = ['wrapNonce', 'wrappedKey', 'wrapTag', 'nonce', 'ciphertext', 'tag'] as const;
    for (const field of fields) {
      for (let bit = 0; bit < parts[field].length * 8; bit += 7) {
        const copy = Buffer.from(parts[field]);
        copy[Math.floor(bit / 8)] = (copy[Math.floor(bit / 8)] ?? 0) ^ (1 << bit % 8);
        const tampered = serializeEnvelope({ ...parts, [field]: copy });
        assert.throws(() => openWith(tampered, context()), (e: unknown) => e instanceof PlugboardError && e.code === 'SecretUndecryptable', `${field} bit ${bit}`);
      }
    }
    // Version 1 → 2 names a key the ring has: the wrap tag (which authenticates the version) fails.
    assert.throws(() => openWith(serializeEnvelope({ ...parts, keyVersion: 2 }), context()), (e: unknown) => e instanceof PlugboardError && e.code === 'SecretUndecryptable');
    for (const version of [3, 1 + 2 ** 8, 1 + 2 ** 31]) assert.throws(() => openWith(serializeEnvelope({ ...parts, keyVersion: version }), context()), PlugboardError);
    assert.throws(() => openWith(serializeEnvelope({ ...parts, format: 2 }), context()), (e: unknown) => e instanceof PlugboardError && e.code === 'SecretEnvelopeInvalid');
  });

  it('refuses the envelope under any other context (environment, owner or purpose differ by one bit)', () => {
    fc.assert(
      fc.property(contextArb, fc.constantFrom('environmentId', 'ownerId', 'purpose'), fc.nat(), (ctx, field, bitSeed) => {
        const sealed = seal('secret', ctx);
        const original = ctx[field];
        const at = bitSeed % original.length;
        const changed = original.slice(0, at) + String.fromCharCode(original.charCodeAt(at) ^ (1 << bitSeed % 7)) + original.slice(at + 1);
        fc.pre(changed !== original);
        assert.throws(() => openWith(sealed, { ...ctx, [field]: changed }), PlugboardError);
      }),
      { numRuns: 300 },
    );
  });

  it('does not decrypt a ciphertext copied from connection A to connection B', () => {
    const a = seal('{"api_key":"sk-live-A"}', context({ ownerId: 'connection-a' }));
    assert.equal(openWith(a, context({ ownerId: 'connection-a' })), '{"api_key":"sk-live-A"}');
    assert.throws(() => openWith(a, context({ ownerId: 'connection-b' })), (e: unknown) => {
      assert.ok(e instanceof PlugboardError);
      assert.equal(e.code, 'SecretUndecryptable');
      assert.doesNotMatch(e.message, /sk-live/);
      return true;
    });
    assert.throws(() => openWith(a, context({ environmentId: 'env-2' })), PlugboardError);
    assert.throws(() => openWith(a, context({ purpose: 'oauth-client-secret' })), PlugboardError);
  });

  it('uses a fresh data key and nonce every time, so equal secrets give unrelated envelopes', () => {
    const one = parseEnvelope(seal('same', context()));
    const two = parseEnvelope(seal('same', context()));
    assert.notDeepEqual(one.wrappedKey, two.wrappedKey);
    assert.notDeepEqual(one.nonce, two.nonce);
    assert.notDeepEqual(one.ciphertext, two.ciphertext);
  });

  it('re-wraps the data key under a new version without touching the payload', () => {
    const sealed = seal('rotate me', context());
    const before = parseEnvelope(sealed);
    const moved = rewrapEnvelope(before, { from: kek1, to: { key: kek2, version: 2 } });
    const after: EnvelopeParts = parseEnvelope(moved);
    assert.equal(after.keyVersion, 2);
    assert.deepEqual([after.nonce, after.ciphertext, after.tag], [before.nonce, before.ciphertext, before.tag]);
    assert.notDeepEqual(after.wrappedKey, before.wrappedKey);
    assert.equal(openWith(moved, context()), 'rotate me');
    assert.throws(() => openEnvelope({ ...after, keyVersion: 1 }, { kek: kek1, context: context() }), PlugboardError, 'the old key no longer opens it');
    assert.throws(() => rewrapEnvelope(before, { from: kek2, to: { key: kek2, version: 2 } }), PlugboardError, 'a wrong old key cannot re-wrap');
  });

  it('accepts only the canonical string form', () => {
    const sealed = seal('x', context());
    for (const bad of ['', 'pbs1.', 'pbs2.' + sealed.slice(5), sealed.slice(5), sealed + '!', sealed.slice(0, 40), `${sealed.slice(0, 10)}*${sealed.slice(10)}`]) {
      assert.throws(() => parseEnvelope(bad), (e: unknown) => e instanceof PlugboardError && e.code === 'SecretEnvelopeInvalid', JSON.stringify(bad.slice(0, 12)));
    }
    assert.throws(() => parseEnvelopeBytes(Buffer.alloc(10)), PlugboardError);
    assert.throws(() => seal('x', context({ ownerId: '' })), (e: unknown) => e instanceof PlugboardError && e.code === 'SecretContextInvalid');
  });
});
