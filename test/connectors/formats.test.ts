/** Plain API descriptions load end to end: OpenAPI 3 (YAML), Postman v2.1, Swagger 2.0 YAML, and an odd-named definition file in a folder. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { connectorSummary, loadConnector, validateConnector } from '../../src/connectors/index.ts';
import type { ConnectorDefinition, ConnectorSource } from '../../src/connectors/index.ts';
import { FIXTURES_ROOT, fixtureFolder, readFolder, readSingleFile } from './connector-kit.ts';

function load(source: ConnectorSource): ConnectorDefinition {
  const { definition, issues } = loadConnector(source);
  assert.ok(definition !== undefined, JSON.stringify(issues));
  const errors = [...issues, ...validateConnector(definition)].filter((issue) => issue.severity === 'error');
  assert.deepEqual(errors, []);
  return definition;
}

test('an OpenAPI 3 YAML file is converted and normalized, with OAuth connection parameters derived', () => {
  const definition = load(readSingleFile(join(FIXTURES_ROOT, 'files/contoso.openapi3.yaml')));
  assert.equal(definition.source.kind, 'openapi3');
  assert.equal(definition.source.documentKind, 'openapi3');
  assert.equal(definition.info.title, 'Contoso Tasks');
  assert.equal(definition.host, 'tasks.contoso.example');
  assert.equal(definition.basePath, '/api');
  assert.deepEqual(
    definition.operations.map((operation) => [operation.operationId, operation.method, operation.path]),
    [
      ['listTasks', 'get', '/tasks'],
      ['createTask', 'post', '/tasks'],
      ['deleteTask', 'delete', '/tasks/{taskId}'],
    ],
  );
  const create = definition.operations[1];
  assert.equal(create?.parameters.find((parameter) => parameter.in === 'body')?.required, true);
  const token = definition.connection.parameters[0];
  assert.equal(token?.name, 'token');
  assert.equal(token?.type, 'oauthSetting');
  assert.equal(token?.oauth?.identityProvider, 'oauth2');
  assert.deepEqual(token?.oauth?.customParameters['authorizationUrl'], { value: 'https://login.contoso.example/authorize' });
  assert.deepEqual(token?.oauth?.scopes, ['tasks.read', 'tasks.write']);
  assert.equal(definition.connection.derived, true);
});

test('a Postman v2.1 collection is converted, with its API-key auth derived as `api_key`', () => {
  const definition = load(readSingleFile(join(FIXTURES_ROOT, 'files/contoso.postman_collection.json')));
  assert.equal(definition.source.kind, 'postman');
  assert.equal(definition.info.title, 'Contoso Notes');
  assert.equal(definition.host, 'notes.contoso.example');
  assert.deepEqual(connectorSummary(definition), { title: 'Contoso Notes', actions: 2, triggers: 0, operations: 2 });
  assert.deepEqual(
    definition.operations.map((operation) => [operation.method, operation.path]),
    [
      ['get', '/v1/notes'],
      ['post', '/v1/notes'],
    ],
  );
  assert.deepEqual(
    definition.connection.parameters.map((parameter) => [parameter.name, parameter.type]),
    [['api_key', 'securestring']],
  );
  const scheme = definition.securityDefinitions[0];
  assert.ok(scheme?.type === 'apiKey');
  assert.equal(scheme.parameterName, 'X-Notes-Key');
});

test('a Swagger 2.0 YAML file loads as openapi2 with basic-auth parameters derived', () => {
  const definition = load(readSingleFile(join(FIXTURES_ROOT, 'files/contoso.swagger.yaml')));
  assert.equal(definition.source.kind, 'openapi2');
  assert.equal(definition.operations[0]?.operationId, 'Ping');
  assert.deepEqual(
    definition.connection.parameters.map((parameter) => [parameter.name, parameter.type]),
    [
      ['username', 'string'],
      ['password', 'securestring'],
    ],
  );
});

test('a folder whose definition has a non-standard name loads with a definition-file-name warning', () => {
  const { definition, issues } = loadConnector(fixtureFolder('odd-name'));
  assert.ok(definition !== undefined);
  assert.equal(definition.source.definitionFile, 'Contoso-Items.swagger.json');
  assert.equal(definition.source.kind, 'power-platform-folder');
  assert.equal(definition.operations.length, 3);
  const warning = issues.find((issue) => issue.code === 'definition-file-name');
  assert.equal(warning?.severity, 'warning');
  assert.equal(warning?.file, 'Contoso-Items.swagger.json');
  assert.match(warning?.message ?? '', /read from `Contoso-Items\.swagger\.json` .* expects `apiDefinition\.swagger\.json` — rename the file/);
});

test('a folder holding just an OpenAPI 3 YAML file loads it as the definition', () => {
  const source = readFolder(join(FIXTURES_ROOT, 'files'));
  assert.ok(source.kind === 'folder');
  const only: ConnectorSource = { ...source, files: source.files.filter((file) => file.name === 'contoso.openapi3.yaml') };
  const { definition, issues } = loadConnector(only);
  assert.equal(definition?.source.documentKind, 'openapi3');
  assert.equal(definition?.source.kind, 'power-platform-folder');
  assert.ok(issues.some((issue) => issue.code === 'definition-file-name'));
  assert.ok(issues.some((issue) => issue.code === 'properties-missing'));
});

test('a folder with a *.swagger.yaml prefers it; with several other candidate documents it is ambiguous', () => {
  const source = readFolder(join(FIXTURES_ROOT, 'files'));
  assert.ok(source.kind === 'folder');
  assert.equal(loadConnector(source).definition?.source.definitionFile, 'contoso.swagger.yaml');
  const { definition, issues } = loadConnector({ ...source, files: source.files.filter((file) => !file.name.includes('.swagger.')) });
  assert.equal(definition, undefined);
  const issue = issues.find((candidate) => candidate.code === 'definition-ambiguous');
  assert.equal(issue?.severity, 'error');
  assert.match(issue?.message ?? '', /`contoso\.openapi3\.yaml`, `contoso\.postman_collection\.json`/);
});
