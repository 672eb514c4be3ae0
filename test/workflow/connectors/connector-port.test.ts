/** The connector port over an invoker: what it asks the gateway for, and how answers and failures come back. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { NotFoundError } from '../../../src/core/index.ts';
import { RateLimitedError, UpstreamError } from '../../../src/gateway/index.ts';
import type { InvokeRequest, InvokeResult, Invoker, RawInvokeRequest } from '../../../src/gateway/index.ts';
import { createConnectorPort, resolveConnectionReferences } from '../../../src/workflow/connectors/index.ts';
import { run, testContext } from '../actions/kit.ts';

const caller = { principalId: 'owner-1', role: 'maker' };
const references = {
  shared_office365: { connectionName: 'conn-mail', source: 'Embedded', id: '/providers/Microsoft.PowerApps/apis/shared_office365' },
  bare: { connection: 'conn-bare' },
};

/** An invoker that records requests and answers with `reply`. */
function fakeInvoker(reply: (request: InvokeRequest | RawInvokeRequest) => Promise<InvokeResult>) {
  const calls: { kind: 'invoke' | 'raw'; request: InvokeRequest | RawInvokeRequest }[] = [];
  const invoker: Pick<Invoker, 'invoke' | 'invokeRaw'> = {
    invoke: (request) => {
      calls.push({ kind: 'invoke', request });
      return reply(request);
    },
    invokeRaw: (request) => {
      calls.push({ kind: 'raw', request });
      return reply(request);
    },
  };
  return { invoker, calls };
}

const ok = (body: unknown): Promise<InvokeResult> => Promise.resolve({ operationId: 'SendEmailV2', status: 200, headers: { 'content-type': 'application/json' }, body, pages: 1 });

function portOver(invoker: Pick<Invoker, 'invoke' | 'invokeRaw'>) {
  return createConnectorPort({ invoker, environment: 'env-1', caller, resolveReference: resolveConnectionReferences(references).resolve });
}

