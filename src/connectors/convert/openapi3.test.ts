import { test } from 'node:test';
import assert from 'node:assert/strict';
import { convertOpenApi3ToSwagger2 } from './index.ts';
import { loadFixture } from '../../../test/fixtures/convert/load-fixture.ts';
import { arrayAt, issuesWithCode, keysAt, valueAt } from '../../../test/fixtures/convert/inspect.ts';

const file = 'petstore-openapi30.json';
const source = loadFixture(file);
const { document, issues } = convertOpenApi3ToSwagger2(source, { file });
const at = (pointer: string): unknown => valueAt(document, pointer);

test('takes scheme, host and base path from the first server, substituting variable defaults', () => {
  assert.equal(at('/swagger'), '2.0');
  assert.equal(at('/host'), 'eu.petstore.example');
  assert.equal(at('/basePath'), '/api/v3');
  // The http variant of the same server adds a scheme; the sandbox server is dropped and reported.
  assert.deepEqual(at('/schemes'), ['https', 'http']);
  assert.deepEqual(issuesWithCode(issues, 'convert-servers-dropped'), ['warning /servers']);
  assert.match(issues.find((i) => i.code === 'convert-servers-dropped')?.message ?? '', /sandbox\.petstore\.example/);
  assert.deepEqual(issuesWithCode(issues, 'convert-server-variable-enum'), ['info /servers/0/variables/region']);
});

test('copies info, tags, externalDocs and root x-ms extensions', () => {
  assert.equal(at('/info/title'), 'Petstore');
  assert.deepEqual(at('/info/x-ms-api-annotation'), { status: 'Preview' });
  assert.deepEqual(at('/x-ms-connector-metadata'), [{ propertyName: 'Website', propertyValue: 'https://petstore.example' }]);
  assert.deepEqual(at('/tags/0'), { name: 'pets', description: 'Everything about pets' });
  assert.deepEqual(at('/externalDocs'), { url: 'https://docs.petstore.example' });
});

test('moves components to definitions, parameters and responses and rewrites their references', () => {
  assert.deepEqual(keysAt(document, '/definitions'), ['Pet', 'Category', 'Tag', 'PetStatus', 'Owner', 'Microchip', 'Order', 'OrderXml', 'Error']);
  assert.deepEqual(at('/definitions/Pet/properties/category'), { $ref: '#/definitions/Category' });
  assert.deepEqual(at('/definitions/Pet/properties/tags/items'), { $ref: '#/definitions/Tag' });
  assert.deepEqual(at('/paths/~1pets/get/parameters/0'), { $ref: '#/parameters/Limit' });
  assert.deepEqual(at('/paths/~1pets/get/responses/default'), { $ref: '#/responses/Error' });
  assert.deepEqual(at('/responses/NotFound/schema'), { $ref: '#/definitions/Error' });
  assert.deepEqual(at('/responses/NotFound/examples'), { 'application/json': { code: 404, message: 'no such pet' } });
  assert.deepEqual(at('/parameters/Limit'), {
    name: 'limit', in: 'query', description: 'Page size', required: false,
    type: 'integer', format: 'int32', default: 20, maximum: 100, minimum: 1, 'x-ms-visibility': 'advanced',
  });
});

test('maps nullable to x-nullable and keeps the first oneOf alternative with a warning', () => {
  assert.deepEqual(at('/definitions/Pet/properties/nickname'), { type: 'string', 'x-nullable': true });
  assert.deepEqual(at('/definitions/Pet/properties/owner'), { allOf: [{ $ref: '#/definitions/Owner' }], 'x-nullable': true });
  assert.deepEqual(at('/definitions/Pet/properties/microchip'), { $ref: '#/definitions/Microchip' });
  assert.deepEqual(issuesWithCode(issues, 'convert-schema-alternatives'), ['warning /components/schemas/Pet/properties/microchip/oneOf']);
  assert.equal(at('/definitions/Order/discriminator'), 'kind');
  assert.deepEqual(issuesWithCode(issues, 'convert-schema-annotation-dropped'), ['info /components/schemas/Order/discriminator/mapping']);
  assert.equal(at('/definitions/Error/not'), undefined);
  assert.deepEqual(issuesWithCode(issues, 'convert-schema-keyword-dropped'), ['warning /components/schemas/Error']);
});

