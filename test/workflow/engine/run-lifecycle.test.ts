/**
 * The run lifecycle of durable runs: cancel (queued, Waiting, Running; in this process and from
 * another launcher on the same store), resubmit (current version, same trigger outputs), and a
 * graceful stop of the worker (actions in flight finish or checkpoint, the run resumes later).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ConflictError, NotFoundError, createManualClock, systemClock } from '../../../src/core/index.ts';
import { createEmbeddedQueue } from '../../../src/queue/index.ts';
import type { JobQueue } from '../../../src/queue/index.ts';
import { openStore } from '../../../src/storage/index.ts';
import type { Store } from '../../../src/storage/index.ts';
import { BUILT_IN_ACTION_EXECUTORS, RUNS_QUEUE, createActionRegistry, createRunLauncher } from '../../../src/workflow/index.ts';
import type { ActionExecutor, ActionRegistry } from '../../../src/workflow/index.ts';

const MANUAL = { manual: { type: 'Request', kind: 'Http', inputs: {} } };

function definitionWith(actions: Record<string, unknown>, triggers: Record<string, unknown> = MANUAL): unknown {
  return { triggers, actions, outputs: {} };
}

async function flowOf(store: Store, name: string, definition: unknown): Promise<string> {
  const environment = await store.environments.ensure('default');
  return (await store.flows.create({ environmentId: environment.id, name, definition })).flow.id;
}

async function attempts(store: Store, runId: string): Promise<string[]> {
  return (await store.runs.listActions(runId)).map((a) => `${a.name}#${a.attempt}:${a.status}`);
}

async function until<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/**
 * A `Gate` action: records its call, then waits until the test opens it (`open(name)`) or, when
 * `honoursSignal`, until its signal aborts.
 */
function gates(options: { readonly honoursSignal: boolean }) {
  const calls: string[] = [];
  const aborted: string[] = [];
  const openers = new Map<string, () => void>();
  const started = new Map<string, () => void>();
  const startedPromises = new Map<string, Promise<void>>();
  const whenStarted = (name: string): Promise<void> => {
    let promise = startedPromises.get(name);
    if (promise === undefined) {
      promise = new Promise<void>((resolve) => started.set(name, resolve));
      startedPromises.set(name, promise);
    }
    return promise;
  };
  const executor: ActionExecutor = {
    type: 'gate',
    async execute(action, context) {
      calls.push(action.name);
      void whenStarted(action.name);
      started.get(action.name)?.();
      await new Promise<void>((resolve) => {
        openers.set(action.name, resolve);
        if (options.honoursSignal) context.signal?.addEventListener('abort', () => resolve(), { once: true });
      });
      if (context.signal?.aborted === true) {
        aborted.push(action.name);
        return { status: 'Cancelled', error: { code: 'Cancelled', message: `${action.name} was aborted` } };
      }
      return { status: 'Succeeded', outputs: { body: `${action.name} done` } };
    },
  };
  const registry: ActionRegistry = createActionRegistry([...BUILT_IN_ACTION_EXECUTORS, executor]);
  return { registry, calls, aborted, whenStarted, open: (name: string) => openers.get(name)?.() };
}

