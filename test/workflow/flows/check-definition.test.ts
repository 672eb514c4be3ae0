/** Saving a flow: what a Request trigger may not declare yet is refused with the pointer into the request. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { isPlugboardError } from '../../../src/core/index.ts';
import { checkFlowDefinition } from '../../../src/workflow/index.ts';

/** The issues of a refused save, or [] when the definition was accepted. */
function refusal(definition: unknown): { path: string; message: string }[] {
  try {
    checkFlowDefinition({ flowName: 'orders', definition, connectionReferences: {} });
    return [];
  } catch (error) {
    assert.ok(isPlugboardError(error) && error.code === 'WorkflowDefinitionInvalid', String(error));
    const issues = error.details?.['issues'];
    assert.ok(Array.isArray(issues));
    return issues.map(({ path, message }: { path: string; message: string }) => ({ path, message }));
  }
}

const requestFlow = (extra: Record<string, unknown>) => ({
  triggers: { manual: { type: 'Request', kind: 'Http', inputs: { schema: {} }, ...extra } },
  actions: { Keep: { type: 'Compose', inputs: '@triggerBody()', runAfter: {} } },
});

describe('checkFlowDefinition: Request triggers', () => {
  test('refuses splitOn on a Request trigger at /definition/triggers/manual/splitOn, saying what to do instead', () => {
    const issues = refusal(requestFlow({ splitOn: "@triggerBody()?['items']" }));
    assert.deepEqual(issues.map((issue) => issue.path), ['/definition/triggers/manual/splitOn']);
    assert.match(issues[0]?.message ?? '', /not supported on Request triggers yet — remove it and send one call per item/);
  });

  test('refuses conditions on a Request trigger at /definition/triggers/manual/conditions', () => {
    const issues = refusal(requestFlow({ conditions: [{ expression: "@equals(triggerBody()?['kind'], 'order')" }] }));
    assert.deepEqual(issues.map((issue) => issue.path), ['/definition/triggers/manual/conditions']);
    assert.match(issues[0]?.message ?? '', /not supported on Request triggers yet/);
  });

  test('a Power Automate wrapper’s pointer includes the wrapper', () => {
    const issues = refusal({ properties: { definition: requestFlow({ splitOn: '@triggerBody()' }) } });
    assert.deepEqual(issues.map((issue) => issue.path), ['/definition/properties/definition/triggers/manual/splitOn']);
  });

  test('a Request trigger without them, and a polling trigger with them, are saved', () => {
    assert.deepEqual(refusal(requestFlow({})), []);
    assert.deepEqual(
      refusal({
        triggers: { poll: { type: 'Http', inputs: { method: 'GET', uri: 'https://api.example.com/rows' }, recurrence: { frequency: 'Minute', interval: 5 }, splitOn: "@triggerBody()?['rows']", conditions: [{ expression: '@true' }] } },
        actions: {},
      }),
      [],
    );
  });
});
