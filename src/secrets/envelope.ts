/**
 * The envelope format: AES-256-GCM with a fresh random data key (DEK) per secret, the DEK itself
 * wrapped (AES-256-GCM) by a versioned master key (KEK).
 *
 * Binary layout, serialised as `pbs1.` + base64url:
 *
 * | bytes | field |
 * |---|---|
 * | 1 | format (1) |
 * | 4 | KEK version, unsigned big-endian |
 * | 12 + 32 + 16 | wrap nonce, wrapped DEK, wrap tag |
 * | 12 | data nonce |
 * | n | ciphertext |
 * | 16 | data tag |
 *
 * The DEK wrap authenticates the format and KEK version; the data authenticates the format and
 * the context (environment, owner id, purpose), so an envelope copied to another connection or
 * field does not decrypt. Re-wrapping under a new KEK version touches only the wrap fields.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { PlugboardError, UserInputError } from '../core/index.ts';
import { SecretsErrorCode } from './errors.ts';

/** What a secret belongs to; bound into the ciphertext as additional authenticated data. */
export interface SecretContext {
  /** Environment id (not name: names could be reused). */
  readonly environmentId: string;
  /** The row the secret belongs to, e.g. a connection id. */
  readonly ownerId: string;
  /** What the value is for, e.g. `connection-secrets`, `oauth-client-secret`. */
  readonly purpose: string;
}

/** The parts of a parsed envelope. */
export interface EnvelopeParts {
  readonly format: number;
  readonly keyVersion: number;
  readonly wrapNonce: Buffer;
  readonly wrappedKey: Buffer;
  readonly wrapTag: Buffer;
  readonly nonce: Buffer;
  readonly ciphertext: Buffer;
  readonly tag: Buffer;
}

/** Bytes of a master key or data key. */
export const KEY_BYTES = 32;
const FORMAT = 1;
const PREFIX = 'pbs1.';
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const MAX_KEY_VERSION = 0xffff_ffff;
const HEADER_BYTES = 1 + 4 + NONCE_BYTES + KEY_BYTES + TAG_BYTES + NONCE_BYTES;

/** A master key with its version. */
export interface VersionedKey {
  readonly key: Uint8Array;
  readonly version: number;
}

/** Encrypts `plaintext` for `context` under a new data key wrapped by `kek`. */
export function sealEnvelope(plaintext: Uint8Array, sealing: { readonly kek: VersionedKey; readonly context: SecretContext }): string {
  const { context } = sealing;
  const { key: kek, version: keyVersion } = sealing.kek;
  checkKek(kek);
  checkVersion(keyVersion);
  const dek = randomBytes(KEY_BYTES);
  try {
    const wrapNonce = randomBytes(NONCE_BYTES);
    const wrap = createCipheriv('aes-256-gcm', kek, wrapNonce);
    wrap.setAAD(wrapAad(keyVersion));
    const wrappedKey = Buffer.concat([wrap.update(dek), wrap.final()]);
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', dek, nonce);
    cipher.setAAD(dataAad(context));
    const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return serializeEnvelope({ format: FORMAT, keyVersion, wrapNonce, wrappedKey, wrapTag: wrap.getAuthTag(), nonce, ciphertext, tag: cipher.getAuthTag() });
  } finally {
    dek.fill(0);
  }
}

/** Decrypts an envelope with the key of its version; throws `SecretUndecryptable` when anything was altered or the context differs. */
export function openEnvelope(parts: EnvelopeParts, opening: { readonly kek: Uint8Array; readonly context: SecretContext }): Buffer {
  const { kek, context } = opening;
  checkKek(kek);
  const dek = unwrapKey(kek, parts);
  try {
    const decipher = createDecipheriv('aes-256-gcm', dek, parts.nonce);
    decipher.setAAD(dataAad(context));
    decipher.setAuthTag(parts.tag);
    return Buffer.concat([decipher.update(parts.ciphertext), decipher.final()]);
  } catch (cause) {
    throw undecryptable('the secret does not decrypt for this owner and purpose — it was altered or copied from elsewhere', cause);
  } finally {
    dek.fill(0);
  }
}

/** The same envelope with its data key re-wrapped from `from` (its version's key) to `to`; payload untouched. */
export function rewrapEnvelope(parts: EnvelopeParts, keys: { readonly from: Uint8Array; readonly to: VersionedKey }): string {
  const oldKek = keys.from;
  const { key: newKek, version: newVersion } = keys.to;
  checkKek(newKek);
  checkVersion(newVersion);
  const dek = unwrapKey(oldKek, parts);
  try {
    const wrapNonce = randomBytes(NONCE_BYTES);
    const wrap = createCipheriv('aes-256-gcm', newKek, wrapNonce);
    wrap.setAAD(wrapAad(newVersion));
    const wrappedKey = Buffer.concat([wrap.update(dek), wrap.final()]);
    return serializeEnvelope({ ...parts, keyVersion: newVersion, wrapNonce, wrappedKey, wrapTag: wrap.getAuthTag() });
  } finally {
    dek.fill(0);
  }
}