describe('cancelling runs', () => {
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

  test('a queued run is Cancelled at once and its job then runs nothing', async () => {
    const gate = gates({ honoursSignal: true });
    const flowId = await flowOf(store, 'cancel-queued', definitionWith({ Work: { type: 'Gate', inputs: {}, runAfter: {} } }));
    const runs = createRunLauncher({ store, queue, clock: systemClock, registry: gate.registry });
    const { runId } = await runs.start({ flowId, triggerOutputs: {} });
    const cancelled = await runs.cancel(runId);
    assert.equal(cancelled.status, 'Cancelled');
    assert.deepEqual((cancelled.error as { code: string }).code, 'RunCancelled');
    assert.ok(cancelled.endedAt !== null);
    assert.equal(await runs.execute(runId), 'gone', 'the queued job finds nothing to run');
    assert.deepEqual(gate.calls, []);
    assert.deepEqual(await attempts(store, runId), []);
    const reply = await runs.waitForReply(runId, 1000);
    assert.equal(reply?.status, 'Cancelled');
    assert.equal(reply?.error?.code, 'RunCancelled');
  });

  test('a Waiting run is Cancelled at once: its open Wait ends Cancelled and the timer continues nothing', async () => {
    const clock = createManualClock(Date.UTC(2026, 0, 1));
    const timed = await openStore({ driver: 'sqlite', memory: true }, { clock });
    const timedQueue = createEmbeddedQueue({ store: timed, clock });
    try {
      const flowId = await flowOf(timed, 'cancel-waiting', definitionWith({
        Before: { type: 'Compose', inputs: 'before', runAfter: {} },
        Delay: { type: 'Wait', inputs: { interval: { count: 1, unit: 'Hour' } }, runAfter: { Before: ['Succeeded'] } },
        After_wait: { type: 'Compose', inputs: 'after', runAfter: { Delay: ['Succeeded'] } },
      }));
      const runs = createRunLauncher({ store: timed, queue: timedQueue, clock });
      const { runId } = await runs.start({ flowId, triggerOutputs: {} });
      assert.equal(await runs.execute(runId), 'suspended');
      assert.equal((await timed.runs.get(runId))?.status, 'Waiting');
      await runs.cancel(runId);
      assert.equal((await timed.runs.get(runId))?.status, 'Cancelled');
      const delay = (await timed.runs.listActions(runId)).find((a) => a.name === 'Delay');
      assert.equal(delay?.status, 'Cancelled');
      assert.equal((delay?.error as { code: string }).code, 'Cancelled');
      clock.advance(3_600_000);
      assert.equal(await runs.execute(runId), 'gone');
      assert.deepEqual(await attempts(timed, runId), ['Before#1:Succeeded', 'Delay#1:Cancelled']);
    } finally {
      await timedQueue.stop();
      await timed.close();
    }
  });

  test('a Running run stops: its action in flight is aborted and ends Cancelled, nothing after it starts, and waiters get the Cancelled end', async () => {
    const gate = gates({ honoursSignal: true });
    const flowId = await flowOf(store, 'cancel-running', definitionWith({
      Work: { type: 'Gate', inputs: {}, runAfter: {} },
      Next: { type: 'Gate', inputs: {}, runAfter: { Work: ['Succeeded', 'Failed', 'Cancelled', 'Skipped', 'TimedOut'] } },
    }));
    const runs = createRunLauncher({ store, queue, clock: systemClock, registry: gate.registry });
    const { runId } = await runs.start({ flowId, triggerOutputs: {} });
    const executing = runs.execute(runId);
    await gate.whenStarted('Work');
    const waiting = runs.waitForReply(runId, 10_000);
    await runs.cancel(runId);
    assert.equal(await executing, 'cancelled');
    const reply = await waiting;
    assert.equal(reply?.status, 'Cancelled');
    assert.equal(reply?.error?.code, 'RunCancelled');
    assert.deepEqual(gate.aborted, ['Work'], 'the action in flight saw its signal abort');
    assert.deepEqual(gate.calls, ['Work'], 'no action starts after the cancel, not even one that runs after Cancelled');
    assert.deepEqual(await attempts(store, runId), ['Work#1:Cancelled']);
    assert.equal((await store.runs.get(runId))?.status, 'Cancelled');
  });

  test('cancelling a finished run is a conflict that says why', async () => {
    const flowId = await flowOf(store, 'cancel-finished', definitionWith({ Compose: { type: 'Compose', inputs: 1, runAfter: {} } }));
    const runs = createRunLauncher({ store, queue, clock: systemClock });
    const { runId } = await runs.start({ flowId, triggerOutputs: {} });
    assert.equal(await runs.execute(runId), 'finished');
    await assert.rejects(runs.cancel(runId), (error: unknown) => {
      assert.ok(error instanceof ConflictError);
      assert.equal(error.code, 'RunAlreadyFinished');
      assert.match(error.message, /already ended with status Succeeded/);
      return true;
    });
    await assert.rejects(runs.cancel('no-such-run'), NotFoundError);
    assert.equal((await store.runs.get(runId))?.status, 'Succeeded');
  });

  test('a run executed by another launcher stops at its next action start, without any polling', async () => {
    const gate = gates({ honoursSignal: false });
    const flowId = await flowOf(store, 'cancel-elsewhere', definitionWith({
      Work: { type: 'Gate', inputs: {}, runAfter: {} },
      Next: { type: 'Gate', inputs: {}, runAfter: { Work: ['Succeeded'] } },
    }));
    // The executing launcher never polls: only the journal can tell it.
    const executor = createRunLauncher({ store, queue, clock: systemClock, registry: gate.registry, cancelCheckMs: 3_600_000 });
    const other = createRunLauncher({ store, queue, clock: systemClock });
    const { runId } = await executor.start({ flowId, triggerOutputs: {} });
    const executing = executor.execute(runId);
    await gate.whenStarted('Work');
    const waitingHere = executor.waitForReply(runId, 10_000);
    await other.cancel(runId);
    gate.open('Work');
    assert.equal(await executing, 'cancelled');
    assert.deepEqual(gate.calls, ['Work'], 'Next never starts');
    assert.deepEqual(await attempts(store, runId), ['Work#1:Cancelled'], "the late result does not overwrite the cancel");
    assert.equal((await waitingHere)?.status, 'Cancelled');
    assert.equal((await other.waitForReply(runId, 1000))?.status, 'Cancelled');
  });

  test('a run executed by another launcher has its action in flight aborted by the periodic check', async () => {
    const gate = gates({ honoursSignal: true });
    const flowId = await flowOf(store, 'cancel-elsewhere-abort', definitionWith({
      Work: { type: 'Gate', inputs: {}, runAfter: {} },
      Next: { type: 'Compose', inputs: 'never', runAfter: { Work: ['Succeeded', 'Cancelled'] } },
    }));
    const executor = createRunLauncher({ store, queue, clock: systemClock, registry: gate.registry, cancelCheckMs: 20 });
    const other = createRunLauncher({ store, queue, clock: systemClock });
    const { runId } = await executor.start({ flowId, triggerOutputs: {} });
    const executing = executor.execute(runId);
    await gate.whenStarted('Work');
    await other.cancel(runId);
    assert.equal(await executing, 'cancelled');
    assert.deepEqual(gate.aborted, ['Work']);
    assert.deepEqual(await attempts(store, runId), ['Work#1:Cancelled']);
  });
});

