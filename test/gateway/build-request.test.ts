import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConnector } from '../../src/connectors/index.ts';
import type { ConnectorDefinition, Operation } from '../../src/connectors/index.ts';
import { isPlugboardError } from '../../src/core/index.ts';
import { buildRequest } from '../../src/gateway/invoke/build-request.ts';
import { applyCredentials } from '../../src/gateway/invoke/credentials.ts';
import { decodeBody, encodeBody } from '../../src/gateway/invoke/encode-body.ts';
import { requestUrl } from '../../src/gateway/invoke/outgoing-request.ts';
import { createRedactor } from '../../src/gateway/invoke/redact.ts';
import { corpusFolder } from '../connectors/connector-kit.ts';

function corpus(relative: string): ConnectorDefinition {
  const { definition } = loadConnector(corpusFolder(relative));
  assert.ok(definition, `${relative} loads`);
  return definition;
}

function operation(definition: ConnectorDefinition, operationId: string): Operation {
  const found = definition.operations.find((candidate) => candidate.operationId === operationId);
  assert.ok(found, `operation ${operationId}`);
  return found;
}

function rejects(work: () => unknown, code: string, pattern: RegExp): void {
  assert.throws(work, (error: unknown) => {
    assert.ok(isPlugboardError(error));
    assert.equal(error.code, code);
    assert.match(error.message, pattern);
    return true;
  });
}

const airmeet = corpus('certified-connectors/Airmeet');
const netDocuments = corpus('certified-connectors/NetDocuments');

test('double url-encoding keeps an e-mail with a slash intact through a backend that decodes twice (Airmeet RemoveAttendee)', () => {
  const op = operation(airmeet, 'RemoveAttendee');
  const { request, pathParameters } = buildRequest(airmeet, op, { airmeetId: 'ev 1', url_encoded_attendee_email: 'a/b+c@x.com' });
  assert.equal(request.method, 'DELETE');
  assert.equal(requestUrl(request), 'https://api-gateway.airmeet.com/airmeet/ev%201/attendee/a%252Fb%252Bc%2540x.com');
  assert.equal(pathParameters['url_encoded_attendee_email'], 'a/b+c@x.com');
});

test('a missing required path parameter names the parameter and the operation', () => {
  const op = operation(airmeet, 'RemoveAttendee');
  rejects(() => buildRequest(airmeet, op, { airmeetId: 'x' }), 'ParameterMissing', /RemoveAttendee.*path parameter `url_encoded_attendee_email`/);
});

test('formData with a file becomes multipart; internal parameters are filled from their defaults (NetDocuments CreateDocument)', () => {
  const op = operation(netDocuments, 'CreateDocument');
  const { request } = buildRequest(netDocuments, op, {
    destination: '1234-5678-9012',
    file: { filename: 'memo.txt', '$content-type': 'text/plain', '$content': Buffer.from('hello').toString('base64') },
  });
  assert.equal(request.headers['accept'], 'application/json');
  const encoded = encodeBody(request.body, request.headers['content-type']);
  assert.ok(encoded !== undefined && encoded.contentType?.startsWith('multipart/form-data; boundary='));
  const text = Buffer.from(encoded.data as Uint8Array).toString();
  assert.match(text, /name="destination"\r\n\r\n1234-5678-9012\r\n/);
  assert.match(text, /name="file"; filename="memo.txt"\r\nContent-Type: text\/plain\r\n\r\nhello\r\n/);
  assert.match(text, /name="partialProfiling"\r\n\r\ntrue\r\n/);
  assert.doesNotMatch(text, /name="addToRecent"/, 'optional non-internal defaults are left to the backend');
});

test('enum, integer and boolean parameters are checked and rendered', () => {
  const definition = inline({
    parameters: [
      { name: 'top', in: 'query', type: 'integer' },
      { name: 'order', in: 'query', type: 'string', enum: ['asc', 'desc'] },
      { name: 'ids', in: 'query', type: 'array', items: { type: 'integer' }, collectionFormat: 'multi' },
      { name: 'tags', in: 'query', type: 'array', items: { type: 'string' }, collectionFormat: 'pipes' },
      { name: 'flag', in: 'header', type: 'boolean', 'x-ms-visibility': 'internal', default: true, required: true },
    ],
  });
  const op = operation(definition, 'Op');
  const { request } = buildRequest(definition, op, { top: '5', order: 'desc', ids: [1, 2], tags: ['a', 'b'] });
  assert.equal(requestUrl(request), 'https://example.com/api/items?top=5&order=desc&ids=1&ids=2&tags=a%7Cb');
  assert.equal(request.headers['flag'], 'true');
  rejects(() => buildRequest(definition, op, { top: 'five' }), 'ParameterInvalid', /query parameter `top` must be an integer, got "five"/);
  rejects(() => buildRequest(definition, op, { order: 'up' }), 'ParameterInvalid', /must be one of "asc", "desc", got "up"/);
  rejects(() => buildRequest(definition, op, { ids: [1, 'x'] }), 'ParameterInvalid', /`ids` must be an integer/);
});

