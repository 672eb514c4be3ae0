import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConnector } from '../../src/connectors/index.ts';
import type { ConnectorDefinition } from '../../src/connectors/index.ts';
import { isPlugboardError } from '../../src/core/index.ts';
import { createInvoker } from '../../src/gateway/invoke/invoker.ts';
import type { Egress, UsableConnection } from '../../src/gateway/invoke/ports.ts';

interface Seen {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

const seen: Seen[] = [];
let handler: (req: IncomingMessage, body: string, res: ServerResponse) => void = (_req, _body, res) => res.end();
const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const body = Buffer.concat(chunks).toString();
    seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
    handler(req, body, res);
  });
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const port = (server.address() as AddressInfo).port;
after(() => server.close());

/** A plain fetch egress for these tests (the real one adds the SSRF guard; it has its own tests). */
const egress: Egress = {
  async send(call) {
    const response = await fetch(call.url, { method: call.method, headers: call.headers, body: call.body });
    const headers: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      headers[name] = value;
    });
    return { status: response.status, headers, body: new Uint8Array(await response.arrayBuffer()), url: response.url };
  },
};

function definitionFor(document: Record<string, unknown>): ConnectorDefinition {
  const bytes = new TextEncoder().encode(JSON.stringify({ swagger: '2.0', info: { title: 'T', version: '1' }, host: `127.0.0.1:${port}`, basePath: '/v1', schemes: ['http'], ...document }));
  const { definition } = loadConnector({ kind: 'file', path: 't.swagger.json', file: { name: 't.swagger.json', size: bytes.length, bytes } });
  assert.ok(definition);
  return definition;
}

const SECRET = 'canary-Secret-4711-xyz';

const itemsApi = definitionFor({
  securityDefinitions: { key: { type: 'apiKey', in: 'header', name: 'X-Api-Key' } },
  paths: {
    '/items': {
      get: {
        operationId: 'ListItems',
        parameters: [{ name: 'top', in: 'query', type: 'integer' }],
        'x-ms-pageable': { nextLinkName: 'nextLink' },
        responses: { '200': { description: 'ok' } },
      },
    },
    '/items/{id}': {
      get: { operationId: 'GetItem', parameters: [{ name: 'id', in: 'path', required: true, type: 'string' }], responses: { '200': { description: 'ok' } } },
    },
    '/echo': { post: { operationId: 'Echo', parameters: [{ name: 'body', in: 'body', schema: { type: 'object' } }], responses: { '200': { description: 'ok' } } } },
  },
});

const connection: UsableConnection = {
  id: 'c1',
  environmentId: 'e1',
  connectorName: 'items',
  status: 'connected',
  parameters: { api_key: SECRET },
  secrets: [SECRET],
  usesOAuth: false,
};

function invokerFor(definition: ConnectorDefinition, overrides: Partial<UsableConnection> = {}, tokens?: Parameters<typeof createInvoker>[0]['tokens']) {
  const statuses: string[] = [];
  const invoker = createInvoker({
    connectors: { resolve: async () => ({ key: 'items@1', definition }) },
    connections: {
      resolveForUse: async () => ({ ...connection, ...overrides }),
      setStatus: async (_id, status) => {
        statuses.push(status);
      },
    },
    egress,
    tokens,
    pageCap: 3,
  });
  return { invoker, statuses };
}

const caller = { principalId: 'p1', role: 'maker' };

test('an operation call carries the API key and follows x-ms-pageable next links up to the page cap', async () => {
  seen.length = 0;
  handler = (req, _body, res) => {
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    const page = Number(url.searchParams.get('page') ?? '1');
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ value: [{ n: page }], nextLink: `http://127.0.0.1:${port}/v1/items?page=${page + 1}` }));
  };
  const { invoker } = invokerFor(itemsApi);
  const result = await invoker.invoke({ environment: 'default', caller, connectionId: 'c1', operationId: 'ListItems', arguments: { top: 2 } });
  assert.equal(result.status, 200);
  assert.equal(result.pages, 3);
  assert.deepEqual((result.body as { value: unknown[] }).value, [{ n: 1 }, { n: 2 }, { n: 3 }]);
  assert.equal(seen[0]?.url, '/v1/items?top=2');
  assert.ok(seen.every((request) => request.headers['x-api-key'] === SECRET), 'every page is fetched with the key');
});

