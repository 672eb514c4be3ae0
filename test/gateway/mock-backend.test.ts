/** The mock backend over real HTTP: routing, request checks, answers, subscriptions and paging. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startMockServer } from '../../src/gateway/mock/index.ts';
import type { BackendView, MockServer } from '../../src/gateway/mock/index.ts';
import { loadConnector } from '../../src/connectors/index.ts';
import type { Operation } from '../../src/connectors/index.ts';
import { fixtureDefinition, loadDocument, MOCK_FIXTURE } from './mock-fixture.ts';

const KEY = { 'x-api-key': 'secret-key-123' };
let server: MockServer;

before(async () => {
  server = await startMockServer(fixtureDefinition());
});
after(async () => {
  await server.close();
});

interface ErrorBody {
  error: { code: string; operationId?: string; problems?: { where: string; message: string }[]; routes?: string[] };
}

async function call(path: string, init: RequestInit = {}): Promise<{ status: number; headers: Headers; text: string; json: () => unknown }> {
  const response = await fetch(`${server.url}${path}`, { ...init, headers: { ...KEY, ...(init.headers as Record<string, string> | undefined) } });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, json: () => JSON.parse(text) };
}

function problemsOf(body: unknown): { where: string; message: string }[] {
  return (body as ErrorBody).error.problems ?? [];
}

test('answers a valid request with the declared success status and a body matching the schema', async () => {
  const response = await call('/v1/items?top=5');
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
  const body = response.json() as { value: { id: string; name: string }[] };
  assert.ok(Array.isArray(body.value) && body.value.length >= 1, 'the list has at least one item');
  assert.equal(typeof body.value[0]?.id, 'string');
});

test('a missing required query parameter is a 400 naming query.top', async () => {
  const response = await call('/v1/items');
  assert.equal(response.status, 400);
  const body = response.json() as ErrorBody;
  assert.equal(body.error.code, 'MockRequestInvalid');
  assert.equal(body.error.operationId, 'ListItems');
  assert.deepEqual(problemsOf(body).map((p) => p.where), ['query.top']);
});

test('a query value outside its enum is a 400 naming the parameter and the allowed values', async () => {
  const response = await call('/v1/items?top=1&status=pending');
  assert.equal(response.status, 400);
  const [problem] = problemsOf(response.json());
  assert.equal(problem?.where, 'query.status');
  assert.match(problem?.message ?? '', /"open", "closed"/);
  assert.doesNotMatch(problem?.message ?? '', /pending/, 'the value sent is not echoed');
});

test('a query value of the wrong type is a 400', async () => {
  const response = await call('/v1/items?top=many');
  assert.equal(response.status, 400);
  assert.equal(problemsOf(response.json())[0]?.where, 'query.top');
});

test('a body violating its schema is a 400 naming the property', async () => {
  const response = await call('/v1/items', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: '', quantity: 0 }) });
  assert.equal(response.status, 400);
  const wheres = problemsOf(response.json()).map((p) => p.where).sort();
  assert.deepEqual(wheres, ['body.name', 'body.quantity']);
});

test('a required property missing from the body is named with its path', async () => {
  const response = await call('/v1/items', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ quantity: 2 }) });
  assert.equal(response.status, 400);
  assert.deepEqual(problemsOf(response.json()).map((p) => p.where), ['body.name']);
});

test('a missing required body and a body that is not JSON are 400s', async () => {
  const missing = await call('/v1/items', { method: 'POST' });
  assert.equal(missing.status, 400);
  assert.equal(problemsOf(missing.json())[0]?.where, 'body');
  const broken = await call('/v1/items', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name": ' });
  assert.equal(broken.status, 400);
  assert.match(problemsOf(broken.json())[0]?.message ?? '', /not valid JSON/);
});

test('a created item answers 201 with the declared response header generated', async () => {
  const response = await call('/v1/items', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Widget', quantity: 3 }) });
  assert.equal(response.status, 201);
  assert.match(response.headers.get('x-request-id') ?? '', /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
});

test('the API key header the security scheme asks for must be present, without echoing credentials', async () => {
  const response = await fetch(`${server.url}/v1/items?top=1`);
  assert.equal(response.status, 400);
  const [problem] = problemsOf(await response.json());
  assert.equal(problem?.where, 'header.X-API-Key');
  const anonymous = await fetch(`${server.url}/v1/public/ping`);
  assert.equal(anonymous.status, 200, 'an operation with `security: []` needs no key');
});

test('the declared example is answered when it is valid, and a generated value when it is not', async () => {
  const example = await call('/v1/items/item-42');
  assert.deepEqual(example.json(), { id: 'item-42', name: 'From the example', status: 'open' });
  const invalidExample = await call('/v1/items/item-1', { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: '{"name":"x"}' });
  assert.equal(invalidExample.status, 200);
  const body = invalidExample.json() as Record<string, unknown>;
  assert.notEqual(body['status'], 'archived', 'the example violates the enum, so it is not used');
  assert.equal(typeof body['name'], 'string');
});

test('a literal path segment wins over a parameter, and literals match case-insensitively when nothing matches exactly', async () => {
  await call('/v1/items/search');
  await call('/v1/legacy/items');
  const [search, legacy] = server.requests.slice(-2);
  assert.equal(search?.operationId, 'SearchItems');
  assert.equal(legacy?.operationId, 'LegacyItems');
  assert.equal(legacy?.status, 200);
});

test('a request without the base path, or under another prefix, is routed and the prefix recorded', async () => {
  const bare = await call('/items?top=1');
  assert.equal(bare.status, 200);
  assert.equal(server.requests.at(-1)?.prefix, '');
  const other = await call('/tenant/abc/api/items?top=1');
  assert.equal(other.status, 200);
  assert.equal(server.requests.at(-1)?.prefix, '/tenant/abc/api');
  await call('/v1/items?top=1');
  assert.equal(server.requests.at(-1)?.prefix, '/v1');
});

test('a path parameter with unencoded or double-encoded slashes still reaches its operation', async () => {
  const spanned = await call('/v1/files/a/b/c.txt');
  assert.equal(spanned.status, 200);
  assert.equal(server.requests.at(-1)?.operationId, 'GetFile');
  const doubled = await call(`/v1/files/${encodeURIComponent(encodeURIComponent('a/b.txt'))}`);
  assert.equal(doubled.status, 200);
  assert.equal(server.requests.at(-1)?.operationId, 'GetFile');
});

test('an unknown route is a 404 listing the served routes and nothing from the query', async () => {
  const response = await call('/v1/nothing/here/at/all?api_key=hunter2');
  assert.equal(response.status, 404);
  const body = response.json() as ErrorBody;
  assert.equal(body.error.code, 'MockRouteNotFound');
  assert.ok(body.error.routes?.includes('GET /v1/items'));
  assert.doesNotMatch(response.text, /hunter2/);
});

test('a webhook subscription answers 201 with a Location that accepts DELETE once', async () => {
  const callbackUrl = 'https://flows.example.net/callback/123';
  const response = await call('/v1/hooks', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ callbackUrl }) });
  assert.equal(response.status, 201);
  const location = response.headers.get('location') ?? '';
  assert.ok(location.startsWith(`${server.url}/__mock/subscriptions/`), location);
  const subscription = server.subscriptions.at(-1);
  assert.equal(subscription?.operationId, 'OnItemCreated');
  assert.equal(subscription?.callbackUrl, callbackUrl);
  assert.equal((await fetch(location, { method: 'DELETE' })).status, 204);
  assert.equal(server.subscriptions.at(-1)?.active, false);
  assert.equal((await fetch(location, { method: 'DELETE' })).status, 404, 'a subscription is deleted only once');
});

test('a pageable operation answers a next link to the mock on the first page and none on the second', async () => {
  const first = (await call('/v1/items?top=2')).json() as { nextLink?: string; value: unknown[] };
  assert.ok(first.nextLink?.startsWith(`${server.url}/v1/items?`), first.nextLink);
  const second = await fetch(first.nextLink ?? '', { headers: KEY });
  assert.equal(second.status, 200);
  const body = (await second.json()) as Record<string, unknown>;
  assert.equal(Object.hasOwn(body, 'nextLink'), false);
  assert.ok(Array.isArray(body['value']));
});

test('a polling trigger answers at least one item', async () => {
  const items = (await call('/v1/items/new')).json();
  assert.ok(Array.isArray(items) && items.length >= 1);
});

test('204 answers have no body; text and XML operations answer their media type', async () => {
  const deleted = await call('/v1/items/item-1', { method: 'DELETE' });
  assert.equal(deleted.status, 204);
  assert.equal(deleted.text, '');
  const report = await call('/v1/report');
  assert.match(report.headers.get('content-type') ?? '', /^text\/plain/);
  assert.ok(report.text.length > 0 && !report.text.startsWith('"'), 'plain text, not a JSON string');
  const exported = await call('/v1/export');
  assert.match(exported.headers.get('content-type') ?? '', /^application\/xml/);
  assert.match(exported.text, /^<\?xml[^>]*><root><count>\d+<\/count><\/root>$/);
});

test('a multipart upload needs its required fields and respects enums of form fields', async () => {
  const form = new FormData();
  form.append('file', new Blob(['hello']), 'hello.txt');
  form.append('purpose', 'archive');
  assert.equal((await call('/v1/upload', { method: 'POST', body: form })).status, 200);
  const wrong = new FormData();
  wrong.append('purpose', 'print');
  const response = await call('/v1/upload', { method: 'POST', body: wrong });
  assert.equal(response.status, 400);
  assert.deepEqual(problemsOf(response.json()).map((p) => p.where).sort(), ['formData.file', 'formData.purpose']);
});

test('the request log redacts credentials', async () => {
  await call('/v1/items?top=1');
  const logged = server.requests.at(-1);
  assert.equal(logged?.headers['x-api-key'], '[redacted]');
  assert.doesNotMatch(JSON.stringify(server.requests), /secret-key-123/);
});

test('the backend view routes to the path and method policies build, and skips what they add or reshape', async () => {
  const views: Record<string, BackendView> = {
    // routerequesttoendpoint: RenameItem goes to POST /v2/rename/{id}; a setqueryparameter adds `code`.
    RenameItem: { method: 'post', path: '/v2/rename/{id}', addedHeaders: [], addedQuery: ['code'], bodyTransformed: true },
  };
  const document = structuredClone(MOCK_FIXTURE);
  const routed = await startMockServer(loadDocument(document), { backendView: (op: Operation) => views[op.operationId] ?? { method: op.method, path: op.path, addedHeaders: [], addedQuery: [], bodyTransformed: false } });
  try {
    // The body no longer matches the declared schema (a policy reshaped it): not checked.
    const response = await fetch(`${routed.url}/v1/v2/rename/item-9?code=abc`, { method: 'POST', headers: { ...KEY, 'content-type': 'application/json' }, body: '{"title":"renamed"}' });
    assert.equal(response.status, 200);
    assert.equal(routed.requests.at(-1)?.operationId, 'RenameItem');
    const declared = await fetch(`${routed.url}/v1/items/item-9`, { method: 'PATCH', headers: KEY, body: '{}' });
    assert.equal(declared.status, 404, 'the declared route is not what the backend serves any more');
  } finally {
    await routed.close();
  }
});

test('the port is validated', async () => {
  await assert.rejects(startMockServer(fixtureDefinition(), { port: 70000 }), { code: 'MockPortInvalid' });
});

test('calls a policy makes by itself get the values the policy reads, on declared and undeclared routes', async () => {
  const auxiliary = await startMockServer(fixtureDefinition(), {
    auxiliaryRoutes: [
      { method: 'POST', path: '/oauth2/token?grant_type=client_credentials', values: { access_token: 'mock-token' } },
      { method: 'GET', path: '/items/{id}', values: { '@odata.etag': 'W/"1"' } },
    ],
  });
  try {
    const token = await fetch(`${auxiliary.url}/oauth2/token?grant_type=client_credentials`, { method: 'POST' });
    assert.equal(token.status, 200);
    assert.deepEqual(await token.json(), { access_token: 'mock-token' });
    const wrongQuery = await fetch(`${auxiliary.url}/oauth2/token`, { method: 'POST' });
    assert.equal(wrongQuery.status, 404, 'the literal query of the route is required');
    const item = await fetch(`${auxiliary.url}/v1/items/item-42`, { headers: KEY });
    assert.deepEqual(await item.json(), { id: 'item-42', name: 'From the example', status: 'open', '@odata.etag': 'W/"1"' });
  } finally {
    await auxiliary.close();
  }
});

test('a credential header a request policy sets counts as sent', async () => {
  const withPolicy = await startMockServer(fixtureDefinition(), {
    backendView: (op) => ({ method: op.method, path: op.path, addedHeaders: ['X-API-Key'], addedQuery: [], bodyTransformed: false }),
  });
  try {
    assert.equal((await fetch(`${withPolicy.url}/v1/items?top=1`, { headers: { 'x-api-key': '' } })).status, 200);
  } finally {
    await withPolicy.close();
  }
});

test('with connection parameter sets, any one scheme of the requirement (or an OAuth bearer token) is enough', async () => {
  const document = {
    swagger: '2.0',
    info: { title: 'Sets', version: '1' },
    host: 'api.example.com',
    securityDefinitions: { basic: { type: 'basic' }, key: { type: 'apiKey', in: 'header', name: 'X-App-Token' } },
    security: [{ basic: [], key: [] }],
    paths: { '/ping': { get: { operationId: 'Ping', responses: { '200': { description: 'ok' } } } } },
  };
  const properties = {
    properties: {
      connectionParameterSets: {
        uiDefinition: { displayName: 'Authentication' },
        values: [
          { name: 'key', uiDefinition: { displayName: 'Key' }, parameters: { api_key: { type: 'securestring', uiDefinition: { displayName: 'Key' } } } },
          { name: 'oauth', uiDefinition: { displayName: 'OAuth' }, parameters: { token: { type: 'oauthSetting', oAuthSettings: { identityProvider: 'oauth2', clientId: 'x', scopes: [] } } } },
        ],
      },
    },
  };
  const file = (name: string, value: unknown): { name: string; size: number; bytes: Uint8Array } => {
    const bytes = new TextEncoder().encode(JSON.stringify(value));
    return { name, size: bytes.length, bytes };
  };
  const { definition } = loadConnector({ kind: 'folder', path: 'sets', files: [file('apiDefinition.swagger.json', document), file('apiProperties.json', properties)] });
  assert.ok(definition?.connection.parameterSets !== undefined);
  const sets = await startMockServer(definition);
  try {
    assert.equal((await fetch(`${sets.url}/ping`, { headers: { 'x-app-token': 'k' } })).status, 200, 'the key alone');
    assert.equal((await fetch(`${sets.url}/ping`, { headers: { authorization: 'Bearer t' } })).status, 200, 'an OAuth set');
    assert.equal((await fetch(`${sets.url}/ping`)).status, 400, 'nothing at all');
  } finally {
    await sets.close();
  }
});
