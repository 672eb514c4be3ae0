/**
 * `waitForReply` and the run observer: a run executed in this process hands its reply over without
 * any look at the store; a run executed by another launcher is watched with one status query per
 * look (its actions are read only when a Response may exist or the run ended); an unknown run is an
 * error, not a timeout; every run end — cancelled or with an invalid definition too — is observed.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { NotFoundError, systemClock } from '../../../src/core/index.ts';
import type { RunFinishedEvent, RunObserver } from '../../../src/observability/index.ts';
import { createEmbeddedQueue } from '../../../src/queue/index.ts';
import type { JobQueue } from '../../../src/queue/index.ts';
import { openStore } from '../../../src/storage/index.ts';
import type { Store } from '../../../src/storage/index.ts';
import { BUILT_IN_ACTION_EXECUTORS, createActionRegistry, createRunLauncher } from '../../../src/workflow/index.ts';
import type { ActionExecutor, ActionRegistry } from '../../../src/workflow/index.ts';

const MANUAL = { manual: { type: 'Request', kind: 'Http', inputs: {} } };

async function flowOf(store: Store, name: string, definition: unknown): Promise<string> {
  const environment = await store.environments.ensure('default');
  return (await store.flows.create({ environmentId: environment.id, name, definition })).flow.id;
}

/** A `Gate` action that waits until the test opens it. */
function gate() {
  const openers = new Map<string, () => void>();
  const started = new Map<string, PromiseWithResolvers<void>>();
  const startedOf = (name: string): PromiseWithResolvers<void> => {
    let entry = started.get(name);
    if (entry === undefined) {
      entry = Promise.withResolvers<void>();
      started.set(name, entry);
    }
    return entry;
  };
  const executor: ActionExecutor = {
    type: 'gate',
    async execute(action) {
      await new Promise<void>((resolve) => {
        openers.set(action.name, resolve);
        startedOf(action.name).resolve();
      });
      return { status: 'Succeeded', outputs: { body: `${action.name} done` } };
    },
  };
  const registry: ActionRegistry = createActionRegistry([...BUILT_IN_ACTION_EXECUTORS, executor]);
  return { registry, whenStarted: (name: string) => startedOf(name).promise, open: (name: string) => openers.get(name)?.() };
}

/** `store` with its run reads counted (the reads `waitForReply` may make). */
function countingReads(store: Store) {
  const counts = { getSummary: 0, get: 0, listActions: 0, getStatuses: 0 };
  const runs: Store['runs'] = {
    ...store.runs,
    getSummary: (id) => {
      counts.getSummary += 1;
      return store.runs.getSummary(id);
    },
    get: (id) => {
      counts.get += 1;
      return store.runs.get(id);
    },
    listActions: (id) => {
      counts.listActions += 1;
      return store.runs.listActions(id);
    },
    getStatuses: (ids) => {
      counts.getStatuses += 1;
      return store.runs.getStatuses(ids);
    },
  };
  const countedStore: Store = { ...store, runs };
  return { store: countedStore, counts, snapshot: () => ({ ...counts }) };
}

async function until(what: string, probe: () => boolean): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

