/** Workflow (child flow): the call handed to the engine's port, and how the child's reply becomes the outcome. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { PlugboardError } from '../../../src/core/index.ts';
import type { ActionContext, ChildFlowCall, ChildFlowReply } from '../../../src/workflow/actions/index.ts';
import { run, testContext } from './kit.ts';

const CHILD_ID = '/subscriptions/0000/resourceGroups/rg/providers/Microsoft.Logic/workflows/child-orders';

/** A port that records each call and answers with `reply`. */
function childFlows(reply: ChildFlowReply | ((call: ChildFlowCall) => Promise<ChildFlowReply>)) {
  const calls: ChildFlowCall[] = [];
  const port = async (call: ChildFlowCall): Promise<ChildFlowReply> => {
    calls.push(call);
    return typeof reply === 'function' ? reply(call) : reply;
  };
  return { port, calls };
}

function withPort(port: ActionContext['childFlows'], base: ActionContext = testContext()): ActionContext {
  return port === undefined ? base : { ...base, childFlows: port };
}

describe('Workflow', () => {
  test('calls the child named by an ARM id through its trigger, with evaluated headers and body; outputs are its Response', async () => {
    const { port, calls } = childFlows({ status: 200, headers: { 'content-type': 'application/json' }, body: { accepted: 2 } });
    const context = withPort(port, testContext({ variables: [{ name: 'orderId', type: 'String', value: 'A-7' }] }));
    const outcome = await run(
      { type: 'Workflow', name: 'Call_child', inputs: { host: { triggerName: 'manual', workflow: { id: CHILD_ID } }, headers: { 'x-order': "@variables('orderId')" }, body: { order: "@variables('orderId')", lines: [1, 2] } } },
      context,
    );
    assert.equal(outcome.status, 'Succeeded', outcome.error?.message);
    assert.deepEqual(outcome.outputs, { statusCode: 200, headers: { 'content-type': 'application/json' }, body: { accepted: 2 } });
    assert.equal(calls.length, 1);
    const call = calls[0];
    assert.equal(call?.flowId, 'child-orders');
    assert.equal(call?.flowReference, CHILD_ID);
    assert.equal(call?.triggerName, 'manual');
    assert.deepEqual(call?.headers, { 'x-order': 'A-7' });
    assert.deepEqual(call?.body, { order: 'A-7', lines: [1, 2] });
    assert.deepEqual(outcome.inputs, { host: { triggerName: 'manual', workflow: { id: CHILD_ID } }, headers: { 'x-order': 'A-7' }, body: { order: 'A-7', lines: [1, 2] } });
  });

  test("Power Automate's Run a Child Flow names the child by workflowReferenceName and no trigger: the manual trigger is called", async () => {
    const { port, calls } = childFlows({ status: 200, headers: {}, body: { access_token: 't' } });
    const outcome = await run({ type: 'Workflow', inputs: { host: { workflowReferenceName: '50895fca-088f-f111-8076-7ced8d76bf1b' } } }, withPort(port));
    assert.equal(outcome.status, 'Succeeded');
    assert.equal(calls[0]?.flowId, '50895fca-088f-f111-8076-7ced8d76bf1b');
    assert.equal(calls[0]?.triggerName, 'manual');
    assert.equal(calls[0]?.body, undefined);
    assert.deepEqual(outcome.outputs, { statusCode: 200, headers: {}, body: { access_token: 't' } });
  });

  test('an Authorization header reaches the child but run history shows it sanitized', async () => {
    const { port, calls } = childFlows({ status: 200, headers: {} });
    const outcome = await run({ type: 'Workflow', inputs: { host: { workflow: { id: 'orders' } }, headers: { authorization: 'Bearer child-secret-4f2a', 'x-trace': 't1' } } }, withPort(port));
    assert.equal(outcome.status, 'Succeeded');
    assert.deepEqual(calls[0]?.headers, { authorization: 'Bearer child-secret-4f2a', 'x-trace': 't1' });
    assert.deepEqual((outcome.inputs as { headers: unknown }).headers, { authorization: '*sanitized*', 'x-trace': 't1' });
    assert.doesNotMatch(JSON.stringify(outcome.inputs), /child-secret/);
  });

  test('a plain flow name is passed as it is', async () => {
    const { port, calls } = childFlows({ status: 202, headers: {} });
    const outcome = await run({ type: 'Workflow', inputs: { host: { triggerName: 'When_a_HTTP_request_is_received', workflow: { id: 'orders' } } } }, withPort(port));
    assert.equal(outcome.status, 'Succeeded');
    assert.deepEqual(outcome.outputs, { statusCode: 202, headers: {} });
    assert.deepEqual([calls[0]?.flowId, calls[0]?.flowReference, calls[0]?.triggerName], ['orders', 'orders', 'When_a_HTTP_request_is_received']);
  });

  test('a child that answers 400 or more fails the action with the status name; its response stays in the outputs', async () => {
    const { port } = childFlows({ status: 404, headers: { 'content-type': 'application/json' }, body: { error: 'no such order' } });
    const outcome = await run({ type: 'Workflow', name: 'Call_child', inputs: { host: { triggerName: 'manual', workflow: { id: CHILD_ID } } } }, withPort(port));
    assert.equal(outcome.status, 'Failed');
    assert.equal(outcome.error?.code, 'NotFound');
    assert.match(outcome.error?.message ?? '', /^action 'Call_child': child workflow 'child-orders' answered 404 \(NotFound\)/);
    assert.deepEqual(outcome.outputs, { statusCode: 404, headers: { 'content-type': 'application/json' }, body: { error: 'no such order' } });
  });

  test('a child the port cannot run fails the action with the port error code and message', async () => {
    const { port } = childFlows(async (call) => {
      throw new PlugboardError(`flow '${call.flowId}' does not exist in this environment`, { code: 'FlowNotFound' });
    });
    const outcome = await run({ type: 'Workflow', name: 'Call_child', inputs: { host: { triggerName: 'manual', workflow: { id: CHILD_ID } } } }, withPort(port));
    assert.equal(outcome.status, 'Failed');
    assert.equal(outcome.error?.code, 'FlowNotFound');
    assert.equal(outcome.error?.message, "action 'Call_child': child workflow 'child-orders' could not be run: flow 'child-orders' does not exist in this environment");
  });

  test('an engine without a child-flow port fails the action with ChildFlowNotAvailable', async () => {
    const outcome = await run({ type: 'Workflow', inputs: { host: { triggerName: 'manual', workflow: { id: CHILD_ID } } } }, testContext());
    assert.equal(outcome.status, 'Failed');
    assert.equal(outcome.error?.code, 'ChildFlowNotAvailable');
  });

  test('a missing or malformed host fails with BadRequest naming the member', async () => {
    const { port, calls } = childFlows({ status: 200, headers: {} });
    const noHost = await run({ type: 'Workflow', inputs: { body: {} } }, withPort(port));
    assert.equal(noHost.error?.code, 'BadRequest');
    assert.match(noHost.error?.message ?? '', /input `host` is required/);
    const noId = await run({ type: 'Workflow', inputs: { host: { triggerName: 'manual', workflow: {} } } }, withPort(port));
    assert.match(noId.error?.message ?? '', /input `host\.workflow\.id` must be the child workflow's id/);
    const badTrigger = await run({ type: 'Workflow', inputs: { host: { triggerName: 7, workflow: { id: CHILD_ID } } } }, withPort(port));
    assert.match(badTrigger.error?.message ?? '', /input `host\.triggerName` must be the name of the child's Request trigger/);
    assert.equal(calls.length, 0);
  });

  test('a run cancelled while the child runs cancels the action; the port gets the signal', async () => {
    const controller = new AbortController();
    const { port, calls } = childFlows(
      (call) =>
        new Promise<ChildFlowReply>((_resolve, reject) => {
          call.signal?.addEventListener('abort', () => reject(new Error('child run stopped')));
          controller.abort();
        }),
    );
    const outcome = await run({ type: 'Workflow', inputs: { host: { triggerName: 'manual', workflow: { id: CHILD_ID } } } }, withPort(port, testContext({ signal: controller.signal })));
    assert.equal(calls[0]?.signal, controller.signal);
    assert.equal(outcome.status, 'Cancelled');
    assert.equal(outcome.error?.code, 'Cancelled');
  });
});
