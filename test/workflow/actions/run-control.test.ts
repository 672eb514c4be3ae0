/** Terminate, Wait and Response: the actions that tell the engine to stop, pause or reply. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { run, testContext } from './kit.ts';

describe('Terminate', () => {
  test('fails the run with the docs example error', async () => {
    const runError = { code: 'Unexpected response', message: 'The service received an unexpected response. Please try again.' };
    const outcome = await run({ type: 'Terminate', inputs: { runStatus: 'Failed', runError } });
    assert.equal(outcome.status, 'Succeeded');
    assert.deepEqual(outcome.terminate, { runStatus: 'Failed', ...runError });
    assert.deepEqual(outcome.inputs, { runStatus: 'Failed', runError });
  });

  test('Cancelled and Succeeded ignore runError (it applies to Failed only)', async () => {
    const outcome = await run({ type: 'Terminate', inputs: { runStatus: 'cancelled', runError: { code: 'x' } } });
    assert.deepEqual(outcome.terminate, { runStatus: 'Cancelled' });
    assert.deepEqual((await run({ type: 'Terminate', inputs: { runStatus: 'Succeeded' } })).terminate, { runStatus: 'Succeeded' });
  });

  test('runError may come from expressions', async () => {
    const outcome = await run({ type: 'Terminate', inputs: { runStatus: 'Failed', runError: { code: "@concat('E', '42')", message: 'boom' } } });
    assert.deepEqual(outcome.terminate, { runStatus: 'Failed', code: 'E42', message: 'boom' });
  });

  test('an unknown status fails with BadRequest', async () => {
    const outcome = await run({ type: 'Terminate', inputs: { runStatus: 'Aborted' } });
    assert.equal(outcome.error?.code, 'BadRequest');
    assert.equal(outcome.terminate, undefined);
  });
});

describe('Wait', () => {
  test('pauses 15 minutes: waitUntil is now + 15 min on the injected clock (docs example 1)', async () => {
    const context = testContext();
    const outcome = await run({ type: 'Wait', inputs: { interval: { count: 15, unit: 'Minute' } } }, context);
    assert.equal(outcome.status, 'Succeeded');
    assert.equal(outcome.waitUntil, context.clock.now() + 15 * 60_000);
  });

  test('pauses until a UTC timestamp (docs example 2)', async () => {
    const outcome = await run({ type: 'Wait', inputs: { until: { timestamp: '2017-10-01T00:00:00Z' } } });
    assert.equal(outcome.waitUntil, Date.UTC(2017, 9, 1));
  });

  test('a timestamp without an offset is UTC; fractions of seconds are kept', async () => {
    const context = testContext();
    context.clock.set(Date.UTC(2029, 5, 1));
    assert.equal((await run({ type: 'Wait', inputs: { until: { timestamp: '2030-01-02T03:04:05.250' } } }, context)).waitUntil, Date.UTC(2030, 0, 2, 3, 4, 5, 250));
    assert.equal((await run({ type: 'Wait', inputs: { until: { timestamp: '2030-01-02 03:04:05' } } }, context)).waitUntil, Date.UTC(2030, 0, 2, 3, 4, 5));
    assert.equal((await run({ type: 'Wait', inputs: { until: { timestamp: '2030-01-02T03:04:05+01:00' } } }, context)).waitUntil, Date.UTC(2030, 0, 2, 2, 4, 5));
  });

  test('a wait longer than a run may last (366 days) fails with BadRequest on its input, however it is written', async () => {
    const context = testContext();
    context.clock.set(Date.UTC(2026, 0, 15, 12));
    const failure = async (inputs: unknown) => (await run({ type: 'Wait', inputs }, context)).error;
    // Beyond the Date range, and a month count whose date is not representable: never a wait that ends at once.
    const days = await failure({ interval: { count: 1e11, unit: 'Day' } });
    assert.equal(days?.code, 'BadRequest');
    assert.match(days?.message ?? '', /`interval`.*longer than a run may wait \(366 days\)/);
    assert.equal((await failure({ interval: { count: 9_000_000_000_000, unit: 'Month' } }))?.code, 'BadRequest');
    assert.equal((await failure({ interval: { count: 13, unit: 'Month' } }))?.code, 'BadRequest');
    assert.equal((await failure({ interval: { count: 367, unit: 'Day' } }))?.code, 'BadRequest');
    const until = await failure({ until: { timestamp: '9999-12-31T00:00:00Z' } });
    assert.equal(until?.code, 'BadRequest');
    assert.match(until?.message ?? '', /`until\.timestamp`.*'9999-12-31T00:00:00Z' is further away than a run may wait/);
    // The limit itself is allowed, and an engine may raise it.
    assert.equal((await run({ type: 'Wait', inputs: { interval: { count: 366, unit: 'Day' } } }, context)).waitUntil, Date.UTC(2027, 0, 16, 12));
    const longer = testContext({ limits: { maxWaitMs: 3 * 366 * 86_400_000 } });
    longer.clock.set(Date.UTC(2026, 0, 15, 12));
    assert.equal((await run({ type: 'Wait', inputs: { interval: { count: 24, unit: 'Month' } } }, longer)).waitUntil, Date.UTC(2028, 0, 15, 12));
  });

  test('weeks are 7 days and months are calendar months', async () => {
    const context = testContext();
    context.clock.set(Date.UTC(2024, 0, 31, 8));
    assert.equal((await run({ type: 'Wait', inputs: { interval: { count: 1, unit: 'Month' } } }, context)).waitUntil, Date.UTC(2024, 1, 29, 8));
    assert.equal((await run({ type: 'Wait', inputs: { interval: { count: 2, unit: 'week' } } }, context)).waitUntil, Date.UTC(2024, 1, 14, 8));
  });

  test('interval and until together, a bad unit or a bad timestamp fail with BadRequest', async () => {
    assert.equal((await run({ type: 'Wait', inputs: { interval: { count: 1, unit: 'Second' }, until: { timestamp: '2030-01-01T00:00:00Z' } } })).error?.code, 'BadRequest');
    assert.equal((await run({ type: 'Wait', inputs: { interval: { count: 1, unit: 'Fortnight' } } })).error?.code, 'BadRequest');
    assert.equal((await run({ type: 'Wait', inputs: { interval: { count: -1, unit: 'Second' } } })).error?.code, 'BadRequest');
    assert.equal((await run({ type: 'Wait', inputs: { until: { timestamp: 'next tuesday' } } })).error?.code, 'BadRequest');
  });
});

describe('Response', () => {
  test('replies with the docs example status, headers and body', async () => {
    const context = testContext({ expressions: { utcNow: '2024-05-01T10:00:00Z' } });
    const inputs = { statusCode: 200, body: { ProductID: 0, Description: 'Organic Apples' }, headers: { 'x-ms-date': '@utcnow()', 'content-type': 'application/json' } };
    const outcome = await run({ type: 'Response', inputs: inputs }, context);
    assert.equal(outcome.status, 'Succeeded');
    const expected = { statusCode: 200, headers: { 'x-ms-date': '2024-05-01T10:00:00.0000000Z', 'content-type': 'application/json' }, body: { ProductID: 0, Description: 'Organic Apples' } };
    assert.deepEqual(outcome.response, expected);
    assert.deepEqual(outcome.outputs, expected);
  });

  test('statusCode defaults to 200 and the body to null', async () => {
    assert.deepEqual((await run({ type: 'Response', inputs: {} })).response, { statusCode: 200, headers: {}, body: null });
  });

  test('statusCode may be computed as text ("404")', async () => {
    assert.equal((await run({ type: 'Response', inputs: { statusCode: "@{add(400, 4)}" } })).response?.statusCode, 404);
  });

  test('3xx and 1xx are refused (the docs allow 2xx, 4xx and 5xx)', async () => {
    const outcome = await run({ type: 'Response', inputs: { statusCode: 302, headers: { Location: 'https://example.com' } } });
    assert.equal(outcome.error?.code, 'BadRequest');
    assert.equal(outcome.response, undefined);
    assert.equal((await run({ type: 'Response', inputs: { statusCode: 100 } })).error?.code, 'BadRequest');
  });

  test('header values are written as text', async () => {
    assert.deepEqual((await run({ type: 'Response', inputs: { headers: { 'x-count': 3, 'x-flag': true, 'x-none': null } } })).response?.headers, { 'x-count': '3', 'x-flag': 'True' });
  });

  test('secure inputs hide its outputs in history, but the reply keeps the body', async () => {
    const outcome = await run({ type: 'Response', inputs: { body: 'secret' }, runtimeConfiguration: { secureData: { properties: ['inputs'] } } }, testContext());
    assert.deepEqual(outcome.secure, { inputs: true, outputs: true });
    assert.equal(outcome.response?.body, 'secret');
  });
});
