/**
 * HTTP API: the gateway through the real Fastify app — /apim runtime calls with credentials and
 * policies against a loopback backend, rate limit (429 + Retry-After), egress refusals, secret
 * canaries in echoed answers, operation calls by id, dynamic values and the connection test.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { createCatalog } from '../../src/catalog/index.ts';
import { createConnectionService } from '../../src/connections/index.ts';
import { systemClock } from '../../src/core/index.ts';
import { generateMasterKey, openSecrets } from '../../src/secrets/index.ts';
import { BUILTIN_CONNECTORS_DIR, catalogConnectorLookup, createApp, createGatewayWiring, ensureAdminToken } from '../../src/server/index.ts';
import type { GatewayWiring } from '../../src/server/index.ts';
import { openStore } from '../../src/storage/index.ts';
import type { Store } from '../../src/storage/index.ts';

const ADMIN = 'gateway-admin-token-0123456789';
const CANARY = 'canary-KEY-9f8e7d6c5b4a';
const FIXTURE = resolve(import.meta.dirname, '../fixtures/gateway/keyed-echo');

interface Seen {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

const seen: Seen[] = [];
const backend = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const body = Buffer.concat(chunks).toString();
    seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
    res.setHeader('content-type', 'application/json');
    if (req.url?.startsWith('/api/items/missing')) {
      res.statusCode = 404;
      res.end(JSON.stringify({ message: 'no such item' }));
    } else if (req.url?.startsWith('/api/items/')) {
      res.end(JSON.stringify({ id: req.url.split('/').at(-1), name: 'One' }));
    } else if (req.url?.startsWith('/api/items')) {
      res.end(JSON.stringify({ value: [{ id: 'a', name: 'Alpha' }, { id: 'b', name: 'Beta' }] }));
    } else {
      res.end(JSON.stringify({ youSent: { headers: req.headers, body } }));
    }
  });
});

async function startApp(options: { allow: string[]; calls?: number }) {
  const store = await openStore({ driver: 'sqlite', memory: true });
  await ensureAdminToken(store, { bootstrapToken: ADMIN, clock: systemClock });
  const catalog = createCatalog({ store, builtinDir: BUILTIN_CONNECTORS_DIR });
  await catalog.syncBuiltins('default');
  await catalog.importPath(FIXTURE, { environment: 'default', name: 'keyed-echo' });
  const secrets = await openSecrets({ config: { kind: 'value', keys: [generateMasterKey()] }, keys: store.secretKeys });
  const connections = createConnectionService({ store, secrets, connectors: catalogConnectorLookup(catalog) });
  const gateway = createGatewayWiring({
    store,
    catalog,
    connections,
    secrets,
    config: {
      egress: { allow: options.allow, allowMetadata: false, timeoutMs: 10_000, maxResponseBytes: 1024 * 1024 },
      rateLimit: { calls: options.calls ?? 100, windowMs: 60_000 },
      publicUrl: 'http://127.0.0.1:9',
    },
  });
  const app = await createApp({ store, catalog, connections, gateway, secrets, logLevel: false });
  return { store, app, gateway };
}

function caller(app: FastifyInstance) {
  return async (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: unknown, headers: Record<string, string> = {}) => {
    const res = await app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${ADMIN}`, ...(payload === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      ...(payload === undefined ? {} : { payload: JSON.stringify(payload) }),
    });
    return { status: res.statusCode, headers: res.headers, text: res.body, body: res.body === '' ? undefined : (JSON.parse(res.body) as Record<string, unknown>) };
  };
}

describe('HTTP API: gateway', () => {
  let port: number;
  let store: Store;
  let app: FastifyInstance;
  let gateway: GatewayWiring;
  let call: ReturnType<typeof caller>;
  let connectionId: string;

  before(async () => {
    await new Promise<void>((done) => backend.listen(0, '127.0.0.1', done));
    port = (backend.address() as AddressInfo).port;
    ({ store, app, gateway } = await startApp({ allow: ['127.0.0.1/32'], calls: 8 }));
    call = caller(app);
    const created = await call('POST', '/api/environments/default/connections', { connectorName: 'keyed-echo', values: { api_key: CANARY, host: `127.0.0.1:${port}` } });
    assert.equal(created.status, 201, created.text);
    connectionId = String(created.body?.['id']);
  });
  after(async () => {
    await app.close();
    await gateway.close();
    await store.close();
    backend.close();
  });

  test('a runtime call through /apim reaches the host the policy built, with the API key and the policy header', async () => {
    seen.length = 0;
    const res = await call('GET', `/apim/keyed-echo/${connectionId}/items/42`);
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body, { id: '42', name: 'One' });
    assert.equal(seen[0]?.url, '/api/items/42');
    assert.equal(seen[0]?.headers['x-api-key'], CANARY);
    assert.equal(seen[0]?.headers['x-source'], 'plugboard');
  });

  test('a backend error status is passed through /apim, and becomes a typed error for operation calls', async () => {
    const raw = await call('GET', `/apim/keyed-echo/${connectionId}/items/missing`);
    assert.equal(raw.status, 404);
    assert.deepEqual(raw.body, { message: 'no such item' });
    const byId = await call('POST', `/api/environments/default/connections/${connectionId}/invoke`, { operationId: 'GetItem', arguments: { id: 'missing' } });
    assert.equal(byId.status, 502);
    const error = byId.body?.['error'] as Record<string, unknown>;
    assert.equal(error['code'], 'UpstreamError');
    assert.deepEqual((error['details'] as Record<string, unknown>)['body'], { message: 'no such item' });
  });

  test('an echoing backend cannot hand the API key back, through /apim or an operation call', async () => {
    const raw = await call('POST', `/apim/keyed-echo/${connectionId}/echo`, { hello: 'world' });
    assert.equal(raw.status, 200, raw.text);
    const byId = await call('POST', `/api/environments/default/connections/${connectionId}/invoke`, { operationId: 'Echo', arguments: { body: { hello: 'again' } } });
    assert.equal(byId.status, 200, byId.text);
    for (const text of [raw.text, JSON.stringify(raw.headers), byId.text]) {
      for (const form of [CANARY, Buffer.from(CANARY).toString('base64'), encodeURIComponent(CANARY)]) assert.ok(!text.includes(form), `canary leaked in ${text.slice(0, 200)}`);
    }
    assert.match(raw.text, /hello/);
  });

  test('dynamic values fill a drop-down by calling the referenced operation with the connection', async () => {
    const res = await call('POST', `/api/environments/default/connections/${connectionId}/dynamic-values`, { operationId: 'GetItem', parameter: 'id' });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body, { value: [{ value: 'a', displayName: 'Alpha' }, { value: 'b', displayName: 'Beta' }] });
  });

  test('testing a connection calls the connector\'s test operation and records the status', async () => {
    const res = await call('POST', `/api/environments/default/connections/${connectionId}/test`);
    assert.equal(res.status, 200, res.text);
    assert.equal((res.body?.['connection'] as Record<string, unknown>)['status'], 'connected');
  });

  test('the per-connection rate limit answers 429 with Retry-After once the budget is spent', async () => {
    let limited: Awaited<ReturnType<typeof call>> | undefined;
    for (let i = 0; i < 12 && limited === undefined; i++) {
      const res = await call('GET', `/apim/keyed-echo/${connectionId}/items/x${i}`);
      if (res.status === 429) limited = res;
    }
    assert.ok(limited, 'a call was limited');
    assert.equal((limited.body?.['error'] as Record<string, unknown>)['code'], 'RateLimited');
    assert.ok(Number(limited.headers['retry-after']) >= 1);
  });
});

describe('HTTP API: gateway egress guard', () => {
  test('a connection pointing at internal addresses is refused with EgressDenied, naming the address', async () => {
    const { store, app, gateway } = await startApp({ allow: [] });
    const call = caller(app);
    try {
      for (const host of ['127.0.0.1:9', '10.0.0.1', '169.254.169.254', '[::1]:9', 'localhost:9']) {
        const created = await call('POST', '/api/environments/default/connections', { connectorName: 'keyed-echo', values: { api_key: CANARY, host } });
        assert.equal(created.status, 201, created.text);
        const res = await call('GET', `/apim/keyed-echo/${String(created.body?.['id'])}/items/1`);
        assert.equal(res.status, 403, `${host}: ${res.text}`);
        const error = res.body?.['error'] as Record<string, unknown>;
        assert.equal(error['code'], 'EgressDenied', host);
        assert.ok(!res.text.includes(CANARY));
      }
    } finally {
      await app.close();
      await gateway.close();
      await store.close();
    }
  });
});
