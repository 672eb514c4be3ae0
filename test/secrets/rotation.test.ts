/**
 * Master key rotation on a real store (T-S6) and a wrong key at start (T-S7), on SQLite and, when
 * reachable, PostgreSQL.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { createHash, randomBytes } from 'node:crypto';
import pg from 'pg';
import { PlugboardError, newId } from '../../src/core/index.ts';
import { encodeMasterKey, generateMasterKey, masterKeyConfigFromEnv, openSecrets, rotateMasterKey } from '../../src/secrets/index.ts';
import type { MasterKeyConfig, Secrets } from '../../src/secrets/index.ts';
import { openStore } from '../../src/storage/index.ts';
import type { Store, StoreConfig } from '../../src/storage/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'plugboard-rotation-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let count = 0;
const fresh = (): string => {
  const folder = join(dir, `case-${(count += 1)}`);
  mkdirSync(folder);
  return folder;
};

const pgUrl = process.env['PLUGBOARD_TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const pgSchemas: string[] = [];
const pgReachable = await (async () => {
  const client = new pg.Client({ connectionString: pgUrl, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
})();
after(async () => {
  if (!pgReachable || pgSchemas.length === 0) return;
  const client = new pg.Client({ connectionString: pgUrl });
  await client.connect();
  try {
    for (const schema of pgSchemas) await client.query(`drop schema if exists ${schema} cascade`);
  } finally {
    await client.end();
  }
});

interface Driver {
  readonly name: string;
  /** A new empty database; every call of the returned function opens the same one. */
  newDatabase(folder: string): () => Promise<Store>;
}

const drivers: Driver[] = [
  { name: 'SQLite', newDatabase: (folder) => () => openStore({ driver: 'sqlite', file: join(folder, 'plugboard.db') }) },
];
if (pgReachable) {
  drivers.push({
    name: 'PostgreSQL',
    newDatabase: () => {
      const schema = `plugboard_test_${randomBytes(6).toString('hex')}`;
      pgSchemas.push(schema);
      const config: StoreConfig = { driver: 'postgres', url: pgUrl, schema };
      return () => openStore(config);
    },
  });
} else if (process.env['CI'] !== undefined && process.env['CI'] !== '') {
  it('rotation on PostgreSQL needs a reachable PostgreSQL in CI', () => assert.fail(`PostgreSQL unreachable at ${pgUrl}`));
}

const CONNECTIONS = 30;

/** Connections, an OAuth app secret and an OAuth state, all sealed by `secrets`. */
async function seed(store: Store, secrets: Secrets) {
  const env = await store.environments.ensure('default');
  const owner = await store.principals.create({ kind: 'user', name: `owner-${newId().slice(-8)}`, role: 'maker' });
  const plain = new Map<string, string>();
  for (let i = 0; i < CONNECTIONS; i += 1) {
    const id = newId();
    const value = `canary-${i}-${randomBytes(8).toString('hex')}`;
    plain.set(id, value);
    const sealed = await secrets.seal(value, { environmentId: env.id, ownerId: id, purpose: 'connection-secrets' });
    await store.connections.create({ id, environmentId: env.id, connectorName: 'c', displayName: `c${i}`, ownerId: owner.id, values: {}, secrets: sealed, status: 'connected' });
  }
  const app = await store.oauthApps.put({
    environmentId: env.id,
    key: 'oauth2:c',
    clientId: 'client',
    clientSecret: await secrets.seal('client-secret', { environmentId: env.id, ownerId: 'oauth2:c', purpose: 'oauth-client-secret' }),
    settings: {},
  });
  const state = await store.oauthStates.create({
    stateHash: createHash('sha256').update(newId()).digest('hex'),
    environmentId: env.id,
    principalId: owner.id,
    connectionId: null,
    payload: await secrets.seal('pkce-verifier', { environmentId: env.id, ownerId: 'state', purpose: 'oauth-state' }),
    expiresAt: Date.now() + 600_000,
  });
  return { env, plain, app, state };
}

