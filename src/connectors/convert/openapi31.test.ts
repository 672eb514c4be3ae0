import { test } from 'node:test';
import assert from 'node:assert/strict';
import { convertOpenApi3ToSwagger2 } from './index.ts';
import { loadFixture } from '../../../test/fixtures/convert/load-fixture.ts';
import { issuesWithCode, valueAt } from '../../../test/fixtures/convert/inspect.ts';

const file = 'events-openapi31.json';
const { document, issues } = convertOpenApi3ToSwagger2(loadFixture(file), { file });
const at = (pointer: string): unknown => valueAt(document, pointer);

/** A minimal OpenAPI 3.1 document around the given parts. */
function openapi(parts: Record<string, unknown>): Record<string, unknown> {
  return { openapi: '3.1.0', info: { title: 'T', version: '1' }, servers: [{ url: 'https://api.example.com' }], paths: {}, ...parts };
}

test('a relative server URL gives a base path without host, reported as info', () => {
  assert.equal(at('/host'), undefined);
  assert.equal(at('/basePath'), '/v2');
  assert.deepEqual(issuesWithCode(issues, 'convert-server-relative'), ['info /servers/0/url']);
});

test('moves info.summary into the empty description and drops the SPDX license identifier', () => {
  assert.deepEqual(at('/info'), { title: 'Events', version: '2.0.0', license: { name: 'MIT' }, description: 'Event hub API' });
  assert.deepEqual(issuesWithCode(issues, 'convert-info-field-dropped'), ['info /info/license/identifier']);
});

test("maps 3.1 type lists with 'null' to one type plus x-nullable", () => {
  assert.deepEqual(at('/paths/~1events/get/parameters/0'), { name: 'since', in: 'query', required: false, type: 'string', format: 'date-time', 'x-nullable': true });
  assert.deepEqual(at('/definitions/Event/properties/score'), { type: 'number', maximum: 1, exclusiveMaximum: true, 'x-nullable': true });
  assert.deepEqual(at('/definitions/EventPage/properties/next'), { type: 'string', 'x-nullable': true });
  assert.deepEqual(at('/definitions/Event/properties/payload'), { type: 'object' });
  assert.deepEqual(issuesWithCode(issues, 'convert-schema-type-union'), ['warning /components/schemas/Event/properties/payload/type']);
});

test('maps const to a one-value enum, numeric exclusive bounds to the boolean form and examples to example', () => {
  assert.deepEqual(at('/definitions/Event/properties/kind'), { enum: ['event'], type: 'string' });
  assert.deepEqual(at('/definitions/Event/properties/severity'), { type: 'integer', maximum: 5, minimum: 0, exclusiveMinimum: true });
  assert.deepEqual(at('/definitions/Event/properties/id'), { type: 'string', example: 'evt_1' });
  assert.deepEqual(at('/parameters/PageSize'), { name: 'pageSize', in: 'query', required: false, type: 'integer', minimum: 0, exclusiveMinimum: true });
  assert.deepEqual(at('/paths/~1events/get/parameters/1/items'), { type: 'string', enum: ['high'] });
});

test('a oneOf with a null alternative becomes x-nullable without a warning; $ref siblings are kept through allOf', () => {
  assert.deepEqual(at('/definitions/Event/properties/parent'), { 'x-nullable': true, allOf: [{ $ref: '#/definitions/Event' }] });
  assert.deepEqual(at('/definitions/Event/properties/source'), { description: 'Where the event came from', allOf: [{ $ref: '#/definitions/Source' }] });
  assert.deepEqual(issuesWithCode(issues, 'convert-schema-alternatives'), []);
});

test('maps contentMediaType to binary and base64 contentEncoding to byte; drops prefixItems and annotations with issues', () => {
  assert.deepEqual(at('/definitions/Event/properties/raw'), { type: 'string', format: 'binary' });
  assert.deepEqual(at('/definitions/Event/properties/signature'), { type: 'string', format: 'byte' });
  assert.deepEqual(at('/definitions/Event/properties/labels'), { type: 'array', items: { type: 'string' } });
  assert.deepEqual(issuesWithCode(issues, 'convert-schema-keyword-dropped'), ['warning /components/schemas/Event/properties/labels']);
  assert.deepEqual(issuesWithCode(issues, 'convert-schema-annotation-dropped'), ['info /components/schemas/Event/properties/internalNote']);
});

test('inlines a path item referenced from components.pathItems', () => {
  assert.equal(at('/paths/~1events~1{id}~1attachment/get/operationId'), 'GetAttachment');
  assert.deepEqual(at('/paths/~1events~1{id}~1attachment/get/responses/200/schema'), { type: 'file' });
  assert.deepEqual(at('/paths/~1events~1{id}~1attachment/get/produces'), ['application/pdf']);
});

test('carries trigger extensions and rewrites the component reference inside x-ms-notification-content', () => {
  assert.equal(at('/paths/~1subscriptions/post/x-ms-trigger'), 'single');
  assert.deepEqual(at('/paths/~1subscriptions/post/x-ms-notification-content'), { description: 'The published event', schema: { $ref: '#/definitions/Event' } });
  assert.deepEqual(at('/paths/~1subscriptions/post/parameters/0/schema/properties/callbackUrl'), {
    type: 'string', format: 'uri', 'x-ms-notification-url': true, 'x-ms-visibility': 'internal',
  });
  assert.deepEqual(at('/definitions/NewEvent'), { allOf: [{ $ref: '#/definitions/Event' }], 'x-ms-summary': 'New event' });
});

