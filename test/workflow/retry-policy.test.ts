/** Retry policies (wdl.md §6): resolution with the documented limits, and the wait before each retry on injected randomness. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { DEFAULT_RETRY_POLICY, formatIsoDuration, isRetryableFailure, parseIsoDuration, resolveRetryPolicy, retryDelay, retryDelays } from '../../src/workflow/index.ts';
import type { RetryPolicy } from '../../src/workflow/index.ts';

const resolved = (raw: unknown): RetryPolicy => {
  const { policy, issues } = resolveRetryPolicy(raw, { path: '/actions/A/inputs/retryPolicy' });
  assert.deepEqual(issues, []);
  assert.ok(policy !== undefined);
  return policy;
};

describe('ISO 8601 durations', () => {
  const rows: ReadonlyArray<readonly [string, number | undefined]> = [
    ['PT7S', 7_000],
    ['PT1.5S', 1_500],
    ['PT0,5S', 500],
    ['PT5M', 300_000],
    ['PT1H', 3_600_000],
    ['P1D', 86_400_000],
    ['P1DT2H30M', 95_400_000],
    ['P1W', 604_800_000],
    ['P1M', 30 * 86_400_000],
    ['P1Y', 365 * 86_400_000],
    ['pt10s', 10_000],
    ['', undefined],
    ['P', undefined],
    ['PT', undefined],
    ['P1DT', undefined],
    ['7S', undefined],
    ['-PT5S', undefined],
    ['PT5X', undefined],
    ['10 seconds', undefined],
  ];
  for (const [text, ms] of rows) test(`${JSON.stringify(text)} → ${String(ms)}`, () => assert.equal(parseIsoDuration(text), ms));

  test('formatting reads back to the same duration', () => {
    for (const ms of [0, 5_000, 7_000, 90_000, 3_600_000, 86_400_000, 95_400_500]) assert.equal(parseIsoDuration(formatIsoDuration(ms)), ms);
  });
});

describe('resolving a policy', () => {
  test('no policy, and "default" in any case, is exponential with 4 retries of PT7S between PT5S and PT1H', () => {
    assert.deepEqual(resolved(undefined), { type: 'exponential', count: 4, intervalMs: 7_000, minimumIntervalMs: 5_000, maximumIntervalMs: 3_600_000 });
    assert.equal(resolved({ type: 'Default' }), DEFAULT_RETRY_POLICY);
  });

  test('none, fixed, and exponential with its default bounds', () => {
    assert.deepEqual(resolved({ type: 'none' }), { type: 'none' });
    assert.deepEqual(resolved({ type: 'Fixed', count: 3, interval: 'PT20S' }), { type: 'fixed', count: 3, intervalMs: 20_000 });
    assert.deepEqual(resolved({ type: 'exponential', count: 5, interval: 'PT10S' }), { type: 'exponential', count: 5, intervalMs: 10_000, minimumIntervalMs: 5_000, maximumIntervalMs: 86_400_000 });
  });

  // [policy, pointer of the issue, message pattern]
  const invalid: ReadonlyArray<readonly [unknown, string, RegExp]> = [
    [{ type: 'fixed', interval: 'PT10S' }, '/count', /`count` is required/],
    [{ type: 'fixed', count: 0, interval: 'PT10S' }, '/count', /0 is outside 1–90 — use `"type": "none"`/],
    [{ type: 'fixed', count: 91, interval: 'PT10S' }, '/count', /91 is outside 1–90/],
    [{ type: 'fixed', count: '3', interval: 'PT10S' }, '/count', /must be an integer/],
    [{ type: 'fixed', count: 3 }, '/interval', /`interval` is required/],
    [{ type: 'fixed', count: 3, interval: 'PT1S' }, '/interval', /PT1S is outside PT5S–P1D/],
    [{ type: 'fixed', count: 3, interval: 'P2D' }, '/interval', /P2D is outside PT5S–P1D/],
    [{ type: 'fixed', count: 3, interval: '10 seconds' }, '/interval', /ISO 8601 duration/],
    [{ type: 'exponential', count: 3, interval: 'PT10S', minimumInterval: 'PT1H', maximumInterval: 'PT1M' }, '/minimumInterval', /longer than `maximumInterval`/],
    [{ type: 'linear', count: 3 }, '/type', /`linear` is not known — use one of default, none, fixed, exponential/],
    [{ count: 3 }, '/type', /type is missing/],
    ['fixed', '', /must be an object/],
  ];
  for (const [raw, field, pattern] of invalid) {
    test(`${JSON.stringify(raw)} is rejected at ${field || 'the policy'}`, () => {
      const { policy, issues } = resolveRetryPolicy(raw, { path: '/p' });
      assert.equal(policy, undefined);
      assert.equal(issues.length, 1, JSON.stringify(issues));
      assert.equal(issues[0]?.path, `/p${field}`);
      assert.match(issues[0]?.message ?? '', pattern);
      assert.equal(issues[0]?.code, 'retry-policy-invalid');
    });
  }
});

describe('waiting before a retry', () => {
  test('fixed waits its interval after each of its attempts, then stops', () => {
    const policy = resolved({ type: 'fixed', count: 2, interval: 'PT30S' });
    assert.equal(retryDelay(policy, { attempt: 1, random: Math.random }), 30_000);
    assert.equal(retryDelay(policy, { attempt: 2, random: Math.random }), 30_000);
    assert.equal(retryDelay(policy, { attempt: 3, random: Math.random }), undefined);
  });

  test('none never retries', () => {
    assert.deepEqual(retryDelays({ type: 'none' }, Math.random), []);
  });

  test('the default policy waits in [5,7], [7,14], [14,28], [28,56] seconds, then gives up after the 5th attempt', () => {
    assert.deepEqual(retryDelays(DEFAULT_RETRY_POLICY, () => 0), [5_000, 7_000, 14_000, 28_000]);
    assert.deepEqual(retryDelays(DEFAULT_RETRY_POLICY, () => 0.999999), [7_000, 14_000, 28_000, 56_000]);
    assert.deepEqual(retryDelays(DEFAULT_RETRY_POLICY, () => 0.5), [6_000, 10_500, 21_000, 42_000]);
    assert.equal(retryDelay(DEFAULT_RETRY_POLICY, { attempt: 5, random: () => 0 }), undefined);
  });

  test('exponential waits are capped by maximumInterval', () => {
    const policy = resolved({ type: 'exponential', count: 5, interval: 'PT1M', maximumInterval: 'PT2M' });
    assert.deepEqual(retryDelays(policy, () => 0.999999), [60_000, 120_000, 120_000, 120_000, 120_000]);
  });

  test('the first exponential wait starts at minimumInterval even when it exceeds the interval', () => {
    const policy = resolved({ type: 'exponential', count: 2, interval: 'PT5S', minimumInterval: 'PT30S' });
    assert.deepEqual(retryDelays(policy, () => 0), [30_000, 30_000]);
  });

  test('an attempt number that is not a positive integer gets no retry', () => {
    for (const attempt of [0, -1, 1.5, Number.NaN]) assert.equal(retryDelay(DEFAULT_RETRY_POLICY, { attempt, random: () => 0 }), undefined);
  });

  test('every exponential wait lies between minimumInterval and maximumInterval', () => {
    const seconds = fc.integer({ min: 5, max: 86_400 });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 90 }), seconds, seconds, seconds, fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (count, interval, a, b, r) => {
        const [low, high] = a <= b ? [a, b] : [b, a];
        const policy = resolved({ type: 'exponential', count, interval: `PT${interval}S`, minimumInterval: `PT${low}S`, maximumInterval: `PT${high}S` });
        const delays = retryDelays(policy, () => r);
        assert.equal(delays.length, count);
        for (const delay of delays) assert.ok(delay >= low * 1000 && delay <= high * 1000, `${delay} outside [${low}, ${high}] s`);
      }),
    );
  });
});

describe('which failures are retried', () => {
  const rows: ReadonlyArray<readonly [number | undefined, boolean]> = [
    [undefined, true],
    [408, true],
    [429, true],
    [500, true],
    [502, true],
    [503, true],
    [400, false],
    [401, false],
    [404, false],
    [409, false],
  ];
  for (const [statusCode, retried] of rows) {
    test(`${statusCode === undefined ? 'no response (connectivity)' : statusCode} → ${retried ? 'retried' : 'not retried'}`, () => {
      assert.equal(isRetryableFailure(statusCode === undefined ? {} : { statusCode }), retried);
    });
  }
});
