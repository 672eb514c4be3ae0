/**
 * The retry policy of ApiConnection and OpenApiConnection (wdl.md §6): a fake connector port
 * answers from a script, and an injected sleep records the waits instead of sleeping.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { PlugboardError, createManualClock } from '../../../src/core/index.ts';
import { openStore } from '../../../src/storage/index.ts';
import type { Store } from '../../../src/storage/index.ts';
import type { ActionContext, ActionOutcome, ConnectorAnswer, ConnectorPort } from '../../../src/workflow/actions/index.ts';
import { loadWorkflowDefinition, runWorkflow } from '../../../src/workflow/index.ts';
import { run, testContext } from './kit.ts';
import type { TestContextOptions } from './kit.ts';

/** What the fake port does on one call: answer with a status (and headers), or throw. */
type Step = number | { readonly status: number; readonly headers: Record<string, string> } | PlugboardError;

/** A port that plays `steps` in order (the last one repeats) and counts the calls. */
function scriptedPort(steps: readonly Step[]): { readonly port: ConnectorPort; readonly calls: () => number } {
  let calls = 0;
  const next = async (): Promise<ConnectorAnswer> => {
    const step = steps[Math.min(calls, steps.length - 1)];
    calls++;
    if (step instanceof PlugboardError) throw step;
    const { status, headers } = typeof step === 'number' ? { status: step, headers: {} } : (step ?? { status: 200, headers: {} });
    return { status, headers: { 'content-type': 'application/json', ...headers }, body: { attempt: calls } };
  };
  return { port: { invokeRaw: next, invokeOperation: next }, calls: () => calls };
}

/** A sleep that records each wait and returns at once (or runs `during` first, e.g. to cancel the run). */
function recordingSleep(during?: () => void): { readonly sleep: NonNullable<ActionContext['sleep']>; readonly waits: number[] } {
  const waits: number[] = [];
  return {
    waits,
    sleep: async (ms) => {
      waits.push(ms);
      during?.();
    },
  };
}

interface Setup {
  readonly steps: readonly Step[];
  readonly random?: () => number;
  readonly during?: () => void;
  readonly context?: TestContextOptions;
}

function setup(options: Setup) {
  const { port, calls } = scriptedPort(options.steps);
  const { sleep, waits } = recordingSleep(options.during);
  const context: ActionContext = { ...testContext(options.context), connectors: port, sleep, ...(options.random === undefined ? {} : { random: options.random }) };
  return { context, calls, waits };
}

const apiConnection = (retryPolicy?: unknown) => ({
  name: 'Get_rows',
  type: 'ApiConnection',
  inputs: { host: { connection: { referenceName: 'sql' } }, method: 'get', path: '/tables/orders/items', ...(retryPolicy === undefined ? {} : { retryPolicy }) },
});

const openApiConnection = (retryPolicy?: unknown) => ({
  name: 'Send_mail',
  type: 'OpenApiConnection',
  inputs: { host: { connectionName: 'shared_office365', operationId: 'SendEmailV2' }, parameters: { 'emailMessage/To': 'a@example.com' }, ...(retryPolicy === undefined ? {} : { retryPolicy }) },
});

function statusCodeOf(outcome: ActionOutcome): unknown {
  return (outcome.outputs as { statusCode?: unknown } | undefined)?.statusCode;
}

/** Just below 1: the top of each random range. */
const TOP = () => 1 - Number.EPSILON;

