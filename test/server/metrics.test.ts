/**
 * `GET /metrics` through the real app: who may read it, gateway calls counted by connector and
 * status as they happen, the queues' depth read at scrape time, and no id, URL or secret in a label.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { createCatalog } from '../../src/catalog/index.ts';
import { createConnectionService } from '../../src/connections/index.ts';
import { PlugboardError, systemClock } from '../../src/core/index.ts';
import { createPlugboardMetrics, METRIC_NAMES } from '../../src/observability/index.ts';
import type { PlugboardMetrics } from '../../src/observability/index.ts';
import { createEmbeddedQueue } from '../../src/queue/index.ts';
import { generateMasterKey, openSecrets } from '../../src/secrets/index.ts';
import { BUILTIN_CONNECTORS_DIR, catalogConnectorLookup, createApp, createGatewayWiring, ensureAdminToken, generateToken, hashToken, loadConfig, startServer } from '../../src/server/index.ts';
import type { GatewayWiring, RegisteredRoute } from '../../src/server/index.ts';
import { openStore } from '../../src/storage/index.ts';
import type { Store } from '../../src/storage/index.ts';
import { parsePrometheusText, sampleValue } from '../kit/prometheus-text.ts';

const ADMIN = 'metrics-admin-token-0123456789';
const CANARY = 'canary-KEY-5e4d3c2b1a09';
/** PLUGBOARD_METRICS_TOKEN of the scrape-token tests. */
const SCRAPE = 'scrape-only-0f1e2d3c4b5a69788796';
const FIXTURE = resolve(import.meta.dirname, '../fixtures/gateway/keyed-echo');
/** Every label name the product's metrics may use: none can hold an id. */
const ALLOWED_LABELS = new Set(['trigger', 'status', 'type', 'kind', 'outcome', 'connector', 'queue', 'le']);

const backend = createServer((req, res) => {
  res.setHeader('content-type', 'application/json');
  if (req.url?.startsWith('/api/items/missing')) {
    res.statusCode = 404;
    res.end(JSON.stringify({ message: 'no such item' }));
  } else {
    res.end(JSON.stringify({ id: req.url?.split('/').at(-1), name: 'One' }));
  }
});

