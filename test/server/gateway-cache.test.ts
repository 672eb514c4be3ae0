/**
 * The /apim runtime route reuses a token lookup and a resolved connection for 2 s (the gateway
 * benchmark's hot path). These tests pin the promise that makes this safe: a revoked token or a
 * withdrawn share stops working on /apim once the window has passed, and at once on /api.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { createCatalog } from '../../src/catalog/index.ts';
import { createConnectionService } from '../../src/connections/index.ts';
import { createManualClock } from '../../src/core/index.ts';
import { generateMasterKey, openSecrets } from '../../src/secrets/index.ts';
import { BUILTIN_CONNECTORS_DIR, catalogConnectorLookup, createApp, createGatewayWiring, ensureAdminToken, generateToken, hashToken } from '../../src/server/index.ts';
import type { GatewayWiring } from '../../src/server/index.ts';
import { openStore } from '../../src/storage/index.ts';
import type { Store } from '../../src/storage/index.ts';

const ADMIN = 'cache-admin-token-0123456789';
const FIXTURE = resolve(import.meta.dirname, '../fixtures/gateway/keyed-echo');

const backend = createServer((_req, res) => {
  res.setHeader('content-type', 'application/json');
  res.end('{"id":"1","name":"One"}');
});

describe('HTTP API: the 2 s reuse window of /apim', () => {
  const clock = createManualClock(Date.UTC(2026, 10, 22));
  let store: Store;
  let app: FastifyInstance;
  let gateway: GatewayWiring;
  let connectionId: string;
  let bobToken: string;
  let bobTokenId: string;
  let bobId: string;

  const call = async (token: string, method: 'GET' | 'POST' | 'DELETE', url: string, payload?: unknown) => {
    const res = await app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${token}`, ...(payload === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(payload === undefined ? {} : { payload: JSON.stringify(payload) }),
    });
    return { status: res.statusCode, text: res.body };
  };

  before(async () => {
    await new Promise<void>((done) => backend.listen(0, '127.0.0.1', done));
    const port = (backend.address() as AddressInfo).port;
    store = await openStore({ driver: 'sqlite', memory: true });
    await ensureAdminToken(store, { bootstrapToken: ADMIN, clock });
    const catalog = createCatalog({ store, builtinDir: BUILTIN_CONNECTORS_DIR });
    await catalog.syncBuiltins('default');
    await catalog.importPath(FIXTURE, { environment: 'default', name: 'keyed-echo' });
    const secrets = await openSecrets({ config: { kind: 'value', keys: [generateMasterKey()] }, keys: store.secretKeys });
    const connections = createConnectionService({ store, secrets, connectors: catalogConnectorLookup(catalog) });
    gateway = createGatewayWiring({
      store,
      catalog,
      connections,
      secrets,
      clock,
      config: { egress: { allow: ['127.0.0.1/32'], allowMetadata: false, timeoutMs: 10_000, maxResponseBytes: 1024 * 1024 }, rateLimit: { calls: 1000, windowMs: 60_000 }, publicUrl: 'http://127.0.0.1:9' },
    });
    app = await createApp({ store, catalog, connections, gateway, secrets, clock, logLevel: false });
    const created = await call(ADMIN, 'POST', '/api/environments/default/connections', { connectorName: 'keyed-echo', values: { api_key: 'k-0123456789', host: `127.0.0.1:${port}` } });
    connectionId = (JSON.parse(created.text) as { id: string }).id;
    const bob = await store.principals.create({ kind: 'user', name: 'bob', role: 'maker' });
    bobId = bob.id;
    bobToken = generateToken();
    bobTokenId = (await store.apiTokens.create({ principalId: bob.id, name: 'bob', tokenHash: hashToken(bobToken) })).id;
    const shared = await call(ADMIN, 'POST', `/api/environments/default/connections/${connectionId}/shares`, { principalId: bob.id });
    assert.ok(shared.status < 300, shared.text);
  });
  after(async () => {
    await app.close();
    await gateway.close();
    await store.close();
    backend.close();
  });

  test('a share withdrawn is refused on /apim once the window has passed', async () => {
    assert.equal((await call(bobToken, 'GET', `/apim/keyed-echo/${connectionId}/items/1`)).status, 200);
    const unshared = await call(ADMIN, 'DELETE', `/api/environments/default/connections/${connectionId}/shares/${bobId}`);
    assert.ok(unshared.status < 300, unshared.text);
    clock.advance(2001);
    const after = await call(bobToken, 'GET', `/apim/keyed-echo/${connectionId}/items/1`);
    assert.ok(after.status === 403 || after.status === 404, after.text);
  });

  test('a revoked token is refused at once on /api and on /apim once the window has passed', async () => {
    const list = '/api/environments/default/connections';
    assert.equal((await call(bobToken, 'GET', list)).status, 200);
    assert.equal((await call(bobToken, 'GET', `/apim/keyed-echo/${connectionId}/items/1`)).status !== 401, true);
    await store.apiTokens.revoke(bobTokenId);
    assert.equal((await call(bobToken, 'GET', list)).status, 401, '/api looks the token up on every request');
    clock.advance(2001);
    assert.equal((await call(bobToken, 'GET', `/apim/keyed-echo/${connectionId}/items/1`)).status, 401);
  });
});