describe('resubmitting runs', () => {
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

  test("a resubmitted run is a new run of the flow's current version with the same trigger outputs, correlated to the original", async () => {
    const flowId = await flowOf(store, 'resubmit', definitionWith({ Greet: { type: 'Compose', inputs: "@concat('v1 ', triggerBody()?['name'])", runAfter: {} } }));
    const runs = createRunLauncher({ store, queue, clock: systemClock });
    const trigger = { headers: { 'x-source': 'test' }, queries: {}, body: { name: 'Ada' } };
    const { runId } = await runs.start({ flowId, triggerOutputs: trigger, clientTrackingId: 'order-42' });
    assert.equal(await runs.execute(runId), 'finished');
    await store.flows.addVersion(flowId, { definition: definitionWith({ Greet: { type: 'Compose', inputs: "@concat('v2 ', triggerBody()?['name'])", runAfter: {} } }) });

    const resubmitted = await runs.resubmit(runId);
    assert.notEqual(resubmitted.runId, runId);
    const created = await store.runs.get(resubmitted.runId);
    assert.equal(created?.flowVersion, 2, 'the current version runs, not the original one');
    assert.equal(created?.correlationId, runId);
    assert.equal(created?.clientTrackingId, 'order-42');
    assert.equal(created?.triggerName, 'manual');
    assert.deepEqual(created?.triggerOutputs, trigger);
    assert.equal(await runs.execute(resubmitted.runId), 'finished');
    const greet = (await store.runs.listActions(resubmitted.runId)).find((a) => a.name === 'Greet');
    assert.equal(greet?.outputs, 'v2 Ada');
    // The original run is untouched.
    assert.equal((await store.runs.listActions(runId)).find((a) => a.name === 'Greet')?.outputs, 'v1 Ada');
  });

  test('resubmitting is refused for a disabled flow, a current version without the trigger, and an unknown run', async () => {
    const flowId = await flowOf(store, 'resubmit-refused', definitionWith({ Greet: { type: 'Compose', inputs: 1, runAfter: {} } }));
    const runs = createRunLauncher({ store, queue, clock: systemClock });
    const { runId } = await runs.start({ flowId, triggerOutputs: {} });
    await store.flows.update(flowId, { state: 'disabled' });
    await assert.rejects(runs.resubmit(runId), (error: unknown) => error instanceof ConflictError && error.code === 'FlowDisabled');
    await store.flows.update(flowId, { state: 'enabled' });
    await store.flows.addVersion(flowId, { definition: definitionWith({ Greet: { type: 'Compose', inputs: 1, runAfter: {} } }, { renamed: MANUAL.manual }) });
    await assert.rejects(runs.resubmit(runId), (error: unknown) => error instanceof ConflictError && error.code === 'ResubmitTriggerMissing' && error.message.includes("trigger 'manual'"));
    await assert.rejects(runs.resubmit('no-such-run'), (error: unknown) => error instanceof NotFoundError && error.code === 'RunNotFound');
    assert.equal(await runs.execute(runId), 'finished');
  });
});

