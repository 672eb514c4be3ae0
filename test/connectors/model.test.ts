/** The normalized model on real corpus connectors and small fixtures. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConnector, validateConnector } from '../../src/connectors/index.ts';
import type { ConnectorDefinition, ConnectorSource, Operation } from '../../src/connectors/index.ts';
import { CORPUS_ROOT, corpusFolder, fixtureFolder } from './connector-kit.ts';

function load(source: ConnectorSource): ConnectorDefinition {
  const { definition, issues } = loadConnector(source);
  assert.ok(definition !== undefined, JSON.stringify(issues));
  return definition;
}

/** The value as it is stored (JSON): optional fields that are undefined disappear. */
function plain(value: unknown): unknown {
  return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
}

function operation(definition: ConnectorDefinition, operationId: string): Operation {
  const found = definition.operations.find((candidate) => candidate.operationId === operationId);
  assert.ok(found !== undefined, `no operation ${operationId}`);
  return found;
}

function rawProperties(folder: string): { properties: Record<string, unknown> } {
  const value: unknown = JSON.parse(readFileSync(join(CORPUS_ROOT, folder, 'apiProperties.json'), 'utf8'));
  assert.ok(typeof value === 'object' && value !== null && 'properties' in value);
  const properties = value.properties;
  assert.ok(typeof properties === 'object' && properties !== null && !Array.isArray(properties));
  return { properties: { ...properties } };
}

/** A folder source built in memory; objects are JSON-encoded. */
function inline(files: Record<string, unknown>): ConnectorSource {
  const encoder = new TextEncoder();
  return {
    kind: 'folder',
    path: 'inline',
    files: Object.entries(files).map(([name, content]) => {
      const bytes = encoder.encode(typeof content === 'string' ? content : JSON.stringify(content));
      return { name, size: bytes.length, bytes };
    }),
  };
}

function swagger(paths: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { swagger: '2.0', info: { title: 'Inline', version: '1.0' }, host: 'api.example', basePath: '/', schemes: ['https'], paths, ...extra };
}

test('Planner policy templates are normalized: lower-case ids, operation lists, sections and unprefixed parameters', () => {
  const definition = load(corpusFolder('certified-connectors/Planner'));
  const raw = rawProperties('certified-connectors/Planner').properties['policyTemplateInstances'];
  assert.ok(Array.isArray(raw));
  assert.equal(definition.policies.length, raw.length);
  const stringToArray = definition.policies.find((policy) => policy.templateId === 'stringtoarray');
  assert.ok(stringToArray !== undefined);
  assert.equal(stringToArray.templateIdRaw, 'StringToArray');
  assert.deepEqual(stringToArray.operationNames, ['CreateTask_V3', 'CreateTask_V4', 'UnassignUsers', 'AssignUsers']);
  assert.equal(stringToArray.policySection, 'request');
  assert.deepEqual(stringToArray.parameters, {
    propertyParentPath: '@body()',
    propertySubPath: 'assignments',
    delimiterList: ';',
    childPropertyName: 'userId',
    newPropertyPath: '@body().assignments',
  });
  assert.equal(stringToArray.rawParameters['x-ms-apimTemplateParameter.delimiterList'], ';');
  const ids = new Set(definition.policies.map((policy) => policy.templateId));
  for (const id of ['routerequesttoendpoint', 'setvaluefromurl', 'setproperty', 'stringreplace', 'convertarraytoobject', 'convertobjecttoarray', 'encodepropertyvalue', 'setqueryparameter', 'updatenextlink']) {
    assert.ok(ids.has(id), `Planner should have a ${id} policy`);
  }
});

test('a policy without an operation list applies to all operations (operationNames undefined)', () => {
  const definition = load(corpusFolder('certified-connectors/AlisQI'));
  const policy = definition.policies.find((candidate) => candidate.templateId === 'dynamicsubdomain');
  assert.ok(policy !== undefined);
  assert.equal(policy.operationNames, undefined);
  assert.match(String(policy.parameters['urlTemplate']), /@connectionParameters\('subdomain'\)/);
});