describe('connector action retries', () => {
  test('a fixed policy retries 500, 500 and succeeds on the third call, waiting exactly the interval each time', async () => {
    const { context, calls, waits } = setup({ steps: [500, 500, 200] });
    const outcome = await run(apiConnection({ type: 'fixed', count: 3, interval: 'PT10S' }), context);
    assert.equal(outcome.status, 'Succeeded', JSON.stringify(outcome.error));
    assert.equal(calls(), 3);
    assert.deepEqual(waits, [10_000, 10_000]);
    assert.deepEqual(outcome.outputs, { statusCode: 200, headers: { 'content-type': 'application/json' }, body: { attempt: 3 } }, "the last answer's outputs");
    assert.deepEqual(outcome.inputs, { host: { connection: { referenceName: 'sql' } }, method: 'get', path: '/tables/orders/items' }, 'recorded inputs as before');
  });

  test('without a retryPolicy the default policy applies: exponential from 7 s, at least 5 s (both executors)', async () => {
    for (const action of [apiConnection(), openApiConnection(), openApiConnection({ type: 'Default' })]) {
      const low = setup({ steps: [503, 503, 200], random: () => 0 });
      const lowOutcome = await run(action, low.context);
      assert.equal(lowOutcome.status, 'Succeeded', `${action.type}: ${JSON.stringify(lowOutcome.error)}`);
      assert.equal(low.calls(), 3);
      assert.deepEqual(low.waits, [5_000, 7_000], `${action.type}: the bottom of [5 s, 7 s] then [7 s, 14 s]`);

      const high = setup({ steps: [503, 503, 200], random: TOP });
      await run(action, high.context);
      assert.deepEqual(high.waits, [7_000, 14_000], `${action.type}: the top of [5 s, 7 s] then [7 s, 14 s]`);
    }
  });

  test('the default jitter (Math.random) stays within the documented ranges', async () => {
    const { context, waits } = setup({ steps: [500, 500, 500, 500, 200] });
    const outcome = await run(openApiConnection(), context);
    assert.equal(outcome.status, 'Succeeded');
    const ranges = [
      [5_000, 7_000],
      [7_000, 14_000],
      [14_000, 28_000],
      [28_000, 56_000],
    ];
    assert.equal(waits.length, 4);
    waits.forEach((wait, index) => {
      const [from = 0, to = 0] = ranges[index] ?? [];
      assert.ok(wait >= from && wait <= to, `wait ${index + 1} is ${wait} ms, outside [${from}, ${to}]`);
    });
  });

  test('an exponential policy keeps its waits between minimumInterval and maximumInterval, and stops after count retries with the last answer', async () => {
    const { context, calls, waits } = setup({ steps: [500], random: () => 0 });
    const outcome = await run(apiConnection({ type: 'exponential', count: 4, interval: 'PT10S', minimumInterval: 'PT6S', maximumInterval: 'PT20S' }), context);
    assert.equal(calls(), 5, 'the first call and 4 retries');
    assert.deepEqual(waits, [6_000, 10_000, 20_000, 20_000]);
    assert.equal(outcome.status, 'Failed');
    assert.equal(outcome.error?.code, 'InternalServerError');
    assert.deepEqual((outcome.outputs as { body: unknown }).body, { attempt: 5 }, "the last answer's outputs");
  });

  test('`none` fails at once on a retryable answer', async () => {
    const { context, calls, waits } = setup({ steps: [503, 200] });
    const outcome = await run(openApiConnection({ type: 'none' }), context);
    assert.equal(outcome.status, 'Failed');
    assert.equal(outcome.error?.code, 'ServiceUnavailable');
    assert.equal(calls(), 1);
    assert.deepEqual(waits, []);
  });

  test('answers that are not 408, 429 or 5xx are not retried', async () => {
    for (const status of [400, 401, 404, 409]) {
      const { context, calls, waits } = setup({ steps: [status, 200] });
      const outcome = await run(apiConnection({ type: 'fixed', count: 3, interval: 'PT5S' }), context);
      assert.equal(outcome.status, 'Failed', `status ${status}`);
      assert.equal(statusCodeOf(outcome), status);
      assert.equal(calls(), 1, `status ${status} is called once`);
      assert.deepEqual(waits, []);
    }
  });

  test('408 and 429 are retried like 5xx', async () => {
    for (const status of [408, 429]) {
      const { context, calls } = setup({ steps: [status, 200] });
      const outcome = await run(apiConnection({ type: 'fixed', count: 1, interval: 'PT5S' }), context);
      assert.equal(outcome.status, 'Succeeded', `status ${status}`);
      assert.equal(calls(), 2);
    }
  });

  test("a 429's Retry-After replaces the policy's wait (seconds or an HTTP date), at most 120 s", async () => {
    const clock = createManualClock(Date.UTC(2026, 0, 15, 12, 0, 0));
    const date = new Date(clock.now() + 42_000).toUTCString();
    const steps: Step[] = [
      { status: 429, headers: { 'retry-after': '30' } },
      { status: 429, headers: { 'retry-after': date } },
      { status: 503, headers: { 'retry-after': '3600' } },
      { status: 503, headers: { 'retry-after': 'soon' } },
      200,
    ];
    const { context, calls, waits } = setup({ steps, context: { clock } });
    const outcome = await run(openApiConnection({ type: 'fixed', count: 4, interval: 'PT10S' }), context);
    assert.equal(outcome.status, 'Succeeded');
    assert.equal(calls(), 5);
    assert.deepEqual(waits, [30_000, 42_000, 120_000, 10_000], 'seconds, a date, the cap, and the policy for an unreadable value');
  });

  test('a connectivity failure (a retryable error before any answer) is retried; other errors are not', async () => {
    const refused = new PlugboardError('connect ECONNREFUSED to sql.example.com', { code: 'EgressConnectionFailed', kind: 'operational', retryable: true });
    const retried = setup({ steps: [refused, 200] });
    const outcome = await run(apiConnection({ type: 'fixed', count: 2, interval: 'PT5S' }), retried.context);
    assert.equal(outcome.status, 'Succeeded');
    assert.equal(retried.calls(), 2);
    assert.deepEqual(retried.waits, [5_000]);

    const exhausted = setup({ steps: [refused] });
    const failed = await run(apiConnection({ type: 'fixed', count: 2, interval: 'PT5S' }), exhausted.context);
    assert.equal(failed.status, 'Failed');
    assert.equal(failed.error?.code, 'EgressConnectionFailed');
    assert.equal(exhausted.calls(), 3);

    const unknown = new PlugboardError("connection reference 'sql' is not one of the flow's references", { code: 'ConnectionReferenceNotFound', kind: 'user' });
    const once = setup({ steps: [unknown, 200] });
    const notRetried = await run(apiConnection(), once.context);
    assert.equal(notRetried.error?.code, 'ConnectionReferenceNotFound');
    assert.equal(once.calls(), 1);
    assert.deepEqual(once.waits, []);
  });

  test('cancelling the run while the action waits to retry stops the retries', async () => {
    const controller = new AbortController();
    const { context, calls, waits } = setup({ steps: [500, 200], during: () => controller.abort(), context: { signal: controller.signal } });
    const outcome = await run(openApiConnection({ type: 'fixed', count: 5, interval: 'PT1M' }), context);
    assert.equal(outcome.status, 'Cancelled');
    assert.equal(outcome.error?.code, 'Cancelled');
    assert.equal(calls(), 1, 'no call after the cancellation');
    assert.deepEqual(waits, [60_000]);
  });

  test('a cancellation ends a real wait early', async () => {
    const controller = new AbortController();
    const { port, calls } = scriptedPort([500, 200]);
    const pending = run(apiConnection({ type: 'fixed', count: 1, interval: 'P1D' }), { ...testContext({ signal: controller.signal }), connectors: port });
    setImmediate(() => controller.abort());
    const outcome = await pending;
    assert.equal(outcome.status, 'Cancelled');
    assert.equal(calls(), 1);
  });

  test('a policy an expression makes invalid (count over 90) fails the action with BadRequest before any call', async () => {
    const { context, calls } = setup({ steps: [200] });
    const outcome = await run(apiConnection({ type: 'fixed', count: '@add(90, 1)', interval: 'PT5S' }), context);
    assert.equal(outcome.status, 'Failed');
    assert.equal(outcome.error?.code, 'BadRequest');
    assert.match(outcome.error?.message ?? '', /action 'Get_rows': input `retryPolicy` is not valid: .*`count` 91 is outside 1–90/);
    assert.equal(calls(), 0);

    const ninety = setup({ steps: [500] });
    await run(apiConnection({ type: 'fixed', count: '@add(89, 1)', interval: 'PT5S' }), ninety.context);
    assert.equal(ninety.calls(), 91, 'count 90 is allowed: the first call and 90 retries');
  });
});