describe('GET /metrics', () => {
  let store: Store;
  let app: FastifyInstance;
  let gateway: GatewayWiring;
  let metrics: PlugboardMetrics;
  let makerToken: string;
  let connectionId: string;
  let backendUrl: string;

  const get = (url: string, token: string | null = ADMIN, headers: Record<string, string> = {}) =>
    app.inject({ method: 'GET', url, headers: { ...(token === null ? {} : { authorization: `Bearer ${token}` }), ...headers } });
  const scrape = async () => {
    const res = await get('/metrics');
    assert.equal(res.statusCode, 200, res.body);
    return { text: res.body, parsed: parsePrometheusText(res.body) };
  };

  before(async () => {
    await new Promise<void>((done) => backend.listen(0, '127.0.0.1', done));
    const port = (backend.address() as AddressInfo).port;
    backendUrl = `127.0.0.1:${port}`;
    store = await openStore({ driver: 'sqlite', memory: true });
    await ensureAdminToken(store, { bootstrapToken: ADMIN, clock: systemClock });
    const maker = await store.principals.create({ kind: 'user', name: 'mia', role: 'maker' });
    makerToken = generateToken();
    await store.apiTokens.create({ principalId: maker.id, name: 'mia', tokenHash: hashToken(makerToken) });
    const catalog = createCatalog({ store, builtinDir: BUILTIN_CONNECTORS_DIR });
    await catalog.syncBuiltins('default');
    await catalog.importPath(FIXTURE, { environment: 'default', name: 'keyed-echo' });
    const secrets = await openSecrets({ config: { kind: 'value', keys: [generateMasterKey()] }, keys: store.secretKeys });
    const connections = createConnectionService({ store, secrets, connectors: catalogConnectorLookup(catalog) });
    metrics = createPlugboardMetrics({ queues: ['workflow.runs', 'workflow.triggers'], queueDepth: (queue) => store.jobs.countLive(queue) });
    gateway = createGatewayWiring({
      store,
      catalog,
      connections,
      secrets,
      calls: metrics,
      config: {
        egress: { allow: ['127.0.0.1/32'], allowMetadata: false, timeoutMs: 10_000, maxResponseBytes: 1024 * 1024 },
        rateLimit: { calls: 100, windowMs: 60_000 },
        publicUrl: 'http://127.0.0.1:9',
      },
    });
    app = await createApp({ store, catalog, connections, gateway, secrets, metrics, logLevel: false });
    const created = await app.inject({
      method: 'POST',
      url: '/api/environments/default/connections',
      headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
      payload: JSON.stringify({ connectorName: 'keyed-echo', values: { api_key: CANARY, host: backendUrl } }),
    });
    assert.equal(created.statusCode, 201, created.body);
    connectionId = String(created.json().id);
  });
  after(async () => {
    await app.close();
    await gateway.close();
    await store.close();
    backend.close();
  });

  test('needs a token with metrics:read: none is 401, a maker is 403, an admin gets the text format', async () => {
    const anonymous = await get('/metrics', null);
    assert.equal(anonymous.statusCode, 401);
    assert.equal(anonymous.json().error.code, 'Unauthorized');
    const unknown = await get('/metrics', 'pb_not-a-real-token');
    assert.equal(unknown.statusCode, 401);
    const maker = await get('/metrics', makerToken);
    assert.equal(maker.statusCode, 403);
    assert.match(maker.json().error.message, /metrics:read/);
    const admin = await get('/metrics');
    assert.equal(admin.statusCode, 200);
    assert.equal(admin.headers['content-type'], 'text/plain; version=0.0.4; charset=utf-8');
    assert.equal(admin.headers['cache-control'], 'no-store');
    const parsed = parsePrometheusText(admin.body);
    for (const name of Object.values(METRIC_NAMES)) assert.ok(parsed.types.has(name), `${name} has a # TYPE line`);
  });

  test('gateway calls through /apim and by operation id are counted by connector and backend status', async () => {
    const before = (await scrape()).parsed;
    const count = (parsed: typeof before, status: string) => sampleValue(parsed, METRIC_NAMES.gatewayCalls, { connector: 'keyed-echo', status }) ?? 0;
    const ok = await get(`/apim/keyed-echo/${connectionId}/items/42`);
    assert.equal(ok.statusCode, 200, ok.body);
    const missing = await get(`/apim/keyed-echo/${connectionId}/items/missing`);
    assert.equal(missing.statusCode, 404);
    const byId = await app.inject({
      method: 'POST',
      url: `/api/environments/default/connections/${connectionId}/invoke`,
      headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
      payload: JSON.stringify({ operationId: 'GetItem', arguments: { id: 'missing' } }),
    });
    assert.equal(byId.statusCode, 502, byId.body);
    const after = (await scrape()).parsed;
    assert.equal(count(after, '200') - count(before, '200'), 1);
    // The raw 404 is passed through, the operation call's 404 becomes an UpstreamError: both count as 404.
    assert.equal(count(after, '404') - count(before, '404'), 2);
    const timed = (parsed: typeof before) => sampleValue(parsed, `${METRIC_NAMES.gatewayCallDuration}_count`, { connector: 'keyed-echo' }) ?? 0;
    assert.equal(timed(after) - timed(before), 3);
  });

  test('the connector label is the connection\'s connector, not the URL segment a caller chose', async () => {
    const spoofed = await get(`/apim/made-up-connector-name/${connectionId}/items/1`);
    assert.notEqual(spoofed.statusCode, 200);
    const unknownConnection = await app.inject({
      method: 'POST',
      url: '/api/environments/default/connections/00000000-0000-4000-8000-000000000000/invoke',
      headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
      payload: JSON.stringify({ operationId: 'GetItem', arguments: { id: '1' } }),
    });
    assert.equal(unknownConnection.statusCode, 404, unknownConnection.body);
    const { text, parsed } = await scrape();
    assert.ok(!text.includes('made-up-connector-name'));
    assert.ok((sampleValue(parsed, METRIC_NAMES.gatewayCalls, { connector: 'unknown', status: 'error' }) ?? 0) >= 1);
  });

  test('queue depth is read from the store at each scrape', async () => {
    const depth = async (queue: string) => sampleValue((await scrape()).parsed, METRIC_NAMES.queueDepth, { queue });
    assert.equal(await depth('workflow.runs'), 0);
    assert.equal(await depth('workflow.triggers'), 0);
    const queue = createEmbeddedQueue({ store });
    await queue.enqueue('workflow.runs', { runId: 'r1' });
    await queue.enqueue('workflow.runs', { runId: 'r2' });
    await queue.enqueue('workflow.triggers', { flowId: 'f1' });
    assert.equal(await depth('workflow.runs'), 2);
    assert.equal(await depth('workflow.triggers'), 1);
    await queue.stop();
  });

  test('run, action and trigger events reported by the observer show up in the scrape', async () => {
    metrics.runStarted({ trigger: 'Request' });
    metrics.actionFinished({ type: 'Http', status: 'Succeeded', durationMs: 120 });
    metrics.runFinished({ status: 'Succeeded', durationMs: 300 });
    metrics.triggerPolled({ kind: 'Recurrence', outcome: 'fired' });
    const { parsed } = await scrape();
    assert.equal(sampleValue(parsed, METRIC_NAMES.runsStarted, { trigger: 'Request' }), 1);
    assert.equal(sampleValue(parsed, METRIC_NAMES.runsFinished, { status: 'Succeeded' }), 1);
    assert.equal(sampleValue(parsed, `${METRIC_NAMES.actionDuration}_bucket`, { type: 'Http', status: 'Succeeded', le: '0.25' }), 1);
    assert.equal(sampleValue(parsed, METRIC_NAMES.triggerPolls, { kind: 'Recurrence', outcome: 'fired' }), 1);
  });

  test('no label carries an id, a URL, a token or a secret', async () => {
    await get(`/apim/keyed-echo/${connectionId}/items/${encodeURIComponent(CANARY)}`);
    metrics.runStarted({ trigger: connectionId });
    const { text, parsed } = await scrape();
    for (const secret of [connectionId, CANARY, ADMIN, makerToken, backendUrl, 'http://', '/items/']) assert.ok(!text.includes(secret), `${secret} appears in /metrics`);
    for (const sample of parsed.samples) {
      for (const name of Object.keys(sample.labels)) assert.ok(ALLOWED_LABELS.has(name), `${sample.name} has label ${name}`);
    }
  });
});

