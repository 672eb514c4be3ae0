/** Deliberately broken connector folders: each yields the exact issue, at the exact place, with a message naming the problem and the fix. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConnector, validateConnector } from '../../src/connectors/index.ts';
import type { Issue } from '../../src/core/index.ts';
import { fixtureFolder, readSingleFile, FIXTURES_ROOT } from './connector-kit.ts';

/** Load + validate issues of a fixture folder, as the catalog combines them. */
function inspect(name: string): { issues: Issue[]; loaded: boolean } {
  const { definition, issues } = loadConnector(fixtureFolder(name));
  return { issues: definition === undefined ? issues : [...issues, ...validateConnector(definition)], loaded: definition !== undefined };
}

/** The single issue with `code`; fails when there is none or several. */
function only(issues: readonly Issue[], code: string): Issue {
  const found = issues.filter((issue) => issue.code === code);
  assert.equal(found.length, 1, `expected one ${code}, got ${JSON.stringify(issues.map((issue) => `${issue.code} ${issue.path}`))}`);
  const [issue] = found;
  assert.ok(issue !== undefined);
  return issue;
}

function errors(issues: readonly Issue[]): string[] {
  return issues.filter((issue) => issue.severity === 'error').map((issue) => issue.code);
}

test('a well-formed connector loads and validates without errors or warnings', () => {
  const { issues, loaded } = inspect('valid');
  assert.ok(loaded);
  assert.deepEqual(issues.filter((issue) => issue.severity !== 'info'), []);
});

test('an operation without operationId is an error naming the operation and suggesting an id', () => {
  const { issues } = inspect('missing-operation-id');
  const issue = only(issues, 'operation-id-missing');
  assert.equal(issue.severity, 'error');
  assert.equal(issue.path, '/paths/~1items/post');
  assert.equal(issue.file, 'apiDefinition.swagger.json');
  assert.match(issue.message, /`POST \/items` has no `operationId`/);
  assert.match(issue.message, /add a unique one, e\.g\. "operationId": "postItems"/);
  assert.deepEqual(errors(issues), ['operation-id-missing']);
});

test('a duplicate operationId is an error on the second operation, naming the first', () => {
  const issue = only(inspect('duplicate-operation-id').issues, 'operation-id-duplicate');
  assert.equal(issue.severity, 'error');
  assert.equal(issue.path, '/paths/~1items~1{id}/get/operationId');
  assert.match(issue.message, /operationId `ListItems` of `GET \/items\/\{id\}` is already used by `GET \/items`/);
  assert.match(issue.message, /give each operation its own operationId/);
});

test('a path placeholder without a path parameter is an error with the parameter to add', () => {
  const { issues } = inspect('undeclared-path-parameter');
  const issue = only(issues, 'path-parameter-undeclared');
  assert.equal(issue.severity, 'error');
  assert.equal(issue.path, '/paths/~1items~1{id}~1history/get');
  assert.equal(
    issue.message,
    'operation `GetItemHistory`: path parameter `{id}` has no matching entry in `parameters` — add a parameter with `in: path` and `name: id`',
  );
  assert.deepEqual(errors(issues), ['path-parameter-undeclared']);
});

