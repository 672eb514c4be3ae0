import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { createCatalog } from '../../src/catalog/index.ts';
import { createApp, ensureAdminToken, generateToken, hashToken, BUILTIN_CONNECTORS_DIR } from '../../src/server/index.ts';
import { openStore } from '../../src/storage/index.ts';
import type { Store } from '../../src/storage/index.ts';
import { systemClock } from '../../src/core/index.ts';
import { corpusFolder, countOperationsInFile } from '../kit/corpus.ts';

const ADMIN_TOKEN = 'test-admin-token-0123456789';
const planner = corpusFolder('certified-connectors', 'Planner');

describe('HTTP API: catalog read endpoints', () => {
  let store: Store;
  let app: FastifyInstance;
  let userToken: string;

  before(async () => {
    store = await openStore({ driver: 'sqlite', memory: true });
    await ensureAdminToken(store, { bootstrapToken: ADMIN_TOKEN, clock: systemClock });
    const user = await store.principals.create({ kind: 'user', name: 'vera', role: 'user' });
    userToken = generateToken();
    await store.apiTokens.create({ principalId: user.id, name: 'vera', tokenHash: hashToken(userToken) });
    const catalog = createCatalog({ store, builtinDir: BUILTIN_CONNECTORS_DIR });
    await catalog.syncBuiltins('default');
    await catalog.importPath(planner, { environment: 'default' });
    app = await createApp({ store, catalog, logLevel: false });
  });
  after(async () => {
    await app.close();
    await store.close();
  });

  const get = (url: string, token: string | null = ADMIN_TOKEN) =>
    app.inject({ method: 'GET', url, headers: token === null ? {} : { authorization: `Bearer ${token}` } });

  test('GET /healthz answers without a token', async () => {
    const res = await get('/healthz', null);
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), { status: 'ok', storage: 'sqlite' });
  });

  test('every /api call needs a bearer token', async () => {
    for (const url of ['/api/environments', '/api/openapi.json', '/api/environments/default/connectors']) {
      const res = await get(url, null);
      assert.equal(res.statusCode, 401, url);
      assert.equal(res.headers['www-authenticate'], 'Bearer');
      assert.equal(res.json().error.code, 'Unauthorized');
    }
    const wrong = await get('/api/environments', 'pb_not-a-real-token');
    assert.equal(wrong.statusCode, 401);
    assert.match(wrong.json().error.message, /unknown, revoked or expired/);
    const malformed = await app.inject({ method: 'GET', url: '/api/environments', headers: { authorization: 'Basic abc' } });
    assert.equal(malformed.statusCode, 401);
    assert.match(malformed.json().error.message, /Bearer <token>/);
  });

  test('a revoked token stops working on the next request', async () => {
    const p = await store.principals.create({ kind: 'service-account', name: 'ci-bot', role: 'user' });
    const token = generateToken();
    const record = await store.apiTokens.create({ principalId: p.id, name: 'ci', tokenHash: hashToken(token) });
    assert.equal((await get('/api/environments', token)).statusCode, 200);
    await store.apiTokens.revoke(record.id);
    assert.equal((await get('/api/environments', token)).statusCode, 401);
  });

  test('lists environments and connectors, built-in ones included', async () => {
    const envs = await get('/api/environments', userToken);
    assert.equal(envs.statusCode, 200);
    assert.deepEqual(envs.json().value.map((e: { name: string }) => e.name), ['default']);
    const res = await get('/api/environments/default/connectors', userToken);
    assert.equal(res.statusCode, 200);
    const value: Array<{ name: string; title: string; builtin: boolean; latestVersion: number }> = res.json().value;
    const byName = new Map(value.map((c) => [c.name, c]));
    assert.equal(byName.get('planner')?.title, 'Planner');
    assert.equal(byName.get('planner')?.builtin, false);
    assert.equal(byName.get('plugboard')?.builtin, true);
  });

  test('shows a connector with operation counts that match the definition file', async () => {
    const expected = countOperationsInFile(join(planner, 'apiDefinition.swagger.json'));
    const res = await get('/api/environments/default/connectors/planner');
    assert.equal(res.statusCode, 200);
    const body = res.json();
    assert.equal(body.version, 1);
    assert.equal(body.actions + body.triggers, expected.operations);
    assert.equal(body.triggers, expected.triggers);
    assert.equal(body.definition.info.title, 'Planner');
    const ops = await get('/api/environments/default/connectors/planner/operations');
    assert.equal(ops.json().value.length, expected.operations);
    assert.ok(ops.json().value.some((o: { operationId: string }) => o.operationId === 'CreateTask_V3'));
    const versions = await get('/api/environments/default/connectors/planner/versions');
    assert.deepEqual(versions.json().value.map((v: { version: number }) => v.version), [1]);
    assert.equal((await get('/api/environments/default/connectors/planner/versions/1')).json().name, 'planner');
  });

  test('unknown connector, version, environment and route give 404 with a clear code', async () => {
    const missing = await get('/api/environments/default/connectors/nope');
    assert.equal(missing.statusCode, 404);
    assert.equal(missing.json().error.code, 'ConnectorNotFound');
    assert.match(missing.json().error.message, /"nope"/);
    const version = await get('/api/environments/default/connectors/planner/versions/7');
    assert.equal(version.statusCode, 404);
    assert.match(version.json().error.message, /version 7/);
    const env = await get('/api/environments/elsewhere/connectors');
    assert.equal(env.json().error.code, 'EnvironmentNotFound');
    const route = await get('/api/nothing-here');
    assert.equal(route.statusCode, 404);
    assert.equal(route.json().error.code, 'RouteNotFound');
  });

  test('a malformed version number is a 400 that names the parameter', async () => {
    const res = await get('/api/environments/default/connectors/planner/versions/abc');
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().error.code, 'RequestInvalid');
    assert.match(res.json().error.message, /version/);
    assert.doesNotMatch(res.body, /at .*\.ts:\d+/);
  });

  test('serves its own OpenAPI document listing the catalog routes', async () => {
    const res = await get('/api/openapi.json');
    assert.equal(res.statusCode, 200);
    const doc = res.json();
    assert.equal(doc.openapi, '3.1.0');
    assert.ok(doc.paths['/api/environments/{env}/connectors']);
    assert.ok(doc.paths['/api/environments/{env}/connectors/{name}/operations']);
  });
});
