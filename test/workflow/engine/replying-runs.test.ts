/**
 * `startAndReply` — runs whose caller waits for a Response (a Request trigger's call). The run's
 * pure first steps execute in memory before anything is written; the run is then written in one
 * commit with them: finished when nothing else was left, else `Running` with its job so that a
 * worker continues it from its journal. The reply goes out only after that commit. Concurrent
 * callers share commits (group commit), and one faulty run does not fail the others.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { NotFoundError, systemClock } from '../../../src/core/index.ts';
import { createEmbeddedQueue } from '../../../src/queue/index.ts';
import type { JobQueue } from '../../../src/queue/index.ts';
import { openStore } from '../../../src/storage/index.ts';
import type { FlowRecord, FlowVersionRecord, Store } from '../../../src/storage/index.ts';
import { BUILT_IN_ACTION_EXECUTORS, createActionRegistry, createRunLauncher } from '../../../src/workflow/index.ts';
import type { ActionExecutor, ActionRegistry } from '../../../src/workflow/index.ts';

const MANUAL = { manual: { type: 'Request', kind: 'Http', inputs: {} } };
const TRIGGER = (name: string) => ({ headers: { 'content-type': 'application/json' }, queries: {}, body: { name } });

/** A `Gate` action (a side effect as far as the engine knows) that waits until the test opens it. */
function gate() {
  const openers = new Map<string, () => void>();
  const started = Promise.withResolvers<void>();
  const executor: ActionExecutor = {
    type: 'gate',
    async execute(action) {
      await new Promise<void>((resolve) => {
        openers.set(action.name, resolve);
        started.resolve();
      });
      return { status: 'Succeeded', outputs: { body: `${action.name} done` } };
    },
  };
  const registry: ActionRegistry = createActionRegistry([...BUILT_IN_ACTION_EXECUTORS, executor]);
  return { registry, started: started.promise, open: (name: string) => openers.get(name)?.() };
}

/** `store` with its transactions counted, and `queue` with its enqueues counted. */
function counting(store: Store, queue: JobQueue) {
  const counts = { transactions: 0, enqueued: [] as string[] };
  const countedStore: Store = {
    ...store,
    transaction: (work) => {
      counts.transactions += 1;
      return store.transaction(work);
    },
  };
  const countedQueue: JobQueue = {
    ...queue,
    enqueue: (name, payload, options) => {
      counts.enqueued.push(name);
      return queue.enqueue(name, payload, options);
    },
    work: (name, handler, options) => queue.work(name, handler, options),
    stop: () => queue.stop(),
  };
  return { store: countedStore, queue: countedQueue, counts };
}

