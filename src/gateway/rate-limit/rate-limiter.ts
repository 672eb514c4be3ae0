/**
 * A per-key (per-connection) rate limiter: at most `limit` calls in any window of `windowMs`.
 *
 * Algorithm: an exact sliding-window log. Each key keeps the times of its calls still inside the
 * window (at most `limit` of them), so "≤ limit calls in any `windowMs`" holds exactly — unlike a
 * token bucket, which lets a full burst through at the start of each refill, or a fixed window,
 * which allows 2× the limit across a window boundary. Each `take` is amortised O(1).
 *
 * Memory is bounded: keys are kept in least-recently-used order; a key whose last call has left
 * the window holds no information and is dropped (a few per `take`), and beyond `maxKeys` the
 * least recently used key is evicted. Eviction of a still-active key forgets its calls (fail open):
 * this limiter protects upstreams from runaway callers, and a flood of distinct keys large enough
 * to evict active ones is itself visible in metrics. Limits are per process: with N processes the
 * upstream can see up to N × limit (documented accuracy bound, as APIM and Kong state for local
 * mode).
 */
import type { Clock } from '../../core/index.ts';
import { UserInputError } from '../../core/index.ts';
import { RateLimitErrorCode, RateLimitedError } from './errors.ts';

/** Options of {@link createRateLimiter}. */
export interface RateLimiterOptions {
  /** Calls allowed per window, per key. */
  readonly limit: number;
  /** Window length in ms. */
  readonly windowMs: number;
  readonly clock: Clock;
  /** Most keys tracked at once (default 100 000). */
  readonly maxKeys?: number;
}

/** The outcome of one {@link RateLimiter.take}. */
export type RateLimitDecision = { readonly ok: true; readonly remaining: number } | { readonly ok: false; readonly retryAfterMs: number };

/** A sliding-window rate limiter over string keys. */
export interface RateLimiter {
  /** Counts one call for `key` if the limit allows it. A refused call is not counted. */
  take(key: string): RateLimitDecision;
  /** Like take, but throws {@link RateLimitedError} naming `subject` (e.g. `connection "crm"`) when refused. */
  takeOrThrow(key: string, subject: string): void;
  /** Keys currently tracked (for metrics and tests). */
  readonly size: number;
}

/** The call times of one key still inside the window, oldest first, as a queue. */
interface Log {
  readonly times: number[];
  head: number;
}

function checkPositiveInteger(value: number, name: string): void {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new UserInputError(`rate limit ${name} must be a positive integer (got ${String(value)})`, { code: RateLimitErrorCode.RateLimitConfigInvalid, details: { option: name } });
  }
}

/** Creates a rate limiter; throws RateLimitConfigInvalid for a bad option. */
export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const { limit, windowMs, clock } = options;
  const maxKeys = options.maxKeys ?? 100_000;
  checkPositiveInteger(limit, 'limit');
  checkPositiveInteger(windowMs, 'windowMs');
  checkPositiveInteger(maxKeys, 'maxKeys');
  // Insertion order = least recently used first (a key is re-inserted on every take).
  const logs = new Map<string, Log>();

  function sweep(now: number): void {
    // Drop up to two keys whose newest call has left the window: they constrain nothing.
    for (let i = 0; i < 2; i++) {
      const first = logs.entries().next();
      if (first.done === true) return;
      const [key, log] = first.value;
      const newest = log.times[log.times.length - 1];
      if (newest !== undefined && newest > now - windowMs) return;
      logs.delete(key);
    }
  }

  function take(key: string): RateLimitDecision {
    const now = clock.now();
    let log = logs.get(key);
    if (log === undefined) {
      log = { times: [], head: 0 };
    } else {
      logs.delete(key);
    }
    logs.set(key, log);
    const cutoff = now - windowMs;
    const times = log.times;
    while (log.head < times.length && (times[log.head] ?? Infinity) <= cutoff) log.head++;
    if (log.head > 32 && log.head * 2 > times.length) {
      times.splice(0, log.head);
      log.head = 0;
    }
    const used = times.length - log.head;
    let decision: RateLimitDecision;
    if (used < limit) {
      times.push(now);
      decision = { ok: true, remaining: limit - used - 1 };
    } else {
      const oldest = times[log.head] ?? now;
      decision = { ok: false, retryAfterMs: Math.max(1, oldest + windowMs - now) };
    }
    sweep(now);
    while (logs.size > maxKeys) {
      const oldestKey = logs.keys().next();
      if (oldestKey.done === true) break;
      logs.delete(oldestKey.value);
    }
    return decision;
  }

  return {
    take,
    takeOrThrow(key, subject) {
      const decision = take(key);
      if (decision.ok) return;
      const retryAfterSeconds = Math.ceil(decision.retryAfterMs / 1000);
      throw new RateLimitedError(
        `${subject}: rate limit of ${limit} calls per ${windowMs / 1000} s reached — retry after ${retryAfterSeconds} s, or ask an admin to raise the limit`,
        { retryAfterSeconds, limit, windowMs },
      );
    },
    get size() {
      return logs.size;
    },
  };
}
