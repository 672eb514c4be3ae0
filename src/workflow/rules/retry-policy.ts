/**
 * Retry policies (`inputs.retryPolicy`, wdl.md §6): `default` (or absent), `none`, `fixed`,
 * `exponential`, resolved once into numbers with the documented limits checked. Values must
 * already be evaluated (a count written as `@parameters('n')` is resolved at run time).
 */
import type { Issue } from '../../core/index.ts';
import { formatIsoDuration, parseIsoDuration } from './iso-duration.ts';

/** A resolved retry policy; intervals in milliseconds. `count` is the number of retries after the first attempt. */
export type RetryPolicy =
  | { readonly type: 'none' }
  | { readonly type: 'fixed'; readonly count: number; readonly intervalMs: number }
  | {
      readonly type: 'exponential';
      readonly count: number;
      readonly intervalMs: number;
      readonly minimumIntervalMs: number;
      readonly maximumIntervalMs: number;
    };

/** The documented limits: 1–90 retries, intervals from PT5S to P1D. */
export const RETRY_LIMITS = Object.freeze({ minCount: 1, maxCount: 90, minIntervalMs: 5_000, maxIntervalMs: 86_400_000 });

/**
 * What `default` (or no policy) means. The doc's prose says "up to 4 retries … capped between 5 s
 * and 45 s"; its equivalent JSON is `{exponential, interval PT7S, count 4, minimumInterval PT5S,
 * maximumInterval PT1H}`. We follow the JSON, which is what the runtime's settings state.
 */
export const DEFAULT_RETRY_POLICY: RetryPolicy = Object.freeze({ type: 'exponential', count: 4, intervalMs: 7_000, minimumIntervalMs: 5_000, maximumIntervalMs: 3_600_000 });

/** Default bounds of an `exponential` policy that does not state them (Consumption: PT5S and P1D). */
const EXPONENTIAL_DEFAULT_MINIMUM_MS = 5_000;
const EXPONENTIAL_DEFAULT_MAXIMUM_MS = 86_400_000;

/** The outcome of {@link resolveRetryPolicy}: a policy, or issues saying why there is none. */
export interface ResolvedRetryPolicy {
  readonly policy: RetryPolicy | undefined;
  readonly issues: Issue[];
}

interface Reader {
  readonly raw: Readonly<Record<string, unknown>>;
  readonly path: string;
  readonly type: string;
  readonly issues: Issue[];
}

function problem(reader: Reader, field: string, message: string): undefined {
  reader.issues.push({ code: 'retry-policy-invalid', severity: 'error', path: `${reader.path}/${field}`, message: `retry policy \`${reader.type}\`: ${message}` });
  return undefined;
}

function readCount(reader: Reader): number | undefined {
  const value = reader.raw['count'];
  const { minCount, maxCount } = RETRY_LIMITS;
  if (value === undefined) return problem(reader, 'count', `\`count\` is required — add the number of retries (${minCount}–${maxCount})`);
  if (typeof value !== 'number' || !Number.isInteger(value)) return problem(reader, 'count', `\`count\` must be an integer (${minCount}–${maxCount}), got ${typeof value === 'string' ? `the string "${value}"` : typeof value}`);
  if (value < minCount || value > maxCount) return problem(reader, 'count', `\`count\` ${value} is outside ${minCount}–${maxCount}${value < minCount ? ' — use `"type": "none"` for no retries' : ''}`);
  return value;
}

function readInterval(reader: Reader, field: string, fallback?: number): number | undefined {
  const value = reader.raw[field];
  if (value === undefined) return fallback ?? problem(reader, field, `\`${field}\` is required — add an ISO 8601 duration such as "PT10S"`);
  const ms = typeof value === 'string' ? parseIsoDuration(value) : undefined;
  if (ms === undefined) return problem(reader, field, `\`${field}\` must be an ISO 8601 duration such as "PT10S" or "P1D", got ${typeof value === 'string' ? `"${value}"` : typeof value}`);
  const { minIntervalMs, maxIntervalMs } = RETRY_LIMITS;
  if (ms < minIntervalMs || ms > maxIntervalMs) return problem(reader, field, `\`${field}\` ${String(value)} is outside ${formatIsoDuration(minIntervalMs)}–${formatIsoDuration(maxIntervalMs)}`);
  return ms;
}

function resolveExponential(reader: Reader): RetryPolicy | undefined {
  const count = readCount(reader);
  const intervalMs = readInterval(reader, 'interval');
  const minimumIntervalMs = readInterval(reader, 'minimumInterval', EXPONENTIAL_DEFAULT_MINIMUM_MS);
  const maximumIntervalMs = readInterval(reader, 'maximumInterval', EXPONENTIAL_DEFAULT_MAXIMUM_MS);
  if (count === undefined || intervalMs === undefined || minimumIntervalMs === undefined || maximumIntervalMs === undefined) return undefined;
  if (minimumIntervalMs > maximumIntervalMs) return problem(reader, 'minimumInterval', `\`minimumInterval\` ${formatIsoDuration(minimumIntervalMs)} is longer than \`maximumInterval\` ${formatIsoDuration(maximumIntervalMs)} — swap them`);
  return { type: 'exponential', count, intervalMs, minimumIntervalMs, maximumIntervalMs };
}

/**
 * Resolves `retryPolicy` (`undefined` = default). `path` is the policy's JSON pointer, for issues.
 * `type` is read case-insensitively.
 */
export function resolveRetryPolicy(raw: unknown, options?: { readonly path?: string }): ResolvedRetryPolicy {
  const path = options?.path ?? '';
  const issues: Issue[] = [];
  if (raw === undefined || raw === null) return { policy: DEFAULT_RETRY_POLICY, issues };
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    issues.push({ code: 'retry-policy-invalid', severity: 'error', path, message: 'retry policy must be an object such as { "type": "fixed", "count": 3, "interval": "PT10S" }' });
    return { policy: undefined, issues };
  }
  const record = raw as Readonly<Record<string, unknown>>;
  const type = typeof record['type'] === 'string' ? record['type'].toLowerCase() : undefined;
  const reader: Reader = { raw: record, path, type: type ?? '?', issues };
  switch (type) {
    case 'default':
      return { policy: DEFAULT_RETRY_POLICY, issues };
    case 'none':
      return { policy: { type: 'none' }, issues };
    case 'fixed': {
      const count = readCount(reader);
      const intervalMs = readInterval(reader, 'interval');
      return { policy: count === undefined || intervalMs === undefined ? undefined : { type: 'fixed', count, intervalMs }, issues };
    }
    case 'exponential':
      return { policy: resolveExponential(reader), issues };
    default:
      issues.push({ code: 'retry-policy-invalid', severity: 'error', path: `${path}/type`, message: `retry policy type ${type === undefined ? 'is missing' : `\`${String(record['type'])}\` is not known`} — use one of default, none, fixed, exponential` });
      return { policy: undefined, issues };
  }
}
