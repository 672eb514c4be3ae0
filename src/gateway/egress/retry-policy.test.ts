import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { isPlugboardError } from '../../core/index.ts';
import { DEFAULT_RETRY_POLICY, isRetryableStatus, parseRetryAfter, retryDelay, validateRetryPolicy } from './retry-policy.ts';

test('the default policy is the Logic Apps default: 4 exponential retries from 7.5 s within 5–45 s', () => {
  assert.deepEqual({ ...DEFAULT_RETRY_POLICY }, { type: 'exponential', count: 4, interval: 7_500, minimumInterval: 5_000, maximumInterval: 45_000 });
  const lowest = [1, 2, 3, 4].map((n) => retryDelay(DEFAULT_RETRY_POLICY, n, () => 0));
  const highest = [1, 2, 3, 4].map((n) => retryDelay(DEFAULT_RETRY_POLICY, n, () => 0.999_999_9));
  assert.deepEqual(lowest, [5_000, 7_500, 15_000, 30_000]);
  assert.deepEqual(highest, [7_500, 15_000, 30_000, 45_000]);
});

test('exponential waits stay within the documented range for every retry', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 90 }),
      fc.integer({ min: 0, max: 600_000 }),
      fc.integer({ min: 0, max: 60_000 }),
      fc.integer({ min: 0, max: 86_400_000 }),
      fc.double({ min: 0, max: 0.999_999, noNaN: true }),
      (retry, interval, minimum, extra, random) => {
        const maximum = minimum + extra;
        const wait = retryDelay({ type: 'exponential', count: 90, interval, minimumInterval: minimum, maximumInterval: maximum }, retry, () => random);
        assert.ok(wait >= Math.min(minimum, maximum) - 1 && wait <= maximum + 1, `retry ${retry}: ${wait} outside [${minimum}, ${maximum}]`);
        const low = retry === 1 ? 0 : 2 ** (retry - 2) * interval;
        assert.ok(wait >= Math.min(Math.max(low, minimum), maximum) - 1, `retry ${retry}: ${wait} below the range`);
      },
    ),
  );
});

test('a fixed policy waits its interval every time', () => {
  assert.deepEqual([1, 2, 3].map((n) => retryDelay({ type: 'fixed', count: 3, interval: 2_500 }, n, Math.random)), [2_500, 2_500, 2_500]);
});

test('retries 408, 429 and 5xx only', () => {
  assert.deepEqual([200, 301, 400, 401, 404, 408, 409, 429, 500, 502, 503, 504, 599].filter(isRetryableStatus), [408, 429, 500, 502, 503, 504, 599]);
});

test('parses Retry-After as seconds or an HTTP date relative to the clock', () => {
  const now = Date.UTC(2026, 0, 1, 12, 0, 0);
  assert.equal(parseRetryAfter('120', now), 120_000);
  assert.equal(parseRetryAfter(' 0 ', now), 0);
  assert.equal(parseRetryAfter('Thu, 01 Jan 2026 12:00:30 GMT', now), 30_000);
  assert.equal(parseRetryAfter('Thu, 01 Jan 2026 11:00:00 GMT', now), 0, 'a past date means now');
  assert.equal(parseRetryAfter('-5', now), undefined);
  assert.equal(parseRetryAfter('soon', now), undefined);
  assert.equal(parseRetryAfter('1.5', now), undefined);
  assert.equal(parseRetryAfter(undefined, now), undefined);
});

test('rejects invalid policies with a message naming the field', () => {
  const cases: [unknown, RegExp][] = [
    [{ type: 'exponential', count: -1, interval: 1000 }, /count/],
    [{ type: 'fixed', count: 1.5, interval: 1000 }, /count/],
    [{ type: 'fixed', count: 1, interval: Number.NaN }, /interval/],
    [{ type: 'exponential', count: 1, interval: 1000, minimumInterval: 10_000, maximumInterval: 5_000 }, /minimumInterval/],
    [{ type: 'linear', count: 1, interval: 1000 }, /linear/],
  ];
  for (const [policy, pattern] of cases) {
    assert.throws(
      () => validateRetryPolicy(policy as Parameters<typeof validateRetryPolicy>[0]),
      (error: unknown) => isPlugboardError(error) && error.code === 'EgressConfigInvalid' && pattern.test(error.message),
      JSON.stringify(policy),
    );
  }
});
