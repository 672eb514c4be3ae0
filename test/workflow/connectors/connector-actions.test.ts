/**
 * OpenApiConnection and ApiConnection actions end to end: executor → connector port → gateway
 * invoker (OAuth credentials, egress) → the generated mock backend of a real corpus connector.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ActionContext } from '../../../src/workflow/actions/index.ts';
import { run, testContext } from '../actions/kit.ts';
import type { TestContextOptions } from '../actions/kit.ts';
import { CONNECTION_ID, startGroupsGateway } from './kit.ts';
import type { GroupsGateway } from './kit.ts';

/** Power Automate's export of the flow's connection reference to the connector. */
const POWER_AUTOMATE_REFERENCES = {
  shared_office365groups: { connectionName: CONNECTION_ID, source: 'Embedded', id: '/providers/Microsoft.PowerApps/apis/shared_office365groups', tier: 'NotSpecified' },
};

/** The Logic Apps `$connections` parameter value of the same connection. */
const LOGIC_APPS_CONNECTIONS = {
  office365groups: {
    connectionId: `/subscriptions/0000/resourceGroups/flows/providers/Microsoft.Web/connections/${CONNECTION_ID}`,
    connectionName: 'office365groups',
    id: '/subscriptions/0000/providers/Microsoft.Web/locations/westeurope/managedApis/office365groups',
  },
};

const GROUP_ID = '3f2504e0-4f89-11d3-9a0c-0305e82c3301';

let gateway: GroupsGateway;
before(async () => {
  gateway = await startGroupsGateway();
});
after(() => gateway.close());

function contextWith(connectors: ActionContext['connectors'], options: TestContextOptions = {}): ActionContext {
  return { ...testContext(options), ...(connectors === undefined ? {} : { connectors }) };
}

/** The requests the mock received since `from`. */
function received(from: number) {
  return gateway.mock.requests.slice(from);
}

