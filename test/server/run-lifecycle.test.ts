/**
 * HTTP API: `POST …/runs/{runId}/cancel` and `…/resubmit` through the real Fastify app
 * (`app.inject`), with the durable run launcher and API tokens of an owner, a run-only user and a
 * stranger.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createCatalog } from '../../src/catalog/index.ts';
import { systemClock } from '../../src/core/index.ts';
import { createEmbeddedQueue } from '../../src/queue/index.ts';
import type { JobQueue } from '../../src/queue/index.ts';
import { BUILTIN_CONNECTORS_DIR, createApp, generateToken, hashToken } from '../../src/server/index.ts';
import { openStore } from '../../src/storage/index.ts';
import type { PrincipalRecord, Store } from '../../src/storage/index.ts';
import { BUILT_IN_ACTION_EXECUTORS, createActionRegistry, createRunLauncher } from '../../src/workflow/index.ts';
import type { ActionExecutor, DurableRuns } from '../../src/workflow/index.ts';

/** An action that waits until its signal aborts (the run is cancelled). */
const HOLD: ActionExecutor = {
  type: 'hold',
  async execute(_action, context) {
    await new Promise<void>((resolve) => context.signal?.addEventListener('abort', () => resolve(), { once: true }));
    return { status: 'Cancelled', error: { code: 'Cancelled', message: 'aborted' } };
  },
};

const DEFINITION = {
  triggers: { manual: { type: 'Request', kind: 'Http', inputs: {} } },
  actions: {
    Branch: { type: 'If', expression: "@equals(triggerBody()?['hold'], true)", actions: { Hold: { type: 'Hold', inputs: {}, runAfter: {} } }, else: { actions: {} }, runAfter: {} },
    Echo: { type: 'Compose', inputs: "@triggerBody()?['name']", runAfter: { Branch: ['Succeeded'] } },
  },
};

