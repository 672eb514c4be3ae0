/**
 * Trigger concurrency in the run worker: runs of a flow whose trigger allows N at once are queued
 * `Waiting` and start first come first served as slots free up; never more than N execute; a
 * cancelled queued run never starts. (That a run suspended in a long Wait keeps its slot is
 * RunStore.admit's rule, tested in src/storage/store.suite.ts on both drivers.)
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { systemClock } from '../../../src/core/index.ts';
import { createEmbeddedQueue } from '../../../src/queue/index.ts';
import type { JobQueue } from '../../../src/queue/index.ts';
import { openStore } from '../../../src/storage/index.ts';
import type { Store } from '../../../src/storage/index.ts';
import { BUILT_IN_ACTION_EXECUTORS, createActionRegistry, createRunLauncher } from '../../../src/workflow/index.ts';
import type { ActionExecutor } from '../../../src/workflow/index.ts';

let store: Store;
let queue: JobQueue;
before(async () => {
  store = await openStore({ driver: 'sqlite', memory: true });
  queue = createEmbeddedQueue({ store });
});
after(async () => {
  await queue.stop();
  await store.close();
});

/** A `Hold` action that records which run entered it and waits until the test releases it. */
function holds() {
  const entered: number[] = [];
  const waiting: (() => void)[] = [];
  let inFlight = 0;
  let most = 0;
  const executor: ActionExecutor = {
    type: 'hold',
    async execute(action, context) {
      const n = Number(context.evaluate(action.inputs));
      entered.push(n);
      inFlight += 1;
      most = Math.max(most, inFlight);
      await new Promise<void>((resolve) => waiting.push(resolve));
      inFlight -= 1;
      return { status: 'Succeeded', outputs: { body: n } };
    },
  };
  return {
    registry: createActionRegistry([...BUILT_IN_ACTION_EXECUTORS, executor]),
    entered,
    release: () => waiting.shift()?.(),
    waitingCount: () => waiting.length,
    most: () => most,
  };
}

async function until(what: string, probe: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

test('runs beyond the limit start first come first served, never more than the limit at once', async () => {
  const h = holds();
  const environment = await store.environments.ensure('default');
  const { flow } = await store.flows.create({
    environmentId: environment.id,
    name: 'two-at-a-time',
    definition: {
      triggers: { manual: { type: 'Request', kind: 'Http', inputs: {}, runtimeConfiguration: { concurrency: { runs: 2 } } } },
      actions: { Work: { type: 'Hold', inputs: "@triggerBody()?['n']", runAfter: {} } },
    },
  });
  // How often each run was told to wait for a slot: proof that queued runs did look again.
  const queuedLooks = new Map<string, number>();
  const watched: Store = {
    ...store,
    runs: {
      ...store.runs,
      admit: async (id, limit) => {
        const admission = await store.runs.admit(id, limit);
        if (admission.outcome === 'queued') queuedLooks.set(id, (queuedLooks.get(id) ?? 0) + 1);
        return admission;
      },
    },
  };
  const runs = createRunLauncher({ store: watched, queue, clock: systemClock, registry: h.registry });
  const worker = runs.work({ pollMs: 5, concurrency: 10 });
  try {
    const ids: string[] = [];
    for (let n = 1; n <= 5; n += 1) ids.push((await runs.start({ flowId: flow.id, triggerOutputs: { body: { n } } })).runId);
    await until('two runs holding', () => h.waitingCount() === 2);
    // Each queued run looks for a slot again and again; none gets one while two execute.
    await until('every queued run to be turned away twice', () => ids.slice(2).every((id) => (queuedLooks.get(id) ?? 0) >= 2));
    assert.equal(h.waitingCount(), 2, 'no third run starts while two execute');
    const statuses = new Map((await store.runs.listForFlow(flow.id)).map((run) => [run.id, run.status]));
    assert.deepEqual(ids.map((id) => statuses.get(id)), ['Running', 'Running', 'Waiting', 'Waiting', 'Waiting']);
    await runs.cancel(ids[3] ?? '');
    h.release();
    await until('run 3 to take the freed slot', () => h.entered.length === 3);
    h.release();
    await until('run 5 to take the next slot (run 4 was cancelled)', () => h.entered.length === 4);
    h.release();
    await until('the last run to hold', () => h.waitingCount() === 1);
    h.release();
    await until('every run to end', async () => (await store.runs.listForFlow(flow.id)).every((run) => run.status !== 'Running' && run.status !== 'Waiting'));
    assert.deepEqual(h.entered, [1, 2, 3, 5], 'first come first served; the cancelled run never started');
    assert.equal(h.most(), 2);
    assert.deepEqual((await store.runs.listActions(ids[3] ?? '')).length, 0);
  } finally {
    while (h.waitingCount() > 0) h.release();
    await worker.stop();
    runs.close();
  }
});