describe('stopping the worker (SIGTERM)', () => {
  test('the action in flight finishes, nothing new starts, the run is queued again and a new worker finishes it without repeating anything', async () => {
    const store = await openStore({ driver: 'sqlite', memory: true });
    const queue = createEmbeddedQueue({ store });
    try {
      const gate = gates({ honoursSignal: false });
      const flowId = await flowOf(store, 'stop', definitionWith({
        Work: { type: 'Gate', inputs: {}, runAfter: {} },
        After: { type: 'Compose', inputs: "@body('Work')", runAfter: { Work: ['Succeeded'] } },
      }));
      const first = createRunLauncher({ store, queue, clock: systemClock, registry: gate.registry });
      const { runId } = await first.start({ flowId, triggerOutputs: {} });
      const worker = first.work({ pollMs: 10 });
      await gate.whenStarted('Work');
      const stopped = worker.stop();
      gate.open('Work');
      await stopped;
      first.close();
      assert.deepEqual(await attempts(store, runId), ['Work#1:Succeeded'], 'the action in flight was recorded; its successor did not start');
      assert.equal((await store.runs.get(runId))?.status, 'Running');
      assert.equal(await store.jobs.countLive(RUNS_QUEUE), 1, 'the run is queued again');

      const second = createRunLauncher({ store, queue, clock: systemClock, registry: gate.registry });
      const next = second.work({ pollMs: 10 });
      const reply = await second.waitForReply(runId, 10_000);
      await next.stop();
      assert.equal(reply?.status, 'Succeeded');
      assert.deepEqual(gate.calls, ['Work'], 'Work ran once');
      assert.deepEqual(await attempts(store, runId), ['Work#1:Succeeded', 'After#1:Succeeded']);
      assert.equal((await store.runs.listActions(runId)).find((a) => a.name === 'After')?.outputs, 'Work done');
      assert.equal(await store.jobs.countLive(RUNS_QUEUE), 0);
    } finally {
      await queue.stop();
      await store.close();
    }
  });

  test('an inline Wait cut short by a stop stays open as a checkpoint and, resumed, waits only what is left', async () => {
    const clock = createManualClock(Date.UTC(2026, 0, 1));
    const store = await openStore({ driver: 'sqlite', memory: true }, { clock });
    const queue = createEmbeddedQueue({ store, clock });
    try {
      const flowId = await flowOf(store, 'stop-wait', definitionWith({
        Delay: { type: 'Wait', inputs: { interval: { count: 3, unit: 'Second' } }, runAfter: {} },
        After_wait: { type: 'Compose', inputs: '@utcNow()', runAfter: { Delay: ['Succeeded'] } },
      }));
      const runs = createRunLauncher({ store, queue, clock });
      const { runId } = await runs.start({ flowId, triggerOutputs: {} });
      const stop = new AbortController();
      const executing = runs.execute(runId, { stopSignal: stop.signal });
      await until('the Wait to start', async () => ((await attempts(store, runId)).includes('Delay#1:Running') ? true : undefined));
      stop.abort();
      assert.equal(await executing, 'stopped');
      assert.deepEqual(await attempts(store, runId), ['Delay#1:Running'], 'the Wait is left open');
      clock.advance(3_000);
      assert.equal(await runs.execute(runId), 'finished');
      assert.deepEqual(await attempts(store, runId), ['Delay#1:Succeeded', 'After_wait#1:Succeeded'], 'the same Wait attempt finished');
      assert.equal((await store.runs.listActions(runId)).find((a) => a.name === 'After_wait')?.outputs, '2026-01-01T00:00:03.0000000Z');
    } finally {
      await queue.stop();
      await store.close();
    }
  });
});