describe('waitForReply', () => {
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

  test('rejects with RunNotFound for an unknown run instead of waiting or answering "no reply"', async () => {
    const runs = createRunLauncher({ store, queue, clock: systemClock });
    await assert.rejects(runs.waitForReply('no-such-run', 60_000), (error: unknown) => error instanceof NotFoundError && error.code === 'RunNotFound');
  });

  test('a run executed in this process hands its Response over without the waiter reading the store again', async () => {
    const g = gate();
    const flowId = await flowOf(store, 'reply-local', {
      triggers: MANUAL,
      actions: {
        Work: { type: 'Gate', inputs: {}, runAfter: {} },
        Response: { type: 'Response', kind: 'Http', inputs: { statusCode: 201, body: 'made' }, runAfter: { Work: ['Succeeded'] } },
      },
    });
    const counted = countingReads(store);
    const runs = createRunLauncher({ store: counted.store, queue, clock: systemClock, registry: g.registry, replyPollMs: 1, cancelCheckMs: 3_600_000 });
    const { runId } = await runs.start({ flowId, triggerOutputs: {} });
    const executing = runs.execute(runId);
    await g.whenStarted('Work');
    const before = counted.snapshot();
    const waiting = runs.waitForReply(runId, 10_000);
    // Time for many 1 ms polls, had the waiter polled.
    await new Promise((resolve) => setTimeout(resolve, 60));
    const during = counted.snapshot();
    assert.deepEqual(
      { getSummary: during.getSummary - before.getSummary, get: during.get - before.get, listActions: during.listActions - before.listActions, getStatuses: during.getStatuses - before.getStatuses },
      { getSummary: 1, get: 0, listActions: 1, getStatuses: 0 },
      'only the first look at the store, none while the run executes here',
    );
    g.open('Work');
    const reply = await waiting;
    assert.equal(reply?.response?.statusCode, 201);
    assert.equal(reply?.response?.body, 'made');
    assert.equal(await executing, 'finished');
  });

  test("a run of another launcher is watched by its status alone when its flow has no Response, and its end is the reply", async () => {
    const g = gate();
    const flowId = await flowOf(store, 'reply-elsewhere', {
      triggers: MANUAL,
      actions: {
        Work: { type: 'Gate', inputs: {}, runAfter: {} },
        Done: { type: 'Compose', inputs: 'done', runAfter: { Work: ['Succeeded'] } },
      },
    });
    const executor = createRunLauncher({ store, queue, clock: systemClock, registry: g.registry });
    const counted = countingReads(store);
    const waiter = createRunLauncher({ store: counted.store, queue, clock: systemClock, replyPollMs: 1 });
    const { runId } = await executor.start({ flowId, triggerOutputs: {} });
    const executing = executor.execute(runId);
    await g.whenStarted('Work');
    const waiting = waiter.waitForReply(runId, 20_000);
    await until('three looks at the run', () => counted.counts.getStatuses >= 3);
    assert.equal(counted.counts.listActions, 0, 'no Response to look for: the actions are never read');
    assert.equal(counted.counts.get, 0, 'the full run (trigger outputs, outputs) is never read');
    assert.equal(counted.counts.getSummary, 1, 'only the first look reads the run');
    g.open('Work');
    assert.equal(await executing, 'finished');
    const reply = await waiting;
    assert.equal(reply?.status, 'Succeeded');
    assert.equal(reply?.response, null);
    assert.equal(counted.counts.listActions, 0);
  });
});

describe('the run observer', () => {
  let store: Store;
  let queue: JobQueue;
  const finished: RunFinishedEvent[] = [];
  const observer: RunObserver = { runStarted: () => undefined, runFinished: (event) => finished.push(event), actionFinished: () => undefined };
  before(async () => {
    store = await openStore({ driver: 'sqlite', memory: true });
    queue = createEmbeddedQueue({ store });
  });
  after(async () => {
    await queue.stop();
    await store.close();
  });

  test('is told when a run is cancelled', async () => {
    finished.length = 0;
    const flowId = await flowOf(store, 'observed-cancel', { triggers: MANUAL, actions: { A: { type: 'Compose', inputs: 1, runAfter: {} } } });
    const runs = createRunLauncher({ store, queue, clock: systemClock, observer });
    const { runId } = await runs.start({ flowId, triggerOutputs: {} });
    await runs.cancel(runId);
    assert.deepEqual(finished.map((event) => event.status), ['Cancelled']);
    assert.ok(finished[0] !== undefined && finished[0].durationMs >= 0);
    assert.equal(await runs.execute(runId), 'gone');
    assert.equal(finished.length, 1, 'the cancelled run is counted once');
  });

  test('is told when a run fails because its flow version holds no runnable definition', async () => {
    finished.length = 0;
    const flowId = await flowOf(store, 'observed-invalid', { hello: 'not a workflow definition' });
    const runs = createRunLauncher({ store, queue, clock: systemClock, observer });
    const { runId } = await runs.start({ flowId, triggerOutputs: {} });
    assert.equal(await runs.execute(runId), 'finished');
    const run = await store.runs.get(runId);
    assert.equal(run?.status, 'Failed');
    assert.equal((run?.error as { code: string }).code, 'WorkflowDefinitionInvalid');
    assert.deepEqual(finished.map((event) => event.status), ['Failed']);
  });
});
