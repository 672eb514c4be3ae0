/** Loading workflows in every shape they are shipped in: bare, Logic Apps, Standard, Power Automate, ARM. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { loadWorkflowDefinition, validateWorkflowDefinition } from '../../src/workflow/index.ts';
import { actionOf, codesAndPaths, definitionOf, inspectWorkflow, onlyIssue, readWorkflowFixture } from './workflow-kit.ts';

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const item of Object.values(value)) deepFreeze(item);
    Object.freeze(value);
  }
  return value;
}

describe('a bare definition', () => {
  const input = readWorkflowFixture('bare-order-intake.json');
  const loaded = loadWorkflowDefinition(input);
  const definition = definitionOf(loaded);

  test('loads with its triggers, top-level actions in JSON order and declared parameters', () => {
    assert.equal(loaded.format, 'definition');
    assert.equal(definition.pointer, '');
    assert.deepEqual(loaded.issues, []);
    assert.deepEqual(definition.triggers.map((t) => [t.name, t.type, t.kind, t.pointer]), [['manual', 'Request', 'Http', '/triggers/manual']]);
    assert.deepEqual(definition.actions.actions.map((a) => a.name), ['Initialize_total', 'Initialize_rejected', 'Check_size', 'Route_by_priority', 'Summary', 'Respond']);
    assert.deepEqual(loaded.parameters, { inventoryBaseUrl: 'https://inventory.example.com', maxItems: 50 });
    assert.deepEqual(Object.keys(definition.parameters), ['inventoryBaseUrl', 'maxItems']);
    assert.equal(definition.parameters['maxItems']?.type, 'int');
  });

  test('nests actions under If (actions/else), Switch (cases/default), Foreach and Scope with pointer, parent and depth', () => {
    const reserve = actionOf(definition, 'Reserve_stock');
    assert.equal(reserve.pointer, '/actions/Check_size/actions/For_each_item/actions/Try/actions/Reserve_stock');
    assert.deepEqual(reserve.parent, { action: 'Try', branch: 'actions' });
    assert.equal(reserve.depth, 3);
    assert.deepEqual(actionOf(definition, 'For_each_item').parent, { action: 'Check_size', branch: 'actions' });
    assert.deepEqual(actionOf(definition, 'Too_many_items').parent, { action: 'Check_size', branch: 'else' });
    assert.equal(actionOf(definition, 'Too_many_items').pointer, '/actions/Check_size/else/actions/Too_many_items');
    assert.deepEqual(actionOf(definition, 'Notify_warehouse').parent, { action: 'Route_by_priority', branch: 'case', caseName: 'Urgent' });
    assert.equal(actionOf(definition, 'Notify_warehouse').pointer, '/actions/Route_by_priority/cases/Urgent/actions/Notify_warehouse');
    assert.deepEqual(actionOf(definition, 'Queue_normally').parent, { action: 'Route_by_priority', branch: 'default' });
    const check = actionOf(definition, 'Check_size');
    assert.deepEqual(check.containers.map((c) => [c.parent?.branch, c.pointer, c.actions.map((a) => a.name)]), [
      ['actions', '/actions/Check_size/actions', ['For_each_item']],
      ['else', '/actions/Check_size/else/actions', ['Too_many_items', 'Stop']],
    ]);
    assert.equal(definition.allActions.length, 15);
    assert.deepEqual(actionOf(definition, 'Catch').runAfter, { Try: ['Failed', 'Skipped', 'TimedOut'] });
  });

  test('keeps the raw JSON of each action for the executors, untouched', () => {
    const raw = (input as { actions: { Summary: unknown } }).actions.Summary;
    assert.equal(actionOf(definition, 'Summary').raw, raw);
    assert.deepEqual(actionOf(definition, 'Summary').inputs, (raw as { inputs: unknown }).inputs);
    assert.equal(definition.raw, input);
  });
});

describe('a Logic Apps { definition, parameters } body', () => {
  const loaded = loadWorkflowDefinition(readWorkflowFixture('logic-apps-wrapper.json'));

  test('takes parameter values from the wrapper\'s { value } and the rest from defaults', () => {
    assert.equal(loaded.format, 'logic-apps');
    assert.equal(definitionOf(loaded).pointer, '/definition');
    assert.equal(loaded.parameters['threshold'], 500);
    assert.equal(loaded.parameters['recipient'], 'ops@contoso.com');
    assert.equal(actionOf(definitionOf(loaded), 'Send_an_email_(V2)').pointer, '/definition/actions/Queue_too_long/actions/Send_an_email_(V2)');
  });

  test('reads the $connections parameter as connection references', () => {
    const office = loaded.connectionReferences['office365'];
    assert.ok(office !== undefined);
    assert.equal(office.apiName, 'office365');
    assert.equal(office.connectionName, 'office365');
    assert.match(office.connectionId ?? '', /\/connections\/office365$/);
  });

  test('values given by the caller win over the wrapper\'s, and unknown names are flagged', () => {
    const input = readWorkflowFixture('logic-apps-wrapper.json');
    const reloaded = loadWorkflowDefinition(input, { parameters: { threshold: 10, thresold: 3 } });
    assert.equal(reloaded.parameters['threshold'], 10);
    const issue = onlyIssue(reloaded.issues, 'parameter-undeclared');
    assert.equal(issue.severity, 'warning');
    assert.match(issue.message, /`thresold`/);
  });

  test('a wrapper parameter without `value` (a Key Vault reference) is reported at its pointer', () => {
    const loadedRef = loadWorkflowDefinition({ definition: { parameters: { secret: { type: 'SecureString' } }, actions: {} }, parameters: { secret: { reference: { keyVault: { id: 'x' } } } } });
    assert.equal(onlyIssue(loadedRef.issues, 'parameter-value-invalid').path, '/parameters/secret');
  });
});

describe('a Standard workflow.json', () => {
  const input = deepFreeze(readWorkflowFixture('standard-workflow.json'));
  const loaded = loadWorkflowDefinition(input);
  const definition = definitionOf(loaded);

  test('is recognised with its kind', () => {
    assert.equal(loaded.format, 'standard');
    assert.equal(loaded.kind, 'Stateful');
  });

  test('normalises lower-case types and upper-case runAfter statuses, leaving the raw JSON as written', () => {
    assert.deepEqual(definition.triggers.map((t) => t.type), ['Recurrence']);
    assert.deepEqual(definition.allActions.map((a) => a.type), ['Http', 'Compose', 'Scope', 'Compose']);
    assert.deepEqual(actionOf(definition, 'Healthy').runAfter, { Call_health: ['Succeeded'] });
    assert.deepEqual(actionOf(definition, 'Unhealthy').runAfter, { Call_health: ['Failed', 'TimedOut'] });
    assert.equal(actionOf(definition, 'Call_health').raw['type'], 'http');
    assert.deepEqual(actionOf(definition, 'Record_failure').parent, { action: 'Unhealthy', branch: 'actions' });
  });
});

describe('a Power Automate export', () => {
  const loaded = loadWorkflowDefinition(readWorkflowFixture('power-automate-export.json'));
  const definition = definitionOf(loaded);

  test('loads properties.definition with pointers into the export', () => {
    assert.equal(loaded.format, 'power-automate');
    assert.equal(definition.pointer, '/properties/definition');
    assert.equal(actionOf(definition, 'Send_an_email_(V2)').pointer, '/properties/definition/actions/Apply_to_each/actions/Has_owner_email/actions/Send_an_email_(V2)');
    assert.deepEqual(actionOf(definition, 'Apply_to_each').runAfter, { Get_items: ['Succeeded'] });
    assert.equal(actionOf(definition, 'Get_items').type, 'OpenApiConnection');
  });

  test('reads properties.connectionReferences', () => {
    assert.deepEqual(Object.keys(loaded.connectionReferences), ['shared_sharepointonline', 'shared_office365']);
    const sharepoint = loaded.connectionReferences['shared_sharepointonline'];
    assert.equal(sharepoint?.apiId, '/providers/Microsoft.PowerApps/apis/shared_sharepointonline');
    assert.equal(sharepoint?.apiName, 'shared_sharepointonline');
    assert.equal(sharepoint?.connectionName, 'shared-sharepointonl-5d1e8a2f-7c3b-4f0e-9b61-1a2b3c4d5e6f');
  });

  test('validates without issues, including the [\'body/value\'] accessors', () => {
    const { issues } = inspectWorkflow(readWorkflowFixture('power-automate-export.json'));
    assert.deepEqual(codesAndPaths(issues), []);
  });

  test('solution-aware connection references ({ api: { name }, connection }) are read too', () => {
    const loadedSolution = loadWorkflowDefinition({
      properties: {
        definition: { actions: {} },
        connectionReferences: { shared_office365: { runtimeSource: 'embedded', connection: { connectionReferenceLogicalName: 'cr_office' }, api: { name: 'shared_office365' } } },
      },
    });
    assert.equal(loadedSolution.connectionReferences['shared_office365']?.apiName, 'shared_office365');
    assert.equal(loadedSolution.connectionReferences['shared_office365']?.connectionName, 'cr_office');
  });
});

describe('other inputs', () => {
  test('an ARM template with one workflow resource loads, and unresolved ARM expressions are errors at their pointer', () => {
    const loaded = loadWorkflowDefinition({
      $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
      resources: [
        { type: 'Microsoft.Web/connections', name: 'office365', properties: {} },
        { type: 'Microsoft.Logic/workflows', name: 'wf', properties: { definition: { actions: { A: { type: 'Compose', inputs: "[parameters('greeting')]" } } }, parameters: {} } },
      ],
    });
    assert.equal(loaded.format, 'arm-template');
    assert.equal(definitionOf(loaded).pointer, '/resources/1/properties/definition');
    assert.equal(onlyIssue(loaded.issues, 'arm-expression-unresolved').path, '/resources/1/properties/definition/actions/A/inputs');
  });

  test('input that holds no definition says which shapes are accepted', () => {
    for (const input of [null, [], 'text', { name: 'x' }]) {
      const loaded = loadWorkflowDefinition(input);
      assert.equal(loaded.definition, undefined);
      assert.match(onlyIssue(loaded.issues, 'definition-not-found').message, /Power Automate export/);
    }
  });

  test('an action that is not an object is reported and left out of the tree', () => {
    const loaded = loadWorkflowDefinition({ actions: { Good: { type: 'Compose', inputs: 1 }, Bad: 'Compose' } });
    assert.equal(onlyIssue(loaded.issues, 'action-invalid').path, '/actions/Bad');
    assert.deepEqual(definitionOf(loaded).allActions.map((a) => a.name), ['Good']);
  });

  test('loading never modifies the caller\'s JSON', () => {
    const input = deepFreeze(readWorkflowFixture('power-automate-export.json'));
    const before = JSON.stringify(input);
    inspectWorkflow(input, { parameters: { $connections: {} }, connectionReferences: { extra: { id: '/providers/x/apis/y' } } });
    assert.equal(JSON.stringify(input), before);
  });

  test('no JSON input makes loading or validation throw', () => {
    const action = fc.letrec((tie) => ({
      action: fc.record(
        {
          type: fc.oneof(fc.constantFrom('Compose', 'scope', 'IF', 'Switch', 'Foreach', 'InitializeVariable', 'SetVariable', 'Http'), fc.string()),
          inputs: fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constantFrom("@variables('v')", '@{', "@body('A')", { variables: [{ name: 'v', type: 'string' }] })),
          runAfter: fc.oneof(fc.dictionary(fc.constantFrom('A', 'B', 'C', 'manual'), fc.array(fc.constantFrom('Succeeded', 'FAILED', 'x', 3))), fc.jsonValue({ maxDepth: 2 })),
          actions: tie('actions'),
          cases: fc.dictionary(fc.string(), fc.record({ case: fc.jsonValue({ maxDepth: 2 }), actions: tie('actions') }), { maxKeys: 3 }),
          else: fc.record({ actions: tie('actions') }),
        },
        { requiredKeys: ['type'] },
      ),
      actions: fc.oneof({ depthSize: 'small' }, fc.constant({}), fc.dictionary(fc.constantFrom('A', 'B', 'C', 'D'), tie('action'), { maxKeys: 4 })),
    }));
    const input = fc.oneof(
      fc.jsonValue({ maxDepth: 2 }),
      fc.record({ triggers: fc.jsonValue({ maxDepth: 2 }), actions: action.actions, parameters: fc.jsonValue({ maxDepth: 2 }) }),
      fc.record({ properties: fc.record({ definition: fc.record({ actions: action.actions }), connectionReferences: fc.jsonValue({ maxDepth: 2 }) }) }),
    );
    fc.assert(
      fc.property(input, fc.option(fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 2 }))), (json, parameters) => {
        const loaded = loadWorkflowDefinition(json, parameters === null ? undefined : { parameters });
        if (loaded.definition !== undefined) validateWorkflowDefinition(loaded.definition, { parameters: loaded.parameters, connectionReferences: loaded.connectionReferences });
      }),
      { numRuns: 200 },
    );
  });
});
