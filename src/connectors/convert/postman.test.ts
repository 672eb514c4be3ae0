import { test } from 'node:test';
import assert from 'node:assert/strict';
import { convertPostmanToSwagger2 } from './index.ts';
import { loadFixture } from '../../../test/fixtures/convert/load-fixture.ts';
import { arrayAt, issuesWithCode, keysAt, valueAt } from '../../../test/fixtures/convert/inspect.ts';

const crmFile = 'crm-postman-v21.json';
const crmSource = loadFixture(crmFile);
const crm = convertPostmanToSwagger2(crmSource, { file: crmFile });
const at = (pointer: string): unknown => valueAt(crm.document, pointer);

const helpdeskFile = 'helpdesk-postman-v21.json';
const helpdesk = convertPostmanToSwagger2(loadFixture(helpdeskFile), { file: helpdeskFile });

test('takes host and base path from the {{baseUrl}} collection variable', () => {
  assert.equal(at('/swagger'), '2.0');
  assert.deepEqual(at('/info'), { title: 'Contoso CRM', description: 'Contacts and deals of the Contoso CRM.', version: '1.0.0' });
  assert.equal(at('/host'), 'api.contoso-crm.example');
  assert.equal(at('/basePath'), '/v2');
  assert.deepEqual(at('/schemes'), ['https']);
});

test('turns each request into one operation, with folder tags and unique PascalCase operation ids', () => {
  assert.deepEqual(keysAt(crm.document, '/paths'), [
    '/contacts', '/contacts/{contactId}', '/contacts/{contactId}/notes', '/contacts/{contactId}/avatar', '/deals/archive', '/graphql', '/health',
  ]);
  const ids = [
    at('/paths/~1contacts/get/operationId'), at('/paths/~1contacts/post/operationId'), at('/paths/~1contacts~1{contactId}/get/operationId'),
    at('/paths/~1contacts~1{contactId}~1notes/get/operationId'), at('/paths/~1contacts~1{contactId}~1avatar/put/operationId'),
    at('/paths/~1deals~1archive/post/operationId'), at('/paths/~1graphql/post/operationId'), at('/paths/~1health/get/operationId'),
  ];
  assert.deepEqual(ids, ['ListContacts', 'CreateContact', 'GetContact', 'GetContact_1', 'UploadAvatar', 'ArchiveDeal', 'SearchDealsGraphQL', 'Health']);
  assert.equal(at('/paths/~1contacts/post/summary'), 'Create contact');
  assert.equal(at('/paths/~1contacts/post/description'), 'Creates a contact and returns its id.');
  assert.deepEqual(at('/paths/~1contacts/get/tags'), ['Contacts']);
  assert.deepEqual(at('/paths/~1deals~1archive/post/tags'), ['Archive']);
  assert.deepEqual(at('/tags'), [{ name: 'Contacts', description: 'Manage contacts' }, { name: 'Deals' }, { name: 'Archive' }]);
});

test('maps path variables, enabled query parameters and headers; Accept and Content-Type become produces and consumes', () => {
  assert.deepEqual(at('/paths/~1contacts~1{contactId}/get/parameters'), [{ name: 'contactId', in: 'path', required: true, type: 'string', description: 'Contact id' }]);
  assert.deepEqual(at('/paths/~1contacts/get/parameters'), [
    { name: 'page', in: 'query', description: 'Page number', required: false, type: 'string', default: '1' },
    { name: 'pageSize', in: 'query', required: false, type: 'string', default: '50' },
  ]);
  assert.deepEqual(at('/paths/~1contacts/get/produces'), ['application/json']);
  const [requestId, client] = arrayAt(crm.document, '/paths/~1contacts/post/parameters');
  assert.deepEqual(requestId, { name: 'X-Request-Id', in: 'header', required: false, type: 'string' });
  assert.deepEqual(client, { name: 'X-Client', in: 'header', description: 'Calling application', required: false, type: 'string', default: 'plugboard' });
  assert.deepEqual(at('/paths/~1contacts/post/consumes'), ['application/json']);
});

test('infers the body schema of a raw JSON body, keeping it as the example', () => {
  const body = at('/paths/~1contacts/post/parameters/2');
  assert.deepEqual(valueAt(body, '/name'), 'body');
  assert.deepEqual(valueAt(body, '/in'), 'body');
  assert.deepEqual(valueAt(body, '/schema/properties'), {
    name: { type: 'string' },
    email: { type: 'string' },
    age: { type: 'string' },
    address: { type: 'object', properties: { city: { type: 'string' } } },
    phones: { type: 'array', items: { type: 'object', properties: { type: { type: 'string' }, number: { type: 'string' } } } },
  });
  assert.equal(valueAt(body, '/schema/example/address/city'), 'Paris');
});