describe('HTTP API: run lifecycle', () => {
  let store: Store;
  let queue: JobQueue;
  let runs: DurableRuns;
  let app: FastifyInstance;
  let owner: { principal: PrincipalRecord; token: string };
  let runner: { principal: PrincipalRecord; token: string };
  let flowId: string;
  const base = () => `/api/environments/default/flows/${flowId}/runs`;

  before(async () => {
    store = await openStore({ driver: 'sqlite', memory: true });
    queue = createEmbeddedQueue({ store });
    runs = createRunLauncher({ store, queue, clock: systemClock, registry: createActionRegistry([...BUILT_IN_ACTION_EXECUTORS, HOLD]) });
    const catalog = createCatalog({ store, builtinDir: BUILTIN_CONNECTORS_DIR });
    app = await createApp({ store, catalog, runs, runLifecycle: runs, logLevel: false });
    const caller = async (name: string, role: PrincipalRecord['role']) => {
      const principal = await store.principals.create({ kind: 'user', name, role });
      const token = generateToken();
      await store.apiTokens.create({ principalId: principal.id, name, tokenHash: hashToken(token) });
      return { principal, token };
    };
    owner = await caller('owner', 'maker');
    runner = await caller('runner', 'user');
    const environment = await store.environments.ensure('default');
    flowId = (await store.flows.create({ environmentId: environment.id, name: 'lifecycle', definition: DEFINITION, ownerId: owner.principal.id })).flow.id;
    await store.flowMembers.put({ flowId, principalId: runner.principal.id, access: 'run-only' });
  });
  after(async () => {
    runs.close();
    await queue.stop();
    await app.close();
    await store.close();
  });

  const post = (who: { token: string }, path: string) => app.inject({ method: 'POST', url: path, headers: { authorization: `Bearer ${who.token}` } });

  test('the owner cancels a running run: 200 with the Cancelled run; a second cancel is 409', async () => {
    const { runId } = await runs.start({ flowId, triggerOutputs: { body: { hold: true } } });
    const executing = runs.execute(runId);
    while ((await store.runs.listActions(runId)).every((a) => a.name !== 'Hold')) await new Promise((resolve) => setTimeout(resolve, 5));
    const res = await post(owner, `${base()}/${runId}/cancel`);
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json();
    assert.equal(body.id, runId);
    assert.equal(body.status, 'Cancelled');
    assert.equal(body.error.code, 'RunCancelled');
    assert.equal(await executing, 'cancelled');
    const hold = (await store.runs.listActions(runId)).find((a) => a.name === 'Hold');
    assert.equal(hold?.status, 'Cancelled');

    const again = await post(owner, `${base()}/${runId}/cancel`);
    assert.equal(again.statusCode, 409);
    assert.equal(again.json().error.code, 'RunAlreadyFinished');
    assert.match(again.json().error.message, /already ended with status Cancelled/);
  });

  test('resubmit answers 202 with the new run, which runs the same trigger outputs and points back to the original', async () => {
    const { runId } = await runs.start({ flowId, triggerOutputs: { headers: {}, queries: {}, body: { name: 'Ada' } } });
    assert.equal(await runs.execute(runId), 'finished');
    const res = await post(owner, `${base()}/${runId}/resubmit`);
    assert.equal(res.statusCode, 202, res.body);
    const { runId: newRunId, resubmittedFrom } = res.json();
    assert.equal(resubmittedFrom, runId);
    assert.equal(res.headers['x-ms-workflow-run-id'], newRunId);
    assert.ok(String(res.headers['location']).endsWith(`${base()}/${newRunId}`));
    assert.equal(await runs.execute(newRunId), 'finished');
    const created = await store.runs.get(newRunId);
    assert.equal(created?.correlationId, runId);
    assert.equal(created?.startedBy, owner.principal.id, 'the resubmitting caller started the new run');
    assert.equal((await store.runs.listActions(newRunId)).find((a) => a.name === 'Echo')?.outputs, 'Ada');
  });

  test('a run-only user may cancel and resubmit the runs they started, and sees no other run', async () => {
    const own = await runs.start({ flowId, triggerOutputs: { body: { name: 'mine' } }, startedBy: runner.principal.id });
    const others = await runs.start({ flowId, triggerOutputs: { body: { name: 'theirs' } } });
    const hidden = await post(runner, `${base()}/${others.runId}/cancel`);
    assert.equal(hidden.statusCode, 404, hidden.body);
    assert.equal(hidden.json().error.code, 'RunNotFound');
    assert.equal((await store.runs.get(others.runId))?.status, 'Running', 'the other run is untouched');
    assert.equal((await post(runner, `${base()}/${others.runId}/resubmit`)).statusCode, 404);

    const cancelled = await post(runner, `${base()}/${own.runId}/cancel`);
    assert.equal(cancelled.statusCode, 200, cancelled.body);
    const resubmitted = await post(runner, `${base()}/${own.runId}/resubmit`);
    assert.equal(resubmitted.statusCode, 202, resubmitted.body);
    assert.equal((await store.runs.get(resubmitted.json().runId))?.startedBy, runner.principal.id);
    for (const id of [others.runId, resubmitted.json().runId]) await runs.execute(id);
  });

  test('an unknown run, a run of another flow and a call without a token are refused', async () => {
    const environment = await store.environments.ensure('default');
    const otherFlow = (await store.flows.create({ environmentId: environment.id, name: 'other', definition: DEFINITION, ownerId: owner.principal.id })).flow.id;
    const { runId } = await runs.start({ flowId: otherFlow, triggerOutputs: {} });
    assert.equal((await post(owner, `${base()}/no-such-run/cancel`)).statusCode, 404);
    const wrongFlow = await post(owner, `${base()}/${runId}/cancel`);
    assert.equal(wrongFlow.statusCode, 404);
    assert.equal(wrongFlow.json().error.code, 'RunNotFound');
    assert.equal((await store.runs.get(runId))?.status, 'Running');
    const anonymous = await app.inject({ method: 'POST', url: `${base()}/${runId}/cancel` });
    assert.equal(anonymous.statusCode, 401);
    await runs.execute(runId);
  });
});
