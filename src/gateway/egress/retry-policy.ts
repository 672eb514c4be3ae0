/**
 * Retry policies with Azure Logic Apps semantics ("Handle errors and exceptions in Azure Logic Apps",
 * learn.microsoft.com/azure/logic-apps/error-exception-handling):
 *
 * - Retried: 408, 429 and 5xx responses, and connection failures / timeouts.
 * - `exponential`: retry n waits a uniform random time in
 *   [max(2^(n-2)·interval, minimumInterval), min(2^(n-1)·interval, maximumInterval)] (retry 1 starts
 *   at max(0, minimumInterval)) — the page's "Random variable ranges" table.
 * - `fixed`: every retry waits `interval`.
 * - Default: "exponential interval policy that sends up to 4 retries at exponentially increasing
 *   intervals. These intervals scale by 7.5 seconds but are capped between 5 and 45 seconds." The
 *   page's JSON example of the same default says PT7S / PT5S / PT1H; we follow the prose (7.5 s,
 *   5 s, 45 s), which is what users read.
 *
 * All durations here are milliseconds (workflow definitions give ISO 8601 durations; their parser
 * converts before calling).
 */
import { configInvalid } from './errors.ts';

/** Exponential backoff: `count` retries, ranges growing from `interval`, clamped to [minimum, maximum]. */
export interface ExponentialRetryPolicy {
  readonly type: 'exponential';
  /** Number of retries after the first attempt (Logic Apps: 1–90). */
  readonly count: number;
  /** Scale of the ranges, in ms. */
  readonly interval: number;
  /** Smallest wait, in ms (default 5 000, as Logic Apps). */
  readonly minimumInterval?: number;
  /** Largest wait, in ms (default 1 day, as Logic Apps Consumption). */
  readonly maximumInterval?: number;
}

/** The same wait before every retry. */
export interface FixedRetryPolicy {
  readonly type: 'fixed';
  readonly count: number;
  /** Wait before each retry, in ms. */
  readonly interval: number;
}

/** A retry policy; `'none'` sends once. */
export type RetryPolicy = ExponentialRetryPolicy | FixedRetryPolicy;

/** The Logic Apps default policy: 4 retries, exponential from 7.5 s, each wait within 5–45 s. */
export const DEFAULT_RETRY_POLICY: ExponentialRetryPolicy = Object.freeze({
  type: 'exponential',
  count: 4,
  interval: 7_500,
  minimumInterval: 5_000,
  maximumInterval: 45_000,
});

const MAX_COUNT = 90;
const DEFAULT_MINIMUM_INTERVAL = 5_000;
const DEFAULT_MAXIMUM_INTERVAL = 86_400_000;

function checkDuration(value: unknown, name: string): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw configInvalid(`retry policy ${name} must be a duration in milliseconds ≥ 0 (got ${String(value)})`, { field: name });
  }
}

/** Validates a policy once, when it is configured; throws EgressConfigInvalid naming the field. */
export function validateRetryPolicy(policy: RetryPolicy | 'none'): RetryPolicy | 'none' {
  if (policy === 'none') return policy;
  if (policy.type !== 'exponential' && policy.type !== 'fixed') {
    throw configInvalid(`retry policy type "${String((policy as { type: unknown }).type)}" is unknown — use "exponential", "fixed" or "none"`, { field: 'type' });
  }
  if (!Number.isInteger(policy.count) || policy.count < 0 || policy.count > MAX_COUNT) {
    throw configInvalid(`retry policy count must be an integer from 0 to ${MAX_COUNT} (got ${String(policy.count)})`, { field: 'count' });
  }
  checkDuration(policy.interval, 'interval');
  if (policy.type === 'exponential') {
    if (policy.minimumInterval !== undefined) checkDuration(policy.minimumInterval, 'minimumInterval');
    if (policy.maximumInterval !== undefined) checkDuration(policy.maximumInterval, 'maximumInterval');
    const min = policy.minimumInterval ?? DEFAULT_MINIMUM_INTERVAL;
    const max = policy.maximumInterval ?? DEFAULT_MAXIMUM_INTERVAL;
    if (min > max) {
      throw configInvalid(`retry policy minimumInterval (${min} ms) is larger than maximumInterval (${max} ms) — swap or fix them`, { field: 'minimumInterval' });
    }
  }
  return policy;
}

/** How many retries a policy allows. */
export function retryCount(policy: RetryPolicy | 'none'): number {
  return policy === 'none' ? 0 : policy.count;
}

/**
 * The wait before retry number `retry` (1-based), in ms. `random` returns a number in [0, 1);
 * injected so tests can pin the exact waits.
 */
export function retryDelay(policy: RetryPolicy, retry: number, random: () => number): number {
  if (policy.type === 'fixed') return policy.interval;
  const min = policy.minimumInterval ?? DEFAULT_MINIMUM_INTERVAL;
  const max = policy.maximumInterval ?? DEFAULT_MAXIMUM_INTERVAL;
  const low = retry <= 1 ? 0 : 2 ** (retry - 2) * policy.interval;
  const high = 2 ** (retry - 1) * policy.interval;
  const from = Math.max(low, min);
  const to = Math.max(Math.min(high, max), from);
  return Math.round(Math.min(from + random() * (to - from), max));
}

/** True for the statuses Logic Apps retries: 408, 429 and 5xx. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || (status >= 500 && status <= 599);
}

/**
 * Parses a `Retry-After` value (RFC 9110 §10.2.3: delay-seconds or an HTTP-date) into a wait in ms
 * from `nowMs`. Undefined for a missing or unparseable value; a date in the past gives 0.
 */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  if (!/[a-z]/i.test(text)) return undefined;
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - nowMs);
}
