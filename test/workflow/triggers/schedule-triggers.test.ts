/**
 * Recurrence and SlidingWindow triggers driven by the trigger service and the job queue on an
 * injected clock: fire times in a Windows time zone across a daylight-saving change, no burst
 * after a clock jump, sliding windows caught up one by one, and a check delivered twice (a crash
 * after its commit) firing once.
 */
import { after, afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createManualClock } from '../../../src/core/index.ts';
import type { ManualClock } from '../../../src/core/index.ts';
import { createEmbeddedQueue } from '../../../src/queue/index.ts';
import type { JobQueue, JobWorker } from '../../../src/queue/index.ts';
import { openStore } from '../../../src/storage/index.ts';
import type { Store } from '../../../src/storage/index.ts';
import { TRIGGERS_QUEUE, createTriggerService } from '../../../src/workflow/index.ts';
import type { TriggerService } from '../../../src/workflow/index.ts';

const HOUR = 3_600_000;

interface Harness {
  readonly store: Store;
  readonly clock: ManualClock;
  readonly queue: JobQueue;
  readonly triggers: TriggerService;
  readonly worker: JobWorker;
}

let harness: Harness | undefined;

async function setUp(startMs: number): Promise<Harness> {
  const clock = createManualClock(startMs);
  const store = await openStore({ driver: 'sqlite', memory: true }, { clock });
  const queue = createEmbeddedQueue({ store, clock });
  const keys = { keyFor: async () => new Uint8Array(32), regenerate: async () => undefined };
  const triggers = createTriggerService({ store, queue, clock, keys, publicUrl: 'http://plugboard.test' });
  const worker = triggers.work({ pollMs: 5 });
  harness = { store, clock, queue, triggers, worker };
  return harness;
}

afterEach(async () => {
  await harness?.worker.stop();
  await harness?.queue.stop();
  await harness?.store.close();
  harness = undefined;
});

async function createFlow(h: Harness, name: string, triggers: unknown): Promise<string> {
  const environment = await h.store.environments.getByName('default');
  const { flow } = await h.store.flows.create({ environmentId: environment!.id, name, definition: { triggers, actions: {} } });
  await h.triggers.reconcile(flow.id);
  return flow.id;
}

/** Start times of the flow's runs (epoch ms), oldest first. */
async function runStarts(h: Harness, flowId: string): Promise<number[]> {
  return (await h.store.runs.listForFlow(flowId, { limit: 1000 })).map((run) => run.startedAt).sort((a, b) => a - b);
}

