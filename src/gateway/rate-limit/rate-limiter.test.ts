import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createManualClock, isPlugboardError } from '../../core/index.ts';
import { createRateLimiter } from './rate-limiter.ts';
import { RateLimitedError } from './errors.ts';

test('allows the limit within a window, then refuses with the wait until the oldest call expires', () => {
  const clock = createManualClock();
  const limiter = createRateLimiter({ limit: 3, windowMs: 60_000, clock });
  assert.deepEqual(limiter.take('conn-a'), { ok: true, remaining: 2 });
  clock.advance(10_000);
  assert.deepEqual(limiter.take('conn-a'), { ok: true, remaining: 1 });
  clock.advance(10_000);
  assert.deepEqual(limiter.take('conn-a'), { ok: true, remaining: 0 });
  clock.advance(5_000);
  assert.deepEqual(limiter.take('conn-a'), { ok: false, retryAfterMs: 35_000 });
  clock.advance(34_999);
  assert.equal(limiter.take('conn-a').ok, false, 'still inside the window of the first call');
  clock.advance(1);
  assert.deepEqual(limiter.take('conn-a'), { ok: true, remaining: 0 }, 'the first call left the window');
});

test('counts each key separately', () => {
  const clock = createManualClock();
  const limiter = createRateLimiter({ limit: 1, windowMs: 1_000, clock });
  assert.equal(limiter.take('a').ok, true);
  assert.equal(limiter.take('b').ok, true);
  assert.equal(limiter.take('a').ok, false);
});

test('never lets more than the limit through in any window (property, manual clock)', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 20 }),
      fc.integer({ min: 1, max: 5_000 }),
      fc.array(fc.tuple(fc.integer({ min: 0, max: 400 }), fc.constantFrom('a', 'b', 'c')), { maxLength: 400 }),
      (limit, windowMs, steps) => {
        const clock = createManualClock(0);
        const limiter = createRateLimiter({ limit, windowMs, clock });
        const admitted = new Map<string, number[]>();
        for (const [gap, key] of steps) {
          clock.advance(gap);
          const decision = limiter.take(key);
          const times = admitted.get(key) ?? [];
          const inWindow = times.filter((t) => t > clock.now() - windowMs).length;
          // Exact: admitted iff fewer than `limit` admitted calls in the last window.
          assert.equal(decision.ok, inWindow < limit);
          if (decision.ok) {
            times.push(clock.now());
            admitted.set(key, times);
          } else {
            const oldest = times.filter((t) => t > clock.now() - windowMs)[0] ?? 0;
            assert.equal(decision.retryAfterMs, oldest + windowMs - clock.now());
          }
        }
      },
    ),
  );
});

test('forgets idle keys, so memory stays bounded', () => {
  const clock = createManualClock();
  const limiter = createRateLimiter({ limit: 5, windowMs: 1_000, clock });
  for (let i = 0; i < 1_000; i++) limiter.take(`key-${i}`);
  assert.equal(limiter.size, 1_000);
  clock.advance(1_000);
  for (let i = 0; i < 1_000; i++) limiter.take('busy');
  assert.equal(limiter.size, 1, 'all idle keys were dropped while the busy key kept working');
});

test('evicts the least recently used key beyond maxKeys', () => {
  const clock = createManualClock();
  const limiter = createRateLimiter({ limit: 1, windowMs: 60_000, clock, maxKeys: 2 });
  limiter.take('a');
  limiter.take('b');
  limiter.take('c');
  assert.equal(limiter.size, 2);
  assert.equal(limiter.take('b').ok, false, 'b is still tracked');
  assert.equal(limiter.take('a').ok, true, 'a was evicted (fail open)');
});

test('takeOrThrow raises RateLimited with retryAfterSeconds for the 429 Retry-After header', () => {
  const clock = createManualClock();
  const limiter = createRateLimiter({ limit: 100, windowMs: 60_000, clock });
  for (let i = 0; i < 100; i++) limiter.takeOrThrow('conn', 'connection "crm"');
  clock.advance(500);
  assert.throws(
    () => limiter.takeOrThrow('conn', 'connection "crm"'),
    (error: unknown) => {
      assert.ok(error instanceof RateLimitedError);
      assert.equal(error.code, 'RateLimited');
      assert.equal(error.retryable, true);
      assert.deepEqual(error.details, { retryAfterSeconds: 60, limit: 100, windowMs: 60_000 });
      assert.match(error.message, /connection "crm": rate limit of 100 calls per 60 s reached — retry after 60 s/);
      return true;
    },
  );
});

test('rejects invalid options', () => {
  const clock = createManualClock();
  for (const options of [{ limit: 0, windowMs: 1000 }, { limit: 1, windowMs: 0.5 }, { limit: Number.NaN, windowMs: 1000 }]) {
    assert.throws(
      () => createRateLimiter({ ...options, clock }),
      (error: unknown) => isPlugboardError(error) && error.code === 'RateLimitConfigInvalid',
    );
  }
});
