/**
 * Request triggers over HTTP: signed callback URLs from `listCallbackUrl`, calls that start runs
 * and answer with the flow's Response, and every way a call can be refused (signature, method,
 * path, schema, disabled flow) — each refusal starting no run.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { createCatalog } from '../../src/catalog/index.ts';
import { systemClock } from '../../src/core/index.ts';
import { createEmbeddedQueue } from '../../src/queue/index.ts';
import type { JobQueue, JobWorker } from '../../src/queue/index.ts';
import { generateMasterKey, openSecrets } from '../../src/secrets/index.ts';
import { BUILTIN_CONNECTORS_DIR, createApp, generateToken, hashToken } from '../../src/server/index.ts';
import { createCallbackKeys } from '../../src/server/callback-keys.ts';
import { openStore } from '../../src/storage/index.ts';
import type { Store } from '../../src/storage/index.ts';
import { createRunLauncher, createTriggerService, signCallback } from '../../src/workflow/index.ts';

const ORDER = {
  triggers: {
    manual: {
      type: 'Request',
      kind: 'Http',
      inputs: {
        method: 'POST',
        relativePath: '/customers/{customerId}/orders',
        schema: { type: 'object', properties: { item: { type: 'string' }, quantity: { type: 'integer', minimum: 1 } }, required: ['item', 'quantity'] },
      },
    },
  },
  actions: {
    Reply: {
      type: 'Response',
      kind: 'Http',
      inputs: {
        statusCode: 201,
        headers: { 'x-order-for': "@{triggerOutputs()['relativePathParameters']['customerId']}" },
        body: { item: "@triggerBody()['item']", quantity: "@triggerBody()['quantity']", priority: "@triggerOutputs()?['queries']?['priority']" },
      },
      runAfter: {},
    },
  },
};

const NO_RESPONSE = { triggers: { manual: { type: 'Request', kind: 'Http', inputs: {} } }, actions: { Keep: { type: 'Compose', inputs: "@triggerBody()", runAfter: {} } } };

interface Server {
  readonly logLines?: string[];
  readonly store: Store;
  readonly origin: string;
  api(method: string, path: string, payload?: unknown): Promise<{ status: number; body: any; text: string; headers: Headers }>;
  raw(url: string, init?: RequestInit): Promise<{ status: number; body: any; text: string; headers: Headers }>;
  stop(): Promise<void>;
}

async function startServer(logLines?: string[]): Promise<Server> {
  const store = await openStore({ driver: 'sqlite', memory: true });
  const secrets = await openSecrets({ config: { kind: 'value', keys: [generateMasterKey()] }, keys: store.secretKeys });
  const catalog = createCatalog({ store, builtinDir: BUILTIN_CONNECTORS_DIR });
  const queue: JobQueue = createEmbeddedQueue({ store });
  const runs = createRunLauncher({ store, queue, clock: systemClock });
  const worker: JobWorker = runs.work();
  let origin = '';
  // As the server wires it: calls that wait for a Response run their pure steps at once (startAndReply).
  const triggers = createTriggerService({ store, queue, clock: systemClock, keys: createCallbackKeys(store, secrets), publicUrl: () => origin, replyingRuns: runs });
  const app: FastifyInstance = await createApp({ store, catalog, runs, triggers, ...(logLines === undefined ? { logLevel: false as const } : { logLevel: 'info', logStream: { write: (line: string) => void logLines.push(line) } }) });
  origin = await app.listen({ host: '127.0.0.1', port: 0 });
  const admin = await store.principals.create({ kind: 'user', name: 'admin', role: 'admin' });
  const token = generateToken();
  await store.apiTokens.create({ principalId: admin.id, name: 'admin', tokenHash: hashToken(token) });
  const answer = async (res: Response) => {
    const text = await res.text();
    const body = res.headers.get('content-type')?.includes('json') === true && text !== '' ? JSON.parse(text) : undefined;
    return { status: res.status, body, text, headers: res.headers };
  };
  return {
    store,
    origin,
    api: async (method, path, payload) =>
      answer(await fetch(`${origin}${path}`, { method, headers: { authorization: `Bearer ${token}`, ...(payload === undefined ? {} : { 'content-type': 'application/json' }) }, ...(payload === undefined ? {} : { body: JSON.stringify(payload) }) })),
    raw: async (url, init) => answer(await fetch(url, init)),
    async stop() {
      await worker.stop();
      await queue.stop();
      await app.close();
      await store.close();
    },
  };
}

const FLOWS = '/api/environments/default/flows';
const json = (payload: unknown, method = 'POST'): RequestInit => ({ method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload) });

describe('Request trigger callback URLs', () => {
  let server: Server;
  let flowId: string;
  let url: { value: string; basePath: string; queries: Record<string, string>; relativePath?: string; method: string };
  const runCount = async (id = flowId) => (await server.api('GET', `${FLOWS}/${id}/runs`)).body.value.length as number;
  /** The callback URL with its `{customerId}` placeholder filled and extra query members. */
  const orderUrl = (customer: string, extra = '') => `${url.value.replace('{customerId}', encodeURIComponent(customer))}${extra}`;

  before(async () => {
    server = await startServer();
    const created = await server.api('POST', FLOWS, { name: 'orders', definition: ORDER });
    assert.equal(created.status, 201, created.text);
    flowId = created.body.id;
    const listed = await server.api('POST', `${FLOWS}/${flowId}/triggers/manual/listCallbackUrl`);
    assert.equal(listed.status, 200, listed.text);
    url = listed.body;
  });
  after(() => server.stop());

  test('listCallbackUrl gives a signed URL with the trigger’s method and relative path', () => {
    assert.equal(url.method, 'POST');
    assert.equal(url.relativePath, 'customers/{customerId}/orders');
    assert.ok(url.value.startsWith(`${server.origin}/workflows/${flowId}/triggers/manual/paths/invoke/customers/{customerId}/orders?`), url.value);
    assert.equal(url.queries.sp, '/triggers/manual/run');
    assert.equal(url.queries.sv, '1.0');
    assert.match(url.queries.sig ?? '', /^[A-Za-z0-9_-]{43}$/);
  });

  test('a call starts a run and answers with the flow’s Response: status, headers and body from the call', async () => {
    const res = await server.raw(orderUrl('c-42', '&priority=high'), json({ item: 'tea', quantity: 3 }));
    assert.equal(res.status, 201, res.text);
    assert.equal(res.headers.get('x-order-for'), 'c-42');
    assert.deepEqual(res.body, { item: 'tea', quantity: 3, priority: 'high' });
    const runId = res.headers.get('x-ms-workflow-run-id');
    assert.ok(runId);
    const run = await server.api('GET', `${FLOWS}/${flowId}/runs/${runId}`);
    assert.equal(run.body.status, 'Succeeded');
    assert.equal(run.body.trigger.name, 'manual');
    assert.deepEqual(run.body.trigger.outputs.relativePathParameters, { customerId: 'c-42' });
    assert.deepEqual(run.body.trigger.outputs.queries, { priority: 'high' }, 'the signature members are not the caller’s queries');
    assert.deepEqual(run.body.trigger.outputs.body, { item: 'tea', quantity: 3 });
  });

  test('a missing, modified or forged signature answers 401 and starts nothing', async () => {
    const before = await runCount();
    const good = new URL(orderUrl('c-1'));
    const missing = new URL(good);
    missing.searchParams.delete('sig');
    const modified = new URL(good);
    const sig = modified.searchParams.get('sig') ?? '';
    modified.searchParams.set('sig', `${sig[0] === 'A' ? 'B' : 'A'}${sig.slice(1)}`);
    const forged = new URL(good);
    forged.searchParams.set('sig', signCallback(Buffer.alloc(32, 7), flowId, 'manual'));
    const otherPermission = new URL(good);
    otherPermission.searchParams.set('sp', '/triggers/other/run');
    const otherVersion = new URL(good);
    otherVersion.searchParams.set('sv', '2.0');
    const truncated = new URL(good);
    truncated.searchParams.set('sig', sig.slice(0, 20));
    for (const candidate of [missing, modified, forged, otherPermission, otherVersion, truncated]) {
      const res = await server.raw(candidate.toString(), json({ item: 'tea', quantity: 1 }));
      assert.equal(res.status, 401, `${candidate.search}: ${res.text}`);
      assert.equal(res.body.error.code, 'CallbackSignatureInvalid');
      assert.equal(res.headers.get('x-ms-workflow-run-id'), null);
      assert.equal(res.headers.get('www-authenticate'), null, 'a signed URL takes no bearer token, so the answer asks for none');
    }
    assert.equal(await runCount(), before, 'a refused call must not start a run');
  });

  test('a body that is not JSON is not read before the signature: a forged call answers 401, not 400', async () => {
    const before = await runCount();
    const forged = new URL(orderUrl('c-1'));
    forged.searchParams.set('sig', signCallback(Buffer.alloc(32, 7), flowId, 'manual'));
    const res = await server.raw(forged.toString(), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"item":' });
    assert.equal(res.status, 401, res.text);
    assert.equal(res.body.error.code, 'CallbackSignatureInvalid');
    assert.equal(await runCount(), before);
  });

  test('a forged call is refused before its body is read: 401 arrives while the body is still coming, and for a body over the limit', async () => {
    const before = await runCount();
    const forged = new URL(orderUrl('c-1'));
    forged.searchParams.set('sig', signCallback(Buffer.alloc(32, 7), flowId, 'manual'));
    // 16 MB announced (under the 32 MB limit), 64 KB sent: the answer must not wait for the rest.
    const slow = await refusedWhileSending(forged, 16 * 1024 * 1024);
    assert.equal(slow.status, 401, slow.text);
    assert.equal(JSON.parse(slow.text).error.code, 'CallbackSignatureInvalid');
    // Over the limit: the signature is refused first (401), not the size (413).
    const large = await refusedWhileSending(forged, 40 * 1024 * 1024);
    assert.equal(large.status, 401, large.text);
    assert.equal(JSON.parse(large.text).error.code, 'CallbackSignatureInvalid');
    // An unknown flow is refused as early.
    const unknown = await refusedWhileSending(new URL(forged.toString().replace(flowId, '00000000-0000-7000-8000-000000000000')), 16 * 1024 * 1024);
    assert.equal(unknown.status, 404, unknown.text);
    assert.equal(await runCount(), before);
  });

  test('the signature of one flow does not open another flow or trigger', async () => {
    const other = await server.api('POST', FLOWS, { name: 'other', definition: NO_RESPONSE });
    const sig = new URL(url.value).searchParams.get('sig');
    const res = await server.raw(`${server.origin}/workflows/${other.body.id}/triggers/manual/paths/invoke?api-version=2016-10-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=${sig}`, json({}));
    assert.equal(res.status, 401, res.text);
    assert.equal(await runCount(other.body.id), 0);
    const unknownFlow = await server.raw(`${server.origin}/workflows/00000000-0000-7000-8000-000000000000/triggers/manual/paths/invoke?api-version=2016-10-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=${sig}`, json({}));
    assert.equal(unknownFlow.status, 404, unknownFlow.text);
  });

  test('a body that breaks the trigger’s schema answers 400 with the problems, and starts nothing', async () => {
    const before = await runCount();
    const res = await server.raw(orderUrl('c-1'), json({ item: 5, quantity: 0 }));
    assert.equal(res.status, 400, res.text);
    assert.equal(res.body.error.code, 'TriggerInputSchemaMismatch');
    const paths = (res.body.error.details.errors as Array<{ path: string }>).map((problem) => problem.path).sort();
    assert.deepEqual(paths, ['item', 'quantity']);
    const notJson = await server.raw(orderUrl('c-1'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"item":' });
    assert.equal(notJson.status, 400, notJson.text);
    assert.equal(await runCount(), before);
  });

  test('the wrong method answers 405 and a path outside the relative path 404', async () => {
    const wrongMethod = await server.raw(orderUrl('c-1'), { method: 'GET' });
    assert.equal(wrongMethod.status, 405, wrongMethod.text);
    assert.equal(wrongMethod.body.error.code, 'TriggerMethodNotAllowed');
    assert.equal(wrongMethod.headers.get('www-authenticate'), null);
    const wrongPath = await server.raw(url.value.replace('customers/{customerId}/orders', 'customers/c-1/invoices'), json({ item: 'tea', quantity: 1 }));
    assert.equal(wrongPath.status, 404, wrongPath.text);
    assert.equal(wrongPath.body.error.code, 'TriggerPathNotFound');
  });

  test('a flow without a Response answers 202 with the run id at once, and the run goes on', async () => {
    const created = await server.api('POST', FLOWS, { name: 'fire-and-forget', definition: NO_RESPONSE });
    const listed = await server.api('POST', `${FLOWS}/${created.body.id}/triggers/manual/listCallbackUrl`);
    const res = await server.raw(listed.body.value, json({ n: 1 }));
    assert.equal(res.status, 202, res.text);
    const runId = res.headers.get('x-ms-workflow-run-id');
    assert.ok(runId);
    for (let i = 0; i < 200; i += 1) {
      const run = await server.api('GET', `${FLOWS}/${created.body.id}/runs/${runId}`);
      if (run.body.status === 'Succeeded') {
        assert.deepEqual(run.body.actions.Keep.outputs, { n: 1 });
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    assert.fail('the run did not finish');
  });

  test('regenerating the access key turns every earlier URL away; a new URL works', async () => {
    const created = await server.api('POST', FLOWS, { name: 'rotating', definition: NO_RESPONSE });
    const id = created.body.id;
    const first = (await server.api('POST', `${FLOWS}/${id}/triggers/manual/listCallbackUrl`)).body.value;
    assert.equal((await server.raw(first, json({}))).status, 202);
    const regenerated = await server.api('POST', `${FLOWS}/${id}/regenerateAccessKey`);
    assert.equal(regenerated.status, 204, regenerated.text);
    const refused = await server.raw(first, json({}));
    assert.equal(refused.status, 401, refused.text);
    const second = (await server.api('POST', `${FLOWS}/${id}/triggers/manual/listCallbackUrl`)).body.value;
    assert.notEqual(second, first);
    assert.equal((await server.raw(second, json({}))).status, 202);
  });

  test('a flow whose schedule cannot run is refused at save, with the pointer of the bad member', async () => {
    const res = await server.api('POST', FLOWS, { name: 'bad-schedule', definition: { triggers: { every: { type: 'Recurrence', recurrence: { frequency: 'Hour', interval: 0, timeZone: 'Mars Standard Time' } } }, actions: {} } });
    assert.equal(res.status, 400, res.text);
    assert.equal(res.body.error.code, 'WorkflowDefinitionInvalid');
    const paths = (res.body.error.details.issues as Array<{ path: string }>).map((issue) => issue.path);
    assert.ok(paths.includes('/definition/triggers/every/recurrence/interval'), paths.join(', '));
    assert.ok(paths.includes('/definition/triggers/every/recurrence/timeZone'), paths.join(', '));
  });

  test('trigger concurrency: runs beyond the limit wait their turn, and a full waiting queue answers 429 and starts nothing', async () => {
    const created = await server.api('POST', FLOWS, {
      name: 'one-at-a-time',
      definition: {
        triggers: { manual: { type: 'Request', kind: 'Http', inputs: {}, runtimeConfiguration: { concurrency: { runs: 1, maximumWaitingRuns: 1 } } } },
        actions: {
          Hold: { type: 'Wait', inputs: { interval: { count: 1, unit: 'Second' } }, runAfter: {} },
          Reply: { type: 'Response', kind: 'Http', inputs: { statusCode: 200, body: "@triggerBody()?['n']" }, runAfter: { Hold: ['Succeeded'] } },
        },
      },
    });
    assert.equal(created.status, 201, created.text);
    const id = created.body.id as string;
    const listed = await server.api('POST', `${FLOWS}/${id}/triggers/manual/listCallbackUrl`);
    const call = (n: number) => server.raw(listed.body.value, json({ n }));
    const first = call(1);
    // The first run holds the only slot (its Wait); the second queues behind it.
    await until(async () => (await server.api('GET', `${FLOWS}/${id}/runs`)).body.value.some((run: { status: string }) => run.status === 'Running'));
    const second = call(2);
    await until(async () => (await server.api('GET', `${FLOWS}/${id}/runs`)).body.value.length === 2);
    const statuses = (await server.api('GET', `${FLOWS}/${id}/runs`)).body.value.map((run: { status: string }) => run.status).sort();
    assert.deepEqual(statuses, ['Running', 'Waiting']);
    const refused = await call(3);
    assert.equal(refused.status, 429, refused.text);
    assert.equal(refused.body.error.code, 'TooManyWaitingRuns');
    assert.match(refused.body.error.message, /1 runs waiting .* 1 concurrent run slot/);
    assert.equal((await first).body, 1);
    assert.equal((await second).body, 2);
    const runs = (await server.api('GET', `${FLOWS}/${id}/runs`)).body.value as { status: string; startTime: string }[];
    assert.deepEqual(runs.map((run) => run.status), ['Succeeded', 'Succeeded'], 'the refused call started no run');
  });

  test('invalid trigger concurrency settings are refused at save with their pointer', async () => {
    const refused = await server.api('POST', FLOWS, {
      name: 'bad-concurrency',
      definition: { triggers: { manual: { type: 'Request', kind: 'Http', operationOptions: 'SingleInstance', runtimeConfiguration: { concurrency: { runs: 200 } } } }, actions: {} },
    });
    assert.equal(refused.status, 400, refused.text);
    const paths = refused.body.error.details.issues.map((issue: { path: string }) => issue.path);
    assert.deepEqual(paths, ['/definition/triggers/manual/runtimeConfiguration/concurrency/runs', '/definition/triggers/manual/runtimeConfiguration/concurrency/runs']);
  });

  test('a disabled flow answers 409 and starts nothing; listCallbackUrl refuses a trigger that is not called', async () => {
    const created = await server.api('POST', FLOWS, { name: 'sleepy', definition: NO_RESPONSE });
    const id = created.body.id;
    const link = (await server.api('POST', `${FLOWS}/${id}/triggers/manual/listCallbackUrl`)).body.value;
    await server.api('POST', `${FLOWS}/${id}/disable`);
    const res = await server.raw(link, json({}));
    assert.equal(res.status, 409, res.text);
    assert.equal(res.body.error.code, 'FlowDisabled');
    assert.equal(await runCount(id), 0);
    const scheduled = await server.api('POST', FLOWS, { name: 'timer', state: 'disabled', definition: { triggers: { every: { type: 'Recurrence', recurrence: { frequency: 'Hour', interval: 1 } } }, actions: {} } });
    const none = await server.api('POST', `${FLOWS}/${scheduled.body.id}/triggers/every/listCallbackUrl`);
    assert.equal(none.status, 400, none.text);
    assert.equal(none.body.error.code, 'TriggerNotCallable');
    const missing = await server.api('POST', `${FLOWS}/${scheduled.body.id}/triggers/nope/listCallbackUrl`);
    assert.equal(missing.status, 404, missing.text);
  });
});

test('a Request trigger leaves the caller’s Authorization header out of the run’s trigger outputs unless IncludeAuthorizationHeadersInOutputs is set', async () => {
  const server = await startServer();
  try {
    const runOf = async (definition: unknown, name: string) => {
      const created = await server.api('POST', FLOWS, { name, definition });
      assert.equal(created.status, 201, created.text);
      const link: string = (await server.api('POST', `${FLOWS}/${created.body.id}/triggers/manual/listCallbackUrl`)).body.value;
      const res = await server.raw(link, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer caller-secret-token', 'x-extra': 'kept' }, body: '{}' });
      assert.equal(res.status, 202, res.text);
      const run = await server.api('GET', `${FLOWS}/${created.body.id}/runs/${res.headers.get('x-ms-workflow-run-id')}`);
      assert.equal(run.status, 200, run.text);
      const headers = run.body.trigger.outputs.headers as Record<string, string>;
      return { headers, names: Object.keys(headers).map((header) => header.toLowerCase()), text: JSON.stringify(run.body) };
    };
    const plain = await runOf(NO_RESPONSE, 'no-authorization');
    assert.equal(plain.headers['x-extra'], 'kept', 'the other headers reach the trigger outputs');
    assert.ok(!plain.names.includes('authorization'), `the Authorization header reached the run history: ${plain.names.join(', ')}`);
    assert.ok(!plain.text.includes('caller-secret-token'), 'the caller’s token reached the run history');

    const manual = { ...NO_RESPONSE.triggers.manual, operationOptions: 'IncludeAuthorizationHeadersInOutputs' };
    const included = await runOf({ ...NO_RESPONSE, triggers: { manual } }, 'with-authorization');
    const authorization = Object.entries(included.headers).find(([header]) => header.toLowerCase() === 'authorization')?.[1];
    assert.equal(authorization, 'Bearer caller-secret-token', 'IncludeAuthorizationHeadersInOutputs keeps the header');
  } finally {
    await server.stop();
  }
});

test('request logs show callback calls without their signature', async () => {
  const lines: string[] = [];
  const server = await startServer(lines);
  try {
    const created = await server.api('POST', FLOWS, { name: 'logged', definition: NO_RESPONSE });
    const link: string = (await server.api('POST', `${FLOWS}/${created.body.id}/triggers/manual/listCallbackUrl`)).body.value;
    const sig = new URL(link).searchParams.get('sig') ?? '';
    assert.equal((await server.raw(link, json({ n: 1 }))).status, 202);
    const logged = lines.join('\n');
    assert.match(logged, /paths\/invoke\?api-version=2016-10-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=\[redacted\]/, 'the call is logged, its signature redacted');
    assert.equal(logged.includes(sig), false, 'the signature reached the log');
  } finally {
    await server.stop();
  }
});

/**
 * POSTs to `url` announcing a body of `announced` bytes but sending only 64 KB of it, and resolves
 * with the answer the server gives meanwhile (fails after 10 s: the server waited for the body).
 */
async function refusedWhileSending(url: URL, announced: number): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { method: 'POST', headers: { 'content-type': 'application/octet-stream', 'content-length': String(announced) } });
    const timer = setTimeout(() => {
      request.destroy();
      reject(new Error(`no answer while the body was still being sent to ${url.pathname}: the server reads the body before checking the signature`));
    }, 10_000);
    let answered = false;
    request.on('response', (response) => {
      answered = true;
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        clearTimeout(timer);
        request.destroy();
        resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') });
      });
    });
    // The server may close the connection once it has answered; only an error before any answer counts.
    request.on('error', (error) => {
      if (answered) return;
      clearTimeout(timer);
      reject(error);
    });
    request.write(Buffer.alloc(64 * 1024, 1));
  });
}

async function until(probe: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
