/** The secrets service over an in-memory key registry: first start, wrong key (T-S7), learning new versions. */
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { PlugboardError, UserInputError } from '../core/index.ts';
import { encodeMasterKey, generateMasterKey, keyCheckValue } from './key-material.ts';
import { masterKeyConfigFromEnv } from './master-key-config.ts';
import type { MasterKeyConfig } from './master-key-config.ts';
import type { SecretKeyRepository, SecretKeyVersion } from './ports.ts';
import { redactSecrets } from './redact.ts';
import { openSecrets } from './secrets.ts';

const dir = mkdtempSync(join(tmpdir(), 'plugboard-secrets-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const newDir = (): string => join(dir, `d${(files += 1)}`);

/** The registry as the Store keeps it, in memory. */
function memoryRegistry(): SecretKeyRepository & { rows: SecretKeyVersion[] } {
  const rows: SecretKeyVersion[] = [];
  return {
    rows,
    list: async () => [...rows].sort((a, b) => a.version - b.version),
    async insert(version, checkValue) {
      if (rows.some((r) => r.version === version || r.checkValue === checkValue)) return undefined;
      const row = { version, checkValue, createdAt: 1, retiredAt: null };
      rows.push(row);
      return row;
    },
    async retire(version) {
      const index = rows.findIndex((r) => r.version === version);
      const row = rows[index];
      if (row === undefined) throw new Error('missing');
      const retired = { ...row, retiredAt: row.retiredAt ?? 2 };
      rows[index] = retired;
      return retired;
    },
  };
}

const ctx = { environmentId: 'env', ownerId: 'conn-1', purpose: 'connection-secrets' };
const valueConfig = (...keys: Uint8Array[]): MasterKeyConfig => ({ kind: 'value', keys });

describe('secrets service', () => {
  it('registers the key on first start and seals under version 1', async () => {
    const registry = memoryRegistry();
    const key = generateMasterKey();
    const secrets = await openSecrets({ config: valueConfig(key), keys: registry });
    assert.deepEqual(registry.rows.map((r) => [r.version, r.checkValue]), [[1, keyCheckValue(key)]]);
    const sealed = await secrets.seal('p@ss', ctx);
    assert.equal(secrets.keyVersionOf(sealed), 1);
    assert.equal(await secrets.open(sealed, ctx), 'p@ss');
    assert.deepEqual(await secrets.openJson(await secrets.sealJson({ a: [1, 'x'] }, ctx), ctx), { a: [1, 'x'] });
    // The same key opens it after a restart.
    const again = await openSecrets({ config: valueConfig(key), keys: registry });
    assert.equal(await again.open(sealed, ctx), 'p@ss');
  });

  it('refuses to start with a wrong master key, saying what to do, before touching anything', async () => {
    const registry = memoryRegistry();
    await openSecrets({ config: valueConfig(generateMasterKey()), keys: registry });
    const before = JSON.stringify(registry.rows);
    await assert.rejects(openSecrets({ config: valueConfig(generateMasterKey()), keys: registry }), (error: unknown) => {
      assert.ok(error instanceof PlugboardError);
      assert.equal(error.code, 'MasterKeyMismatch');
      assert.equal(error.kind, 'operational');
      assert.match(error.message, /key check value mismatch/);
      assert.match(error.message, /PLUGBOARD_MASTER_KEY/);
      return true;
    });
    assert.equal(JSON.stringify(registry.rows), before, 'a wrong key must not register itself');
  });

  it('refuses to start when a version still in use has no key, and starts once it is retired', async () => {
    const registry = memoryRegistry();
    const oldKey = generateMasterKey();
    const newKey = generateMasterKey();
    await openSecrets({ config: valueConfig(oldKey, newKey), keys: registry });
    assert.deepEqual(registry.rows.map((r) => r.version), [1, 2]);
    await assert.rejects(openSecrets({ config: valueConfig(newKey), keys: registry }), (e: unknown) => e instanceof PlugboardError && e.code === 'MasterKeyMissing' && /version 1 /.test(e.message));
    await registry.retire(1);
    const secrets = await openSecrets({ config: valueConfig(newKey), keys: registry });
    assert.equal(await secrets.currentVersion(), 2);
  });

  it('picks up a version registered by another process, reading a grown key file', async () => {
    const registry = memoryRegistry();
    const folder = newDir();
    mkdirSync(folder);
    const file = join(folder, 'keys');
    const first = generateMasterKey();
    const second = generateMasterKey();
    writeFileSync(file, `${encodeMasterKey(first)}\n`, { mode: 0o600 });
    const server = await openSecrets({ config: { kind: 'file', file }, keys: registry });
    const old = await server.seal('before', ctx);

    // Elsewhere: the operator adds a key and another process registers it as version 2.
    writeFileSync(file, `${encodeMasterKey(first)}\n${encodeMasterKey(second)}\n`);
    const other = await openSecrets({ config: { kind: 'file', file }, keys: registry });
    await registry.insert(2, keyCheckValue(second));
    const fresh = await other.seal('after', ctx);
    assert.equal(other.keyVersionOf(fresh), 2);

    assert.equal(await server.open(fresh, ctx), 'after', 'the running server learns version 2 on first sight');
    assert.equal(await server.open(old, ctx), 'before');
    assert.equal(server.keyVersionOf(await server.seal('new', ctx)), 2, 'and seals under the current version');
  });

  it('fails clearly when an envelope names a version this process cannot get', async () => {
    const registry = memoryRegistry();
    const a = await openSecrets({ config: valueConfig(generateMasterKey()), keys: registry });
    const foreign = memoryRegistry();
    const b = await openSecrets({ config: valueConfig(generateMasterKey(), generateMasterKey()), keys: foreign });
    const sealed = await b.seal('x', ctx);
    await assert.rejects(a.open(sealed, ctx), (e: unknown) => e instanceof PlugboardError && e.code === 'SecretKeyVersionUnknown');
  });
});

describe('master key configuration', () => {
  it('uses a generated key file in the data directory in embedded mode, with mode 0600', async () => {
    const dataDir = newDir();
    const config = masterKeyConfigFromEnv({}, { dataDir, embedded: true });
    assert.equal(config.kind, 'embedded');
    const registry = memoryRegistry();
    const secrets = await openSecrets({ config, keys: registry });
    const file = join(dataDir, 'master.key');
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.match(readFileSync(file, 'utf8'), /^[A-Za-z0-9+/]{43}=$/m);
    const sealed = await secrets.seal('kept', ctx);
    const reopened = await openSecrets({ config: masterKeyConfigFromEnv({}, { dataDir, embedded: true }), keys: registry });
    assert.equal(await reopened.open(sealed, ctx), 'kept', 'the second start reads the same key');
  });

  it('does not generate a new key file next to a database that already holds secrets', async () => {
    const dataDir = newDir();
    const config = masterKeyConfigFromEnv({}, { dataDir, embedded: true });
    const registry = memoryRegistry();
    await openSecrets({ config, keys: registry });
    rmSync(join(dataDir, 'master.key'));
    await assert.rejects(openSecrets({ config, keys: registry }), (e: unknown) => e instanceof PlugboardError && e.code === 'MasterKeyMissing' && /restore the file from the backup/.test(e.message));
    assert.throws(() => statSync(join(dataDir, 'master.key')), /ENOENT/);
  });

  it('refuses a key file other users can read', async () => {
    const dataDir = newDir();
    const config = masterKeyConfigFromEnv({}, { dataDir, embedded: true });
    await openSecrets({ config, keys: memoryRegistry() });
    chmodSync(join(dataDir, 'master.key'), 0o644);
    await assert.rejects(openSecrets({ config, keys: memoryRegistry() }), (e: unknown) => e instanceof PlugboardError && e.code === 'MasterKeyFileUnusable' && /chmod 600/.test(e.message));
  });

  it('reads PLUGBOARD_MASTER_KEY (one or several keys) and PLUGBOARD_MASTER_KEY_FILE', () => {
    const k1 = encodeMasterKey(generateMasterKey());
    const k2 = Buffer.from(generateMasterKey()).toString('base64url');
    const one = masterKeyConfigFromEnv({ PLUGBOARD_MASTER_KEY: k1 }, { dataDir: newDir(), embedded: false });
    assert.equal(one.kind === 'value' && one.keys.length, 1);
    const two = masterKeyConfigFromEnv({ PLUGBOARD_MASTER_KEY: `${k1}, ${k2}` }, { dataDir: newDir(), embedded: true });
    assert.equal(two.kind === 'value' && two.keys.length, 2);
    const file = join(dir, `file-${files}`);
    writeFileSync(file, `# comment\n\n${k1}\n`);
    const fromFile = masterKeyConfigFromEnv({ PLUGBOARD_MASTER_KEY_FILE: file }, { dataDir: newDir(), embedded: false });
    assert.deepEqual(fromFile, { kind: 'file', file });
  });

  it('refuses malformed keys naming the variable or line but never the value, and requires a key with PostgreSQL', () => {
    const short = Buffer.from('only sixteen byt').toString('base64');
    for (const [env, pattern] of [
      [{ PLUGBOARD_MASTER_KEY: short }, /PLUGBOARD_MASTER_KEY .*decodes to 16/],
      [{ PLUGBOARD_MASTER_KEY: 'not base64 at all!' }, /key 1 of PLUGBOARD_MASTER_KEY|PLUGBOARD_MASTER_KEY/],
      [{ PLUGBOARD_MASTER_KEY: 'a', PLUGBOARD_MASTER_KEY_FILE: '/x' }, /both set/],
    ] as const) {
      assert.throws(
        () => masterKeyConfigFromEnv(env, { dataDir: newDir(), embedded: true }),
        (e: unknown) => {
          assert.ok(e instanceof UserInputError);
          assert.match(e.message, pattern);
          assert.ok(!e.message.includes(short), 'the key value must not be echoed');
          return true;
        },
      );
    }
    const file = join(dir, 'bad-file');
    writeFileSync(file, `${encodeMasterKey(generateMasterKey())}\n${short}\n`);
    assert.throws(() => masterKeyConfigFromEnv({ PLUGBOARD_MASTER_KEY_FILE: file }, { dataDir: newDir(), embedded: false }), /line 2 of/);
    assert.throws(() => masterKeyConfigFromEnv({ PLUGBOARD_MASTER_KEY_FILE: join(dir, 'missing') }, { dataDir: newDir(), embedded: false }), PlugboardError);
    assert.throws(() => masterKeyConfigFromEnv({}, { dataDir: newDir(), embedded: false }), /required with PostgreSQL/);
  });
});

describe('redactSecrets', () => {
  it('removes a secret in plain, base64, URL-encoded and hex form, and leaves short values alone', () => {
    const secret = 'p@ss word/+=';
    const text = [
      `plain ${secret}`,
      `basic ${Buffer.from(secret).toString('base64')}`,
      `url ${encodeURIComponent(secret)}`,
      `hex ${Buffer.from(secret).toString('hex')}`,
      'short ab',
    ].join('\n');
    const out = redactSecrets(text, [secret, 'ab']);
    assert.equal(out, ['plain ***', 'basic ***', 'url ***', 'hex ***', 'short ab'].join('\n'));
  });
});