test('a non-2xx answer becomes an UpstreamError carrying status and body; invokeRaw passes it through', async () => {
  handler = (_req, _body, res) => {
    res.statusCode = 404;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ message: 'no such item' }));
  };
  const { invoker } = invokerFor(itemsApi);
  await assert.rejects(invoker.invoke({ environment: 'default', caller, connectionId: 'c1', operationId: 'GetItem', arguments: { id: '42' } }), (error: unknown) => {
    assert.ok(isPlugboardError(error));
    assert.equal(error.code, 'UpstreamError');
    assert.equal(error.details?.['status'], 404);
    assert.deepEqual(error.details?.['body'], { message: 'no such item' });
    return true;
  });
  const raw = await invoker.invokeRaw({ environment: 'default', caller, connectorName: 'items', connectionId: 'c1', method: 'GET', path: '/items/42', query: [], headers: {}, body: undefined });
  assert.equal(raw.operationId, 'GetItem');
  assert.equal(raw.status, 404);
  assert.equal(seen.at(-1)?.url, '/v1/items/42');
});

test('a backend that echoes the request cannot hand the connection secret back to the caller', async () => {
  handler = (req, body, res) => {
    res.setHeader('content-type', 'application/json');
    res.setHeader('x-echo-key', String(req.headers['x-api-key']));
    res.end(JSON.stringify({ headers: req.headers, body }));
  };
  const { invoker } = invokerFor(itemsApi);
  const result = await invoker.invoke({ environment: 'default', caller, connectionId: 'c1', operationId: 'Echo', arguments: { body: { hello: 'world' } } });
  const text = JSON.stringify(result);
  assert.ok(!text.includes(SECRET), 'secret masked in body and headers');
  assert.match(text, /\*\*\*/);
  assert.match(text, /hello/);
});

test('an unknown operation or path is refused with a hint', async () => {
  const { invoker } = invokerFor(itemsApi);
  await assert.rejects(invoker.invoke({ environment: 'default', caller, connectionId: 'c1', operationId: 'listitems' }), /no operation `listitems` — did you mean `ListItems`/);
  await assert.rejects(
    invoker.invokeRaw({ environment: 'default', caller, connectorName: 'items', connectionId: 'c1', method: 'DELETE', path: '/items', query: [], headers: {}, body: undefined }),
    /no operation for DELETE \/items/,
  );
  await assert.rejects(
    invoker.invokeRaw({ environment: 'default', caller, connectorName: 'other', connectionId: 'c1', method: 'GET', path: '/items', query: [], headers: {}, body: undefined }),
    /belongs to connector `items`/,
  );
});

test('an OAuth connection refreshes once after a 401 and retries with the new token', async () => {
  const oauthApi = definitionFor({
    securityDefinitions: { oauth: { type: 'oauth2', flow: 'accessCode', authorizationUrl: 'https://a/authorize', tokenUrl: 'https://a/token', scopes: {} } },
    paths: { '/me': { get: { operationId: 'Me', responses: { '200': { description: 'ok' } } } } },
  });
  handler = (req, _body, res) => {
    res.statusCode = req.headers.authorization === 'Bearer fresh' ? 200 : 401;
    res.setHeader('content-type', 'application/json');
    res.end('{"ok":true}');
  };
  const requests: boolean[] = [];
  const { invoker, statuses } = invokerFor(oauthApi, { usesOAuth: true, parameters: {}, secrets: [] }, {
    getAccessToken: async (_id, options) => {
      requests.push(options?.forceRefresh === true);
      return options?.forceRefresh === true ? 'fresh' : 'stale';
    },
  });
  const result = await invoker.invoke({ environment: 'default', caller, connectionId: 'c1', operationId: 'Me' });
  assert.equal(result.status, 200);
  assert.deepEqual(requests, [false, true]);
  assert.deepEqual(statuses, []);
});

test('a connector script.ts runs in the sandbox for its operations and its send() reaches the backend through egress', async () => {
  const { readFolder } = await import('../connectors/connector-kit.ts');
  const { createCustomCodeResolver } = await import('../../src/gateway/script/index.ts');
  const loaded = loadConnector(readFolder(new URL('../fixtures/script/echo-connector', import.meta.url).pathname)).definition;
  assert.ok(loaded);
  const definition: ConnectorDefinition = { ...loaded, host: `127.0.0.1:${port}`, schemes: ['http'] };
  seen.length = 0;
  handler = (_req, body, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ received: JSON.parse(body) }));
  };
  const invoker = createInvoker({
    connectors: { resolve: async () => ({ key: 'echo@1', definition }) },
    connections: { resolveForUse: async () => ({ ...connection, parameters: {}, secrets: [] }), setStatus: async () => undefined },
    egress,
    customCode: createCustomCodeResolver(),
  });
  const result = await invoker.invoke({ environment: 'default', caller, connectionId: 'c1', operationId: 'Echo', arguments: { body: { message: 'hi' } } });
  assert.deepEqual(result.body, { received: { message: 'hi', via: 'script.ts' } });
  assert.equal(result.headers['x-handled-by'], 'Echo');
  assert.equal(seen.length, 1);
  assert.equal(seen[0]?.url, '/echo');
});