test('flattens parameter schemas, turns style/explode into collectionFormat and keeps x-ms extensions', () => {
  assert.deepEqual(at('/paths/~1pets/get/parameters/1'), {
    name: 'status', in: 'query', description: 'Filter by status', required: false,
    type: 'array', items: { type: 'string', enum: ['available', 'pending', 'sold'] }, collectionFormat: 'multi', 'x-ms-summary': 'Status',
  });
  assert.equal(at('/paths/~1pets/get/parameters/2/collectionFormat'), 'pipes');
  assert.deepEqual(at('/paths/~1pets/get/parameters/3'), { name: 'X-Trace-Id', in: 'header', required: false, type: 'string', format: 'uuid' });
  assert.deepEqual(at('/paths/~1pets/get/parameters/4'), { name: 'filter', in: 'query', required: false, type: 'string' });
  assert.deepEqual(issuesWithCode(issues, 'convert-parameter-object-schema'), ['warning /paths/~1pets/get/parameters/5/schema']);
  assert.deepEqual(issuesWithCode(issues, 'convert-parameter-field-dropped'), ['info /paths/~1pets/get/parameters/4']);
  assert.deepEqual(at('/paths/~1store~1inventory/get/parameters/0'), {
    name: 'warehouse', in: 'query', required: true, type: 'string',
    'x-ms-dynamic-values': { operationId: 'ListWarehouses', 'value-path': 'id', 'value-title': 'name' }, 'x-ms-summary': 'Warehouse',
  });
  assert.equal(at('/paths/~1pets/get/x-ms-visibility'), 'important');
  assert.equal(at('/paths/~1store~1warehouses/get/x-ms-visibility'), 'internal');
});

test('drops cookie parameters, and references to them, with a warning', () => {
  const names = arrayAt(document, '/paths/~1pets/get/parameters').map((_, i) => at(`/paths/~1pets/get/parameters/${i}/name`) ?? at(`/paths/~1pets/get/parameters/${i}/$ref`));
  assert.deepEqual(names, ['#/parameters/Limit', 'status', 'tags', 'X-Trace-Id', 'filter']);
  assert.equal(at('/parameters/SessionCookie'), undefined);
  assert.deepEqual(at('/paths/~1pets~1{petId}~1photo/post/parameters/0'), { $ref: '#/parameters/PetId' });
  assert.equal(arrayAt(document, '/paths/~1pets~1{petId}~1photo/post/parameters').length, 4);
  assert.deepEqual(issuesWithCode(issues, 'convert-cookie-parameter-dropped'), [
    'warning /components/parameters/SessionCookie',
    'warning /paths/~1pets/get/parameters/3',
  ]);
});

test('keeps path-level parameters on the path item', () => {
  assert.deepEqual(at('/paths/~1pets~1{petId}/parameters'), [{ $ref: '#/parameters/PetId' }]);
  assert.deepEqual(issuesWithCode(issues, 'convert-path-item-field-dropped'), ['info /paths/~1pets~1{petId}']);
});

test('turns a referenced request body into a body parameter', () => {
  assert.deepEqual(at('/paths/~1pets/post/parameters'), [
    { name: 'body', in: 'body', description: 'The pet to add', required: true, schema: { $ref: '#/definitions/Pet' } },
  ]);
  assert.deepEqual(at('/paths/~1pets/post/consumes'), ['application/json']);
});

test('keeps one body media type, reporting the others at their pointers, and carries the body x-ms extensions', () => {
  assert.deepEqual(at('/paths/~1store~1orders/post/parameters/0'), {
    name: 'body', in: 'body', description: 'The order', required: true, schema: { $ref: '#/definitions/Order' }, 'x-ms-summary': 'Order',
  });
  assert.deepEqual(at('/paths/~1store~1orders/post/consumes'), ['application/json']);
  assert.deepEqual(issuesWithCode(issues, 'convert-media-type-dropped'), [
    'warning /paths/~1store~1orders/post/requestBody/content/application~1x-www-form-urlencoded',
    'warning /paths/~1store~1orders/post/requestBody/content/application~1xml',
  ]);
});