describe('startAndReply', () => {
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

  async function flowOf(name: string, definition: unknown): Promise<{ flow: FlowRecord; version: FlowVersionRecord }> {
    const environment = await store.environments.ensure('default');
    const { flow, version } = await store.flows.create({ environmentId: environment.id, name, definition });
    return { flow, version };
  }

  test('a run of pure steps answers with its Response after one commit holding the whole run, and queues no job', async () => {
    const { flow, version } = await flowOf('pure', {
      triggers: MANUAL,
      actions: {
        Greet: { type: 'Compose', inputs: "@{concat('Hello, ', triggerBody()?['name'])}", runAfter: {} },
        Reply: { type: 'Response', kind: 'Http', inputs: { statusCode: 201, headers: { 'x-who': "@triggerBody()?['name']" }, body: { greeting: "@outputs('Greet')" } }, runAfter: { Greet: ['Succeeded'] } },
      },
      outputs: { said: { type: 'String', value: "@outputs('Greet')" } },
    });
    const counted = counting(store, queue);
    const runs = createRunLauncher({ store: counted.store, queue: counted.queue, clock: systemClock });
    const { runId, reply } = await runs.startAndReply({ flow, version, triggerName: 'manual', triggerOutputs: TRIGGER('Ada'), clientTrackingId: 'track-1', timeoutMs: 10_000 });
    assert.deepEqual(reply, { runId, status: 'Succeeded', response: { statusCode: 201, headers: { 'x-who': 'Ada' }, body: { greeting: 'Hello, Ada' } }, error: null });
    assert.equal(counted.counts.transactions, 1, 'the run, its actions and its end in one commit');
    assert.deepEqual(counted.counts.enqueued, [], 'a finished run needs no job');
    const stored = await store.runs.get(runId);
    assert.equal(stored?.status, 'Succeeded');
    assert.equal(stored?.flowVersion, version.version);
    assert.equal(stored?.triggerName, 'manual');
    assert.equal(stored?.clientTrackingId, 'track-1');
    assert.deepEqual(stored?.triggerOutputs, TRIGGER('Ada'));
    assert.deepEqual(stored?.outputs, { said: 'Hello, Ada' });
    const actions = await store.runs.listActions(runId);
    assert.deepEqual(actions.map((a) => [a.name, a.attempt, a.status]), [['Greet', 1, 'Succeeded'], ['Reply', 1, 'Succeeded']]);
    assert.deepEqual(actions[0]?.outputs, 'Hello, Ada');
    assert.equal((actions[1]?.outputs as { statusCode: number }).statusCode, 201);
  });

  test('a failing pure step ends the run Failed: no Response, its successor Skipped, the error in the reply', async () => {
    const { flow, version } = await flowOf('pure-failing', {
      triggers: MANUAL,
      actions: {
        Parse: { type: 'Compose', inputs: "@int(triggerBody()?['name'])", runAfter: {} },
        Reply: { type: 'Response', kind: 'Http', inputs: { statusCode: 200, body: "@outputs('Parse')" }, runAfter: { Parse: ['Succeeded'] } },
        Cleanup: { type: 'Compose', inputs: 'cleaned', runAfter: { Parse: ['Failed'] } },
      },
    });
    const runs = createRunLauncher({ store, queue, clock: systemClock });
    const { runId, reply } = await runs.startAndReply({ flow, version, triggerName: 'manual', triggerOutputs: TRIGGER('not a number'), timeoutMs: 10_000 });
    assert.equal(reply?.status, 'Failed');
    assert.equal(reply?.response, null);
    assert.equal(reply?.error?.code, 'ActionFailed');
    const actions = await store.runs.listActions(runId);
    const byName = Object.fromEntries(actions.map((a) => [a.name, a]));
    assert.equal(byName['Parse']?.status, 'Failed');
    assert.equal(byName['Reply']?.status, 'Skipped');
    assert.equal(byName['Cleanup']?.status, 'Succeeded');
    assert.equal((await store.runs.getSummary(runId))?.status, 'Failed');
  });

  test('Terminate ends a pure run with its status and error', async () => {
    const { flow, version } = await flowOf('pure-terminate', {
      triggers: MANUAL,
      actions: {
        Stop: { type: 'Terminate', inputs: { runStatus: 'Failed', runError: { code: 'NoCustomer', message: "no customer @{triggerBody()?['name']}" } }, runAfter: {} },
        Reply: { type: 'Response', kind: 'Http', inputs: { statusCode: 200 }, runAfter: { Stop: ['Succeeded'] } },
      },
    });
    const runs = createRunLauncher({ store, queue, clock: systemClock });
    const { runId, reply } = await runs.startAndReply({ flow, version, triggerName: 'manual', triggerOutputs: TRIGGER('Bo'), timeoutMs: 10_000 });
    assert.deepEqual(reply?.error, { code: 'NoCustomer', message: 'no customer Bo' });
    assert.equal(reply?.status, 'Failed');
    assert.equal((await store.runs.listActions(runId)).find((a) => a.name === 'Reply')?.status, 'Skipped');
  });

  test('a run that reaches a side effect starts over through the queue: a worker runs it from its first step, each step once', async () => {
    const g = gate();
    const { flow, version } = await flowOf('hand-over', {
      triggers: MANUAL,
      actions: {
        Prepare: { type: 'Compose', inputs: "@triggerBody()?['name']", runAfter: {} },
        Work: { type: 'Gate', inputs: {}, runAfter: { Prepare: ['Succeeded'] } },
        Reply: { type: 'Response', kind: 'Http', inputs: { statusCode: 200, body: "@{outputs('Prepare')} @{body('Work')}" }, runAfter: { Work: ['Succeeded'] } },
      },
    });
    const counted = counting(store, queue);
    const runs = createRunLauncher({ store: counted.store, queue: counted.queue, clock: systemClock, registry: g.registry });
    const worker = runs.work({ pollMs: 5 });
    try {
      const answering = runs.startAndReply({ flow, version, triggerName: 'manual', triggerOutputs: TRIGGER('Cy'), timeoutMs: 20_000 });
      await g.started;
      // The side effect started in the worker: the run and its job were committed, its pure step journaled first.
      assert.deepEqual(counted.counts.enqueued, ['workflow.runs']);
      const runId = (await store.runs.listForFlow(flow.id))[0]?.id ?? '';
      assert.equal((await store.runs.getSummary(runId))?.status, 'Running');
      assert.deepEqual((await store.runs.listActions(runId)).map((a) => [a.name, a.status]), [['Prepare', 'Succeeded'], ['Work', 'Running']]);
      g.open('Work');
      const { reply } = await answering;
      assert.equal(reply?.runId, runId);
      assert.equal(reply?.response?.body, 'Cy Work done');
      await waitFor(async () => (await store.runs.getSummary(runId))?.status === 'Succeeded');
      // What ran in memory was dropped, not written: one attempt each.
      assert.deepEqual((await store.runs.listActions(runId)).map((a) => [a.name, a.attempt, a.status]), [['Prepare', 1, 'Succeeded'], ['Work', 1, 'Succeeded'], ['Reply', 1, 'Succeeded']]);
    } finally {
      g.open('Work');
      await worker.stop();
    }
  });

  test('a Response before the first side effect answers as soon as it ran, while the run goes on', async () => {
    const g = gate();
    const { flow, version } = await flowOf('reply-first', {
      triggers: MANUAL,
      actions: {
        Reply: { type: 'Response', kind: 'Http', inputs: { statusCode: 202, body: 'accepted' }, runAfter: {} },
        Work: { type: 'Gate', inputs: {}, runAfter: { Reply: ['Succeeded'] } },
      },
    });
    const runs = createRunLauncher({ store, queue, clock: systemClock, registry: g.registry });
    const worker = runs.work({ pollMs: 5 });
    try {
      const { runId, reply } = await runs.startAndReply({ flow, version, triggerName: 'manual', triggerOutputs: TRIGGER('Di'), timeoutMs: 20_000 });
      assert.equal(reply?.status, 'Running');
      assert.equal(reply?.response?.statusCode, 202);
      await g.started;
      assert.equal((await store.runs.listActions(runId)).find((a) => a.name === 'Reply')?.status, 'Succeeded', 'the answered Response is in the history before the side effect starts');
      g.open('Work');
      await waitFor(async () => (await store.runs.getSummary(runId))?.status === 'Succeeded');
    } finally {
      g.open('Work');
      await worker.stop();
    }
  });

  test('a secured pure step before a side effect keeps its value for later actions (the run starts over durably)', async () => {
    const seen: unknown[] = [];
    const reader: ActionExecutor = {
      type: 'read',
      async execute(_action, context) {
        seen.push(context.evaluate("@outputs('Secret')"), context.evaluate("@variables('token')"));
        return { status: 'Succeeded', outputs: { body: 'read' } };
      },
    };
    const { flow, version } = await flowOf('secured-then-effect', {
      triggers: MANUAL,
      actions: {
        Secret: { type: 'Compose', inputs: 's3cret', runAfter: {}, runtimeConfiguration: { secureData: { properties: ['inputs', 'outputs'] } } },
        Token: { type: 'InitializeVariable', inputs: { variables: [{ name: 'token', type: 'string', value: 't0ken' }] }, runAfter: { Secret: ['Succeeded'] }, runtimeConfiguration: { secureData: { properties: ['inputs'] } } },
        Read: { type: 'Read', inputs: {}, runAfter: { Token: ['Succeeded'] } },
        Reply: { type: 'Response', kind: 'Http', inputs: { statusCode: 200, body: "@body('Read')" }, runAfter: { Read: ['Succeeded'] } },
      },
    });
    const runs = createRunLauncher({ store, queue, clock: systemClock, registry: createActionRegistry([...BUILT_IN_ACTION_EXECUTORS, reader]) });
    const worker = runs.work({ pollMs: 5 });
    try {
      const { runId, reply } = await runs.startAndReply({ flow, version, triggerName: 'manual', triggerOutputs: TRIGGER('Ed'), timeoutMs: 20_000 });
      assert.equal(reply?.response?.body, 'read');
      assert.deepEqual(seen, ['s3cret', 't0ken']);
      const secret = (await store.runs.listActions(runId)).find((a) => a.name === 'Secret');
      assert.ok(!JSON.stringify(secret).includes('s3cret'), 'history keeps the secured value hidden');
    } finally {
      await worker.stop();
    }
  });

  test('a Terminate next to a side effect does not stop the side effect from running, whatever their order', async () => {
    const g = gate();
    const { flow, version } = await flowOf('terminate-beside-effect', {
      triggers: MANUAL,
      actions: {
        Stop: { type: 'Terminate', inputs: { runStatus: 'Succeeded' }, runAfter: {} },
        Work: { type: 'Gate', inputs: {}, runAfter: {} },
        Reply: { type: 'Response', kind: 'Http', inputs: { statusCode: 200 }, runAfter: { Stop: ['Succeeded'], Work: ['Succeeded'] } },
      },
    });
    const runs = createRunLauncher({ store, queue, clock: systemClock, registry: g.registry });
    const worker = runs.work({ pollMs: 5 });
    try {
      const answering = runs.startAndReply({ flow, version, triggerName: 'manual', triggerOutputs: TRIGGER('Flo'), timeoutMs: 20_000 });
      await g.started;
      g.open('Work');
      const { runId, reply } = await answering;
      assert.equal(reply?.status, 'Succeeded');
      const byName = Object.fromEntries((await store.runs.listActions(runId)).map((a) => [a.name, a.status]));
      assert.deepEqual(byName, { Stop: 'Succeeded', Work: 'Succeeded', Reply: 'Skipped' });
    } finally {
      g.open('Work');
      await worker.stop();
    }
  });

  test('more callers than one commit holds are all written and answered', async () => {
    const { flow, version } = await flowOf('many-callers', {
      triggers: MANUAL,
      actions: { Reply: { type: 'Response', kind: 'Http', inputs: { statusCode: 200, body: "@triggerBody()?['name']" }, runAfter: {} } },
    });
    const counted = counting(store, queue);
    const runs = createRunLauncher({ store: counted.store, queue: counted.queue, clock: systemClock });
    const names = Array.from({ length: 200 }, (_, i) => `many-${i}`);
    const results = await Promise.all(names.map((name) => runs.startAndReply({ flow, version, triggerName: 'manual', triggerOutputs: TRIGGER(name), timeoutMs: 10_000 })));
    assert.deepEqual(results.map((r) => r.reply?.response?.body), names);
    assert.ok(counted.counts.transactions >= 2 && counted.counts.transactions < names.length, `200 runs took ${counted.counts.transactions} commits`);
    assert.equal((await store.runs.listForFlow(flow.id, { limit: 1000 })).length, names.length);
  });

  test('concurrent callers share commits, and each gets its own reply and run', async () => {
    const { flow, version } = await flowOf('group-commit', {
      triggers: MANUAL,
      actions: { Reply: { type: 'Response', kind: 'Http', inputs: { statusCode: 200, body: "@triggerBody()?['name']" }, runAfter: {} } },
    });
    const counted = counting(store, queue);
    const runs = createRunLauncher({ store: counted.store, queue: counted.queue, clock: systemClock });
    const names = Array.from({ length: 30 }, (_, i) => `caller-${i}`);
    const results = await Promise.all(names.map((name) => runs.startAndReply({ flow, version, triggerName: 'manual', triggerOutputs: TRIGGER(name), timeoutMs: 10_000 })));
    assert.deepEqual(results.map((r) => r.reply?.response?.body), names);
    assert.ok(counted.counts.transactions < names.length, `30 runs took ${counted.counts.transactions} commits`);
    for (const [index, result] of results.entries()) {
      assert.deepEqual((await store.runs.get(result.runId))?.triggerOutputs, TRIGGER(names[index] ?? ''));
    }
    assert.equal(new Set(results.map((r) => r.runId)).size, names.length);
  });

  test('a run that cannot be written fails alone: the other runs of its batch are written and answered', async () => {
    const definition = { triggers: MANUAL, actions: { Reply: { type: 'Response', kind: 'Http', inputs: { statusCode: 200, body: 'ok' }, runAfter: {} } } };
    const kept = await flowOf('batch-kept', definition);
    const gone = await flowOf('batch-gone', definition);
    await store.flows.delete(gone.flow.id);
    const counted = counting(store, queue);
    const runs = createRunLauncher({ store: counted.store, queue: counted.queue, clock: systemClock });
    const calls = [kept, kept, gone, kept].map(({ flow, version }) => runs.startAndReply({ flow, version, triggerName: 'manual', triggerOutputs: TRIGGER('x'), timeoutMs: 10_000 }));
    const settled = await Promise.allSettled(calls);
    assert.deepEqual(settled.map((s) => s.status), ['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    const refused = settled[2];
    assert.ok(refused?.status === 'rejected' && refused.reason instanceof NotFoundError, 'the deleted flow’s run is refused as not found');
    assert.equal(counted.counts.transactions, 5, 'one batch of four, refused, then each run on its own');
    for (const outcome of settled) {
      if (outcome.status === 'fulfilled') assert.equal((await store.runs.getSummary(outcome.value.runId))?.status, 'Succeeded');
    }
  });

  test('a run of a trigger with a concurrency limit is queued Waiting through its job, not executed in memory, whoever calls', async () => {
    const { flow, version } = await flowOf('limited', {
      triggers: { manual: { type: 'Request', kind: 'Http', inputs: {}, runtimeConfiguration: { concurrency: { runs: 1 } } } },
      actions: { Reply: { type: 'Response', kind: 'Http', inputs: { statusCode: 200, body: "@triggerBody()?['name']" }, runAfter: {} } },
    });
    const counted = counting(store, queue);
    const runs = createRunLauncher({ store: counted.store, queue: counted.queue, clock: systemClock });
    // No worker runs here: the run must wait for a slot, so nothing answers the caller yet.
    const { runId, reply } = await runs.startAndReply({ flow, version, triggerName: 'manual', triggerOutputs: TRIGGER('Ada'), timeoutMs: 50 });
    assert.equal(reply, undefined, 'no reply from a run still waiting for its slot');
    assert.equal((await store.runs.get(runId))?.status, 'Waiting');
    assert.deepEqual(counted.counts.enqueued, ['workflow.runs'], 'the run has its job');
    assert.equal(await runs.execute(runId), 'finished', 'its job admits and runs it');
    assert.equal((await store.runs.get(runId))?.status, 'Succeeded');
    runs.close();
  });
});

async function waitFor(probe: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