test('a parameter declared twice is an error pointing at the second declaration', () => {
  const issue = only(inspect('duplicate-parameter').issues, 'parameter-duplicate');
  assert.equal(issue.path, '/paths/~1items~1{id}/get/parameters/1');
  assert.match(issue.message, /declares the path parameter `id` twice \(also at `\/paths\/~1items~1\{id\}\/get\/parameters\/0`/);
  assert.match(issue.message, /remove one declaration/);
});

test('a body parameter mixed with formData is an error', () => {
  const issue = only(inspect('body-with-form-data').issues, 'body-parameter-with-form-data');
  assert.equal(issue.path, '/paths/~1items/post/parameters/0');
  assert.match(issue.message, /mixes the body parameter `body` with formData parameter `file` — use either one body parameter or formData parameters/);
});

test('x-ms-dynamic-values calling a missing operation is an error at its operationId', () => {
  const issue = only(inspect('dynamic-values-missing-operation').issues, 'dynamic-operation-unknown');
  assert.equal(issue.severity, 'error');
  assert.equal(issue.path, '/paths/~1items~1{id}/get/parameters/0/x-ms-dynamic-values/operationId');
  assert.match(issue.message, /parameter `id`: `x-ms-dynamic-values` calls operation `ListThings`, which does not exist/);
  assert.match(issue.message, /use the operationId of an operation in this definition/);
});

test('a policy without a required template parameter is an error in apiProperties.json', () => {
  const { issues } = inspect('policy-missing-parameter');
  const issue = only(issues, 'policy-parameter-missing');
  assert.equal(issue.severity, 'error');
  assert.equal(issue.file, 'apiProperties.json');
  assert.equal(issue.path, '/properties/policyTemplateInstances/0/parameters');
  assert.match(issue.message, /policy "Send the API key" \(`setheader`\): required parameter `x-ms-apimTemplateParameter\.value` is missing — add it to `parameters`/);
  assert.deepEqual(errors(issues), ['policy-parameter-missing']);
});

test('a policy using an undefined connection parameter is an error listing the defined ones', () => {
  const issue = only(inspect('policy-undefined-connection-parameter').issues, 'connection-parameter-undefined');
  assert.equal(issue.severity, 'error');
  assert.equal(issue.file, 'apiProperties.json');
  assert.equal(issue.path, '/properties/policyTemplateInstances/0/parameters/x-ms-apimTemplateParameter.value');
  assert.match(issue.message, /uses `@connectionParameters\('apiKey'\)`, but no connection parameter `apiKey` is defined \(defined: `api_key`\)/);
  assert.match(issue.message, /add it to `connectionParameters` or fix the name/);
});

test('misspelt extensions are warnings naming the intended key, on parameters and inside schemas', () => {
  const { issues } = inspect('misspelt-extension');
  const found = issues.filter((issue) => issue.code === 'extension-misspelt');
  assert.deepEqual(
    found.map((issue) => [issue.severity, issue.path]),
    [
      ['warning', '/paths/~1items/get/parameters/0/x-ms-visibilty'],
      ['warning', '/definitions/Item/properties/name/x-ms-summary title'],
    ],
  );
  assert.match(found[0]?.message ?? '', /`x-ms-visibilty` .* misspelling of `x-ms-visibility` — rename the key to `x-ms-visibility`/);
  assert.match(found[1]?.message ?? '', /`x-ms-summary title` .* rename the key to `x-ms-summary`/);
  assert.deepEqual(errors(issues), []);
});

test('a webhook trigger without a callback-URL property, notification schema or DELETE is reported', () => {
  const { issues } = inspect('broken-webhook-trigger');
  const callback = only(issues, 'trigger-callback-missing');
  assert.equal(callback.severity, 'error');
  assert.equal(callback.path, '/paths/~1hooks/post');
  assert.match(callback.message, /trigger `OnItemChanged` is a webhook .* no body property has `x-ms-notification-url: true` — add a body property/);
  const schema = only(issues, 'trigger-notification-schema-missing');
  assert.equal(schema.severity, 'warning');
  assert.equal(schema.path, '/paths/~1hooks/x-ms-notification-content');
  const unsubscribe = only(issues, 'trigger-unsubscribe-missing');
  assert.equal(unsubscribe.severity, 'warning');
  assert.match(unsubscribe.message, /no DELETE operation, so the platform cannot unsubscribe .* add a DELETE operation/);
});

test('an unresolved $ref is a located load error naming the missing definition', () => {
  const { issues, loaded } = inspect('unresolved-ref');
  assert.ok(loaded);
  const issue = only(issues, 'ref-unresolved');
  assert.equal(issue.severity, 'error');
  assert.equal(issue.file, 'apiDefinition.swagger.json');
  assert.equal(issue.path, '/paths/~1items/get/responses/200/schema/$ref');
  assert.match(issue.message, /#\/definitions\/ItemPage/);
  assert.match(issue.message, /fix the name or add the definition/);
});

test('an external $ref is an error and is never followed', () => {
  const issue = only(inspect('external-ref').issues, 'ref-external');
  assert.equal(issue.severity, 'error');
  assert.equal(issue.path, '/paths/~1items/post/parameters/0/schema/$ref');
  assert.match(issue.message, /common\.json#\/definitions\/Item/);
});

test('a folder without a definition fails with one error listing the files found and what was expected', () => {
  const { issues, loaded } = inspect('no-definition');
  assert.equal(loaded, false);
  const issue = only(issues, 'definition-missing');
  assert.equal(issue.severity, 'error');
  assert.equal(issue.path, '');
  assert.match(issue.message, /found `apiProperties\.json`, `readme\.md`/);
  assert.match(issue.message, /add `apiDefinition\.swagger\.json`/);
  assert.deepEqual(errors(issues), ['definition-missing']);
});

test('a Swagger 1.2 file is refused with an error naming the fix', () => {
  const { definition, issues } = loadConnector(readSingleFile(`${FIXTURES_ROOT}/swagger-1/api.json`));
  assert.equal(definition, undefined);
  const issue = only(issues, 'definition-version-unsupported');
  assert.equal(issue.path, '/swaggerVersion');
  assert.equal(issue.file, 'api.json');
  assert.match(issue.message, /is Swagger 1\.2, which is not supported — convert it to OpenAPI 2\.0 or 3\.x/);
  const folder = inspect('swagger-1');
  assert.equal(folder.loaded, false);
  assert.deepEqual(errors(folder.issues), ['definition-version-unsupported']);
});

test('a file that is neither OpenAPI nor Postman is refused', () => {
  const bytes = new TextEncoder().encode('{"hello": "world"}');
  const { definition, issues } = loadConnector({ kind: 'file', path: 'hello.json', file: { name: 'hello.json', size: bytes.length, bytes } });
  assert.equal(definition, undefined);
  const issue = only(issues, 'definition-kind-unknown');
  assert.match(issue.message, /not an OpenAPI 2\.0, OpenAPI 3\.x or Postman v2\.1 document/);
});

test('a file the catalog refused to read is reported as file-too-large', () => {
  const { definition, issues } = loadConnector({ kind: 'folder', path: 'big', files: [{ name: 'apiDefinition.swagger.json', size: 20 * 1024 * 1024, bytes: undefined }] });
  assert.equal(definition, undefined);
  const issue = only(issues, 'file-too-large');
  assert.equal(issue.severity, 'error');
  assert.equal(issue.file, 'apiDefinition.swagger.json');
  assert.match(issue.message, /is 20\.0 MiB, over the 16\.0 MiB limit/);
});

test('a dynamic-values argument naming a parameter the operation lacks is a warning', () => {
  const { issues } = inspect('dynamic-parameter-unknown');
  const issue = only(issues, 'dynamic-parameter-unknown');
  assert.equal(issue.severity, 'warning');
  assert.equal(issue.path, '/paths/~1items~1{id}/get/parameters/0/x-ms-dynamic-values/parameters/folder');
  assert.match(issue.message, /passes `\{"parameter": "folderId"\}` as `folder` of `ListItems`, but `GetItem` has no parameter `folderId` — name one of its parameters or pass a value/);
  assert.deepEqual(errors(issues), []);
});

/** Load + validate an in-memory folder (definition object, optional apiProperties object). */
function inspectInline(definition: Record<string, unknown>, properties: Record<string, unknown>): Issue[] {
  const encode = (value: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(value));
  const files = [
    { name: 'apiDefinition.swagger.json', bytes: encode(definition) },
    { name: 'apiProperties.json', bytes: encode(properties) },
  ].map((file) => ({ ...file, size: file.bytes.length }));
  const result = loadConnector({ kind: 'folder', path: 'inline', files });
  assert.ok(result.definition !== undefined);
  return [...result.issues, ...validateConnector(result.definition)];
}

test('an invalid x-ms-visibility value is a warning listing the accepted values', () => {
  const issues = inspectInline(
    {
      swagger: '2.0',
      info: { title: 'Inline', version: '1' },
      host: 'a.example',
      paths: { '/a': { get: { operationId: 'A', parameters: [{ name: 'q', in: 'query', type: 'string', 'x-ms-visibility': 'hidden' }], responses: { '200': { description: 'OK' } } } } },
    },
    { properties: { iconBrandColor: '#123456' } },
  );
  const issue = only(issues, 'visibility-invalid');
  assert.equal(issue.severity, 'warning');
  assert.equal(issue.path, '/paths/~1a/get/parameters/0/x-ms-visibility');
  assert.equal(issue.message, '`x-ms-visibility` is "hidden" — use one of important, advanced, internal, none (or leave it out)');
});

test('certification guidance is reported as warnings naming the value and the fix', () => {
  const issues = inspectInline(
    {
      swagger: '2.0',
      info: { title: 'The Contoso Items Management API', description: 'Too short', version: '1' },
      host: 'a.example',
      paths: {
        '/a': { get: { operationId: 'A', summary: 'Get items / folders.', responses: { '200': { description: 'OK' } } } },
        '/b': { post: { operationId: 'B', responses: { '200': { description: 'OK' } } } },
      },
    },
    { properties: { iconBrandColor: '#007ee5' } },
  );
  const byCode = (code: string): Issue => only(issues, code);
  assert.match(byCode('cert-title-length').message, /title "The Contoso Items Management API" has 32 characters — shorten it to at most 30/);
  assert.match(byCode('cert-title-words').message, /contains "API" — name the service only/);
  assert.match(byCode('cert-description-length').message, /has 9 characters — describe the service in 30–500 characters/);
  assert.equal(byCode('cert-contact-missing').path, '/info');
  assert.match(byCode('cert-metadata-missing').message, /no `x-ms-connector-metadata` — add it at the root with .*"Website".*"Privacy policy".*"Categories"/);
  assert.equal(byCode('cert-brand-color-default').file, 'apiProperties.json');
  assert.equal(byCode('cert-summary-punctuation').path, '/paths/~1a/get/summary');
  assert.match(byCode('cert-summary-slash').message, /contains "\/" — write "or"\/"and" instead/);
  assert.equal(byCode('cert-summary-missing').path, '/paths/~1b/post');
  assert.deepEqual(
    issues.filter((issue) => issue.code === 'cert-response-schema-missing').map((issue) => issue.path),
    ['/paths/~1a/get/responses', '/paths/~1b/post/responses'],
  );
  assert.ok(issues.every((issue) => !issue.code.startsWith('cert-') || issue.severity !== 'error'));
});

test('C# custom code is reported with the operations that will fail and the TypeScript hook that replaces it', () => {
  const { issues, loaded } = inspect('csharp-script');
  assert.ok(loaded, 'a connector with C# code still loads');
  const issue = only(issues, 'custom-code-csharp');
  assert.equal(issue.severity, 'warning');
  assert.equal(issue.file, 'script.csx');
  assert.match(issue.message, /`CreateItem`/);
  assert.match(issue.message, /CustomCodeUnsupported/);
  assert.match(issue.message, /script\.ts/);
  const typescript = inspect('typescript-script');
  assert.ok(!typescript.issues.some((i) => i.code === 'custom-code-csharp'), 'a TypeScript hook is not flagged');
});
