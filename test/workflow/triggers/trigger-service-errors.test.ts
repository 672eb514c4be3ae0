/**
 * What the trigger service keeps on a trigger when a port fails, and how it plans the next poll
 * from a service's `Retry-After`: unexpected errors (a driver's, a bug's) reach the log but not the
 * trigger's `lastError` (which `GET …/triggers` shows as-is); PlugboardErrors keep their message;
 * a `Retry-After` of 0 or of years is held between 1 s and 24 h.
 */
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { PlugboardError, createManualClock } from '../../../src/core/index.ts';
import type { Logger, ManualClock } from '../../../src/core/index.ts';
import { createEmbeddedQueue } from '../../../src/queue/index.ts';
import type { JobQueue, JobWorker } from '../../../src/queue/index.ts';
import { openStore } from '../../../src/storage/index.ts';
import type { Store, TriggerStateRecord } from '../../../src/storage/index.ts';
import { createTriggerService } from '../../../src/workflow/index.ts';
import type { TriggerPorts, TriggerService } from '../../../src/workflow/index.ts';
import { RETRY_AFTER_MAX_MS, RETRY_AFTER_MIN_MS } from '../../../src/workflow/triggers/trigger-service.ts';

const START = Date.UTC(2026, 0, 1);
const INTERNALS = 'connect ECONNREFUSED 10.20.30.40:5432 (user plugboard, password hunter2)';

interface Harness {
  readonly store: Store;
  readonly clock: ManualClock;
  readonly queue: JobQueue;
  readonly triggers: TriggerService;
  readonly worker: JobWorker;
  readonly logged: Array<{ level: string; message: string; fields: Readonly<Record<string, unknown>> }>;
}

let harness: Harness | undefined;

async function setUp(ports: Partial<TriggerPorts>): Promise<Harness> {
  const clock = createManualClock(START);
  const store = await openStore({ driver: 'sqlite', memory: true }, { clock });
  const queue = createEmbeddedQueue({ store, clock });
  const logged: Harness['logged'] = [];
  const record = (level: string) => (message: string, fields: Readonly<Record<string, unknown>> = {}) => void logged.push({ level, message, fields });
  const logger: Logger = { debug: record('debug'), info: record('info'), warn: record('warn'), error: record('error') };
  const keys = { keyFor: async () => new Uint8Array(32), regenerate: async () => undefined };
  const triggers = createTriggerService({ store, queue, clock, keys, publicUrl: 'http://plugboard.test', ports, logger });
  const worker = triggers.work({ pollMs: 5 });
  harness = { store, clock, queue, triggers, worker, logged };
  return harness;
}

afterEach(async () => {
  await harness?.worker.stop();
  await harness?.queue.stop();
  await harness?.store.close();
  harness = undefined;
});

async function createFlow(h: Harness, triggers: unknown): Promise<string> {
  const environment = await h.store.environments.getByName('default');
  const { flow } = await h.store.flows.create({ environmentId: environment!.id, name: 'flow', definition: { triggers, actions: {} } });
  await h.triggers.reconcile(flow.id);
  return flow.id;
}

async function checked(h: Harness, flowId: string, name: string): Promise<TriggerStateRecord> {
  for (let i = 0; i < 400; i += 1) {
    const state = await h.store.triggerStates.get(flowId, name);
    if (state?.lastCheckedAt !== null && state?.lastCheckedAt !== undefined) return state;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`trigger '${name}' was never checked`);
}

const HOOK = { hook: { type: 'HttpWebhook', inputs: { subscribe: { method: 'POST', uri: 'http://hooks.test/subscribe' } } } };
const POLL = { poll: { type: 'Http', recurrence: { frequency: 'Hour', interval: 1 }, inputs: { method: 'GET', uri: 'http://feed.test/items' } } };

test('a subscribe that fails with a driver error keeps a generic message on the trigger and logs the real one', async () => {
  const h = await setUp({
    subscribe: async () => {
      throw new Error(INTERNALS);
    },
  });
  const flowId = await createFlow(h, HOOK);
  const state = await h.store.triggerStates.get(flowId, 'hook');
  assert.equal(state?.lastStatus, 'Failed');
  assert.deepEqual(state?.lastError, { code: 'SubscribeFailed', message: 'an unexpected error occurred while subscribing the webhook — the server log has the details' });
  const line = h.logged.find((entry) => entry.fields['flowId'] === flowId && entry.fields['trigger'] === 'hook');
  assert.ok(line !== undefined, 'the failure is logged with the flow and trigger');
  assert.match(String(line.fields['error']), /ECONNREFUSED 10\.20\.30\.40/, 'the log keeps the real error');
});

test('a subscribe refused with a PlugboardError keeps its code and message on the trigger', async () => {
  const h = await setUp({
    subscribe: async () => {
      throw new PlugboardError("trigger 'hook': the subscribe call answered 403 (Forbidden)", { code: 'WebhookSubscribeFailed' });
    },
  });
  const flowId = await createFlow(h, HOOK);
  const state = await h.store.triggerStates.get(flowId, 'hook');
  assert.deepEqual(state?.lastError, { code: 'WebhookSubscribeFailed', message: "trigger 'hook': the subscribe call answered 403 (Forbidden)" });
});

test('a poll that throws an unexpected error keeps a generic message on the trigger and logs the real one', async () => {
  const h = await setUp({
    poll: async () => {
      throw new TypeError(INTERNALS);
    },
  });
  const flowId = await createFlow(h, POLL);
  const state = await checked(h, flowId, 'poll');
  assert.equal(state.lastStatus, 'Failed');
  assert.deepEqual(state.lastError, { code: 'PollFailed', message: 'an unexpected error occurred while polling — the server log has the details' });
  const line = h.logged.find((entry) => entry.fields['flowId'] === flowId && entry.fields['trigger'] === 'poll');
  assert.ok(line !== undefined, 'the failure is logged with the flow and trigger');
  assert.match(String(line.fields['error']), /ECONNREFUSED 10\.20\.30\.40/);
});

test('a Retry-After of 0 plans the next poll 1 s later, not at once', async () => {
  let polls = 0;
  const h = await setUp({
    poll: async () => {
      polls += 1;
      // A second poll at the same instant would be the loop the bound prevents; failing ends it (the schedule plans the next).
      if (polls > 1) throw new PlugboardError('polled again before the clock moved', { code: 'PolledAtOnce' });
      return { outcome: 'skipped', firings: [], cursor: null, retryAfterMs: 0 };
    },
  });
  const flowId = await createFlow(h, POLL);
  const state = await checked(h, flowId, 'poll');
  assert.equal(RETRY_AFTER_MIN_MS, 1_000);
  assert.equal(state.nextAt, START + RETRY_AFTER_MIN_MS);
  assert.equal(state.lastError, null);
  assert.equal(polls, 1);
});

test('a Retry-After of ten years plans the next poll 24 h later, not ten years', async () => {
  const h = await setUp({ poll: async () => ({ outcome: 'failed', firings: [], cursor: null, retryAfterMs: 10 * 365 * 24 * 3_600_000, error: { code: 'RateLimited', message: 'answered 429' } }) });
  const flowId = await createFlow(h, POLL);
  const state = await checked(h, flowId, 'poll');
  assert.equal(RETRY_AFTER_MAX_MS, 24 * 3_600_000);
  assert.equal(state.nextAt, START + RETRY_AFTER_MAX_MS);
  assert.deepEqual(state.lastError, { code: 'RateLimited', message: 'answered 429' });
});