describe('OpenApiConnection', () => {
  const createGroup = (parameters: Record<string, unknown>, connectionName = 'shared_office365groups') => ({
    name: 'Create_group',
    type: 'OpenApiConnection',
    inputs: {
      host: { apiId: '/providers/Microsoft.PowerApps/apis/shared_office365groups', connectionName, operationId: 'CreateGroup' },
      parameters,
      authentication: "@parameters('$authentication')",
    },
  });

  test('calls the operation with the flattened body/… parameters as one JSON body, signed with the connection, and returns statusCode, headers and body', async () => {
    const from = gateway.mock.requests.length;
    const context = contextWith(gateway.portFor(POWER_AUTOMATE_REFERENCES), { variables: [{ name: 'team', type: 'String', value: 'Finance' }] });
    const outcome = await run(
      createGroup({ 'body/displayName': "@{variables('team')} team", 'body/mailNickname': "@toLower(variables('team'))", 'body/mailEnabled': true, 'body/securityEnabled': false, 'body/groupTypes': ['Unified'] }),
      context,
    );

    const requests = received(from);
    assert.equal(requests.length, 1);
    const request = requests[0];
    assert.equal(request?.method, 'POST');
    assert.equal(request?.path, '/v1.0/groups');
    assert.equal(request?.operationId, 'CreateGroup');
    assert.deepEqual(request?.body, { displayName: 'Finance team', mailNickname: 'finance', mailEnabled: true, securityEnabled: false, groupTypes: ['Unified'] });
    assert.equal(request?.headers['authorization'], '[redacted]', 'the OAuth token of the connection is on the call');
    assert.deepEqual(request?.problems, [], 'the backend finds the request valid');

    assert.equal(outcome.status, 'Succeeded', JSON.stringify(outcome.error));
    const outputs = outcome.outputs as { statusCode: number; headers: Record<string, string>; body: Record<string, unknown> };
    assert.equal(outputs.statusCode, 201);
    assert.match(outputs.headers['content-type'] ?? '', /json/);
    assert.equal(typeof outputs.body['id'], 'string', 'the created group as the backend answered it');
    assert.deepEqual(outcome.inputs, {
      host: { apiId: '/providers/Microsoft.PowerApps/apis/shared_office365groups', connectionName: 'shared_office365groups', operationId: 'CreateGroup' },
      parameters: { 'body/displayName': 'Finance team', 'body/mailNickname': 'finance', 'body/mailEnabled': true, 'body/securityEnabled': false, 'body/groupTypes': ['Unified'] },
    });
  });

  test('a non-2xx answer fails the action with the status name as code and keeps the answer in the outputs', async () => {
    const from = gateway.mock.requests.length;
    // The mock refuses a body without the required mailNickname, mailEnabled and securityEnabled (400).
    const outcome = await run(createGroup({ 'body/displayName': 'Finance team' }), contextWith(gateway.portFor(POWER_AUTOMATE_REFERENCES)));
    assert.equal(received(from).length, 1);
    assert.equal(outcome.status, 'Failed');
    assert.equal(outcome.error?.code, 'BadRequest');
    assert.match(outcome.error?.message ?? '', /operation 'CreateGroup' on connection reference 'shared_office365groups' answered 400 \(BadRequest\)/);
    const outputs = outcome.outputs as { statusCode: number; body: { error: { code: string; problems: { where: string }[] } } };
    assert.equal(outputs.statusCode, 400);
    assert.equal(outputs.body.error.code, 'MockRequestInvalid');
    assert.ok(outputs.body.error.problems.some((problem) => /mailNickname/.test(JSON.stringify(problem))), JSON.stringify(outputs.body));
  });

  test('a reference the flow does not have fails the action before any call, naming the reference and the fix', async () => {
    const from = gateway.mock.requests.length;
    const outcome = await run(createGroup({ 'body/displayName': 'x' }, 'shared_office365groups_1'), contextWith(gateway.portFor(POWER_AUTOMATE_REFERENCES)));
    assert.equal(outcome.status, 'Failed');
    assert.equal(outcome.error?.code, 'ConnectionReferenceNotFound');
    assert.match(outcome.error?.message ?? '', /^action 'Create_group': connection reference 'shared_office365groups_1' is not among the flow's connection references — add it to the flow's connectionReferences/);
    assert.deepEqual(received(from), []);
    assert.deepEqual((outcome.inputs as { parameters: unknown }).parameters, { 'body/displayName': 'x' }, 'the inputs are still recorded');
  });

  test('an operation the connector does not have fails with the gateway’s OperationNotFound', async () => {
    const outcome = await run(
      { name: 'Send', type: 'OpenApiConnection', inputs: { host: { connectionName: 'shared_office365groups', operationId: 'SendEmailV2' }, parameters: {} } },
      contextWith(gateway.portFor(POWER_AUTOMATE_REFERENCES)),
    );
    assert.equal(outcome.status, 'Failed');
    assert.equal(outcome.error?.code, 'OperationNotFound');
    assert.match(outcome.error?.message ?? '', /connector `office365groups` has no operation `SendEmailV2`/);
  });

  test('without a connector port the action fails with ConnectorNotAvailable and its inputs recorded', async () => {
    const outcome = await run(createGroup({ 'body/displayName': 'Finance team' }), contextWith(undefined));
    assert.equal(outcome.status, 'Failed');
    assert.equal(outcome.error?.code, 'ConnectorNotAvailable');
    assert.match(outcome.error?.message ?? '', /OpenApiConnection actions cannot run here/);
    assert.deepEqual((outcome.inputs as { parameters: unknown }).parameters, { 'body/displayName': 'Finance team' });
  });

  test('a missing operationId is a BadRequest naming host.operationId', async () => {
    const outcome = await run({ name: 'Create_group', type: 'OpenApiConnection', inputs: { host: { connectionName: 'shared_office365groups' }, parameters: {} } }, contextWith(gateway.portFor(POWER_AUTOMATE_REFERENCES)));
    assert.equal(outcome.status, 'Failed');
    assert.equal(outcome.error?.code, 'BadRequest');
    assert.match(outcome.error?.message ?? '', /input `host.operationId` is required/);
  });
});