describe('GET /metrics access settings', () => {
  test('`public` answers without a token; an app without metrics has no /metrics', async () => {
    const store = await openStore({ driver: 'sqlite', memory: true });
    const catalog = createCatalog({ store, builtinDir: BUILTIN_CONNECTORS_DIR });
    const open = await createApp({ store, catalog, metrics: createPlugboardMetrics(), metricsAccess: 'public', logLevel: false });
    const none = await createApp({ store, catalog, logLevel: false });
    try {
      const res = await open.inject({ method: 'GET', url: '/metrics' });
      assert.equal(res.statusCode, 200);
      assert.match(res.body, /^# TYPE plugboard_runs_started_total counter$/m);
      assert.equal((await none.inject({ method: 'GET', url: '/metrics' })).statusCode, 404);
    } finally {
      await open.close();
      await none.close();
      await store.close();
    }
  });

  test('PLUGBOARD_METRICS_ACCESS defaults to token and refuses an unknown value', () => {
    assert.equal(loadConfig({}).metrics.access, 'token');
    assert.equal(loadConfig({ PLUGBOARD_METRICS_ACCESS: 'off' }).metrics.access, 'off');
    assert.throws(
      () => loadConfig({ PLUGBOARD_METRICS_ACCESS: 'open' }),
      (error: unknown) => error instanceof PlugboardError && error.code === 'ConfigInvalid' && /PLUGBOARD_METRICS_ACCESS is "open" — use one of token, public, off/.test(error.message),
    );
  });

  test('plugboard start serves /metrics to the admin token with both queues, and `off` removes it', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'plugboard-metrics-'));
    try {
      const env = { PLUGBOARD_DATA_DIR: dataDir, PLUGBOARD_PORT: '0', PLUGBOARD_LOG_LEVEL: 'silent', PLUGBOARD_BOOTSTRAP_TOKEN: ADMIN };
      const server = await startServer(loadConfig(env));
      try {
        const res = await server.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${ADMIN}` } });
        assert.equal(res.statusCode, 200, res.body);
        const parsed = parsePrometheusText(res.body);
        assert.equal(sampleValue(parsed, METRIC_NAMES.queueDepth, { queue: 'workflow.runs' }), 0);
        assert.equal(sampleValue(parsed, METRIC_NAMES.queueDepth, { queue: 'workflow.triggers' }), 0);
        assert.equal((await server.app.inject({ method: 'GET', url: '/metrics' })).statusCode, 401);
      } finally {
        await server.close();
      }
      const off = await startServer(loadConfig({ ...env, PLUGBOARD_METRICS_ACCESS: 'off' }));
      try {
        assert.equal((await off.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${ADMIN}` } })).statusCode, 404);
      } finally {
        await off.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('the scrape-only token (PLUGBOARD_METRICS_TOKEN)', () => {
  let store: Store;
  let app: FastifyInstance;
  let makerToken: string;
  const routes: RegisteredRoute[] = [];
  const logLines: string[] = [];
  const call = (method: 'GET' | 'POST', url: string, token: string | null) => app.inject({ method, url, headers: token === null ? {} : { authorization: `Bearer ${token}` } });

  before(async () => {
    store = await openStore({ driver: 'sqlite', memory: true });
    await ensureAdminToken(store, { bootstrapToken: ADMIN, clock: systemClock });
    const maker = await store.principals.create({ kind: 'user', name: 'mia', role: 'maker' });
    makerToken = generateToken();
    await store.apiTokens.create({ principalId: maker.id, name: 'mia', tokenHash: hashToken(makerToken) });
    const catalog = createCatalog({ store, builtinDir: BUILTIN_CONNECTORS_DIR });
    await catalog.syncBuiltins('default');
    const secrets = await openSecrets({ config: { kind: 'value', keys: [generateMasterKey()] }, keys: store.secretKeys });
    const connections = createConnectionService({ store, secrets, connectors: catalogConnectorLookup(catalog) });
    app = await createApp({
      store,
      catalog,
      connections,
      metrics: createPlugboardMetrics(),
      metricsToken: SCRAPE,
      logLevel: 'info',
      logStream: { write: (line) => logLines.push(line) },
      onRoute: (route) => routes.push(route),
    });
  });
  after(async () => {
    await app.close();
    await store.close();
  });

  test('reads /metrics without an admin token, and admins and makers keep their answers', async () => {
    const scraped = await call('GET', '/metrics', SCRAPE);
    assert.equal(scraped.statusCode, 200, scraped.body);
    assert.equal(scraped.headers['content-type'], 'text/plain; version=0.0.4; charset=utf-8');
    assert.match(scraped.body, /^# TYPE plugboard_runs_started_total counter$/m);
    assert.equal((await call('GET', '/metrics', ADMIN)).statusCode, 200);
    assert.equal((await call('GET', '/metrics', makerToken)).statusCode, 403);
    assert.equal((await call('GET', '/metrics', null)).statusCode, 401);
  });

  test('a wrong token is refused on /metrics: one character off, a prefix, or the token with more after it', async () => {
    for (const wrong of [`${SCRAPE.slice(0, -1)}7`, SCRAPE.slice(0, 16), `${SCRAPE}x`]) {
      const res = await call('GET', '/metrics', wrong);
      assert.equal(res.statusCode, 401, wrong);
      assert.equal(res.json().error.code, 'Unauthorized');
    }
  });

  test('is an unknown token on every other route that needs one, /api and unknown /api paths included', async () => {
    const guarded = routes.filter((route) => route.config?.permission !== 'public' && route.url !== '/metrics');
    assert.ok(guarded.length > 20, `only ${guarded.length} routes were registered`);
    for (const route of guarded) {
      const url = route.url.replace(/:env\b/g, 'default').replace(/:[A-Za-z]+/g, 'x').replace('*', 'x');
      for (const method of [route.method].flat()) {
        const res = await app.inject({ method: method as 'GET', url, headers: { authorization: `Bearer ${SCRAPE}` } });
        assert.equal(res.statusCode, 401, `${method} ${route.url}: ${res.body}`);
        if (method === 'HEAD') continue;
        assert.equal(res.json().error.code, 'Unauthorized');
        assert.match(res.json().error.message, /the API token is unknown, revoked or expired/);
      }
    }
    const unknownPath = await call('GET', '/api/no-such-route', SCRAPE);
    assert.equal(unknownPath.statusCode, 401);
    // The admin token still reads the same routes: the refusal is the scrape token's, not the route's.
    assert.equal((await call('GET', '/api/environments', ADMIN)).statusCode, 200);
  });

  test('never appears in a log line', async () => {
    await call('GET', '/metrics', SCRAPE);
    await call('GET', '/api/environments', SCRAPE);
    await call('GET', `/metrics?token=${SCRAPE.slice(0, 4)}`, 'pb_wrong-token-for-the-log-check');
    assert.ok(logLines.length > 0, 'the app logged requests');
    for (const line of logLines) assert.ok(!line.includes(SCRAPE), `the scrape token appears in ${line}`);
  });

  test('config: read as given or from _FILE; too short, whitespace, the bootstrap token or an access other than token are refused without echoing the value', () => {
    assert.equal(loadConfig({}).metrics.token, undefined);
    assert.equal(loadConfig({ PLUGBOARD_METRICS_TOKEN: SCRAPE }).metrics.token, SCRAPE);
    const dir = mkdtempSync(join(tmpdir(), 'plugboard-scrape-'));
    try {
      writeFileSync(join(dir, 'token'), `${SCRAPE}\n`);
      assert.equal(loadConfig({ PLUGBOARD_METRICS_TOKEN_FILE: join(dir, 'token') }).metrics.token, SCRAPE);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const refused = (env: Record<string, string>, message: RegExp, secret: string) =>
      assert.throws(
        () => loadConfig(env),
        (error: unknown) => error instanceof PlugboardError && error.code === 'ConfigInvalid' && message.test(error.message) && !error.message.includes(secret),
      );
    refused({ PLUGBOARD_METRICS_TOKEN: 'short-secret-15' }, /^PLUGBOARD_METRICS_TOKEN is shorter than 16 characters — use a long random value/, 'short-secret-15');
    refused({ PLUGBOARD_METRICS_TOKEN: 'has a space in it, long enough' }, /^PLUGBOARD_METRICS_TOKEN holds whitespace/, 'has a space');
    refused({ PLUGBOARD_METRICS_TOKEN: ADMIN, PLUGBOARD_BOOTSTRAP_TOKEN: ADMIN }, /^PLUGBOARD_METRICS_TOKEN is the same value as PLUGBOARD_BOOTSTRAP_TOKEN/, ADMIN);
    refused({ PLUGBOARD_METRICS_TOKEN: SCRAPE, PLUGBOARD_METRICS_ACCESS: 'public' }, /^PLUGBOARD_METRICS_TOKEN is set but PLUGBOARD_METRICS_ACCESS is "public"/, SCRAPE);
    refused({ PLUGBOARD_METRICS_TOKEN: SCRAPE, PLUGBOARD_METRICS_ACCESS: 'off' }, /PLUGBOARD_METRICS_ACCESS is "off"/, SCRAPE);
  });

  test('plugboard start with PLUGBOARD_METRICS_TOKEN serves /metrics to it and nothing else', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'plugboard-scrape-start-'));
    try {
      const server = await startServer(loadConfig({ PLUGBOARD_DATA_DIR: dataDir, PLUGBOARD_PORT: '0', PLUGBOARD_LOG_LEVEL: 'silent', PLUGBOARD_BOOTSTRAP_TOKEN: ADMIN, PLUGBOARD_METRICS_TOKEN: SCRAPE }));
      try {
        const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
        assert.equal((await server.app.inject({ method: 'GET', url: '/metrics', headers: bearer(SCRAPE) })).statusCode, 200);
        assert.equal((await server.app.inject({ method: 'GET', url: '/api/environments', headers: bearer(SCRAPE) })).statusCode, 401);
        assert.equal((await server.app.inject({ method: 'GET', url: '/api/environments', headers: bearer(ADMIN) })).statusCode, 200);
        assert.equal((await server.app.inject({ method: 'GET', url: '/metrics', headers: bearer(ADMIN) })).statusCode, 200);
      } finally {
        await server.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