test('turns multipart and url-encoded bodies into formData parameters, binary fields into files', () => {
  assert.deepEqual(at('/paths/~1pets~1{petId}~1photo/post/consumes'), ['multipart/form-data']);
  const [, file, caption, labels] = arrayAt(document, '/paths/~1pets~1{petId}~1photo/post/parameters');
  assert.deepEqual(file, { name: 'file', in: 'formData', required: true, type: 'file', description: 'The photo' });
  assert.deepEqual(caption, { name: 'caption', in: 'formData', required: false, type: 'string', maxLength: 140, 'x-ms-summary': 'Caption' });
  assert.deepEqual(labels, { name: 'labels', in: 'formData', required: false, type: 'array', items: { type: 'string' }, collectionFormat: 'csv' });
  assert.deepEqual(at('/paths/~1store~1login/post/consumes'), ['application/x-www-form-urlencoded']);
  assert.deepEqual(at('/paths/~1store~1login/post/parameters/1'), { name: 'password', in: 'formData', required: true, type: 'string', format: 'password' });
});

test('converts responses: content to schema and produces, headers flattened, ranges and binary payloads', () => {
  assert.deepEqual(at('/paths/~1pets/get/produces'), ['application/json', 'application/xml']);
  assert.deepEqual(at('/paths/~1pets/get/responses/200/headers'), { 'X-Rate-Limit': { description: 'Calls left in this window', type: 'integer' } });
  assert.deepEqual(at('/paths/~1pets~1{petId}/get/responses/200/examples'), { 'application/json': { id: 7, name: 'Rex' } });
  assert.deepEqual(at('/paths/~1pets/post/responses/400'), { $ref: '#/responses/Error' });
  assert.deepEqual(issuesWithCode(issues, 'convert-response-range'), ['warning /paths/~1pets/post/responses/4XX']);
  assert.deepEqual(at('/paths/~1pets~1{petId}~1photo~1raw/get/responses/200/schema'), { type: 'file' });
  assert.deepEqual(at('/paths/~1pets~1{petId}~1photo~1raw/get/produces'), ['image/png']);
});

test('converts security schemes: oauth2 authorization code to accessCode, bearer to an Authorization API key', () => {
  assert.deepEqual(at('/securityDefinitions'), {
    petstore_auth: {
      type: 'oauth2', flow: 'accessCode',
      authorizationUrl: 'https://login.petstore.example/authorize', tokenUrl: 'https://login.petstore.example/token',
      scopes: { 'pets.read': 'Read pets', 'pets.write': 'Modify pets' },
    },
    api_key: { type: 'apiKey', name: 'X-Api-Key', in: 'header', description: 'Key from the developer portal' },
    bearer: { type: 'apiKey', name: 'Authorization', in: 'header' },
    basic: { type: 'basic' },
  });
  assert.deepEqual(issuesWithCode(issues, 'convert-bearer-as-api-key'), ['info /components/securitySchemes/bearer']);
  assert.deepEqual(issuesWithCode(issues, 'convert-oauth2-flows-dropped'), ['warning /components/securitySchemes/petstore_auth/flows']);
  assert.deepEqual(issuesWithCode(issues, 'convert-security-scheme-dropped'), [
    'warning /components/securitySchemes/oidc',
    'warning /components/securitySchemes/session',
  ]);
});

test('copies root and operation security, without requirements on dropped schemes', () => {
  assert.deepEqual(at('/security'), [{ petstore_auth: ['pets.read'] }, { api_key: [] }]);
  assert.deepEqual(at('/paths/~1pets~1{petId}/delete/security'), [{ bearer: [] }]);
  assert.equal(at('/paths/~1pets~1{petId}/delete/deprecated'), true);
  assert.deepEqual(at('/paths/~1store~1inventory/get/security'), [{ api_key: [] }]);
});

test('reports callbacks, links, trace and operation servers as unsupported', () => {
  assert.deepEqual(issuesWithCode(issues, 'convert-unsupported-feature'), [
    'info /components/links',
    'info /paths/~1pets/post/responses/201/links',
    'warning /paths/~1pets/post/callbacks',
    'warning /paths/~1pets~1{petId}/trace',
  ]);
  assert.equal(at('/paths/~1pets~1{petId}/trace'), undefined);
  assert.equal(at('/paths/~1pets/post/callbacks'), undefined);
  assert.deepEqual(issuesWithCode(issues, 'convert-servers-override-dropped'), ['warning /paths/~1store~1login/post/servers']);
});

test('stamps every issue with the file and never reports an error for a convertible document', () => {
  assert.ok(issues.length > 0);
  assert.ok(issues.every((issue) => issue.file === file));
  assert.deepEqual(issues.filter((issue) => issue.severity === 'error'), []);
});

test('leaves the input document untouched', () => {
  assert.deepEqual(source, loadFixture(file));
});
