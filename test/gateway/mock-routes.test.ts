/** Routing of the mock: templates with literals around placeholders, ambiguity, and policy-built paths. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startMockServer } from '../../src/gateway/mock/index.ts';
import type { MockServer } from '../../src/gateway/mock/index.ts';
import { loadDocument } from './mock-fixture.ts';

const ok = { '200': { description: 'ok', schema: { type: 'object' } } };
const path = (name: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({ name, in: 'path', required: true, type: 'string', ...extra });

const DOCUMENT = {
  swagger: '2.0',
  info: { title: 'Routes', version: '1' },
  host: 'api.example.com',
  basePath: '/',
  paths: {
    "/ProjectContacts/ProjectId='{ProjectId}'": { get: { operationId: 'ODataKey', parameters: [path('ProjectId')], responses: ok } },
    '/odata/Courses({CourseId})': { get: { operationId: 'ODataParens', parameters: [path('CourseId')], responses: ok } },
    '/files/{docname}.xlsx': { get: { operationId: 'Extension', parameters: [path('docname')], responses: ok } },
    '/models/{model}:generate': { post: { operationId: 'Colon', parameters: [path('model')], responses: ok } },
    '/{a}/{b}': { get: { operationId: 'TwoParameters', parameters: [path('a'), path('b')], responses: ok } },
    '/{a}/details': { get: { operationId: 'OneLiteral', parameters: [path('a')], responses: ok } },
    '/kinds/{kind}': { get: { operationId: 'EnumPath', parameters: [path('kind', { enum: ['book', 'film'] })], responses: ok } },
    '/counts/{n}': { get: { operationId: 'IntegerPath', parameters: [path('n', { type: 'integer' })], responses: ok } },
  },
};

let server: MockServer;
before(async () => {
  server = await startMockServer(loadDocument(DOCUMENT));
});
after(async () => {
  await server.close();
});

async function routedTo(method: string, target: string): Promise<{ status: number; operationId: string | undefined }> {
  const response = await fetch(`${server.url}${target}`, { method });
  await response.arrayBuffer();
  return { status: response.status, operationId: server.requests.at(-1)?.operationId };
}

test('placeholders inside a segment match with the literal text around them', async () => {
  assert.deepEqual(await routedTo('GET', "/ProjectContacts/ProjectId='P-1'"), { status: 200, operationId: 'ODataKey' });
  assert.deepEqual(await routedTo('GET', '/odata/Courses(42)'), { status: 200, operationId: 'ODataParens' });
  assert.deepEqual(await routedTo('GET', '/files/report.xlsx'), { status: 200, operationId: 'Extension' });
  assert.deepEqual(await routedTo('POST', '/models/gemini-pro:generate'), { status: 200, operationId: 'Colon' });
});

test('when several templates match, the one with the most literal segments wins', async () => {
  assert.equal((await routedTo('GET', '/x/details')).operationId, 'OneLiteral');
  assert.equal((await routedTo('GET', '/x/y')).operationId, 'TwoParameters');
});

test('path parameters respect enum and type', async () => {
  assert.equal((await routedTo('GET', '/kinds/book')).status, 200);
  const wrongEnum = await fetch(`${server.url}/kinds/song`);
  assert.equal(wrongEnum.status, 400);
  const body = (await wrongEnum.json()) as { error: { problems: { where: string }[] } };
  assert.equal(body.error.problems[0]?.where, 'path.kind');
  assert.equal((await routedTo('GET', '/counts/12')).status, 200);
  assert.equal((await routedTo('GET', '/counts/twelve')).status, 400);
});

test('the method must match', async () => {
  assert.equal((await routedTo('DELETE', '/files/report.xlsx')).status, 404);
});

test('a path built by a policy expression segment matches any value there', async () => {
  const routed = await startMockServer(loadDocument(DOCUMENT), {
    backendView: (op) =>
      op.operationId === 'EnumPath'
        ? { method: 'get', path: "/api/v1/calendars/@queryParameters('cuid')/events", addedHeaders: [], addedQuery: [], bodyTransformed: false }
        : { method: op.method, path: op.path, addedHeaders: [], addedQuery: [], bodyTransformed: false },
  });
  try {
    const response = await fetch(`${routed.url}/api/v1/calendars/cal-7/events`);
    assert.equal(response.status, 200);
    assert.equal(routed.requests.at(-1)?.operationId, 'EnumPath');
  } finally {
    await routed.close();
  }
});

test('a doubled slash after the origin is still a path, not a host', async () => {
  const response = await fetch(`${server.url}//files/report.xlsx`);
  assert.equal(response.status, 200);
  assert.equal(server.requests.at(-1)?.operationId, 'Extension');
});