test('Planner connection: an aadcertificate token and a token:TenantId sub-parameter with string flags read as booleans', () => {
  const definition = load(corpusFolder('certified-connectors/Planner'));
  const [token, tenant] = definition.connection.parameters;
  assert.equal(token?.name, 'token');
  assert.equal(token?.type, 'oauthSetting');
  assert.equal(token?.oauth?.identityProvider, 'aadcertificate');
  assert.deepEqual(token?.oauth?.scopes, ['Group.ReadWrite.All offline_access']);
  assert.deepEqual(token?.oauth?.customParameters['resourceUri'], { value: 'https://graph.microsoft.com/' });
  assert.equal(tenant?.name, 'token:TenantId');
  assert.deepEqual(tenant?.belongsTo, { parameter: 'token', key: 'TenantId' });
  assert.equal(tenant?.ui?.required, false);
  assert.equal(tenant?.ui?.hidden, true);
  assert.deepEqual(tenant?.extra, { metadata: { sourceType: 'AzureActiveDirectoryTenant' } });
  assert.equal(definition.connection.derived, false);
});

test('LawVu parameter sets: one OAuth app per region, each with a token:customHost sub-parameter', () => {
  const definition = load(corpusFolder('certified-connectors/LawVu'));
  const sets = definition.connection.parameterSets;
  assert.ok(sets !== undefined);
  const raw = rawProperties('certified-connectors/LawVu').properties['connectionParameterSets'];
  assert.ok(typeof raw === 'object' && raw !== null && 'values' in raw && Array.isArray(raw.values));
  assert.equal(sets.values.length, raw.values.length);
  assert.equal(sets.uiDefinition?.displayName, 'LawVu Region');
  const australia = sets.values[0];
  assert.equal(australia?.name, 'oauthAU');
  assert.equal(australia?.uiDefinition?.displayName, 'Australia');
  assert.deepEqual(australia?.metadata, { allowSharing: false });
  const token = australia?.parameters.find((parameter) => parameter.name === 'token');
  assert.equal(token?.oauth?.identityProvider, 'oauth2');
  assert.equal(token?.pointer, '/properties/connectionParameterSets/values/0/parameters/token');
  const host = australia?.parameters.find((parameter) => parameter.name === 'token:customHost');
  assert.deepEqual(host?.belongsTo, { parameter: 'token', key: 'customHost' });
});

test('an aad oauthSetting keeps its settings but only records that a client secret exists', () => {
  const definition = load(corpusFolder('certified-connectors/Signi'));
  const token = definition.connection.parameters.find((parameter) => parameter.name === 'token');
  assert.equal(token?.oauth?.identityProvider, 'aad');
  assert.equal(token?.oauth?.hasClientSecret, true);
  assert.equal(token?.oauth?.properties['IsFirstParty'], 'False');
  assert.ok(token?.oauth !== undefined && !('clientSecret' in token.oauth));
});

test('no client secret value survives into the definition, in parameters or parameter sets', () => {
  const secret = 'very-secret-value-7f3a';
  const oauth = { identityProvider: 'oauth2', clientId: 'client', clientSecret: secret, scopes: ['read'], customParameters: { tokenUrl: { value: 'https://id.example/token' }, clientSecret: { value: secret } } };
  const definition = load(
    inline({
      'apiDefinition.swagger.json': swagger({ '/a': { get: { operationId: 'A', responses: { '200': { description: 'OK' } } } } }),
      'apiProperties.json': {
        properties: {
          iconBrandColor: '#123456',
          connectionParameters: { token: { type: 'oauthSetting', oAuthSettings: oauth } },
          connectionParameterSets: { uiDefinition: { displayName: 'Auth' }, values: [{ name: 'one', parameters: { token: { type: 'oauthSetting', oAuthSettings: oauth } } }] },
        },
      },
    }),
  );
  assert.equal(JSON.stringify(definition).includes(secret), false);
  assert.equal(definition.connection.parameters[0]?.oauth?.hasClientSecret, true);
  assert.equal(definition.connection.parameterSets?.values[0]?.parameters[0]?.oauth?.hasClientSecret, true);
});

