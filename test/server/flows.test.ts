/**
 * HTTP API: flows and runs, on a real server listening on loopback, with the durable run engine
 * (embedded queue + run launcher + worker), the connection service (references must name usable
 * connections) and API tokens of several roles. Every route × role is in route-role-matrix.test.ts.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { createCatalog } from '../../src/catalog/index.ts';
import { createConnectionService } from '../../src/connections/index.ts';
import { systemClock } from '../../src/core/index.ts';
import { createEmbeddedQueue } from '../../src/queue/index.ts';
import type { JobQueue, JobWorker } from '../../src/queue/index.ts';
import { generateMasterKey, openSecrets } from '../../src/secrets/index.ts';
import { BUILTIN_CONNECTORS_DIR, catalogConnectorLookup, createApp, generateToken, hashToken } from '../../src/server/index.ts';
import { openStore } from '../../src/storage/index.ts';
import type { PrincipalRecord } from '../../src/storage/index.ts';
import { createRunLauncher } from '../../src/workflow/index.ts';

const RUN_FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'workflows', 'runs');
/** A Logic Apps wrapper `{ definition }` whose Response answers 201 with a greeting. */
const GREETING = JSON.parse(readFileSync(join(RUN_FIXTURES, 'request-compose-response.json'), 'utf8'));

const MANUAL = { manual: { type: 'Request', kind: 'Http', inputs: {} } };
const HELLO = { triggers: MANUAL, actions: { Hello: { type: 'Compose', inputs: "@concat('hi ', triggerBody()?['name'])", runAfter: {} } } };
const LOOP = {
  triggers: MANUAL,
  actions: {
    For_each: {
      type: 'Foreach',
      foreach: "@triggerBody()?['items']",
      actions: { Double: { type: 'Compose', inputs: '@mul(item(), 2)', runAfter: {} } },
      runAfter: {},
    },
    Done: { type: 'Compose', inputs: 'done', runAfter: { For_each: ['Succeeded'] } },
  },
};
const FAILING = {
  triggers: MANUAL,
  actions: { Stop: { type: 'Terminate', inputs: { runStatus: 'Failed', runError: { code: 'NotToday', message: 'the flow said no' } }, runAfter: {} } },
};
const SEND_MAIL = {
  triggers: MANUAL,
  actions: {
    Send: {
      type: 'OpenApiConnection',
      inputs: { host: { connectionName: 'shared_office365', operationId: 'SendEmailV2', apiId: '/providers/Microsoft.PowerApps/apis/shared_office365' }, parameters: {} },
      runAfter: {},
    },
  },
};

interface Caller {
  readonly principal: PrincipalRecord;
  readonly token: string;
}