async function versionsOf(store: Store, secrets: Secrets): Promise<number[]> {
  const out: number[] = [];
  for (const column of store.sealedValues.columns) {
    for (const v of await store.sealedValues.page(column, { afterRowId: null, limit: 10_000 })) out.push(secrets.keyVersionOf(v.value));
  }
  return out;
}

async function decryptAll(store: Store, secrets: Secrets, seeded: Awaited<ReturnType<typeof seed>>): Promise<void> {
  for (const [id, value] of seeded.plain) {
    const record = await store.connections.get(id);
    assert.equal(await secrets.open(record?.secrets ?? '', { environmentId: seeded.env.id, ownerId: id, purpose: 'connection-secrets' }), value);
  }
  const app = await store.oauthApps.get(seeded.env.id, 'oauth2:c');
  assert.equal(await secrets.open(app?.clientSecret ?? '', { environmentId: seeded.env.id, ownerId: 'oauth2:c', purpose: 'oauth-client-secret' }), 'client-secret');
}

for (const driver of drivers) {
  describe(`master key rotation (${driver.name})`, () => {
    it('re-wraps every envelope while a running server keeps decrypting, resumes after being stopped halfway, then retires the old key', async () => {
      const folder = fresh();
      const open = driver.newDatabase(folder);
      const config = masterKeyConfigFromEnv({}, { dataDir: folder, embedded: true });
      const store = await open();
      try {
        const server = await openSecrets({ config, keys: store.secretKeys });
        const seeded = await seed(store, server);
        assert.deepEqual(new Set(await versionsOf(store, server)), new Set([1]));

        // First run: stopped after 10 envelopes, while the "server" keeps reading connections.
        const stop = new AbortController();
        let reads = 0;
        const ids = [...seeded.plain.keys()];
        await assert.rejects(
          rotateMasterKey({
            config,
            keys: store.secretKeys,
            envelopes: store.sealedValues,
            batchSize: 4,
            signal: stop.signal,
            onProgress: ({ rewrapped }) => {
              if (rewrapped === 10) stop.abort();
            },
          }),
          (e: unknown) => e instanceof PlugboardError && e.code === 'MasterKeyRotationInterrupted' && e.retryable,
        );
        for (const id of ids) {
          const record = await store.connections.get(id);
          assert.equal(await server.open(record?.secrets ?? '', { environmentId: seeded.env.id, ownerId: id, purpose: 'connection-secrets' }), seeded.plain.get(id));
          reads += 1;
        }
        assert.equal(reads, CONNECTIONS);
        const halfway = await versionsOf(store, server);
        assert.equal(halfway.filter((v) => v === 2).length, 10);
        assert.equal(halfway.filter((v) => v === 1).length, CONNECTIONS + 2 - 10);
        assert.equal(readFileSync(config.kind === 'embedded' ? config.file : '', 'utf8').match(/^[A-Za-z0-9+/]{43}=$/gm)?.length, 2);
        // New secrets go under the new version at once, even in the process that did not rotate.
        assert.equal(server.keyVersionOf(await server.seal('new', { environmentId: seeded.env.id, ownerId: 'x', purpose: 'p' })), 2);

        // Second run resumes: no new key, the rest re-wrapped, version 1 retired.
        const readsDuringRotation: Array<Promise<void>> = [];
        const report = await rotateMasterKey({
          config,
          keys: store.secretKeys,
          envelopes: store.sealedValues,
          onProgress: () => readsDuringRotation.push(decryptAll(store, server, seeded)),
        });
        await Promise.all(readsDuringRotation);
        assert.equal(readsDuringRotation.length, CONNECTIONS + 2 - 10);
        assert.deepEqual({ ...report }, { version: 2, registered: false, generated: false, rewrapped: CONNECTIONS + 2 - 10, retired: [1] });
        assert.deepEqual(new Set(await versionsOf(store, server)), new Set([2]));
        assert.deepEqual((await store.secretKeys.list()).map((v) => [v.version, v.retiredAt === null]), [
          [1, false],
          [2, true],
        ]);
        await decryptAll(store, server, seeded);

        // Version 1's key is gone from the key file; a process started now decrypts everything without it.
        assert.equal(readFileSync(config.kind === 'embedded' ? config.file : '', 'utf8').match(/^[A-Za-z0-9+/]{43}=$/gm)?.length, 1);
        const restarted = await openSecrets({ config, keys: store.secretKeys });
        await decryptAll(store, restarted, seeded);

        // Running it again with the current key as "new" changes nothing (idempotent).
        const key = readFileSync(config.kind === 'embedded' ? config.file : '', 'utf8').match(/^[A-Za-z0-9+/]{43}=$/m)?.[0] ?? '';
        const again = await rotateMasterKey({ config, keys: store.secretKeys, envelopes: store.sealedValues, newKey: Buffer.from(key, 'base64') });
        assert.deepEqual({ ...again }, { version: 2, registered: false, generated: false, rewrapped: 0, retired: [] });
      } finally {
        await store.close();
      }
    });

    it('rotates with operator-managed keys only once every server has the new key', async () => {
      const folder = fresh();
      const store = await driver.newDatabase(folder)();
      try {
        const k1 = generateMasterKey();
        const k2 = generateMasterKey();
        const oldOnly: MasterKeyConfig = { kind: 'value', keys: [k1] };
        const server = await openSecrets({ config: oldOnly, keys: store.secretKeys });
        const seeded = await seed(store, server);
        await assert.rejects(rotateMasterKey({ config: oldOnly, keys: store.secretKeys, envelopes: store.sealedValues }), /no new master key/);
        await assert.rejects(rotateMasterKey({ config: oldOnly, keys: store.secretKeys, envelopes: store.sealedValues, newKey: k2 }), /not among the configured master keys/);

        const both = masterKeyConfigFromEnv({ PLUGBOARD_MASTER_KEY: `${encodeMasterKey(k1)},${encodeMasterKey(k2)}` }, { dataDir: folder, embedded: false });
        const upgraded = await openSecrets({ config: both, keys: store.secretKeys });
        assert.equal(await upgraded.currentVersion(), 1, 'a configured but unregistered key is not used before the rotation');
        const report = await rotateMasterKey({ config: both, keys: store.secretKeys, envelopes: store.sealedValues });
        assert.equal(report.version, 2);
        assert.equal(report.registered, true);
        assert.equal(report.rewrapped, CONNECTIONS + 2);
        await decryptAll(store, upgraded, seeded);
        const newOnly = await openSecrets({ config: { kind: 'value', keys: [k2] }, keys: store.secretKeys });
        await decryptAll(store, newOnly, seeded);
        await assert.rejects(server.open((await store.connections.get([...seeded.plain.keys()][0] ?? ''))?.secrets ?? '', { environmentId: seeded.env.id, ownerId: [...seeded.plain.keys()][0] ?? '', purpose: 'connection-secrets' }), (e: unknown) => e instanceof PlugboardError && e.code === 'SecretKeyVersionUnknown', 'a server without the new key cannot read re-wrapped secrets');
      } finally {
        await store.close();
      }
    });

    it('refuses to start with a wrong master key and leaves every row as it was', async () => {
      const folder = fresh();
      const open = driver.newDatabase(folder);
      const store = await open();
      try {
        const right = generateMasterKey();
        const secrets = await openSecrets({ config: { kind: 'value', keys: [right] }, keys: store.secretKeys });
        await seed(store, secrets);
        const snapshot = async () => JSON.stringify([await store.secretKeys.list(), await store.sealedValues.page('connections.secrets', { afterRowId: null, limit: 1000 })]);
        const before = await snapshot();
        const wrong = masterKeyConfigFromEnv({ PLUGBOARD_MASTER_KEY: encodeMasterKey(generateMasterKey()) }, { dataDir: folder, embedded: false });
        await assert.rejects(openSecrets({ config: wrong, keys: store.secretKeys }), (e: unknown) => {
          assert.ok(e instanceof PlugboardError);
          assert.equal(e.code, 'MasterKeyMismatch');
          assert.match(e.message, /does not match this database/);
          return true;
        });
        await assert.rejects(rotateMasterKey({ config: wrong, keys: store.secretKeys, envelopes: store.sealedValues, newKey: generateMasterKey() }), /not among the configured|does not match/);
        assert.equal(await snapshot(), before);
      } finally {
        await store.close();
      }
    });
  });
}