test('connection parameter types: mis-cased oAuthSetting is recognised, an unknown type is kept raw with a warning', () => {
  const source = inline({
    'apiDefinition.swagger.json': swagger({ '/a': { get: { operationId: 'A', responses: { '200': { description: 'OK' } } } } }),
    'apiProperties.json': {
      properties: {
        iconBrandColor: '#123456',
        connectionParameters: { token: { type: 'oAuthSetting', oAuthSettings: { identityProvider: 'oauth2', scopes: [] } }, region: { type: 'dropdown' }, port: { type: 'int' } },
      },
    },
  });
  const definition = load(source);
  const [token, region, port] = definition.connection.parameters;
  assert.equal(token?.type, 'oauthSetting');
  assert.equal(token?.rawType, 'oAuthSetting');
  assert.equal(region?.type, 'unknown');
  assert.equal(region?.rawType, 'dropdown');
  assert.equal(port?.type, 'int');
  const issues = validateConnector(definition);
  const unknown = issues.find((issue) => issue.code === 'connection-parameter-type-unknown');
  assert.equal(unknown?.severity, 'warning');
  assert.equal(unknown?.path, '/properties/connectionParameters/region/type');
  assert.match(unknown?.message ?? '', /`region` has type "dropdown" — use one of string, securestring, oauthSetting/);
});

test('a pageable operation keeps its nextLinkName', () => {
  const definition = load(corpusFolder('certified-connectors/AzureAD'));
  assert.deepEqual(operation(definition, 'GetGroupMembers').pageable, { nextLinkName: '@odata.nextLink' });
});

test('x-ms-dynamic-values and x-ms-dynamic-list arguments are told apart: {parameter}, literal, {parameterReference}, {value}', () => {
  const iot = load(corpusFolder('certified-connectors/AzureIoTCentral'));
  const command = iot.operations.find((candidate) => candidate.path === '/api/preview/devices/{device_id}/components/{component_name}/commands/{command_name}' && candidate.method === 'post');
  const values = command?.parameters[3]?.dynamic?.values;
  assert.ok(values !== undefined && values.form === 'object');
  assert.equal(values.operationId, 'Workflow_GetCapabilities');
  assert.equal(values.valuePath, 'value');
  assert.equal(values.valueTitle, 'title');
  assert.deepEqual(values.parameters, {
    application: { kind: 'parameter', name: 'application' },
    template: { kind: 'parameter', name: 'instanceOf' },
    component: { kind: 'parameter', name: 'component_name' },
    type: { kind: 'literal', value: 'Command' },
  });
  const desk = load(corpusFolder('certified-connectors/DeskDirector'));
  const run = desk.operations.find((candidate) => candidate.path === '/api/v2/automate/connector/workflows/{workflowId}/actions' && candidate.method === 'post');
  const list = run?.parameters[1]?.dynamic?.list;
  assert.ok(list !== undefined && list.form === 'object');
  assert.deepEqual(list.parameters, { type: { kind: 'reference', reference: 'type' } });
  assert.equal(list.itemsPath, 'results');
  assert.equal(list.itemValuePath, 'id');
  const asite = load(corpusFolder('certified-connectors/Asite (Hong Kong)'));
  const upload = asite.operations.find((candidate) => candidate.path === '/saveMetadataForUpload');
  const picker = upload?.parameters[1]?.dynamic?.values;
  assert.ok(picker !== undefined && picker.form === 'object');
  assert.equal(picker.capability, 'file-picker');
  assert.deepEqual(picker.parameters['fileFilter'], { kind: 'literal', value: [] });
});

test('a webhook trigger records its callback-URL body path and notification schema; a polling trigger its metadata', () => {
  const airmeet = load(corpusFolder('certified-connectors/Airmeet'));
  const hook = operation(airmeet, 'AirmeetTriggers');
  assert.equal(hook.kind, 'trigger');
  assert.equal(hook.trigger?.kind, 'webhook');
  assert.equal(hook.trigger?.cardinality, 'single');
  assert.deepEqual(plain(hook.callbackUrl), {
    bodyPath: '/url',
    parameter: 'body',
    pointer: '/paths/~1platform-integration~1v1~1webhook-register/post/parameters/2/schema/properties/url',
    visibility: 'internal',
  });
  assert.ok(hook.trigger?.notification?.schema !== undefined);
  const actsoft = load(corpusFolder('certified-connectors/Actsoft'));
  const poll = operation(actsoft, 'FormController_Poll');
  assert.equal(poll.trigger?.kind, 'polling');
  assert.equal(poll.trigger?.cardinality, 'batch');
  assert.deepEqual(plain(poll.trigger?.metadata), { kind: 'query', mode: 'polling' });
});