test('turns formdata and urlencoded bodies into formData parameters, file entries into files, skipping disabled ones', () => {
  assert.deepEqual(at('/paths/~1contacts~1{contactId}~1avatar/put/consumes'), ['multipart/form-data']);
  assert.deepEqual(at('/paths/~1contacts~1{contactId}~1avatar/put/parameters'), [
    { name: 'contactId', in: 'path', required: true, type: 'string' },
    { name: 'file', in: 'formData', required: false, type: 'file' },
    { name: 'alt', in: 'formData', description: 'Alt text', required: false, type: 'string' },
  ]);
  assert.deepEqual(at('/paths/~1deals~1archive/post/consumes'), ['application/x-www-form-urlencoded']);
  assert.deepEqual(at('/paths/~1deals~1archive/post/parameters'), [
    { name: 'dealId', in: 'formData', required: false, type: 'string' },
    { name: 'reason', in: 'formData', description: 'Why the deal is archived', required: false, type: 'string' },
  ]);
});

test('describes a GraphQL body as { query, variables } with an info issue', () => {
  assert.deepEqual(at('/paths/~1graphql/post/parameters/0/schema/example'), { query: 'query Deals($first: Int) { deals(first: $first) { id stage } }', variables: { first: 10 } });
  assert.deepEqual(issuesWithCode(crm.issues, 'convert-postman-graphql'), ['info /item/1/item/1/request/body/graphql']);
});

test('builds responses from saved examples, one per status code, and 200 OK when there is none', () => {
  assert.deepEqual(keysAt(crm.document, '/paths/~1contacts~1{contactId}/get/responses'), ['200', '404']);
  assert.equal(at('/paths/~1contacts~1{contactId}/get/responses/404/description'), 'Not Found');
  assert.deepEqual(at('/paths/~1contacts/get/responses/200/schema/properties/items/items/properties/createdAt'), { type: 'string', format: 'date-time' });
  assert.deepEqual(at('/paths/~1contacts/get/responses/200/schema/properties/items/items/properties/score'), { type: 'number' });
  assert.deepEqual(at('/paths/~1contacts/get/responses/200/headers'), { 'X-Total-Count': { type: 'string' } });
  assert.deepEqual(at('/paths/~1contacts/post/responses/201/headers'), { Location: { type: 'string' } });
  assert.deepEqual(at('/paths/~1contacts/post/responses/201/examples'), { 'application/json': { id: 43 } });
  assert.deepEqual(at('/paths/~1contacts~1{contactId}~1notes/get/responses'), { 200: { description: 'OK' } });
  assert.deepEqual(issuesWithCode(crm.issues, 'convert-postman-duplicate-example'), ['info /item/0/item/1/response/2']);
  assert.ok(issuesWithCode(crm.issues, 'convert-postman-no-example-response').includes('info /item/0/item/3'));
});

test('maps collection, folder and request auth to security definitions and requirements', () => {
  assert.deepEqual(at('/securityDefinitions'), {
    bearer_auth: { type: 'apiKey', name: 'Authorization', in: 'header', description: 'Bearer token: enter `Bearer <token>`' },
    api_key: { type: 'apiKey', name: 'X-Deals-Key', in: 'header' },
  });
  assert.deepEqual(at('/security'), [{ bearer_auth: [] }]);
  assert.equal(at('/paths/~1contacts/get/security'), undefined);
  assert.deepEqual(at('/paths/~1deals~1archive/post/security'), [{ api_key: [] }]);
  assert.deepEqual(at('/paths/~1health/get/security'), []);
  assert.deepEqual(issuesWithCode(crm.issues, 'convert-bearer-as-api-key'), ['info /auth']);
  assert.deepEqual(issuesWithCode(crm.issues, 'convert-postman-multiple-auth'), ['warning /item/1/auth']);
});

test('reports requests on another host and pre-request scripts', () => {
  assert.deepEqual(issuesWithCode(crm.issues, 'convert-postman-host-mismatch'), ['warning /item/1/item/2/request/url']);
  assert.deepEqual(issuesWithCode(crm.issues, 'convert-postman-script-dropped'), ['warning /event/0']);
  assert.deepEqual(crm.issues.filter((issue) => issue.severity === 'error'), []);
});

test('never copies credential values into the converted document', () => {
  const text = JSON.stringify(helpdesk.document) + JSON.stringify(crm.document);
  assert.doesNotMatch(text, /s3cr3t-never-copied|\{\{dealsKey\}\}|\{\{accessToken\}\}|\{\{token\}\}/);
});

test('an undefined host variable gives a placeholder host with a warning; {{var}} path segments become path parameters', () => {
  assert.equal(valueAt(helpdesk.document, '/host'), 'helpdeskurl.invalid');
  assert.deepEqual(issuesWithCode(helpdesk.issues, 'convert-postman-host-placeholder'), ['warning /item/0/item/0/request/url']);
  assert.deepEqual(valueAt(helpdesk.document, '/paths/~1tickets~1{ticketId}~1close/patch/parameters/0'), { name: 'ticketId', in: 'path', required: true, type: 'string' });
  assert.deepEqual(valueAt(helpdesk.document, '/paths/~1tickets/get/parameters'), [
    { name: 'status', in: 'query', required: false, type: 'string', default: 'open' },
    { name: 'assignee', in: 'query', required: false, type: 'string' },
  ]);
});