/** Waits until the due checks at the clock's current time have run (no live job is due any more). */
async function settle(h: Harness): Promise<void> {
  for (let i = 0; i < 400; i += 1) {
    const state = await h.store.triggerStates.listAll();
    if (state.every((s) => s.nextAt === null || s.nextAt > h.clock.now())) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error('due trigger checks did not run');
}

async function advanceTo(h: Harness, epochMs: number): Promise<void> {
  h.clock.set(epochMs);
  await settle(h);
}

describe('Recurrence triggers on an injected clock', () => {
  test('a daily 02:30 schedule in Central time fires at 02:30 local, and at 03:30 CDT on the day 02:30 does not exist', async () => {
    // 2019-03-09 00:00 CST = 06:00 UTC. DST starts 2019-03-10 02:00 local (→ 03:00 CDT).
    const h = await setUp(Date.UTC(2019, 2, 9, 6, 0));
    const flowId = await createFlow(h, 'nightly', {
      nightly: { type: 'Recurrence', recurrence: { frequency: 'Day', interval: 1, timeZone: 'Central Standard Time', startTime: '2019-03-09T00:00:00', schedule: { hours: [2], minutes: [30] } } },
    });
    for (let fired = 0; fired < 3; fired += 1) {
      // The clock moves exactly to each planned check: the run starts at the planned time.
      const next = (await h.store.triggerStates.get(flowId, 'nightly'))?.nextAt;
      assert.ok(typeof next === 'number');
      await advanceTo(h, next);
    }
    assert.deepEqual((await runStarts(h, flowId)).map((ms) => new Date(ms).toISOString()), [
      '2019-03-09T08:30:00.000Z', // 02:30 CST
      '2019-03-10T08:30:00.000Z', // 02:30 does not exist: 03:30 CDT
      '2019-03-11T07:30:00.000Z', // 02:30 CDT
    ]);
  });

  test('after a clock jump of five hours an hourly trigger fires once, then on its schedule — no burst', async () => {
    const start = Date.UTC(2026, 0, 1, 0, 0);
    const h = await setUp(start);
    const flowId = await createFlow(h, 'hourly', { hourly: { type: 'Recurrence', recurrence: { frequency: 'Hour', interval: 1, startTime: '2026-01-01T00:00:00Z' } } });
    await settle(h);
    assert.equal((await runStarts(h, flowId)).length, 1, 'fires at its start time');
    await advanceTo(h, start + 5 * HOUR + 10 * 60_000);
    assert.equal((await runStarts(h, flowId)).length, 2, 'the missed hours are not fired one by one');
    const state = await h.store.triggerStates.get(flowId, 'hourly');
    assert.equal(state?.nextAt, start + 6 * HOUR, 'the next check is the next hour after now');
    await advanceTo(h, start + 6 * HOUR);
    assert.equal((await runStarts(h, flowId)).length, 3);
  });

  test('disabling a flow stops its schedule; enabling it plans it again', async () => {
    const start = Date.UTC(2026, 0, 1, 0, 0);
    const h = await setUp(start);
    const flowId = await createFlow(h, 'toggled', { every: { type: 'Recurrence', recurrence: { frequency: 'Minute', interval: 30, startTime: '2026-01-01T00:00:00Z' } } });
    await settle(h);
    await h.store.flows.update(flowId, { state: 'disabled' });
    await h.triggers.reconcile(flowId);
    const fired = (await runStarts(h, flowId)).length;
    await advanceTo(h, start + 3 * HOUR);
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal((await runStarts(h, flowId)).length, fired, 'a disabled flow’s schedule must not fire');
    await h.store.flows.update(flowId, { state: 'enabled' });
    await h.triggers.reconcile(flowId);
    await advanceTo(h, start + 3 * HOUR + 30 * 60_000);
    assert.equal((await runStarts(h, flowId)).length, fired + 1);
  });

  test('a check delivered again after its commit (a crash before the job was completed) starts nothing twice', async () => {
    const start = Date.UTC(2026, 0, 1, 0, 0);
    const h = await setUp(start);
    const flowId = await createFlow(h, 'once', { every: { type: 'Recurrence', recurrence: { frequency: 'Hour', interval: 1, startTime: '2026-01-01T00:00:00Z' } } });
    await settle(h);
    const state = await h.store.triggerStates.get(flowId, 'every');
    assert.ok(state);
    assert.equal((await runStarts(h, flowId)).length, 1);
    // The job that already ran, delivered once more (its tick is the one before the current state's).
    await h.queue.enqueue(TRIGGERS_QUEUE, { flowId, triggerName: 'every', tick: state.tick - 1 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal((await runStarts(h, flowId)).length, 1, 'a stale delivery must not fire');
    assert.equal((await h.store.triggerStates.get(flowId, 'every'))?.tick, state.tick);
  });
});

describe('SlidingWindow triggers on an injected clock', () => {
  test('each missed window runs once, in order, with its window times', async () => {
    const start = Date.UTC(2026, 0, 1, 0, 0);
    const h = await setUp(start);
    const flowId = await createFlow(h, 'windows', { hourly: { type: 'SlidingWindow', recurrence: { frequency: 'Hour', interval: 1, startTime: '2026-01-01T00:00:00Z' } } });
    await settle(h);
    await advanceTo(h, start + 3 * HOUR + 60_000);
    const runs = await h.store.runs.listForFlow(flowId, { limit: 100 });
    const windows = (await Promise.all(runs.map(async (run) => (await h.store.runs.get(run.id))?.triggerOutputs as { windowStartTime: string; windowEndTime: string })))
      .map((outputs) => `${outputs.windowStartTime}/${outputs.windowEndTime}`)
      .sort();
    assert.deepEqual(windows, [
      '2025-12-31T23:00:00.000Z/2026-01-01T00:00:00.000Z',
      '2026-01-01T00:00:00.000Z/2026-01-01T01:00:00.000Z',
      '2026-01-01T01:00:00.000Z/2026-01-01T02:00:00.000Z',
      '2026-01-01T02:00:00.000Z/2026-01-01T03:00:00.000Z',
    ]);
  });
});

after(async () => {
  await harness?.store.close();
});

describe('trigger concurrency on a schedule', () => {
  test('a Recurrence trigger whose waiting runs fill the queue skips its checks, says why, and fires again once a run leaves the queue', async () => {
    const start = Date.UTC(2026, 0, 1, 0, 0);
    const h = await setUp(start);
    // No run worker here: the runs it fires stay queued for their slot.
    const flowId = await createFlow(h, 'single', {
      every: { type: 'Recurrence', recurrence: { frequency: 'Hour', interval: 1, startTime: '2026-01-01T00:00:00Z' }, operationOptions: 'SingleInstance', runtimeConfiguration: { concurrency: { maximumWaitingRuns: 2 } } },
    });
    await settle(h);
    await advanceTo(h, start + HOUR);
    const fired = await h.store.runs.listForFlow(flowId);
    assert.deepEqual(fired.map((run) => run.status), ['Waiting', 'Waiting'], 'runs of a limited trigger queue for a slot');
    assert.equal(await h.store.runs.countQueued(flowId), 2);
    await advanceTo(h, start + 2 * HOUR);
    assert.equal((await h.store.runs.listForFlow(flowId)).length, 2, 'a full queue fires nothing');
    const state = await h.store.triggerStates.get(flowId, 'every');
    assert.equal(state?.lastStatus, 'Skipped');
    assert.equal((state?.lastError as { code?: string } | null)?.code, 'TooManyWaitingRuns');
    assert.equal(state?.nextAt, start + 3 * HOUR, 'the schedule goes on');
    // A queued run leaves (cancelled here; a finished run frees its place the same way).
    await h.store.runs.cancel(fired[0]?.id ?? '', { error: { code: 'RunCancelled', message: 'test' }, actionError: { code: 'Cancelled', message: 'test' } });
    await advanceTo(h, start + 3 * HOUR);
    assert.equal((await h.store.runs.listForFlow(flowId)).length, 3);
    assert.equal((await h.store.triggerStates.get(flowId, 'every'))?.lastError, null);
  });
});