test('the stray `script` key is read as script operations and kept, with an info issue', () => {
  const { definition, issues } = loadConnector(corpusFolder('certified-connectors/Airmeet'));
  assert.ok(definition !== undefined);
  assert.equal(definition.scriptOperations.length, 15);
  assert.ok(definition.scriptOperations.includes('AirmeetTriggers'));
  assert.deepEqual(Object.keys(definition.propertiesExtensions ?? {}), ['/properties/script']);
  const note = issues.find((issue) => issue.code === 'properties-key-unknown');
  assert.equal(note?.severity, 'info');
  assert.equal(note?.path, '/properties/script');
});

test('C# custom code is recorded without its text; TypeScript keeps its source for the sandbox', () => {
  const csharp = load(fixtureFolder('csharp-script'));
  assert.deepEqual(csharp.source.customCode, { language: 'csharp', file: 'script.csx' });
  assert.deepEqual(csharp.scriptOperations, ['CreateItem']);
  assert.ok(csharp.source.filesUsed.includes('script.csx'));
  const typescript = load(fixtureFolder('typescript-script'));
  assert.equal(typescript.source.customCode?.language, 'typescript');
  assert.match(typescript.source.customCode?.source ?? '', /export async function executeAsync/);
});

test('folder assets: icon as a PNG data URI, settings.json kept, brand colour and publisher from apiProperties', () => {
  const definition = load(fixtureFolder('valid'));
  assert.match(definition.info.icon ?? '', /^data:image\/png;base64,iVBORw0KGgo/);
  assert.equal(definition.source.settings?.['connectorId'], 'shared_contoso-items');
  assert.equal(definition.source.kind, 'power-platform-folder');
  assert.deepEqual([...definition.source.filesUsed].sort(), ['apiDefinition.swagger.json', 'apiProperties.json', 'icon.png', 'settings.json']);
  assert.equal(definition.info.iconBrandColor, '#1f6feb');
  assert.equal(definition.info.publisher, 'Contoso');
  assert.deepEqual(definition.info.metadata?.categories, ['Productivity', 'IT Operations']);
  assert.equal(definition.info.metadata?.privacyPolicy, 'https://contoso.example/privacy');
});

test('schemas keep their local $refs (recursive ones too) and the definitions they point to', () => {
  const definition = load(fixtureFolder('valid'));
  const create = operation(definition, 'CreateItem');
  assert.deepEqual(create.parameters[0]?.schema, { $ref: '#/definitions/Item' });
  assert.deepEqual(create.responses?.[0]?.schema, { $ref: '#/definitions/Item' });
  const item = definition.schemaDefinitions['Item'];
  assert.ok(typeof item === 'object' && item !== null);
  assert.match(JSON.stringify(item), /"children":\{"type":"array","items":\{"\$ref":"#\/definitions\/Item"\}\}/);
});

test('parameters: path-level merged with operation-level (operation wins), root $refs resolved, flags and x-ms fields normalized', () => {
  const document = swagger(
    {
      '/items/{id}': {
        parameters: [
          { name: 'id', in: 'path', required: true, type: 'string', description: 'path level' },
          { $ref: '#/parameters/top' },
        ],
        get: {
          operationId: 'GetItem',
          parameters: [
            { name: 'id', in: 'path', required: 'true', type: 'string', description: 'operation level', 'x-ms-url-encoding': 'double', 'x-ms-visibility': '' },
            { name: 'mode', in: 'query', type: 'string', enum: ['a', 'b'], 'x-ms-enum-values': [{ value: 'a', displayName: 'Mode A' }], 'x-ms-visibility': 'Advanced', 'x-custom': 1, maxLength: 5 },
          ],
          responses: { '200': { description: 'OK' } },
        },
      },
    },
    { parameters: { top: { name: '$top', in: 'query', type: 'integer', 'x-ms-summary': 'Top' } } },
  );
  const definition = load(inline({ 'apiDefinition.swagger.json': document, 'apiProperties.json': { properties: { iconBrandColor: '#123456' } } }));
  const parameters = operation(definition, 'GetItem').parameters;
  assert.deepEqual(
    parameters.map((parameter) => [parameter.name, parameter.level, parameter.pointer, parameter.definedAt]),
    [
      ['$top', 'path', '/paths/~1items~1{id}/parameters/1', '/parameters/top'],
      ['id', 'operation', '/paths/~1items~1{id}/get/parameters/0', undefined],
      ['mode', 'operation', '/paths/~1items~1{id}/get/parameters/1', undefined],
    ],
  );
  const [top, id, mode] = parameters;
  assert.equal(top?.summary, 'Top');
  assert.equal(id?.required, true);
  assert.equal(id?.description, 'operation level');
  assert.equal(id?.urlEncoding, 'double');
  assert.equal(id?.visibility, 'none');
  assert.equal(mode?.visibility, 'advanced');
  assert.deepEqual(mode?.enumNames, [{ value: 'a', displayName: 'Mode A' }]);
  assert.deepEqual(mode?.extensions, { 'x-custom': 1 });
  assert.deepEqual(mode?.constraints, { maxLength: 5 });
});

