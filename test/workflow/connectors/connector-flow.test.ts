/** A Power Automate flow export with connector actions, run by the engine with the connector port over the gateway. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createManualClock } from '../../../src/core/index.ts';
import { openStore } from '../../../src/storage/index.ts';
import type { Store } from '../../../src/storage/index.ts';
import { loadWorkflowDefinition, runWorkflow, validateWorkflowDefinition } from '../../../src/workflow/index.ts';
import { CONNECTION_ID, startGroupsGateway } from './kit.ts';
import type { GroupsGateway } from './kit.ts';

let gateway: GroupsGateway;
let store: Store;
before(async () => {
  gateway = await startGroupsGateway();
  store = await openStore({ driver: 'sqlite', memory: true });
});
after(async () => {
  await gateway.close();
  await store.close();
});

const connectionReferences = { shared_office365groups: { connectionName: CONNECTION_ID, source: 'Embedded', id: '/providers/Microsoft.PowerApps/apis/shared_office365groups' } };
const host = (operationId: string) => ({ apiId: '/providers/Microsoft.PowerApps/apis/shared_office365groups', connectionName: 'shared_office365groups', operationId });

/** As Power Automate exports it: `properties.connectionReferences` + `properties.definition`. */
const flow = {
  properties: {
    connectionReferences,
    definition: {
      $schema: 'https://schema.management.azure.com/providers/Microsoft.Logic/schemas/2016-06-01/workflowdefinition.json#',
      contentVersion: '1.0.0.0',
      parameters: { $connections: { defaultValue: {}, type: 'Object' }, $authentication: { defaultValue: {}, type: 'SecureObject' } },
      triggers: { manual: { type: 'Request', kind: 'Button', inputs: { schema: { type: 'object', properties: { name: { type: 'string' } } } } } },
      actions: {
        Create_group: {
          type: 'OpenApiConnection',
          runAfter: {},
          inputs: { host: host('CreateGroup'), parameters: { 'body/displayName': "@triggerBody()?['name']", 'body/mailNickname': "@toLower(triggerBody()?['name'])", 'body/mailEnabled': true, 'body/securityEnabled': false }, authentication: "@parameters('$authentication')" },
        },
        Create_duplicate: {
          type: 'OpenApiConnection',
          runAfter: { Create_group: ['Succeeded'] },
          inputs: { host: host('CreateGroup'), parameters: { 'body/displayName': "@outputs('Create_group')?['body/displayName']" }, authentication: "@parameters('$authentication')" },
        },
        Report_failure: { type: 'Compose', runAfter: { Create_duplicate: ['Failed'] }, inputs: "@{outputs('Create_duplicate')?['statusCode']} after @{body('Create_group')?['id']}" },
      },
    },
  },
};

test('connector actions of a flow call the backend in order, and a failed one is handled by a runAfter Failed action', async () => {
  const loaded = loadWorkflowDefinition(flow);
  assert.ok(loaded.definition);
  assert.deepEqual([...loaded.issues, ...validateWorkflowDefinition(loaded.definition, { parameters: loaded.parameters, connectionReferences: loaded.connectionReferences })], []);
  const from = gateway.mock.requests.length;
  const result = await runWorkflow({
    store,
    loaded,
    triggerOutputs: { headers: {}, queries: {}, body: { name: 'Finance' } },
    clock: createManualClock(Date.UTC(2026, 0, 1)),
    ports: { connectors: gateway.portFor(flow.properties.connectionReferences, loaded.parameters) },
  });

  const requests = gateway.mock.requests.slice(from);
  assert.deepEqual(
    requests.map((request) => [request.operationId, request.status]),
    [
      ['CreateGroup', 201],
      ['CreateGroup', 400],
    ],
  );
  assert.deepEqual(requests[0]?.body, { displayName: 'Finance', mailNickname: 'finance', mailEnabled: true, securityEnabled: false });

  assert.equal(result.actions['Create_group']?.status, 'Succeeded');
  assert.equal(result.actions['Create_duplicate']?.status, 'Failed');
  assert.equal(result.actions['Create_duplicate']?.error?.code, 'BadRequest');
  const createdId = (result.actions['Create_group']?.outputs as { body: { id: string } }).body.id;
  assert.equal(result.actions['Report_failure']?.outputs, `400 after ${createdId}`);
});