test('oauth2 without usable URLs becomes an accessCode definition with placeholders and a warning', () => {
  assert.deepEqual(valueAt(helpdesk.document, '/securityDefinitions/oauth2'), {
    type: 'oauth2', flow: 'accessCode',
    authorizationUrl: 'https://login.invalid/oauth2/authorize', tokenUrl: 'https://login.invalid/oauth2/token',
    scopes: { 'tickets.read': 'tickets.read', 'tickets.write': 'tickets.write' },
  });
  assert.deepEqual(issuesWithCode(helpdesk.issues, 'convert-postman-oauth2-urls-missing'), ['warning /item/0/auth/oauth2']);
  assert.deepEqual(valueAt(helpdesk.document, '/paths/~1tickets/get/security'), [{ oauth2: [] }]);
});

test('an Authorization header on a request without auth becomes a bearer security definition', () => {
  assert.deepEqual(valueAt(helpdesk.document, '/paths/~1me/get/security'), [{ bearer_auth: [] }]);
  assert.equal(valueAt(helpdesk.document, '/paths/~1me/get/parameters'), undefined);
});

test('reports unparsable JSON bodies, unsupported methods and unsupported auth', () => {
  assert.deepEqual(valueAt(helpdesk.document, '/paths/~1tickets~1{ticketId}~1close/patch/parameters/1/schema'), { type: 'string', example: '{"reason": "done",' });
  assert.deepEqual(issuesWithCode(helpdesk.issues, 'convert-postman-body-not-json'), ['warning /item/0/item/1/request/body/raw']);
  assert.equal(valueAt(helpdesk.document, '/paths/~1cache'), undefined);
  assert.deepEqual(issuesWithCode(helpdesk.issues, 'convert-postman-method-unsupported'), ['warning /item/0/item/2/request']);
  assert.deepEqual(issuesWithCode(helpdesk.issues, 'convert-postman-auth-unsupported'), ['warning /item/1/request/auth']);
});

test('refuses Postman v2.0 and v1 collections with an error naming the version and the fix', () => {
  const v20 = convertPostmanToSwagger2(loadFixture('legacy-postman-v20.json'), { file: 'legacy-postman-v20.json' });
  assert.equal(v20.document, undefined);
  assert.deepEqual(v20.issues.map((i) => [i.code, i.severity, i.path]), [['convert-postman-version', 'error', '/info/schema']]);
  assert.match(v20.issues[0]?.message ?? '', /v2\.0\.0.*Collection v2\.1/);
  const v1 = convertPostmanToSwagger2(loadFixture('legacy-postman-v1.json'), { file: 'legacy-postman-v1.json' });
  assert.equal(v1.document, undefined);
  assert.deepEqual(v1.issues.map((i) => [i.code, i.severity]), [['convert-postman-version', 'error']]);
  assert.match(v1.issues[0]?.message ?? '', /v1.*Collection v2\.1/);
});

test('refuses documents that are not Postman collections', () => {
  const result = convertPostmanToSwagger2({ openapi: '3.0.0', info: { title: 'T', version: '1' } }, { file: 'in.json' });
  assert.equal(result.document, undefined);
  assert.deepEqual(result.issues.map((i) => i.code), ['convert-not-postman']);
});

test('uses the most common literal host when there is no base URL variable', () => {
  const collection = {
    info: { _postman_id: 'id', name: 'Literal', schema: 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json' },
    item: [
      { name: 'a', request: { method: 'GET', url: 'http://api.example.com:8080/v1/a' } },
      { name: 'b', request: { method: 'GET', url: 'http://api.example.com:8080/v1/b?x=1' } },
    ],
  };
  const result = convertPostmanToSwagger2(collection, { file: 'in.json' });
  assert.equal(valueAt(result.document, '/host'), 'api.example.com:8080');
  assert.deepEqual(valueAt(result.document, '/schemes'), ['http']);
  assert.equal(valueAt(result.document, '/basePath'), '/');
  assert.deepEqual(keysAt(result.document, '/paths'), ['/v1/a', '/v1/b']);
  assert.deepEqual(valueAt(result.document, '/paths/~1v1~1b/get/parameters/0'), { name: 'x', in: 'query', required: false, type: 'string', default: '1' });
});

test('leaves the input collection untouched', () => {
  assert.deepEqual(crmSource, loadFixture(crmFile));
});

test('reports a collection whose requests have no absolute URL', () => {
  const collection = {
    info: { _postman_id: 'id', name: 'Relative', schema: 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json' },
    item: [{ name: 'a', request: { method: 'GET', url: '/v1/a' } }],
  };
  const result = convertPostmanToSwagger2(collection, { file: 'in.json' });
  assert.equal(valueAt(result.document, '/host'), undefined);
  assert.deepEqual(keysAt(result.document, '/paths'), ['/v1/a']);
  assert.deepEqual(issuesWithCode(result.issues, 'convert-postman-host-missing'), ['warning /item']);
});
