/**
 * HTTP API: route parameters are checked before any query sees them. A NUL character (`%00`) in a
 * path parameter is refused with 400 `RequestInvalid` naming the parameter — on PostgreSQL it
 * would otherwise reach a query, which the database refuses (text cannot hold NUL), and the
 * caller would get a 500. Runs through the real Fastify app (`app.inject`) on SQLite and on
 * PostgreSQL (skipped with the reason when it is unreachable, failed under CI).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { createCatalog } from '../../src/catalog/index.ts';
import { createConnectionService } from '../../src/connections/index.ts';
import { errorMessage, systemClock } from '../../src/core/index.ts';
import { createEmbeddedQueue } from '../../src/queue/index.ts';
import type { JobQueue } from '../../src/queue/index.ts';
import { generateMasterKey, openSecrets } from '../../src/secrets/index.ts';
import { BUILTIN_CONNECTORS_DIR, catalogConnectorLookup, createApp, generateToken, hashToken } from '../../src/server/index.ts';
import { createCallbackKeys } from '../../src/server/callback-keys.ts';
import { openStore } from '../../src/storage/index.ts';
import type { Store, StoreConfig } from '../../src/storage/index.ts';
import { createRunLauncher, createTriggerService } from '../../src/workflow/index.ts';

const POSTGRES_URL = process.env['PLUGBOARD_TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const POSTGRES_SCHEMA = `plugboard_test_${randomBytes(6).toString('hex')}_params`;

/** Why PostgreSQL cannot be used, or undefined when it can. */
async function postgresUnavailable(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.end();
    return undefined;
  } catch (error) {
    // ECONNREFUSED on several addresses arrives as an AggregateError with an empty message.
    const reason = `PostgreSQL is unreachable (${errorMessage(error) || String(error)}) — start it or set PLUGBOARD_TEST_DATABASE_URL`;
    if (process.env['CI'] !== undefined && process.env['CI'] !== '') throw new Error(`these tests need PostgreSQL in CI: ${reason}`);
    return reason;
  }
}

const BACKENDS: ReadonlyArray<{ readonly name: string; readonly config: StoreConfig; readonly skip: string | undefined }> = [
  { name: 'SQLite', config: { driver: 'sqlite', memory: true }, skip: undefined },
  { name: 'PostgreSQL', config: { driver: 'postgres', url: POSTGRES_URL, schema: POSTGRES_SCHEMA }, skip: await postgresUnavailable() },
];

for (const backend of BACKENDS) {
  describe(`HTTP API: path parameters with a NUL character (${backend.name})`, { skip: backend.skip ?? false }, () => {
    let store: Store;
    let queue: JobQueue;
    let app: FastifyInstance;
    let token: string;
    let flowId: string;
    let runId: string;

    before(async () => {
      store = await openStore(backend.config);
      const catalog = createCatalog({ store, builtinDir: BUILTIN_CONNECTORS_DIR });
      const secrets = await openSecrets({ config: { kind: 'value', keys: [generateMasterKey()] }, keys: store.secretKeys });
      const connections = createConnectionService({ store, secrets, connectors: catalogConnectorLookup(catalog) });
      queue = createEmbeddedQueue({ store });
      const runs = createRunLauncher({ store, queue, clock: systemClock });
      const triggers = createTriggerService({ store, queue, clock: systemClock, keys: createCallbackKeys(store, secrets), publicUrl: () => 'http://127.0.0.1' });
      app = await createApp({ store, catalog, connections, runs, triggers, logLevel: false });
      const admin = await store.principals.create({ kind: 'user', name: 'ada', role: 'admin' });
      token = generateToken();
      await store.apiTokens.create({ principalId: admin.id, name: 'ada', tokenHash: hashToken(token) });
      const environment = await store.environments.ensure('default');
      flowId = (await store.flows.create({ environmentId: environment.id, name: 'nul', definition: { actions: {} }, ownerId: admin.id })).flow.id;
      runId = (await store.runs.create({ flowId, flowVersion: 1, startedBy: admin.id })).id;
    });
    after(async () => {
      await queue.stop();
      await app.close();
      if (backend.config.driver === 'postgres') {
        const client = new pg.Client({ connectionString: POSTGRES_URL });
        await client.connect();
        try {
          await client.query(`drop schema if exists ${POSTGRES_SCHEMA} cascade`);
        } finally {
          await client.end();
        }
      }
      await store.close();
    });

    const call = (method: 'GET' | 'PUT', url: string, payload?: Record<string, unknown>) =>
      app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(payload === undefined ? {} : { payload }) });
    const get = (url: string) => call('GET', url);

    const cases: ReadonlyArray<{ readonly parameter: string; readonly route: string; readonly send: () => ReturnType<typeof call> }> = [
      { parameter: 'id', route: 'GET …/flows/x%00y', send: () => get('/api/environments/default/flows/x%00y') },
      { parameter: 'env', route: 'GET /api/environments/de%00fault/flows', send: () => get('/api/environments/de%00fault/flows') },
      { parameter: 'runId', route: 'GET …/flows/{id}/runs/{runId}%00', send: () => get(`/api/environments/default/flows/${flowId}/runs/${runId}%00`) },
      { parameter: 'principalId', route: 'PUT …/roles/p%00', send: () => call('PUT', '/api/environments/default/roles/p%00', { role: 'user' }) },
      { parameter: 'id', route: 'GET …/connections/c%00', send: () => get('/api/environments/default/connections/c%00') },
    ];
    for (const { parameter, route, send } of cases) {
      test(`refuses a NUL in path parameter "${parameter}" with 400 RequestInvalid naming it (${route})`, async () => {
        const res = await send();
        assert.equal(res.statusCode, 400, res.body);
        const { error } = res.json();
        assert.equal(error.code, 'RequestInvalid');
        assert.equal(error.details?.parameter, parameter);
        assert.match(error.message, new RegExp(`"${parameter}"`));
      });
    }

    test('the same routes answer normally without the NUL', async () => {
      assert.equal((await get(`/api/environments/default/flows/${flowId}/runs/${runId}`)).statusCode, 200);
      const missing = await get('/api/environments/default/flows/xy');
      assert.equal(missing.statusCode, 404, missing.body);
      assert.equal(missing.json().error.code, 'FlowNotFound');
    });

    test('a NUL in a public route’s parameter is refused too, before any query (the callback URL of a Request trigger)', async () => {
      const res = await app.inject({ method: 'POST', url: '/workflows/x%00y/triggers/manual/paths/invoke', payload: {} });
      assert.equal(res.statusCode, 400, res.body);
      assert.equal(res.json().error.details?.parameter, 'flowId');
    });
  });
}