describe('connector port', () => {
  test('an operation call goes to the referenced connection with unflattened arguments, first page only', async () => {
    const { invoker, calls } = fakeInvoker(() => ok({ sent: true }));
    const answer = await portOver(invoker).invokeOperation({
      connectionReference: 'shared_office365',
      operationId: 'SendEmailV2',
      parameters: { 'emailMessage/To': 'a@example.com', 'emailMessage/Subject': 'Hi', 'emailMessage/Importance': 'Normal', mailboxAddress: 'shared@example.com' },
    });
    assert.deepEqual(answer, { status: 200, headers: { 'content-type': 'application/json' }, body: { sent: true }, operationId: 'SendEmailV2' });
    assert.deepEqual(calls, [
      {
        kind: 'invoke',
        request: {
          environment: 'env-1',
          caller,
          connectionId: 'conn-mail',
          operationId: 'SendEmailV2',
          arguments: { emailMessage: { To: 'a@example.com', Subject: 'Hi', Importance: 'Normal' }, mailboxAddress: 'shared@example.com' },
          followPages: false,
          // The action's retryPolicy retries; the gateway's egress client must not retry as well.
          retry: 'none',
        },
      },
    ]);
  });

  test('a raw call carries method, path, queries, headers and body to the referenced connection and connector', async () => {
    const { invoker, calls } = fakeInvoker(() => ok(undefined));
    await portOver(invoker).invokeRaw({ connectionReference: 'shared_office365', method: 'POST', path: '/v2/Mail', queries: { importance: 'High', $top: '5' }, headers: { 'x-trace': 't1' }, body: { To: 'a@example.com' } });
    assert.deepEqual(calls[0], {
      kind: 'raw',
      request: { environment: 'env-1', caller, connectorName: 'office365', connectionId: 'conn-mail', method: 'POST', path: '/v2/Mail', query: [['importance', 'High'], ['$top', '5']], headers: { 'x-trace': 't1' }, body: { To: 'a@example.com' }, retry: 'none' },
    });
  });

  test('a raw call on a reference without a connector fails naming the reference and what to add', async () => {
    const { invoker, calls } = fakeInvoker(() => ok(undefined));
    await assert.rejects(portOver(invoker).invokeRaw({ connectionReference: 'bare', method: 'GET', path: '/x', queries: {}, headers: {} }), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'ConnectionReferenceInvalid');
      assert.match(error.message, /connection reference 'bare' names no connector.*add `connector`/);
      return true;
    });
    assert.equal(calls.length, 0);
  });

  test('a non-2xx answer (UpstreamError) is an answer with status, headers, body and operation', async () => {
    const { invoker } = fakeInvoker(() => Promise.reject(new UpstreamError({ operationId: 'GetEmailV2', status: 404, headers: { 'content-type': 'application/json' }, body: { error: { message: 'not found' } } })));
    const answer = await portOver(invoker).invokeOperation({ connectionReference: 'shared_office365', operationId: 'GetEmailV2', parameters: { messageId: 'm1' } });
    assert.deepEqual(answer, { status: 404, headers: { 'content-type': 'application/json' }, body: { error: { message: 'not found' } }, operationId: 'GetEmailV2' });
  });

  test('the gateway’s rate limit is a 429 answer with Retry-After: the action waits that long between retries, then fails as TooManyRequests', async () => {
    const { invoker } = fakeInvoker(() => Promise.reject(new RateLimitedError('connection conn-mail made too many calls', { retryAfterSeconds: 7, limit: 100, windowMs: 60_000 })));
    const waits: number[] = [];
    const sleep = async (ms: number): Promise<void> => {
      waits.push(ms);
    };
    const outcome = await run(
      { name: 'Send', type: 'OpenApiConnection', inputs: { host: { connectionName: 'shared_office365', operationId: 'SendEmailV2' }, parameters: {} } },
      { ...testContext(), connectors: portOver(invoker), sleep },
    );
    assert.deepEqual(waits, [7_000, 7_000, 7_000, 7_000], 'the default policy’s 4 retries, each after the Retry-After');
    assert.equal(outcome.status, 'Failed');
    assert.equal(outcome.error?.code, 'TooManyRequests');
    assert.deepEqual((outcome.outputs as { statusCode: number; headers: unknown }).statusCode, 429);
    assert.deepEqual((outcome.outputs as { headers: unknown }).headers, { 'retry-after': '7' });
  });

  test('cancelling the run while the call is in flight ends the action as Cancelled', async () => {
    let started!: () => void;
    const inFlight = new Promise<void>((resolve) => {
      started = resolve;
    });
    const { invoker } = fakeInvoker(() => {
      started();
      return new Promise<InvokeResult>(() => undefined);
    });
    const controller = new AbortController();
    const pending = run({ name: 'Send', type: 'OpenApiConnection', inputs: { host: { connectionName: 'shared_office365', operationId: 'SendEmailV2' }, parameters: {} } }, { ...testContext({ signal: controller.signal }), connectors: portOver(invoker) });
    await inFlight;
    controller.abort();
    const outcome = await pending;
    assert.equal(outcome.status, 'Cancelled');
    assert.equal(outcome.error?.code, 'Cancelled');
  });

  test('a call whose signal has already aborted never reaches the gateway', async () => {
    const { invoker, calls } = fakeInvoker(() => ok(undefined));
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(portOver(invoker).invokeOperation({ connectionReference: 'shared_office365', operationId: 'SendEmailV2', parameters: {}, signal: controller.signal }), { code: 'Cancelled' });
    assert.equal(calls.length, 0);
  });

  test('gateway failures before an answer keep their code (the connection cannot be used)', async () => {
    const { invoker } = fakeInvoker(() => Promise.reject(new NotFoundError('connection `conn-mail` does not exist in environment `env-1`', { code: 'ConnectionNotFound' })));
    const outcome = await run({ name: 'Send', type: 'OpenApiConnection', inputs: { host: { connectionName: 'shared_office365', operationId: 'SendEmailV2' }, parameters: {} } }, { ...testContext(), connectors: portOver(invoker) });
    assert.equal(outcome.status, 'Failed');
    assert.equal(outcome.error?.code, 'ConnectionNotFound');
    assert.equal(outcome.error?.message, "action 'Send': connection `conn-mail` does not exist in environment `env-1`");
    assert.equal(outcome.outputs, undefined);
  });
});