test('maps the client-credentials flow to application and reports webhooks and jsonSchemaDialect', () => {
  assert.deepEqual(at('/securityDefinitions/oauth'), { type: 'oauth2', flow: 'application', tokenUrl: 'https://auth.events.example/token', scopes: { events: 'Access events' } });
  assert.deepEqual(at('/security'), [{ oauth: ['events'] }]);
  assert.deepEqual(issuesWithCode(issues, 'convert-unsupported-feature'), ['info /jsonSchemaDialect', 'warning /webhooks']);
});

test('refuses documents that are not OpenAPI 3 with one error and no document', () => {
  for (const [input, pattern] of [
    [{ swagger: '2.0', info: {}, paths: {} }, /already Swagger 2\.0/],
    [{ info: { _postman_id: 'x', name: 'c' }, item: [] }, /Postman collection/],
    [{ openapi: '2.5' }, /not OpenAPI 3\.x/],
    ['openapi: 3.0.0', /not OpenAPI 3\.x/],
  ] as const) {
    const result = convertOpenApi3ToSwagger2(input, { file: 'in.json' });
    assert.equal(result.document, undefined);
    assert.equal(result.issues.length, 1);
    assert.equal(result.issues[0]?.code, 'convert-not-openapi3');
    assert.equal(result.issues[0]?.severity, 'error');
    assert.match(result.issues[0]?.message ?? '', pattern);
  }
});

test('reports unresolved and unsupported references and replaces them by an unconstrained schema', () => {
  const result = convertOpenApi3ToSwagger2(
    openapi({
      components: {
        schemas: {
          A: { type: 'object', properties: { b: { $ref: '#/components/schemas/Missing' }, c: { $ref: '#/components/examples/C' }, d: { $ref: 'common.yaml#/Thing' } } },
        },
      },
    }),
    { file: 'in.json' },
  );
  assert.deepEqual(valueAt(result.document, '/definitions/A/properties'), { b: {}, c: {}, d: { $ref: 'common.yaml#/Thing' } });
  assert.deepEqual(issuesWithCode(result.issues, 'convert-ref-unresolved'), ['warning /components/schemas/A/properties/b/$ref']);
  assert.deepEqual(issuesWithCode(result.issues, 'convert-ref-unsupported'), ['warning /components/schemas/A/properties/c/$ref']);
  assert.deepEqual(issuesWithCode(result.issues, 'convert-ref-external'), ['warning /components/schemas/A/properties/d/$ref']);
});

test('keeps server variables without default literally, with a warning, and reports a missing server list', () => {
  const templated = convertOpenApi3ToSwagger2(openapi({ servers: [{ url: 'https://{tenant}.example.com/api', variables: { tenant: { enum: ['a'] } } }] }), { file: 'in.json' });
  assert.equal(valueAt(templated.document, '/host'), 'tenant.example.com');
  assert.deepEqual(issuesWithCode(templated.issues, 'convert-server-variable-unresolved'), ['warning /servers/0/url']);
  const serverless = convertOpenApi3ToSwagger2(openapi({ servers: undefined }), { file: 'in.json' });
  assert.equal(valueAt(serverless.document, '/host'), undefined);
  assert.deepEqual(issuesWithCode(serverless.issues, 'convert-server-missing'), ['info /servers']);
});

test('a component named __proto__ becomes an own definition, not a prototype', () => {
  const source = JSON.parse('{"openapi":"3.0.0","info":{"title":"T","version":"1"},"paths":{},"components":{"schemas":{"__proto__":{"type":"string"}}}}');
  const result = convertOpenApi3ToSwagger2(source, { file: 'in.json' });
  const definitions = valueAt(result.document, '/definitions');
  assert.ok(typeof definitions === 'object' && definitions !== null && Object.hasOwn(definitions, '__proto__'));
  assert.equal(Object.getPrototypeOf(definitions), Object.prototype);
});

test('an array-of-files form field becomes one file with a warning', () => {
  const result = convertOpenApi3ToSwagger2(
    openapi({
      paths: {
        '/upload': {
          post: {
            operationId: 'Upload',
            requestBody: { content: { 'multipart/form-data': { schema: { type: 'object', properties: { files: { type: 'array', items: { type: 'string', format: 'binary' } } } } } } },
            responses: { 204: { description: 'Stored' } },
          },
        },
      },
    }),
    { file: 'in.json' },
  );
  assert.deepEqual(valueAt(result.document, '/paths/~1upload/post/parameters/0'), { name: 'files', in: 'formData', required: false, type: 'file' });
  assert.deepEqual(issuesWithCode(result.issues, 'convert-form-field-unsupported'), ['warning /paths/~1upload/post/requestBody/content/multipart~1form-data/schema/properties/files']);
});

test('a parameter described by content becomes a string with a warning', () => {
  const result = convertOpenApi3ToSwagger2(
    openapi({
      paths: {
        '/search': {
          get: {
            operationId: 'Search',
            parameters: [{ name: 'filter', in: 'query', content: { 'application/json': { schema: { type: 'object' } } } }],
            responses: { 200: { description: 'Results' } },
          },
        },
      },
    }),
    { file: 'in.json' },
  );
  assert.deepEqual(valueAt(result.document, '/paths/~1search/get/parameters/0'), { name: 'filter', in: 'query', required: false, type: 'string' });
  assert.deepEqual(issuesWithCode(result.issues, 'convert-parameter-content'), ['warning /paths/~1search/get/parameters/0/content']);
});