test('x-ms-connector-metadata accepts the PropertyName/PropertyValue casing', () => {
  const document = swagger(
    { '/a': { get: { operationId: 'A', responses: { '200': { description: 'OK' } } } } },
    { 'x-ms-connector-metadata': [{ PropertyName: 'Website', PropertyValue: 'https://a.example' }, { PropertyName: 'Privacy Policy', PropertyValue: 'https://a.example/p' }, { PropertyName: 'Categories', PropertyValue: 'AI; Data' }] },
  );
  const definition = load(inline({ 'apiDefinition.swagger.json': document }));
  assert.equal(definition.info.metadata?.website, 'https://a.example');
  assert.equal(definition.info.metadata?.privacyPolicy, 'https://a.example/p');
  assert.deepEqual(definition.info.metadata?.categories, ['AI', 'Data']);
});

test('a folder without apiProperties.json warns and derives connection parameters from securityDefinitions', () => {
  const document = swagger(
    { '/a': { get: { operationId: 'A', responses: { '200': { description: 'OK' } } } } },
    { securityDefinitions: { key: { type: 'apiKey', in: 'query', name: 'code' }, basic: { type: 'basic' } } },
  );
  const { definition, issues } = loadConnector(inline({ 'apiDefinition.swagger.json': document }));
  assert.ok(definition !== undefined);
  assert.equal(issues.find((issue) => issue.code === 'properties-missing')?.severity, 'warning');
  const derived = issues.find((issue) => issue.code === 'connection-parameters-derived');
  assert.equal(derived?.severity, 'info');
  assert.match(derived?.message ?? '', /`api_key` \(securestring\), `username` \(string\), `password` \(securestring\)/);
  assert.deepEqual(
    definition.connection.parameters.map((parameter) => [parameter.name, parameter.type]),
    [
      ['api_key', 'securestring'],
      ['username', 'string'],
      ['password', 'securestring'],
    ],
  );
  assert.equal(definition.connection.derived, true);
});

test('an unknown policy template is a warning naming the known templates', () => {
  const source = inline({
    'apiDefinition.swagger.json': swagger({ '/a': { get: { operationId: 'A', responses: { '200': { description: 'OK' } } } } }),
    'apiProperties.json': { properties: { iconBrandColor: '#123456', policyTemplateInstances: [{ templateId: 'setHeaders', title: 'typo', parameters: {} }] } },
  });
  const issue = validateConnector(load(source)).find((candidate) => candidate.code === 'policy-template-unknown');
  assert.equal(issue?.severity, 'warning');
  assert.equal(issue?.path, '/properties/policyTemplateInstances/0/templateId');
  assert.match(issue?.message ?? '', /template `setHeaders` is not known, so the policy will not run — use one of convertarraytoobject, .*setheader, .*updatenextlink$/);
});

test('a crash inside the loader becomes one internal-error issue naming the file', () => {
  const hostile: ConnectorSource = {
    kind: 'folder',
    path: 'hostile',
    get files(): never {
      throw new Error('boom');
    },
  };
  const { definition, issues } = loadConnector(hostile);
  assert.equal(definition, undefined);
  assert.equal(issues.length, 1);
  assert.equal(issues[0]?.code, 'internal-error');
  assert.equal(issues[0]?.file, 'hostile');
  assert.match(issues[0]?.message ?? '', /boom/);
});
