/**
 * How long to wait before the next attempt (wdl.md §6). Randomness is injected so runs replay
 * deterministically in tests.
 */
import type { RetryPolicy } from './retry-policy.ts';

/** A source of uniform numbers in [0, 1), like `Math.random`. */
export type RandomSource = () => number;

/**
 * Milliseconds to wait after attempt `attempt` (1 = the first call) failed, or undefined when the
 * policy has no retry left. Exponential retry *n* (= attempt) waits a uniform random time in
 * `[max(2^(n-2)·interval, min), min(2^(n-1)·interval, max)]`; the first in
 * `[max(0, min), min(interval, max)]`. Bounds that cross collapse to the larger lower bound.
 */
export function retryDelay(policy: RetryPolicy, options: { readonly attempt: number; readonly random: RandomSource }): number | undefined {
  const { attempt, random } = options;
  if (policy.type === 'none' || !Number.isInteger(attempt) || attempt < 1 || attempt > policy.count) return undefined;
  if (policy.type === 'fixed') return policy.intervalMs;
  const { intervalMs, minimumIntervalMs, maximumIntervalMs } = policy;
  const low = Math.min(Math.max(attempt === 1 ? 0 : 2 ** (attempt - 2) * intervalMs, minimumIntervalMs), maximumIntervalMs);
  const high = Math.max(Math.min(2 ** (attempt - 1) * intervalMs, maximumIntervalMs), low);
  return Math.round(low + random() * (high - low));
}

/** Every wait of the policy in order (one per retry): the whole schedule if every attempt fails. */
export function retryDelays(policy: RetryPolicy, random: RandomSource): number[] {
  const delays: number[] = [];
  for (let attempt = 1; ; attempt++) {
    const delay = retryDelay(policy, { attempt, random });
    if (delay === undefined) return delays;
    delays.push(delay);
  }
}

/** Whether a failed call is retried: 408, 429, any 5xx, or no response at all (connectivity). */
export function isRetryableFailure(failure: { readonly statusCode?: number }): boolean {
  const { statusCode } = failure;
  return statusCode === undefined || statusCode === 408 || statusCode === 429 || statusCode >= 500;
}

/**
 * The wait a `Retry-After` header asks for (RFC 9110 §10.2.3), in ms from `now`: delay-seconds or
 * an HTTP date (a date already past gives 0). Undefined when the header is absent or unreadable.
 * `headers` has lower-case names.
 */
export function retryAfterDelay(headers: Readonly<Record<string, string>>, now: number): number | undefined {
  const value = headers['retry-after']?.trim();
  if (value === undefined || value === '') return undefined;
  if (/^\d+$/.test(value)) return Number(value) * 1_000;
  // An HTTP date always has a weekday and month name; bare numbers like "1.5" are not dates.
  if (!/[a-z]/i.test(value)) return undefined;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
