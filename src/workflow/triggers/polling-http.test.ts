/**
 * Http polling triggers against services on loopback, through the guarded egress client the engine
 * uses as its HttpPort: 200 fires, 202 waits with Location / Retry-After, errors fail and keep the
 * cursor, conditions on the status, splitOn, and `trigger()` in the inputs as the previous poll.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { createWorkflowEvaluator } from '../../expressions/index.ts';
import { createEgressClient } from '../../gateway/index.ts';
import type { EgressClient } from '../../gateway/index.ts';
import type { HttpPort } from '../actions/contract.ts';
import { createValueEvaluator } from '../actions/value-evaluator.ts';
import { loadWorkflowDefinition } from '../definition/load-workflow-definition.ts';
import type { WorkflowTrigger } from '../definition/model.ts';
import { pollTrigger } from './polling.ts';
import type { PollContext, PollResult } from './polling.ts';
import type { TriggerEvaluate } from './split-on.ts';

/** One request a test service received. */
interface Received {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

/** A service on loopback whose answers the test scripts. */
interface Service {
  readonly origin: string;
  readonly received: Received[];
  answer(handler: (request: Received, response: ServerResponse) => void): void;
  close(): Promise<void>;
}

async function startService(): Promise<Service> {
  const received: Received[] = [];
  let handler: (request: Received, response: ServerResponse) => void = (_request, response) => response.writeHead(500).end();
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const entry = { method: request.method ?? '', url: request.url ?? '', headers: request.headers, body: Buffer.concat(chunks).toString('utf8') };
      received.push(entry);
      handler(entry, response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    received,
    answer: (next) => {
      handler = next;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function json(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
}

function triggerOf(raw: Record<string, unknown>): WorkflowTrigger {
  const loaded = loadWorkflowDefinition({ parameters: { base: { type: 'String' } }, triggers: { Poll: { type: 'Http', recurrence: { frequency: 'Minute', interval: 5 }, ...raw } }, actions: {} });
  const trigger = loaded.definition?.triggers[0];
  assert.ok(trigger, JSON.stringify(loaded.issues));
  return trigger;
}

let service: Service;
let other: Service;
let egress: EgressClient;
let http: HttpPort;
const NOW = Date.UTC(2026, 2, 2, 9, 30);

function evaluator(): TriggerEvaluate {
  const evaluate = createValueEvaluator({ evaluator: createWorkflowEvaluator() });
  return (value, extra) => evaluate(value, { parameters: { base: service.origin }, ...extra });
}

function poll(trigger: WorkflowTrigger, options: Partial<PollContext> = {}): Promise<PollResult> {
  return pollTrigger({ trigger, evaluate: evaluator(), cursor: null, now: NOW, http, ...options });
}

before(async () => {
  service = await startService();
  other = await startService();
  egress = createEgressClient({ allow: ['127.0.0.1/32'], retry: 'none', totalTimeoutMs: 10_000 });
  http = (request) => egress.send(request);
});

after(async () => {
  await egress.close();
  await service.close();
  await other.close();
});

describe('Http polling trigger', () => {
  test('200 fires one run per element with splitOn; the outputs are the answer', async () => {
    service.answer((_request, response) => json(response, 200, { value: [{ id: 1 }, { id: 2 }, { id: 3 }] }, { 'x-request-id': 'r-1' }));
    const trigger = triggerOf({ inputs: { method: 'GET', uri: "@{parameters('base')}/orders", queries: { status: 'open' } }, splitOn: "@triggerBody()?['value']" });
    const result = await poll(trigger);
    assert.equal(result.outcome, 'fired');
    assert.deepEqual(result.firings.map((firing) => firing.body), [{ id: 1 }, { id: 2 }, { id: 3 }]);
    assert.equal(result.firings[0]?.statusCode, 200);
    assert.equal(result.firings[0]?.headers['x-request-id'], 'r-1');
    assert.equal(service.received.at(-1)?.url, '/orders?status=open');
    assert.equal(result.retryAfterMs, undefined);
    assert.ok(result.cursor);
  });

  test('without splitOn a 200 is one run with the whole body', async () => {
    service.answer((_request, response) => json(response, 200, { value: [1, 2] }));
    const result = await poll(triggerOf({ inputs: { method: 'GET', uri: "@{parameters('base')}/orders" } }));
    assert.deepEqual(result.firings, [{ statusCode: 200, headers: result.firings[0]?.headers, body: { value: [1, 2] } }]);
  });

  test('202 waits: no run, Retry-After in ms, and the next poll GETs the Location until a 200 fires', async () => {
    const trigger = triggerOf({ inputs: { method: 'POST', uri: "@{parameters('base')}/jobs", body: { since: 'start' } } });
    service.answer((request, response) => {
      if (request.url === '/jobs') response.writeHead(202, { location: '/jobs/status?state=abc', 'retry-after': '30' }).end();
      else json(response, 200, { done: true });
    });
    const first = await poll(trigger);
    assert.equal(first.outcome, 'skipped');
    assert.equal(first.skipReason, 'NotOk');
    assert.equal(first.statusCode, 202);
    assert.equal(first.retryAfterMs, 30_000);
    assert.deepEqual(first.firings, []);
    assert.equal(service.received.at(-1)?.method, 'POST');

    const second = await poll(trigger, { cursor: first.cursor });
    const request = service.received.at(-1);
    assert.equal(request?.method, 'GET');
    assert.equal(request?.url, '/jobs/status?state=abc');
    assert.equal(request?.body, '');
    assert.equal(second.outcome, 'fired');
    assert.deepEqual(second.firings[0]?.body, { done: true });

    // The 200 gave no Location: polling starts over at the trigger's own uri.
    await poll(trigger, { cursor: second.cursor });
    assert.equal(service.received.at(-1)?.url, '/jobs');
    assert.equal(service.received.at(-1)?.method, 'POST');
  });

  test('Retry-After as an HTTP date is the time left until then', async () => {
    service.answer((_request, response) => response.writeHead(202, { 'retry-after': new Date(NOW + 90_000).toUTCString() }).end());
    const result = await poll(triggerOf({ inputs: { method: 'GET', uri: "@{parameters('base')}/wait" } }));
    assert.equal(result.retryAfterMs, 90_000);
  });

  test('a Location on another origin gets no credentials', async () => {
    service.answer((_request, response) => response.writeHead(202, { location: `${other.origin}/elsewhere?s=1` }).end());
    other.answer((_request, response) => json(response, 200, { ok: true }));
    const trigger = triggerOf({ inputs: { method: 'GET', uri: "@{parameters('base')}/start", headers: { 'x-tenant': 't1', Authorization: 'Bearer header-token' }, authentication: { type: 'Basic', username: 'u', password: 'p' } } });
    const first = await poll(trigger);
    assert.equal(service.received.at(-1)?.headers.authorization, `Basic ${Buffer.from('u:p').toString('base64')}`);
    const second = await poll(trigger, { cursor: first.cursor });
    const request = other.received.at(-1);
    assert.equal(request?.url, '/elsewhere?s=1');
    assert.equal(request?.headers.authorization, undefined);
    assert.equal(request?.headers['x-tenant'], 't1');
    assert.equal(second.outcome, 'fired');
  });

  test('a Location on the same origin keeps the authentication', async () => {
    service.answer((request, response) => {
      if (request.url === '/start') response.writeHead(202, { location: `${service.origin}/next` }).end();
      else json(response, 200, {});
    });
    const trigger = triggerOf({ inputs: { method: 'GET', uri: "@{parameters('base')}/start", authentication: { type: 'Raw', value: 'Bearer abc' } } });
    const first = await poll(trigger);
    await poll(trigger, { cursor: first.cursor });
    assert.equal(service.received.at(-1)?.url, '/next');
    assert.equal(service.received.at(-1)?.headers.authorization, 'Bearer abc');
  });

  test('5xx fails, retryable, names the status and host but not the query, and keeps the cursor', async () => {
    service.answer((_request, response) => json(response, 200, {}, { location: '/page?cursor=7' }));
    const trigger = triggerOf({ inputs: { method: 'GET', uri: "@{parameters('base')}/feed?code=s3cr3t" } });
    const first = await poll(trigger);
    service.answer((_request, response) => json(response, 503, { error: 'busy' }, { 'retry-after': '120' }));
    const result = await poll(trigger, { cursor: first.cursor });
    assert.equal(result.outcome, 'failed');
    assert.equal(result.error?.code, 'ServiceUnavailable');
    assert.equal(result.error?.retryable, true);
    assert.match(result.error?.message ?? '', /^trigger 'Poll': GET to 127\.0\.0\.1:\d+ answered 503 \(ServiceUnavailable\)/);
    assert.doesNotMatch(result.error?.message ?? '', /s3cr3t|cursor=7/);
    assert.equal(result.retryAfterMs, 120_000);
    assert.deepEqual(result.cursor, first.cursor);
    assert.deepEqual(result.firings, []);
  });

  test('4xx fails and is not retryable', async () => {
    service.answer((_request, response) => json(response, 404, {}));
    const result = await poll(triggerOf({ inputs: { method: 'GET', uri: "@{parameters('base')}/gone" } }));
    assert.equal(result.error?.code, 'NotFound');
    assert.equal(result.error?.retryable, false);
    assert.equal(result.cursor, null);
  });

  test('a service that cannot be reached fails with the egress error, retryable', async () => {
    const closed = await startService();
    await closed.close();
    const result = await pollTrigger({ trigger: triggerOf({ inputs: { method: 'GET', uri: `${closed.origin}/x` } }), evaluate: evaluator(), cursor: null, now: NOW, http });
    assert.equal(result.outcome, 'failed');
    assert.equal(result.error?.retryable, true);
    assert.match(result.error?.message ?? '', /^trigger 'Poll': the HTTP request to 127\.0\.0\.1:\d+ failed/);
  });

  test('a condition on the status code replaces the 200-only rule', async () => {
    const trigger = triggerOf({ inputs: { method: 'GET', uri: "@{parameters('base')}/health" }, conditions: [{ expression: "@equals(triggers().code, 'InternalServerError')" }] });
    service.answer((_request, response) => json(response, 500, { down: true }));
    const down = await poll(trigger);
    assert.equal(down.outcome, 'fired');
    assert.deepEqual(down.firings[0]?.body, { down: true });
    service.answer((_request, response) => json(response, 200, {}));
    const up = await poll(trigger);
    assert.equal(up.outcome, 'skipped');
    assert.equal(up.skipReason, 'ConditionsNotMet');
  });

  test('201 does not fire by default, but does with the doc condition for 200 or 201', async () => {
    service.answer((_request, response) => json(response, 201, { created: 1 }));
    const plain = await poll(triggerOf({ inputs: { method: 'GET', uri: "@{parameters('base')}/c" } }));
    assert.equal(plain.outcome, 'skipped');
    const widened = await poll(triggerOf({ inputs: { method: 'GET', uri: "@{parameters('base')}/c" }, conditions: [{ expression: '@or(equals(triggers().code, 200),equals(triggers().code, 201))' }] }));
    assert.equal(widened.outcome, 'fired');
  });

  test('conditions are checked per element after splitOn', async () => {
    service.answer((_request, response) => json(response, 200, { value: [{ id: 1, amount: 50 }, { id: 2, amount: 500 }, { id: 3, amount: 900 }] }));
    const trigger = triggerOf({ inputs: { method: 'GET', uri: "@{parameters('base')}/orders" }, splitOn: "@triggerBody()?['value']", conditions: [{ expression: "@greater(triggerBody()?['amount'], 100)" }] });
    const result = await poll(trigger);
    assert.deepEqual(result.firings.map((firing) => (firing.body as { id: number }).id), [2, 3]);
  });

  test('trigger() in the inputs is the previous poll: its headers move the window forward', async () => {
    let next = 5;
    service.answer((_request, response) => {
      json(response, 200, {}, { 'x-next-since': String(next) });
      next += 5;
    });
    const trigger = triggerOf({ inputs: { method: 'GET', uri: "@{parameters('base')}/items?since=@{coalesce(trigger()?['outputs']?['headers']?['x-next-since'], '0')}" } });
    const first = await poll(trigger);
    assert.equal(service.received.at(-1)?.url, '/items?since=0');
    const second = await poll(trigger, { cursor: first.cursor, now: NOW + 300_000 });
    assert.equal(service.received.at(-1)?.url, '/items?since=5');
    await poll(trigger, { cursor: second.cursor, now: NOW + 600_000 });
    assert.equal(service.received.at(-1)?.url, '/items?since=10');
  });

  test('a cursor written for other inputs is ignored: an old Location is not followed', async () => {
    service.answer((_request, response) => response.writeHead(202, { location: '/old-state' }).end());
    const before = await poll(triggerOf({ inputs: { method: 'GET', uri: "@{parameters('base')}/v1" } }));
    service.answer((_request, response) => json(response, 200, {}));
    await poll(triggerOf({ inputs: { method: 'GET', uri: "@{parameters('base')}/v2" } }), { cursor: before.cursor });
    assert.equal(service.received.at(-1)?.url, '/v2');
  });

  test('inputs the Http action would refuse fail the poll before any request, naming the trigger', async () => {
    const count = service.received.length;
    const result = await poll(triggerOf({ inputs: { method: 'FETCH', uri: "@{parameters('base')}/x" } }));
    assert.equal(result.outcome, 'failed');
    assert.equal(result.error?.code, 'BadRequest');
    assert.match(result.error?.message ?? '', /^trigger 'Poll': input `method` must be one of/);
    assert.equal(service.received.length, count);
  });

  test('an expression error in the inputs fails the poll with InvalidTemplate', async () => {
    const result = await poll(triggerOf({ inputs: { method: 'GET', uri: "@{parameters('missing')}/x" } }));
    assert.equal(result.error?.code, 'InvalidTemplate');
  });

  test('without an HttpPort the poll fails with HttpNotAvailable', async () => {
    const result = await pollTrigger({ trigger: triggerOf({ inputs: { method: 'GET', uri: 'https://api.example.com/' } }), evaluate: evaluator(), cursor: null, now: NOW });
    assert.equal(result.error?.code, 'HttpNotAvailable');
  });

  test('a trigger type that is not polled fails with TriggerNotPollable', async () => {
    const loaded = loadWorkflowDefinition({ triggers: { manual: { type: 'Request', kind: 'Http', inputs: { schema: {} } } }, actions: {} });
    const trigger = loaded.definition?.triggers[0];
    assert.ok(trigger);
    const result = await pollTrigger({ trigger, evaluate: evaluator(), cursor: null, now: NOW, http });
    assert.equal(result.error?.code, 'TriggerNotPollable');
  });
});
