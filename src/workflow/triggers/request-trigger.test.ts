/** A Request trigger's outputs: what of the caller's headers and queries a run sees; what it cannot declare yet. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { loadWorkflowDefinition } from '../definition/load-workflow-definition.ts';
import type { WorkflowTrigger } from '../definition/model.ts';
import { requestTriggerIssues, requestTriggerOutputs } from './request-trigger.ts';
import type { IncomingCall } from './request-trigger.ts';

function manual(raw: Record<string, unknown> = {}): WorkflowTrigger {
  const trigger = loadWorkflowDefinition({ triggers: { manual: { type: 'Request', kind: 'Http', inputs: {}, ...raw } }, actions: {} }).definition?.triggers[0];
  assert.ok(trigger);
  return trigger;
}

const call: IncomingCall = {
  method: 'POST',
  path: '',
  headers: { 'content-type': 'application/json', Authorization: 'Bearer caller-secret', 'x-request-id': 'r-1' },
  queries: { 'api-version': '2016-10-01', SP: '/triggers/manual/run', sv: '1.0', Sig: 's1g', tenant: 'contoso' },
  body: { orderId: 7 },
};

describe('requestTriggerOutputs', () => {
  test('leaves the caller’s Authorization header out (any case): run history must not keep credentials', () => {
    assert.deepEqual(requestTriggerOutputs(manual(), call), { headers: { 'content-type': 'application/json', 'x-request-id': 'r-1' }, queries: { tenant: 'contoso' }, body: { orderId: 7 } });
    assert.deepEqual(requestTriggerOutputs(manual(), { ...call, headers: { authorization: 'Basic eDp5' } }).headers, {});
  });

  test('keeps Authorization with operationOptions IncludeAuthorizationHeadersInOutputs (any case, among other options)', () => {
    const outputs = requestTriggerOutputs(manual({ operationOptions: 'SingleInstance, includeAuthorizationHeadersInOutputs' }), call);
    assert.equal((outputs['headers'] as Record<string, string>)['Authorization'], 'Bearer caller-secret');
  });

  test('the signature’s query members are left out whatever their case', () => {
    assert.deepEqual(requestTriggerOutputs(manual(), { ...call, queries: { SIG: 'x', Sp: 'y', SV: '1.0', 'API-Version': 'v' } }).queries, undefined);
  });
});

describe('requestTriggerIssues', () => {
  test('splitOn and conditions are refused with the pointer of the member as written', () => {
    const issues = requestTriggerIssues(manual({ SplitOn: "@triggerBody()?['items']", conditions: [{ expression: '@true' }] }));
    assert.deepEqual(issues.map((issue) => [issue.severity, issue.path]), [['error', '/triggers/manual/SplitOn'], ['error', '/triggers/manual/conditions']]);
    assert.match(issues[0]?.message ?? '', /`splitOn` is not supported on Request triggers yet — remove it and .*Foreach/);
    assert.match(issues[1]?.message ?? '', /`conditions` is not supported on Request triggers yet — remove it and .*Condition action/);
  });

  test('a Request trigger without them, and other kinds with them, have no issue', () => {
    assert.deepEqual(requestTriggerIssues(manual()), []);
    const polled = loadWorkflowDefinition({ triggers: { poll: { type: 'Http', inputs: { method: 'GET', uri: 'https://api.example.com/' }, splitOn: '@triggerBody()', conditions: [] } }, actions: {} }).definition?.triggers[0];
    assert.ok(polled);
    assert.deepEqual(requestTriggerIssues(polled), []);
  });
});
