/**
 * Durable runs in one process: start → job → worker → reply; a long Wait suspends the run and a
 * timer job continues it; a resumed execution restores finished actions from the journal; parallel
 * branches and Foreach iterations run at once up to the concurrency; limit.timeout; tracked properties.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createManualClock, systemClock } from '../../../src/core/index.ts';
import type { ManualClock } from '../../../src/core/index.ts';
import { createEmbeddedQueue } from '../../../src/queue/index.ts';
import type { JobQueue } from '../../../src/queue/index.ts';
import { openStore } from '../../../src/storage/index.ts';
import type { Store } from '../../../src/storage/index.ts';
import { createActionRegistry, createBuiltInActionRegistry, createRunLauncher, BUILT_IN_ACTION_EXECUTORS, loadWorkflowDefinition, runWorkflow } from '../../../src/workflow/index.ts';
import type { ActionExecutor } from '../../../src/workflow/index.ts';

let store: Store;
before(async () => {
  store = await openStore({ driver: 'sqlite', memory: true });
});
after(async () => {
  await store.close();
});

function definitionWith(actions: Record<string, unknown>): unknown {
  return { triggers: { manual: { type: 'Request', kind: 'Http', inputs: {} } }, actions, outputs: {} };
}

async function flowOf(name: string, definition: unknown): Promise<string> {
  const environment = await store.environments.ensure('default');
  return (await store.flows.create({ environmentId: environment.id, name, definition })).flow.id;
}

async function attempts(runId: string): Promise<string[]> {
  return (await store.runs.listActions(runId)).map((a) => `${a.name}${a.iterationKey === '' ? '' : ` ${a.iterationKey}`}#${a.attempt}:${a.status}`);
}

describe('durable runs through the JobQueue', () => {
  let queue: JobQueue;
  before(() => {
    queue = createEmbeddedQueue({ store });
  });
  after(async () => {
    await queue.stop();
  });

  test('start writes the run and its job; a worker executes it and waitForReply returns the Response', async () => {
    const flowId = await flowOf('reply', definitionWith({
      Compose: { type: 'Compose', inputs: { hello: "@triggerBody()?['name']" }, runAfter: {} },
      Response: { type: 'Response', kind: 'Http', inputs: { statusCode: 202, body: "@outputs('Compose')" }, runAfter: { Compose: ['Succeeded'] } },
    }));
    const runs = createRunLauncher({ store, queue, clock: systemClock });
    const { runId } = await runs.start({ flowId, triggerOutputs: { headers: {}, body: { name: 'Ada' } } });
    assert.equal((await store.runs.get(runId))?.status, 'Running');
    assert.equal(await store.jobs.countLive('workflow.runs'), 1, 'the job commits with the run');
    const worker = runs.work({ pollMs: 10 });
    const reply = await runs.waitForReply(runId, 10_000);
    await worker.stop();
    assert.equal(reply?.response?.statusCode, 202);
    assert.deepEqual(reply?.response?.body, { hello: 'Ada' });
    // Asked again after the end, the reply comes from the store.
    const stored = await runs.waitForReply(runId, 1000);
    assert.equal(stored?.status, 'Succeeded');
    assert.deepEqual(stored?.response?.body, { hello: 'Ada' });
  });

  test('waitForReply gives up after its timeout when the run has not replied', async () => {
    const flowId = await flowOf('no-worker', definitionWith({ Compose: { type: 'Compose', inputs: 1, runAfter: {} } }));
    const runs = createRunLauncher({ store, queue: createEmbeddedQueue({ store }), clock: systemClock });
    const { runId } = await runs.start({ flowId, triggerOutputs: {} });
    assert.equal(await runs.waitForReply(runId, 50), undefined);
    // Leave no live job behind for the other tests' workers.
    assert.equal(await runs.execute(runId), 'finished');
  });

  test('a Wait longer than the inline limit suspends the run (Waiting); a timer job continues it when due', async (t) => {
    // The store stamps attempts with the same clock as the engine (as in production, the system clock).
    const clock: ManualClock = createManualClock(Date.UTC(2026, 0, 1));
    const store = await openStore({ driver: 'sqlite', memory: true }, { clock });
    const timedQueue = createEmbeddedQueue({ store, clock });
    const flowOf = async (name: string, definition: unknown): Promise<string> =>
      (await store.flows.create({ environmentId: (await store.environments.ensure('default')).id, name, definition })).flow.id;
    const attempts = async (runId: string): Promise<string[]> => (await store.runs.listActions(runId)).map((a) => `${a.name}#${a.attempt}:${a.status}`);
    const flowId = await flowOf('wait', definitionWith({
      Before: { type: 'Compose', inputs: 'before', runAfter: {} },
      Delay: { type: 'Wait', inputs: { interval: { count: 1, unit: 'Hour' } }, runAfter: { Before: ['Succeeded'] } },
      After_wait: { type: 'Compose', inputs: "@utcNow()", runAfter: { Delay: ['Succeeded'] } },
    }));
    const runs = createRunLauncher({ store, queue: timedQueue, clock });
    const { runId } = await runs.start({ flowId, triggerOutputs: {} });
    assert.equal(await runs.execute(runId), 'suspended');
    assert.equal((await store.runs.get(runId))?.status, 'Waiting');
    assert.deepEqual(await attempts(runId), ['Before#1:Succeeded', 'Delay#1:Running']);
    // Not due yet: executing again suspends again without repeating anything.
    clock.advance(30 * 60_000);
    assert.equal(await runs.execute(runId), 'suspended');
    clock.advance(30 * 60_000);
    const worker = runs.work({ pollMs: 10 });
    const reply = await runs.waitForReply(runId, 10_000);
    await worker.stop();
    await timedQueue.stop();
    t.after(() => store.close());
    assert.equal(reply?.status, 'Succeeded');
    assert.deepEqual(await attempts(runId), ['Before#1:Succeeded', 'Delay#1:Succeeded', 'After_wait#1:Succeeded']);
    const afterWait = (await store.runs.listActions(runId)).find((a) => a.name === 'After_wait');
    assert.equal(afterWait?.outputs, '2026-01-01T01:00:00.0000000Z');
  });

  test('resuming an execution does not run finished actions again and gives an unfinished one attempt 2', async () => {
    let calls = 0;
    let hang = true;
    const counting: ActionExecutor = {
      type: 'counted',
      async execute() {
        calls++;
        if (hang) {
          hang = false;
          await new Promise(() => undefined);
        }
        return { status: 'Succeeded', outputs: { body: calls } };
      },
    };
    const registry = createActionRegistry([...BUILT_IN_ACTION_EXECUTORS, counting]);
    const flowId = await flowOf('resume', definitionWith({
      Init: { type: 'InitializeVariable', inputs: { variables: [{ name: 'n', type: 'Integer', value: 5 }] }, runAfter: {} },
      Bump: { type: 'IncrementVariable', inputs: { name: 'n', value: 2 }, runAfter: { Init: ['Succeeded'] } },
      Work: { type: 'Counted', inputs: {}, runAfter: { Bump: ['Succeeded'] } },
      Report: { type: 'Compose', inputs: { n: "@variables('n')", work: "@body('Work')" }, runAfter: { Work: ['Succeeded'] } },
    }));
    const first = createRunLauncher({ store, queue, clock: systemClock, registry });
    const { runId } = await first.start({ flowId, triggerOutputs: {} });
    // The first execution hangs inside Work, as if its process had died there.
    void first.execute(runId);
    while ((await attempts(runId)).length < 3) await new Promise((resolve) => setTimeout(resolve, 5));
    const second = createRunLauncher({ store, queue, clock: systemClock, registry });
    assert.equal(await second.execute(runId), 'finished');
    assert.deepEqual(await attempts(runId), ['Init#1:Succeeded', 'Bump#1:Succeeded', 'Work#1:Aborted', 'Work#2:Succeeded', 'Report#1:Succeeded']);
    const report = (await store.runs.listActions(runId)).find((a) => a.name === 'Report');
    assert.deepEqual(report?.outputs, { n: 7, work: 2 }, 'the variable is rebuilt from the journal, not incremented twice');
    assert.equal(calls, 2);
    // Jobs of this run are done with: a finished run is not executed again.
    assert.equal(await second.execute(runId), 'gone');
  });
});

describe('scheduling inside a run', () => {
  /** An executor that takes `inputs.ms` of real time and reports how many of its kind ran at once. */
  function overlapProbe(): { executor: ActionExecutor; peak: () => number } {
    let active = 0;
    let peak = 0;
    return {
      peak: () => peak,
      executor: {
        type: 'slow',
        async execute(action, context) {
          active++;
          peak = Math.max(peak, active);
          const inputs = context.evaluate(action.inputs) as { ms: number };
          await new Promise((resolve) => setTimeout(resolve, inputs.ms));
          active--;
          return { status: 'Succeeded', outputs: { body: inputs } };
        },
      },
    };
  }

  async function run(actions: Record<string, unknown>, executor?: ActionExecutor, triggerBody: unknown = null) {
    const registry = executor === undefined ? createBuiltInActionRegistry() : createActionRegistry([...BUILT_IN_ACTION_EXECUTORS, executor]);
    const loaded = loadWorkflowDefinition(definitionWith(actions));
    return runWorkflow({ store, loaded, clock: systemClock, registry, triggerOutputs: { body: triggerBody } });
  }

  test('independent branches run at the same time; a join waits for both', async () => {
    const probe = overlapProbe();
    const result = await run({
      Left: { type: 'Slow', inputs: { ms: 40 }, runAfter: {} },
      Right: { type: 'Slow', inputs: { ms: 40 }, runAfter: {} },
      Join: { type: 'Compose', inputs: "@add(body('Left')?['ms'], 1)", runAfter: { Left: ['Succeeded'], Right: ['Succeeded'] } },
    }, probe.executor);
    assert.equal(result.status, 'Succeeded');
    assert.equal(probe.peak(), 2);
    assert.equal(result.actions['Join']?.status, 'Succeeded');
  });

  test('Foreach runs up to its concurrency at once, each iteration reading its own actions; Sequential runs one at a time', async () => {
    const items = Array.from({ length: 12 }, (_, i) => i);
    const concurrent = overlapProbe();
    const parallel = await run({
      Loop: {
        type: 'Foreach',
        foreach: '@triggerBody()',
        runtimeConfiguration: { concurrency: { repetitions: 4 } },
        actions: {
          Step: { type: 'Slow', inputs: { ms: "@add(10, mul(mod(item(), 3), 7))", item: '@item()' }, runAfter: {} },
          Check: { type: 'Compose', inputs: "@equals(body('Step')?['item'], item())", runAfter: { Step: ['Succeeded'] } },
        },
        runAfter: {},
      },
      All: { type: 'Compose', inputs: "@length(result('Loop'))", runAfter: { Loop: ['Succeeded'] } },
    }, concurrent.executor, items);
    assert.equal(parallel.status, 'Succeeded');
    assert.equal(concurrent.peak(), 4);
    const checks = (await store.runs.listActions(parallel.runId)).filter((a) => a.name === 'Check').map((a) => a.outputs);
    assert.deepEqual(checks, items.map(() => true), 'inside an iteration, body() is that iteration\'s result');

    const sequential = overlapProbe();
    await run({
      Loop: { type: 'Foreach', foreach: '@triggerBody()', operationOptions: 'Sequential', actions: { Step: { type: 'Slow', inputs: { ms: 5 }, runAfter: {} } }, runAfter: {} },
    }, sequential.executor, items.slice(0, 4));
    assert.equal(sequential.peak(), 1);
  });

  test('an action that outlives limit.timeout ends TimedOut (ActionTimedOut) and its TimedOut branch runs', async () => {
    const probe = overlapProbe();
    const result = await run({
      Slow: { type: 'Slow', inputs: { ms: 2000 }, limit: { timeout: 'PT0.05S' }, runAfter: {} },
      On_timeout: { type: 'Compose', inputs: 'handled', runAfter: { Slow: ['TimedOut'] } },
    }, probe.executor);
    assert.equal(result.actions['Slow']?.status, 'TimedOut');
    assert.equal(result.actions['Slow']?.error?.code, 'ActionTimedOut');
    assert.equal(result.actions['On_timeout']?.status, 'Succeeded');
  });

  test('trackedProperties are evaluated with action() and stored with the attempt', async () => {
    const result = await run({
      Order: { type: 'Compose', inputs: { id: 'o-1', total: 12 }, trackedProperties: { orderId: "@action()['outputs']['id']", status: "@action()['status']" }, runAfter: {} },
    });
    const [record] = await store.runs.listActions(result.runId);
    assert.deepEqual(record?.trackedProperties, { orderId: 'o-1', status: 'Succeeded' });
  });
});