async function startServer(options: { launcher: boolean }) {
  const store = await openStore({ driver: 'sqlite', memory: true });
  const catalog = createCatalog({ store, builtinDir: BUILTIN_CONNECTORS_DIR });
  const secrets = await openSecrets({ config: { kind: 'value', keys: [generateMasterKey()] }, keys: store.secretKeys });
  const connections = createConnectionService({ store, secrets, connectors: catalogConnectorLookup(catalog) });
  let queue: JobQueue | undefined;
  let worker: JobWorker | undefined;
  let app: FastifyInstance;
  if (options.launcher) {
    queue = createEmbeddedQueue({ store });
    const runs = createRunLauncher({ store, queue, clock: systemClock });
    worker = runs.work();
    app = await createApp({ store, catalog, connections, runs, logLevel: false });
  } else {
    app = await createApp({ store, catalog, connections, logLevel: false });
  }
  const origin = await app.listen({ host: '127.0.0.1', port: 0 });
  const caller = async (name: string, role: PrincipalRecord['role']): Promise<Caller> => {
    const principal = await store.principals.create({ kind: 'user', name, role });
    const token = generateToken();
    await store.apiTokens.create({ principalId: principal.id, name, tokenHash: hashToken(token) });
    return { principal, token };
  };
  /** A connection `owner` owns (no values: the flow tests only reference it). */
  const connection = async (owner: Caller): Promise<string> => {
    const environment = await store.environments.getByName('default');
    if (environment === undefined) throw new Error('default environment missing');
    const record = await store.connections.create({ environmentId: environment.id, connectorName: 'office365', displayName: 'Office', ownerId: owner.principal.id, values: {}, status: 'connected' });
    return record.id;
  };
  /** One request; `body` is the parsed JSON answer (undefined when empty or not JSON). */
  const call = async (who: Caller | null, method: string, path: string, payload?: unknown) => {
    const headers: Record<string, string> = {};
    if (who !== null) headers['authorization'] = `Bearer ${who.token}`;
    if (payload !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(path.startsWith('http') ? path : `${origin}${path}`, { method, headers, ...(payload === undefined ? {} : { body: JSON.stringify(payload) }) });
    const text = await res.text();
    const json = res.headers.get('content-type')?.includes('json') === true && text !== '' ? JSON.parse(text) : undefined;
    return { status: res.status, headers: res.headers, body: json, text };
  };
  const stop = async () => {
    await worker?.stop();
    await queue?.stop();
    await app.close();
    await store.close();
  };
  return { store, origin, caller, connection, call, stop };
}

type Answer = Awaited<ReturnType<Awaited<ReturnType<typeof startServer>>['call']>>;

function expectError(res: Answer, status: number, code: string) {
  assert.equal(res.status, status, res.text);
  assert.equal(res.body?.error?.code, code, res.text);
  return res.body.error as { code: string; message: string; details?: Record<string, unknown> };
}

const FLOWS = '/api/environments/default/flows';

describe('HTTP API: flows', () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  let maker: Caller;
  let user: Caller;
  let admin: Caller;
  let call: Awaited<ReturnType<typeof startServer>>['call'];

  before(async () => {
    server = await startServer({ launcher: true });
    call = server.call;
    maker = await server.caller('mia', 'maker');
    user = await server.caller('vic', 'user');
    admin = await server.caller('ada', 'admin');
  });
  after(async () => server.stop());

  /** Polls the run until it has ended (the worker executes it in the background). */
  async function finishedRun(flowId: string, runId: string) {
    for (;;) {
      const res = await call(maker, 'GET', `${FLOWS}/${flowId}/runs/${runId}`);
      assert.equal(res.status, 200, res.text);
      if (res.body.status !== 'Running' && res.body.status !== 'Waiting') return res.body;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  test('creates a flow (201 with Location), shows it and lists it without its definition', async () => {
    const created = await call(maker, 'POST', FLOWS, { name: 'Greeting', definition: GREETING });
    assert.equal(created.status, 201, created.text);
    const flow = created.body;
    assert.match(flow.id, /^[0-9a-f-]{36}$/);
    assert.equal(created.headers.get('location'), `${server.origin}${FLOWS}/${flow.id}`);
    assert.deepEqual({ ...flow, id: 'x', createdTime: 't', changedTime: 't' }, {
      id: 'x',
      name: 'Greeting',
      state: 'enabled',
      version: 1,
      definition: GREETING,
      connectionReferences: {},
      createdTime: 't',
      changedTime: 't',
    });
    assert.match(flow.createdTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    const shown = await call(maker, 'GET', `${FLOWS}/${flow.id}`);
    assert.deepEqual(shown.body, flow);
    const listed = await call(maker, 'GET', FLOWS);
    assert.deepEqual(listed.body.value.find((f: { id: string }) => f.id === flow.id), {
      id: flow.id,
      name: 'Greeting',
      state: 'enabled',
      version: 1,
      createdTime: flow.createdTime,
      changedTime: flow.changedTime,
    });
    expectError(await call(maker, 'POST', FLOWS, { name: 'Greeting', definition: HELLO }), 409, 'FlowExists');
  });

  test('an invalid definition is not saved: 400 WorkflowDefinitionInvalid with each issue at its JSON pointer in the request', async () => {
    const bad = { triggers: MANUAL, actions: { A: { type: 'Composee', inputs: 1, runAfter: {} }, B: { type: 'Compose', inputs: 1, runAfter: { Nope: ['Succeeded'] } } } };
    const error = expectError(await call(maker, 'POST', FLOWS, { name: 'broken', definition: bad }), 400, 'WorkflowDefinitionInvalid');
    const issues = error.details?.['issues'] as Array<{ code: string; path: string; message: string }>;
    assert.ok(issues.some((i) => i.path === '/definition/actions/A/type' && /Composee.*did you mean `Compose`/.test(i.message)), JSON.stringify(issues));
    assert.ok(issues.some((i) => i.path.startsWith('/definition/actions/B/runAfter')), JSON.stringify(issues));
    assert.match(error.message, /\/definition\/actions\/A\/type/);
    assert.ok(!(await call(maker, 'GET', FLOWS)).body.value.some((f: { name: string }) => f.name === 'broken'));

    // A connector action needs its connection reference; a malformed reference is pointed at too.
    const missing = expectError(await call(maker, 'POST', FLOWS, { name: 'mail', definition: SEND_MAIL }), 400, 'WorkflowDefinitionInvalid');
    assert.deepEqual((missing.details?.['issues'] as Array<{ path: string }>).map((i) => i.path), ['/definition/actions/Send/inputs/host/connectionName']);
    const malformed = expectError(await call(maker, 'POST', FLOWS, { name: 'mail', definition: SEND_MAIL, connectionReferences: { shared_office365: 'conn-1' } }), 400, 'WorkflowDefinitionInvalid');
    assert.deepEqual((malformed.details?.['issues'] as Array<{ path: string }>).map((i) => i.path), ['/connectionReferences/shared_office365']);
    // A reference must name a connection the creator may use; a missing one is told like another's.
    const reference = (connectionName: string) => ({ shared_office365: { connectionName, id: '/providers/Microsoft.PowerApps/apis/shared_office365' } });
    const nowhere = expectError(await call(maker, 'POST', FLOWS, { name: 'mail', definition: SEND_MAIL, connectionReferences: reference('office-conn') }), 400, 'ConnectionReferenceNotUsable');
    const foreign = expectError(await call(maker, 'POST', FLOWS, { name: 'mail', definition: SEND_MAIL, connectionReferences: reference(await server.connection(admin)) }), 400, 'ConnectionReferenceNotUsable');
    assert.equal(nowhere.details?.['path'], '/connectionReferences/shared_office365');
    assert.equal(foreign.message.replace(/connection \S+,/, 'connection X,'), nowhere.message.replace(/connection \S+,/, 'connection X,'), 'a foreign connection is told like a missing one');
    const references = reference(await server.connection(maker));
    const saved = await call(maker, 'POST', FLOWS, { name: 'mail', definition: SEND_MAIL, connectionReferences: references });
    assert.equal(saved.status, 201, saved.text);
    assert.deepEqual(saved.body.connectionReferences, references);

    expectError(await call(maker, 'POST', FLOWS, { name: 'x' }), 400, 'RequestInvalid');
    expectError(await call(maker, 'POST', FLOWS, { name: ' padded ', definition: HELLO }), 400, 'FlowInputInvalid');
  });

  test('a new definition or new references make a new version; rename and state do not; older versions stay readable', async () => {
    const flow = (await call(maker, 'POST', FLOWS, { name: 'versioned', definition: HELLO })).body;
    const url = `${FLOWS}/${flow.id}`;
    const changed = structuredClone(HELLO);
    changed.actions.Hello.inputs = "@concat('hello ', triggerBody()?['name'])";
    const v2 = await call(maker, 'PATCH', url, { definition: changed });
    assert.equal(v2.status, 200, v2.text);
    assert.equal(v2.body.version, 2);
    assert.deepEqual(v2.body.definition, changed);

    const renamed = await call(maker, 'PATCH', url, { name: 'versioned-renamed' });
    assert.equal(renamed.body.version, 2);
    assert.equal(renamed.body.name, 'versioned-renamed');
    assert.deepEqual(renamed.body.definition, changed);

    const mine = await server.connection(maker);
    const v3 = await call(maker, 'PATCH', url, { connectionReferences: { unused: { connectionName: mine } } });
    assert.equal(v3.body.version, 3, v3.text);
    assert.deepEqual(v3.body.definition, changed, 'the definition is carried over');
    assert.deepEqual(v3.body.connectionReferences, { unused: { connectionName: mine } });

    const v1 = await call(maker, 'GET', `${url}/versions/1`);
    assert.equal(v1.status, 200);
    assert.deepEqual(v1.body.definition, HELLO);
    assert.equal(v1.body.name, 'versioned-renamed');
    expectError(await call(maker, 'GET', `${url}/versions/9`), 404, 'FlowVersionNotFound');

    // Invalid or conflicting changes leave everything as it was (no half-applied update).
    const invalid = expectError(await call(maker, 'PATCH', url, { definition: { triggers: MANUAL, actions: { X: { type: 'Nope' } } } }), 400, 'WorkflowDefinitionInvalid');
    assert.ok((invalid.details?.['issues'] as Array<{ path: string }>).some((i) => i.path === '/definition/actions/X/type'));
    await call(maker, 'POST', FLOWS, { name: 'taken', definition: HELLO });
    expectError(await call(maker, 'PATCH', url, { name: 'taken', definition: HELLO }), 409, 'FlowExists');
    const after = await call(maker, 'GET', url);
    assert.equal(after.body.version, 3);
    assert.equal(after.body.name, 'versioned-renamed');
    expectError(await call(maker, 'PATCH', url, {}), 400, 'RequestInvalid');
  });

  test('a disabled flow refuses runs (409) until enabled again; enable and disable are idempotent', async () => {
    const flow = (await call(maker, 'POST', FLOWS, { name: 'switchable', definition: HELLO, state: 'disabled' })).body;
    assert.equal(flow.state, 'disabled');
    const url = `${FLOWS}/${flow.id}`;
    const refused = expectError(await call(maker, 'POST', `${url}/run`, { body: {} }), 409, 'FlowDisabled');
    assert.match(refused.message, /enable/);
    assert.equal((await call(maker, 'POST', `${url}/enable`)).body.state, 'enabled');
    assert.equal((await call(maker, 'POST', `${url}/enable`)).body.state, 'enabled');
    assert.equal((await call(maker, 'POST', `${url}/run`, { body: {} })).status, 202);
    assert.equal((await call(maker, 'POST', `${url}/disable`)).body.state, 'disabled');
    expectError(await call(maker, 'POST', `${url}/run`), 409, 'FlowDisabled');
    assert.equal((await call(maker, 'GET', url)).body.version, 1, 'state changes make no version');
  });

  test('a manual run answers 202 with the run in Location; the run shows trigger, outputs and actions', async () => {
    const flow = (await call(maker, 'POST', FLOWS, { name: 'hello-run', definition: HELLO })).body;
    assert.equal((await call(maker, 'PUT', `${FLOWS}/${flow.id}/members/${user.principal.id}`, { access: 'run-only' })).status, 200);
    const started = await call(user, 'POST', `${FLOWS}/${flow.id}/run`, { headers: { 'x-source': 'test' }, body: { name: 'Ada' } });
    assert.equal(started.status, 202, started.text);
    const runId = started.body.runId;
    assert.equal(started.headers.get('x-ms-workflow-run-id'), runId);
    assert.equal(started.headers.get('location'), `${server.origin}${FLOWS}/${flow.id}/runs/${runId}`);
    await finishedRun(flow.id, runId);
    const run = await call(user, 'GET', started.headers.get('location') ?? '');
    assert.equal(run.status, 200, run.text);
    const { startTime, endTime, actions, ...rest } = run.body;
    assert.deepEqual(rest, {
      id: runId,
      flowId: flow.id,
      flowVersion: 1,
      status: 'Succeeded',
      error: null,
      correlationId: null,
      clientTrackingId: null,
      startedBy: user.principal.id,
      trigger: { name: 'manual', outputs: { headers: { 'x-source': 'test' }, queries: {}, body: { name: 'Ada' } } },
      outputs: {},
    });
    assert.ok(Date.parse(endTime) >= Date.parse(startTime));
    assert.deepEqual(Object.keys(actions), ['Hello']);
    assert.equal(actions.Hello.status, 'Succeeded');
    assert.equal(actions.Hello.outputs, 'hi Ada');
    assert.equal(actions.Hello.attempts, 1);
    assert.equal(actions.Hello.iterations, undefined, 'not in a loop');

    // With no body at all (curl -X POST) the run gets empty trigger outputs.
    const bare = await call(maker, 'POST', `${FLOWS}/${flow.id}/run`);
    assert.equal(bare.status, 202, bare.text);
    const bareRun = await finishedRun(flow.id, bare.body.runId);
    assert.deepEqual(bareRun.trigger.outputs, { headers: {}, queries: {}, body: null });
    const misplaced = expectError(await call(maker, 'POST', `${FLOWS}/${flow.id}/run`, { name: 'Ada' }), 400, 'RequestInvalid');
    assert.match(misplaced.message, /put the payload under "body"/);
  });

  test('?wait=true answers with the flow’s Response, or { runId, status, error } when the run ends without one', async () => {
    const greeting = (await call(maker, 'POST', FLOWS, { name: 'greeting-wait', definition: GREETING })).body;
    const replied = await call(maker, 'POST', `${FLOWS}/${greeting.id}/run?wait=true`, { body: { name: 'Grace', tags: ['a', 'b'] } });
    assert.equal(replied.status, 201, replied.text);
    assert.deepEqual(replied.body, { message: 'Hello, Grace!', count: 2 });
    assert.match(replied.headers.get('x-ms-workflow-run-id') ?? '', /^[0-9a-f-]{36}$/);

    const hello = (await call(maker, 'POST', FLOWS, { name: 'hello-wait', definition: HELLO })).body;
    const ended = await call(maker, 'POST', `${FLOWS}/${hello.id}/run?wait=true`, { body: { name: 'Bo' } });
    assert.equal(ended.status, 200, ended.text);
    assert.deepEqual(ended.body, { runId: ended.headers.get('x-ms-workflow-run-id'), status: 'Succeeded', error: null });

    // The flow's own status, headers and text body pass through untouched, even a 404.
    const notFound = {
      triggers: MANUAL,
      actions: { Reply: { type: 'Response', kind: 'Http', inputs: { statusCode: 404, headers: { 'X-Looked-For': "@{triggerBody()?['id']}" }, body: 'no such order' }, runAfter: {} } },
    };
    const teapot = (await call(maker, 'POST', FLOWS, { name: 'not-found-wait', definition: notFound })).body;
    const missing = await call(maker, 'POST', `${FLOWS}/${teapot.id}/run?wait=true`, { body: { id: 'o-42' } });
    assert.equal(missing.status, 404);
    assert.equal(missing.text, 'no such order');
    assert.equal(missing.headers.get('x-looked-for'), 'o-42');
    assert.match(missing.headers.get('content-type') ?? '', /^text\/plain/);

    const failing = (await call(maker, 'POST', FLOWS, { name: 'failing-wait', definition: FAILING })).body;
    const failed = await call(maker, 'POST', `${FLOWS}/${failing.id}/run?wait=true`);
    assert.equal(failed.status, 200, failed.text);
    assert.equal(failed.body.status, 'Failed');
    assert.deepEqual(failed.body.error, { code: 'NotToday', message: 'the flow said no' });
  });

  test('an action inside a loop shows its last iteration and the count; repetitions list every iteration in order', async () => {
    const flow = (await call(maker, 'POST', FLOWS, { name: 'loop', definition: LOOP })).body;
    const items = [...Array(12).keys()];
    const ended = await call(maker, 'POST', `${FLOWS}/${flow.id}/run?wait=true`, { body: { items } });
    const runId = ended.body.runId;
    assert.equal(ended.body.status, 'Succeeded', ended.text);
    const run = (await call(maker, 'GET', `${FLOWS}/${flow.id}/runs/${runId}`)).body;
    assert.equal(run.actions.Double.iterations, 12);
    assert.equal(run.actions.Double.outputs, 22, 'the last iteration (item 11), not the last recorded row');
    assert.equal(run.actions.Double.attempts, 1);
    assert.equal(run.actions.For_each.iterations, undefined);
    assert.equal(run.actions.Done.status, 'Succeeded');

    const repetitions = await call(maker, 'GET', `${FLOWS}/${flow.id}/runs/${runId}/actions/Double/repetitions`);
    assert.equal(repetitions.status, 200, repetitions.text);
    assert.deepEqual(repetitions.body.value.map((r: { iterationKey: string }) => r.iterationKey), items.map((i) => `For_each[${i}]`));
    assert.deepEqual(repetitions.body.value.map((r: { outputs: number }) => r.outputs), items.map((i) => i * 2));
    assert.ok(repetitions.body.value.every((r: { status: string; error: unknown }) => r.status === 'Succeeded' && r.error === null));
    const outside = await call(maker, 'GET', `${FLOWS}/${flow.id}/runs/${runId}/actions/Done/repetitions`);
    assert.deepEqual(outside.body.value.map((r: { iterationKey: string }) => r.iterationKey), ['']);
    const missing = expectError(await call(maker, 'GET', `${FLOWS}/${flow.id}/runs/${runId}/actions/Triple/repetitions`), 404, 'ActionNotFound');
    assert.match(missing.message, /"Triple".*"For_each"/);
  });

  test('runs are listed newest first in pages linked by nextLink', async () => {
    const flow = (await call(maker, 'POST', FLOWS, { name: 'paged', definition: HELLO })).body;
    const runIds: string[] = [];
    for (const name of ['one', 'two', 'three']) runIds.push((await call(maker, 'POST', `${FLOWS}/${flow.id}/run?wait=true`, { body: { name } })).body.runId);
    const first = await call(maker, 'GET', `${FLOWS}/${flow.id}/runs?$top=2`);
    assert.equal(first.status, 200, first.text);
    assert.equal(first.body.value.length, 2);
    assert.match(first.body.nextLink, new RegExp(`^${server.origin}${FLOWS}/${flow.id}/runs\\?\\$top=2&\\$skiptoken=`));
    const second = await call(maker, 'GET', first.body.nextLink);
    assert.equal(second.status, 200, second.text);
    assert.equal(second.body.nextLink, undefined);
    const listed = [...first.body.value, ...second.body.value];
    assert.deepEqual(new Set(listed.map((r: { id: string }) => r.id)), new Set(runIds));
    const starts = listed.map((r: { startTime: string }) => Date.parse(r.startTime));
    assert.deepEqual(starts, [...starts].sort((a, b) => b - a), 'newest first');
    assert.deepEqual(Object.keys(listed[0]).sort(), ['clientTrackingId', 'correlationId', 'endTime', 'error', 'flowId', 'flowVersion', 'id', 'startTime', 'startedBy', 'status', 'trigger']);
    expectError(await call(maker, 'GET', `${FLOWS}/${flow.id}/runs?$skiptoken=garbage`), 400, 'RunSkipTokenInvalid');
    expectError(await call(maker, 'GET', `${FLOWS}/${flow.id}/runs?$top=0`), 400, 'RequestInvalid');
  });

  test('roles: users cannot create flows; a run-only user starts the flow, sees only the runs they started, and changes nothing; no token is 401', async () => {
    const flow = (await call(maker, 'POST', FLOWS, { name: 'guarded', definition: HELLO })).body;
    const url = `${FLOWS}/${flow.id}`;
    expectError(await call(user, 'POST', FLOWS, { name: 'mine', definition: HELLO }), 403, 'Forbidden');
    // Not shared yet: the flow does not exist for them.
    expectError(await call(user, 'POST', `${url}/run`), 404, 'FlowNotFound');
    assert.ok(!(await call(user, 'GET', FLOWS)).body.value.some((f: { id: string }) => f.id === flow.id));

    assert.equal((await call(maker, 'PUT', `${url}/members/${user.principal.id}`, { access: 'run-only' })).status, 200);
    assert.deepEqual((await call(user, 'GET', FLOWS)).body.value.map((f: { id: string }) => f.id).filter((id: string) => id === flow.id), [flow.id]);
    expectError(await call(user, 'PATCH', url, { name: 'mine' }), 403, 'Forbidden');
    expectError(await call(user, 'POST', `${url}/disable`), 403, 'Forbidden');
    expectError(await call(user, 'DELETE', url), 403, 'Forbidden');
    expectError(await call(user, 'GET', url), 403, 'FlowForbidden');
    const makersRun = (await call(maker, 'POST', `${url}/run?wait=true`)).body.runId;
    const usersRun = (await call(user, 'POST', `${url}/run?wait=true`)).body.runId;
    assert.deepEqual((await call(user, 'GET', `${url}/runs`)).body.value.map((r: { id: string }) => r.id), [usersRun]);
    assert.equal((await call(user, 'GET', `${url}/runs/${usersRun}`)).status, 200);
    expectError(await call(user, 'GET', `${url}/runs/${makersRun}`), 404, 'RunNotFound');
    assert.deepEqual(new Set((await call(maker, 'GET', `${url}/runs`)).body.value.map((r: { id: string }) => r.id)), new Set([makersRun, usersRun]), 'the owner sees every run');

    assert.equal((await call(admin, 'PATCH', url, { name: 'guarded-by-admin' })).status, 200);
    expectError(await call(null, 'GET', FLOWS), 401, 'Unauthorized');
    expectError(await call(null, 'POST', `${url}/run`), 401, 'Unauthorized');
  });

  test('members: the owner adds a co-owner who edits the flow; a co-owner may add only connections they may use; removing access hides the flow again', async () => {
    const owner = await server.caller('olga', 'maker');
    const coOwner = await server.caller('cora', 'maker');
    const ownersConnection = await server.connection(owner);
    const flow = (await call(owner, 'POST', FLOWS, { name: 'co-owned', definition: HELLO, connectionReferences: { office: { connection: ownersConnection } } })).body;
    const url = `${FLOWS}/${flow.id}`;
    expectError(await call(coOwner, 'PATCH', url, { name: 'taken-over' }), 404, 'FlowNotFound');

    const added = await call(owner, 'PUT', `${url}/members/${coOwner.principal.id}`, { access: 'co-owner' });
    assert.equal(added.status, 200, added.text);
    assert.deepEqual({ ...added.body, createdTime: 't' }, { principalId: coOwner.principal.id, access: 'co-owner', createdTime: 't' });
    const members = (await call(coOwner, 'GET', `${url}/members`)).body.value;
    assert.deepEqual(members.map((m: { principalId: string; access: string }) => [m.principalId, m.access]), [[owner.principal.id, 'owner'], [coOwner.principal.id, 'co-owner']]);
    expectError(await call(owner, 'PUT', `${url}/members/${owner.principal.id}`, { access: 'run-only' }), 400, 'FlowMemberInvalid');
    expectError(await call(owner, 'PUT', `${url}/members/no-such-principal`, { access: 'run-only' }), 404, 'PrincipalNotFound');

    // The owner's connection stays in the flow; the co-owner cannot copy it into another reference or flow.
    const renamed = await call(coOwner, 'PATCH', url, { name: 'co-owned-renamed' });
    assert.equal(renamed.status, 200, renamed.text);
    const ownersOther = await server.connection(owner);
    expectError(await call(coOwner, 'PATCH', url, { connectionReferences: { office: { connection: ownersConnection }, other: { connection: ownersOther } } }), 400, 'ConnectionReferenceNotUsable');
    const kept = await call(coOwner, 'PATCH', url, { connectionReferences: { office: { connection: ownersConnection }, again: { connection: ownersConnection } } });
    assert.equal(kept.status, 200, 'a connection already in the flow may stay, under any reference');
    expectError(await call(coOwner, 'POST', FLOWS, { name: 'copy', definition: HELLO, connectionReferences: { office: { connection: ownersConnection } } }), 400, 'ConnectionReferenceNotUsable');
    expectError(await call(coOwner, 'GET', `/api/environments/default/connections/${ownersConnection}`), 404, 'ConnectionNotFound');
    const coOwnersConnection = await server.connection(coOwner);
    assert.equal((await call(coOwner, 'PATCH', url, { connectionReferences: { office: { connection: ownersConnection }, mine: { connection: coOwnersConnection } } })).status, 200);

    assert.equal((await call(owner, 'DELETE', `${url}/members/${coOwner.principal.id}`)).status, 204);
    expectError(await call(owner, 'DELETE', `${url}/members/${coOwner.principal.id}`), 404, 'FlowMemberNotFound');
    expectError(await call(coOwner, 'GET', url), 404, 'FlowNotFound');
  });

  test('other environments: unknown is 404 EnvironmentNotFound; a flow of another environment, or a name for an id, is 404 FlowNotFound', async () => {
    await server.store.environments.create({ name: 'staging' });
    const flow = (await call(maker, 'POST', FLOWS, { name: 'only-in-default', definition: HELLO })).body;
    const staged = await call(maker, 'POST', '/api/environments/staging/flows', { name: 'only-in-default', definition: HELLO });
    assert.equal(staged.status, 201, 'names are unique per environment');
    const elsewhere = expectError(await call(maker, 'GET', `/api/environments/staging/flows/${flow.id}`), 404, 'FlowNotFound');
    assert.match(elsewhere.message, new RegExp(`flow ${flow.id} does not exist in environment "staging"`));
    expectError(await call(maker, 'POST', `/api/environments/staging/flows/${flow.id}/run`), 404, 'FlowNotFound');
    const byName = expectError(await call(maker, 'GET', `${FLOWS}/only-in-default`), 404, 'FlowNotFound');
    assert.match(byName.message, new RegExp(`is a name: use its id ${flow.id}`));
    expectError(await call(maker, 'GET', '/api/environments/nowhere/flows'), 404, 'EnvironmentNotFound');
    const run = (await call(maker, 'POST', `/api/environments/staging/flows/${staged.body.id}/run?wait=true`)).body;
    expectError(await call(maker, 'GET', `${FLOWS}/${flow.id}/runs/${run.runId}`), 404, 'RunNotFound');
    assert.deepEqual((await call(maker, 'GET', '/api/environments/staging/flows')).body.value.map((f: { name: string }) => f.name), ['only-in-default']);
  });

  test('deleting a flow removes it with its runs (204, then 404)', async () => {
    const flow = (await call(maker, 'POST', FLOWS, { name: 'doomed', definition: HELLO })).body;
    const run = (await call(maker, 'POST', `${FLOWS}/${flow.id}/run?wait=true`)).body;
    const deleted = await call(maker, 'DELETE', `${FLOWS}/${flow.id}`);
    assert.equal(deleted.status, 204);
    expectError(await call(maker, 'GET', `${FLOWS}/${flow.id}`), 404, 'FlowNotFound');
    expectError(await call(maker, 'GET', `${FLOWS}/${flow.id}/runs/${run.runId}`), 404, 'FlowNotFound');
    assert.equal(await server.store.runs.get(run.runId), undefined);
    expectError(await call(maker, 'DELETE', `${FLOWS}/${flow.id}`), 404, 'FlowNotFound');
  });

  test('the OpenAPI document describes every flow and run route', async () => {
    const doc = (await call(user, 'GET', '/api/openapi.json')).body;
    const paths = Object.keys(doc.paths);
    for (const path of [
      '/api/environments/{env}/flows',
      '/api/environments/{env}/flows/{id}',
      '/api/environments/{env}/flows/{id}/versions/{version}',
      '/api/environments/{env}/flows/{id}/enable',
      '/api/environments/{env}/flows/{id}/disable',
      '/api/environments/{env}/flows/{id}/run',
      '/api/environments/{env}/flows/{id}/runs',
      '/api/environments/{env}/flows/{id}/runs/{runId}',
      '/api/environments/{env}/flows/{id}/runs/{runId}/actions/{name}/repetitions',
      '/api/environments/{env}/flows/{id}/members',
      '/api/environments/{env}/flows/{id}/members/{principalId}',
    ]) {
      assert.ok(paths.includes(path), `${path} missing from ${paths.join(', ')}`);
    }
    assert.ok(doc.paths['/api/environments/{env}/flows'].post.requestBody, 'the create body is documented');
  });
});

describe('HTTP API: flows without a run launcher', () => {
  test('manual runs answer 501 RunLauncherUnavailable; everything else works', async () => {
    const server = await startServer({ launcher: false });
    try {
      const maker = await server.caller('solo', 'maker');
      const created = await server.call(maker, 'POST', FLOWS, { name: 'no-engine', definition: HELLO });
      assert.equal(created.status, 201);
      expectError(await server.call(maker, 'POST', `${FLOWS}/${created.body.id}/run`), 501, 'RunLauncherUnavailable');
      assert.deepEqual((await server.call(maker, 'GET', `${FLOWS}/${created.body.id}/runs`)).body, { value: [] });
    } finally {
      await server.stop();
    }
  });
});
