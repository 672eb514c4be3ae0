/** {@link WorkOptions} → defaults → frozen {@link ResolvedWorkOptions}, validated once. */
import { UserInputError, newId } from '../core/index.ts';
import type { Clock } from '../core/index.ts';
import { QueueErrorCode } from './errors.ts';
import { defaultJobBackoff } from './job-queue.ts';
import type { Sleep, WorkOptions } from './job-queue.ts';
import { realSleep } from './real-sleep.ts';

/** Every worker option, with defaults applied. */
export interface ResolvedWorkOptions {
  readonly concurrency: number;
  readonly pollMs: number;
  readonly lockMs: number;
  readonly maxAttempts: number;
  readonly backoff: (attempt: number) => number;
  readonly clock: Clock;
  readonly sleep: Sleep;
  readonly workerId: string;
}

/** Validates `options` and fills in defaults; `clock` is the queue's, used when none is given. */
export function resolveWorkOptions(options: WorkOptions, clock: Clock): ResolvedWorkOptions {
  const resolved: ResolvedWorkOptions = {
    concurrency: integerIn(options.concurrency ?? 1, 1, 1000, 'concurrency'),
    pollMs: integerIn(options.pollMs ?? 1000, 1, 3_600_000, 'pollMs'),
    lockMs: integerIn(options.lockMs ?? 30_000, 10, 86_400_000, 'lockMs'),
    maxAttempts: integerIn(options.maxAttempts ?? 25, 1, 1_000_000, 'maxAttempts'),
    backoff: options.backoff ?? defaultJobBackoff,
    clock: options.clock ?? clock,
    sleep: options.sleep ?? realSleep,
    workerId: options.workerId ?? newId(),
  };
  if (typeof resolved.workerId !== 'string' || resolved.workerId === '' || resolved.workerId.length > 200) {
    throw invalid(`workerId ${JSON.stringify(resolved.workerId)} is invalid — use a non-empty string of at most 200 characters`);
  }
  return Object.freeze(resolved);
}

function integerIn(value: number, min: number, max: number, name: string): number {
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw invalid(`worker option ${name} ${String(value)} is invalid — use an integer from ${min} to ${max}`);
  }
  return value;
}

function invalid(message: string): UserInputError {
  return new UserInputError(message, { code: QueueErrorCode.InvalidQueueInput });
}