describe('connector retries in a run', () => {
  let store: Store;
  before(async () => {
    store = await openStore({ driver: 'sqlite', memory: true });
  });
  after(() => store.close());

  test("the engine's sleep is the one retries wait on, and the run history shows the last answer", async () => {
    const loaded = loadWorkflowDefinition({
      definition: {
        $schema: 'https://schema.management.azure.com/providers/Microsoft.Logic/schemas/2016-06-01/workflowdefinition.json#',
        contentVersion: '1.0.0.0',
        triggers: { manual: { type: 'Request', kind: 'Http', inputs: {} } },
        actions: { Get_rows: { ...apiConnection({ type: 'fixed', count: 3, interval: 'PT20S' }), runAfter: {} } },
      },
    });
    assert.ok(loaded.definition, JSON.stringify(loaded.issues));
    const { port, calls } = scriptedPort([502, 200]);
    const waits: number[] = [];
    const result = await runWorkflow({
      store,
      loaded,
      clock: createManualClock(Date.UTC(2026, 0, 1)),
      ports: { connectors: port },
      sleep: async (ms) => {
        waits.push(ms);
      },
    });
    assert.equal(result.status, 'Succeeded');
    assert.equal(result.actions['Get_rows']?.status, 'Succeeded');
    assert.deepEqual((result.actions['Get_rows']?.outputs as { body: unknown }).body, { attempt: 2 });
    assert.equal(calls(), 2);
    assert.deepEqual(waits, [20_000]);
  });
});