describe('ApiConnection', () => {
  const joinGroup = (host: Record<string, unknown>) => ({
    name: 'Join_group',
    type: 'ApiConnection',
    inputs: {
      host,
      method: 'post',
      path: "/v1.0/groups/@{encodeURIComponent(variables('group'))}/members/$ref",
      body: {},
      retryPolicy: { type: 'none' },
    },
  });
  const logicAppsHost = { connection: { name: "@parameters('$connections')['office365groups']['connectionId']" } };

  test('sends method + path + body on the connection the $connections key names; the gateway finds the operation and fills internal defaults', async () => {
    const from = gateway.mock.requests.length;
    const context = contextWith(gateway.portFor({}, { $connections: LOGIC_APPS_CONNECTIONS }), {
      variables: [{ name: 'group', type: 'String', value: GROUP_ID }],
      expressions: { parameters: { $connections: LOGIC_APPS_CONNECTIONS } },
    });
    const outcome = await run(joinGroup(logicAppsHost), context);

    const requests = received(from);
    assert.equal(requests.length, 1);
    assert.equal(requests[0]?.method, 'POST');
    assert.equal(requests[0]?.path, `/v1.0/groups/${GROUP_ID}/members/$ref`);
    assert.equal(requests[0]?.operationId, 'JoinGroup');
    assert.deepEqual(requests[0]?.body, { '@odata.id': 'https://graph.microsoft.com/v1.0/me' }, 'the x-ms-visibility internal default of the body');
    assert.deepEqual(requests[0]?.problems, []);

    assert.equal(outcome.status, 'Succeeded', JSON.stringify(outcome.error));
    assert.equal((outcome.outputs as { statusCode: number }).statusCode, 204);
    assert.equal((outcome.outputs as { body?: unknown }).body, undefined, 'an empty answer has no body');
    assert.deepEqual(outcome.inputs, { host: { connection: { referenceName: 'office365groups' } }, method: 'post', path: `/v1.0/groups/${GROUP_ID}/members/$ref`, body: {} });
  });

  test('the flow’s own reference resolves the $connections key when the parameter has no such entry (and Standard’s referenceName works alike)', async () => {
    const references = { office365groups: { connection: CONNECTION_ID, connector: 'office365groups' } };
    const variables = [{ name: 'group', type: 'String' as const, value: GROUP_ID }];
    for (const host of [logicAppsHost, { connection: { referenceName: 'office365groups' } }]) {
      const from = gateway.mock.requests.length;
      const outcome = await run(joinGroup(host), contextWith(gateway.portFor(references), { variables }));
      assert.equal(outcome.status, 'Succeeded', JSON.stringify(outcome.error));
      assert.equal(received(from)[0]?.operationId, 'JoinGroup');
    }
  });

  test('a GET answers the backend’s JSON as the body', async () => {
    const from = gateway.mock.requests.length;
    const outcome = await run({ name: 'List_groups', type: 'ApiConnection', inputs: { host: logicAppsHost, method: 'GET', path: '/v1.0/groups' } }, contextWith(gateway.portFor({}, { $connections: LOGIC_APPS_CONNECTIONS })));
    assert.equal(outcome.status, 'Succeeded', JSON.stringify(outcome.error));
    assert.equal(received(from)[0]?.operationId, 'ListGroups');
    assert.equal((outcome.outputs as { statusCode: number }).statusCode, 200);
    assert.ok(Array.isArray((outcome.outputs as { body: { value: unknown } }).body.value), 'the list the backend answered');
  });

  test('a path no operation of the connector has fails with OperationNotFound before any call', async () => {
    const from = gateway.mock.requests.length;
    const outcome = await run(
      { name: 'Send', type: 'ApiConnection', inputs: { host: logicAppsHost, method: 'post', path: '/v2/Mail', body: {} } },
      contextWith(gateway.portFor({}, { $connections: LOGIC_APPS_CONNECTIONS })),
    );
    assert.equal(outcome.status, 'Failed');
    assert.equal(outcome.error?.code, 'OperationNotFound');
    assert.deepEqual(received(from), []);
  });

  test('a reference whose connector is not the connection’s is reported against the reference', async () => {
    const outcome = await run(joinGroup({ connection: { referenceName: 'groups' } }), contextWith(gateway.portFor({ groups: { connection: CONNECTION_ID, connector: 'office365' } }), { variables: [{ name: 'group', type: 'String', value: GROUP_ID }] }));
    assert.equal(outcome.status, 'Failed');
    assert.equal(outcome.error?.code, 'ConnectionReferenceInvalid');
    assert.match(outcome.error?.message ?? '', /connection reference 'groups' says connector 'office365', but its connection belongs to another connector/);
  });

  test('an unknown $connections key fails with ConnectionReferenceNotFound; no port fails with ConnectorNotAvailable', async () => {
    const unknown = await run(
      { name: 'Send', type: 'ApiConnection', inputs: { host: { connection: { name: "@parameters('$connections')['office365']['connectionId']" } }, method: 'post', path: '/v2/Mail' } },
      contextWith(gateway.portFor({}, { $connections: LOGIC_APPS_CONNECTIONS })),
    );
    assert.equal(unknown.status, 'Failed');
    assert.equal(unknown.error?.code, 'ConnectionReferenceNotFound');
    assert.match(unknown.error?.message ?? '', /connection reference 'office365' is not among the flow's connection references/);

    const noPort = await run(joinGroup(logicAppsHost), contextWith(undefined, { variables: [{ name: 'group', type: 'String', value: GROUP_ID }] }));
    assert.equal(noPort.status, 'Failed');
    assert.equal(noPort.error?.code, 'ConnectorNotAvailable');
    assert.equal((noPort.inputs as { path: string }).path, `/v1.0/groups/${GROUP_ID}/members/$ref`);
  });

  test('an Authorization header of the inputs shows as *sanitized* in the recorded inputs', async () => {
    const outcome = await run(
      { name: 'List_groups', type: 'ApiConnection', inputs: { host: logicAppsHost, method: 'get', path: '/v1.0/groups', headers: { Authorization: 'Bearer other-secret', 'x-trace': 't1' } } },
      contextWith(undefined),
    );
    assert.deepEqual((outcome.inputs as { headers: unknown }).headers, { Authorization: '*sanitized*', 'x-trace': 't1' });
    assert.doesNotMatch(JSON.stringify(outcome), /other-secret/);
  });
});