test('a JSON body gets hidden internal properties filled and is not mutated', () => {
  const definition = inline({
    parameters: [{ name: 'body', in: 'body', required: true, schema: { $ref: '#/definitions/Item' } }],
    definitions: {
      Item: {
        type: 'object',
        properties: {
          name: { type: 'string' },
          source: { type: 'string', default: 'plugboard', 'x-ms-visibility': 'internal' },
          nested: { type: 'object', properties: { kind: { type: 'string', default: 'k', 'x-ms-visibility': 'internal' } } },
        },
      },
    },
  });
  const op = operation(definition, 'Op');
  const body = { name: 'n', nested: {} };
  const { request } = buildRequest(definition, op, { body });
  assert.deepEqual(request.body, { name: 'n', source: 'plugboard', nested: { kind: 'k' } });
  assert.deepEqual(body, { name: 'n', nested: {} });
  assert.equal(request.headers['content-type'], 'application/json');
  rejects(() => buildRequest(inline({ parameters: [{ name: 'body', in: 'body', required: true, schema: { type: 'object' } }] }), op, {}), 'ParameterMissing', /body parameter `body`/);
});

test('credentials: API key header, API key query and basic auth go where the security definition says', () => {
  const op = operation(airmeet, 'RemoveAttendee');
  const { request } = buildRequest(airmeet, op, { airmeetId: 'a', url_encoded_attendee_email: 'b' });
  const secrets = applyCredentials(airmeet, request, { parameters: { username: 'u', password: 'p4ssw0rd!' } });
  assert.equal(request.headers['authorization'], `Basic ${Buffer.from('u:p4ssw0rd!').toString('base64')}`);
  assert.ok(secrets.includes('p4ssw0rd!'));

  const header = inline({ parameters: [], security: { key: { type: 'apiKey', in: 'header', name: 'X-API-Key' } } });
  const built = buildRequest(header, operation(header, 'Op'), {}).request;
  applyCredentials(header, built, { parameters: { api_key: 'k-123' } });
  assert.equal(built.headers['x-api-key'], 'k-123');

  const query = inline({ parameters: [], security: { key: { type: 'apiKey', in: 'query', name: 'api_key' } } });
  const viaQuery = buildRequest(query, operation(query, 'Op'), {}).request;
  applyCredentials(query, viaQuery, { parameters: { api_key: 'k 1' } });
  assert.equal(requestUrl(viaQuery), 'https://example.com/api/items?api_key=k%201');
});

test('responses are decoded by content type', () => {
  assert.deepEqual(decodeBody(new TextEncoder().encode('{"a":1}'), 'application/json; charset=utf-8'), { a: 1 });
  assert.equal(decodeBody(new TextEncoder().encode('<a/>'), 'application/xml'), '<a/>');
  assert.deepEqual(decodeBody(new Uint8Array([1, 2]), 'image/png'), { '$content-type': 'image/png', '$content': 'AQI=' });
  assert.equal(decodeBody(new Uint8Array(), 'application/json'), undefined);
});

test('the redactor masks a secret echoed back in plain, base64 and URL-encoded form', () => {
  const redactor = createRedactor(['s3cr3t/value+x']);
  const echoed = {
    headers: { 'x-api-key': 's3cr3t/value+x', authorization: `Basic ${Buffer.from('s3cr3t/value+x').toString('base64')}` },
    url: `https://h/?k=${encodeURIComponent('s3cr3t/value+x')}`,
  };
  const text = JSON.stringify(redactor.redact(echoed));
  assert.doesNotMatch(text, /s3cr3t/);
  assert.doesNotMatch(text, new RegExp(Buffer.from('s3cr3t/value+x').toString('base64').replace(/[+/=]/g, '.')));
  assert.match(text, /\*\*\*/);
});

/** A small swagger document with one operation `Op` at GET /items, for cases the corpus lacks. */
function inline(options: { parameters: unknown[]; definitions?: Record<string, unknown>; security?: Record<string, unknown> }): ConnectorDefinition {
  const document = {
    swagger: '2.0',
    info: { title: 'Inline', version: '1.0' },
    host: 'example.com',
    basePath: '/api',
    schemes: ['https'],
    paths: { '/items': { get: { operationId: 'Op', parameters: options.parameters, responses: { '200': { description: 'ok' } } } } },
    definitions: options.definitions ?? {},
    securityDefinitions: options.security ?? {},
  };
  const bytes = new TextEncoder().encode(JSON.stringify(document));
  const { definition } = loadConnector({ kind: 'file', path: 'inline.swagger.json', file: { name: 'inline.swagger.json', size: bytes.length, bytes } });
  assert.ok(definition);
  return definition;
}