/** Parses the string form; throws `SecretEnvelopeInvalid` for anything not produced by {@link serializeEnvelope}. */
export function parseEnvelope(sealed: string): EnvelopeParts {
  if (typeof sealed !== 'string' || !sealed.startsWith(PREFIX)) throw invalidEnvelope('it does not start with the envelope prefix');
  const text = sealed.slice(PREFIX.length);
  const bytes = Buffer.from(text, 'base64url');
  // Node's decoder skips characters outside the alphabet; only the canonical form is accepted.
  if (bytes.toString('base64url') !== text) throw invalidEnvelope('it is not canonical base64url');
  return parseEnvelopeBytes(bytes);
}

/** Parses the binary form (exposed for tests that flip bits field by field). */
export function parseEnvelopeBytes(bytes: Buffer): EnvelopeParts {
  if (bytes.length < HEADER_BYTES + TAG_BYTES) throw invalidEnvelope('it is too short');
  const format = bytes.readUInt8(0);
  if (format !== FORMAT) throw invalidEnvelope(`its format ${format} is unknown`);
  let at = 1;
  const take = (n: number): Buffer => {
    const part = bytes.subarray(at, at + n);
    at += n;
    return part;
  };
  const keyVersion = take(4).readUInt32BE(0);
  if (keyVersion === 0) throw invalidEnvelope('its key version is 0');
  const wrapNonce = take(NONCE_BYTES);
  const wrappedKey = take(KEY_BYTES);
  const wrapTag = take(TAG_BYTES);
  const nonce = take(NONCE_BYTES);
  const ciphertext = take(bytes.length - at - TAG_BYTES);
  const tag = take(TAG_BYTES);
  return { format, keyVersion, wrapNonce, wrappedKey, wrapTag, nonce, ciphertext, tag };
}

/** The binary form of an envelope. */
export function envelopeBytes(parts: EnvelopeParts): Buffer {
  const version = Buffer.alloc(4);
  version.writeUInt32BE(parts.keyVersion, 0);
  return Buffer.concat([Buffer.of(parts.format), version, parts.wrapNonce, parts.wrappedKey, parts.wrapTag, parts.nonce, parts.ciphertext, parts.tag]);
}

/** The string form of an envelope. */
export function serializeEnvelope(parts: EnvelopeParts): string {
  return PREFIX + envelopeBytes(parts).toString('base64url');
}

/** True when `value` looks like an envelope (for callers that hold both kinds of values). */
export function isEnvelope(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith(PREFIX);
}

function unwrapKey(kek: Uint8Array, parts: EnvelopeParts): Buffer {
  try {
    const unwrap = createDecipheriv('aes-256-gcm', kek, parts.wrapNonce);
    unwrap.setAAD(wrapAad(parts.keyVersion));
    unwrap.setAuthTag(parts.wrapTag);
    return Buffer.concat([unwrap.update(parts.wrappedKey), unwrap.final()]);
  } catch (cause) {
    throw undecryptable(`the data key does not unwrap with master key version ${parts.keyVersion} — the envelope was altered or the key is not the one that wrapped it`, cause);
  }
}

function wrapAad(keyVersion: number): Buffer {
  return Buffer.from(`plugboard-dek/${FORMAT}/${keyVersion}`, 'utf8');
}

/** An unambiguous encoding of the context: a JSON array cannot be confused across field boundaries. */
function dataAad(context: SecretContext): Buffer {
  for (const field of ['environmentId', 'ownerId', 'purpose'] as const) {
    const value = context[field];
    if (typeof value !== 'string' || value === '') {
      throw new UserInputError(`secret context ${field} is empty — every secret must be bound to an environment, an owner and a purpose`, {
        code: SecretsErrorCode.SecretContextInvalid,
      });
    }
  }
  return Buffer.from(JSON.stringify(['plugboard-secret', FORMAT, context.environmentId, context.ownerId, context.purpose]), 'utf8');
}

function checkKek(kek: Uint8Array): void {
  if (!(kek instanceof Uint8Array) || kek.length !== KEY_BYTES) {
    throw new PlugboardError(`a master key must be ${KEY_BYTES} bytes`, { code: SecretsErrorCode.MasterKeyInvalid });
  }
}

function checkVersion(version: number): void {
  if (!Number.isSafeInteger(version) || version < 1 || version > MAX_KEY_VERSION) {
    throw new PlugboardError(`master key version ${String(version)} is out of range`, { code: SecretsErrorCode.MasterKeyInvalid });
  }
}

function invalidEnvelope(why: string): PlugboardError {
  return new PlugboardError(`a stored secret is not a Plugboard envelope: ${why} — the value was written outside Plugboard or is corrupt`, {
    code: SecretsErrorCode.SecretEnvelopeInvalid,
    kind: 'unexpected',
  });
}

function undecryptable(message: string, cause: unknown): PlugboardError {
  return new PlugboardError(message, { code: SecretsErrorCode.SecretUndecryptable, kind: 'unexpected', cause });
}
