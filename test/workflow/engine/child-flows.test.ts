/**
 * The durable launcher's Workflow action (child flows): the child is found in the parent's
 * environment and started through a Request trigger its current version has; a trigger it lacks, or
 * one that is not a Request trigger, fails the action before any child run; `mayRunChild` refuses
 * a child the parent may not run.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { systemClock } from '../../../src/core/index.ts';
import { createEmbeddedQueue } from '../../../src/queue/index.ts';
import type { JobQueue } from '../../../src/queue/index.ts';
import { openStore } from '../../../src/storage/index.ts';
import type { Store } from '../../../src/storage/index.ts';
import { createRunLauncher } from '../../../src/workflow/index.ts';
import type { RunLauncherOptions } from '../../../src/workflow/index.ts';

/** A child with a Request trigger `manual` that echoes its body, and a Recurrence trigger `Every_hour`. */
const CHILD = {
  triggers: {
    manual: { type: 'Request', kind: 'Http', inputs: {} },
    Every_hour: { type: 'Recurrence', recurrence: { frequency: 'Hour', interval: 1 } },
  },
  actions: { Reply: { type: 'Response', kind: 'Http', inputs: { statusCode: 200, body: { echoed: '@triggerBody()' } }, runAfter: {} } },
};

/** A parent whose Workflow action calls `child` through `triggerName`. */
function parentCalling(triggerName: string) {
  return {
    triggers: { manual: { type: 'Request', kind: 'Http', inputs: {} } },
    actions: { Call_child: { type: 'Workflow', inputs: { host: { triggerName, workflow: { id: 'child' } }, body: { x: 1 } }, runAfter: {} } },
  };
}

describe('Workflow action through the durable launcher', () => {
  let store: Store;
  let queue: JobQueue;
  let environmentId: string;
  let childId: string;

  before(async () => {
    store = await openStore({ driver: 'sqlite', memory: true });
    queue = createEmbeddedQueue({ store });
    environmentId = (await store.environments.ensure('default')).id;
    childId = (await store.flows.create({ environmentId, name: 'child', definition: CHILD })).flow.id;
  });
  after(async () => {
    await queue.stop();
    await store.close();
  });

  /** Runs a new parent flow calling the child through `triggerName`; its Call_child action and the child's runs. */
  async function runParent(name: string, triggerName: string, options: Partial<RunLauncherOptions> = {}) {
    const runs = createRunLauncher({ store, queue, clock: systemClock, ...options });
    const worker = runs.work({ pollMs: 5 });
    try {
      const before = (await store.runs.listForFlow(childId)).length;
      const parentId = (await store.flows.create({ environmentId, name, definition: parentCalling(triggerName) })).flow.id;
      const { runId } = await runs.start({ flowId: parentId, triggerOutputs: { headers: {}, queries: {}, body: null } });
      const reply = await runs.waitForReply(runId, 20_000);
      assert.ok(reply !== undefined && reply.status !== 'Running', 'the parent run ended');
      const action = (await store.runs.listActions(runId)).find((record) => record.name === 'Call_child');
      return { action, childRuns: (await store.runs.listForFlow(childId)).length - before };
    } finally {
      await worker.stop();
      runs.close();
    }
  }

  test('calls the child through its Request trigger and gets its Response', async () => {
    const { action, childRuns } = await runParent('parent-ok', 'manual');
    assert.equal(action?.status, 'Succeeded', JSON.stringify(action?.error));
    assert.deepEqual(action?.outputs, { statusCode: 200, headers: {}, body: { echoed: { x: 1 } } });
    assert.equal(childRuns, 1);
  });

  test('a trigger the child does not have fails the action with TriggerNotFound, naming flow and trigger; no child run', async () => {
    const { action, childRuns } = await runParent('parent-unknown-trigger', 'made_up');
    assert.equal(action?.status, 'Failed');
    const error = action?.error as { code: string; message: string };
    assert.equal(error.code, 'TriggerNotFound');
    assert.match(error.message, /flow 'child' has no trigger 'made_up' in its current version — name one of 'manual' in host\.triggerName/);
    assert.equal(childRuns, 0);
  });

  test('a trigger that is not a Request trigger fails the action with TriggerNotCallable; no child run', async () => {
    const { action, childRuns } = await runParent('parent-recurrence', 'Every_hour');
    assert.equal(action?.status, 'Failed');
    const error = action?.error as { code: string; message: string };
    assert.equal(error.code, 'TriggerNotCallable');
    assert.match(error.message, /trigger 'Every_hour' of flow 'child' is a Recurrence trigger, not a Request trigger/);
    assert.equal(childRuns, 0);
  });

  test('mayRunChild refusing fails the action with ChildFlowForbidden before any child run; it is asked with the parent and the child', async () => {
    const asked: { parentFlowId: string; childName: string }[] = [];
    const { action, childRuns } = await runParent('parent-refused', 'manual', {
      mayRunChild: async (parent, child) => {
        asked.push({ parentFlowId: parent.flowId, childName: child.name });
        return false;
      },
    });
    assert.equal(action?.status, 'Failed');
    const error = action?.error as { code: string; message: string };
    assert.equal(error.code, 'ChildFlowForbidden');
    assert.match(error.message, /flow 'child' \(.+\) may not be run by this flow: the owner of this flow has no run access to it — make that owner a co-owner or run-only user of 'child', or call 'child' through its callback URL/);
    assert.equal(childRuns, 0);
    assert.equal(asked.length, 1);
    assert.equal(asked[0]?.childName, 'child');
  });
});
