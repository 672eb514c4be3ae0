/**
 * Run retention: a maintenance job on the `workflow.maintenance` queue deletes runs that finished
 * more than `retentionDays` ago — with their action attempts and stored blobs — in batches, then
 * queues itself for the next day. Unfinished runs are never deleted. The cutoff is computed when
 * the job runs, from the setting of the process that runs it: changing the setting affects the
 * next cleanup only (a shorter retention deletes more at once; a longer one cannot bring back
 * what is gone). The same job deletes expired OAuth sign-in states (`oauth_states`): nothing else
 * does, and a state is useless once expired.
 */
import type { Clock, Logger } from '../../core/index.ts';
import { UserInputError, silentLogger } from '../../core/index.ts';
import { isRecord } from '../../expressions/index.ts';
import type { JobQueue, JobWorker, WorkOptions } from '../../queue/index.ts';
import type { Store } from '../../storage/index.ts';

/** The queue of the workflow area's housekeeping jobs. */
export const MAINTENANCE_QUEUE = 'workflow.maintenance';

/** Days a finished run is kept by default. */
export const DEFAULT_RUN_RETENTION_DAYS = 90;

/** The largest retention accepted (100 years). */
export const MAX_RUN_RETENTION_DAYS = 36_500;

/** The payload's `task` of a retention job. */
const RETENTION_TASK = 'run-retention';

const DAY_MS = 86_400_000;

/**
 * How often the maintenance worker looks for a due job: the job is daily (or a follow-up queued
 * by the previous one), so a minute's delay costs nothing and saves a jobs query every second.
 */
const MAINTENANCE_POLL_MS = 60_000;

/** Options of {@link createRunRetention}. */
export interface RunRetentionOptions {
  readonly store: Store;
  readonly queue: JobQueue;
  readonly clock: Clock;
  /** Whole days (1–{@link MAX_RUN_RETENTION_DAYS}); default {@link DEFAULT_RUN_RETENTION_DAYS}. */
  readonly retentionDays?: number;
  /** Runs deleted per transaction (1–1000); default 200. */
  readonly batchSize?: number;
  /** Batches one job deletes before it hands the rest to a follow-up job (keeps a stop quick); default 50. */
  readonly maxBatchesPerJob?: number;
  readonly logger?: Logger;
}

/** What one cleanup did. */
export interface RetentionOutcome {
  readonly deleted: number;
  /** Runs ended before this time (epoch ms) were deleted. */
  readonly cutoff: number;
  /** True when it stopped at `maxBatchesPerJob` with more to delete. */
  readonly more: boolean;
  /** Expired OAuth sign-in states deleted. */
  readonly expiredOAuthStates: number;
}

/** The retention job: schedule it, run its worker, or clean up now. */
export interface RunRetention {
  /** The retention, in days, this process applies. */
  readonly retentionDays: number;
  /** Queues today's cleanup to run now, unless one for today is already queued or running (idempotent across processes). */
  schedule(): Promise<void>;
  /** Deletes finished runs older than the retention and expired OAuth states now (what the job does, without re-queueing). */
  cleanup(signal?: AbortSignal): Promise<RetentionOutcome>;
  /** Starts the worker of the maintenance queue (it looks for due jobs every minute unless `pollMs` says otherwise); each cleanup queues the next one a day later. */
  work(options?: Pick<WorkOptions, 'pollMs' | 'lockMs' | 'sleep' | 'clock'>): JobWorker;
}

/** Creates the run retention job (validated options; nothing is queued until `schedule`). */
export function createRunRetention(options: RunRetentionOptions): RunRetention {
  const { store, queue, clock } = options;
  const logger = options.logger ?? silentLogger;
  const retentionDays = integerIn(options.retentionDays ?? DEFAULT_RUN_RETENTION_DAYS, 1, MAX_RUN_RETENTION_DAYS, 'run retention (days)');
  const batchSize = integerIn(options.batchSize ?? 200, 1, 1000, 'run retention batch size');
  const maxBatches = integerIn(options.maxBatchesPerJob ?? 50, 1, 1_000_000, 'run retention batches per job');

  async function cleanup(signal?: AbortSignal): Promise<RetentionOutcome> {
    const now = clock.now();
    const expiredOAuthStates = await store.oauthStates.deleteExpired(now);
    const cutoff = now - retentionDays * DAY_MS;
    let deleted = 0;
    for (let batch = 0; batch < maxBatches; batch++) {
      const count = await store.runs.deleteFinishedBefore(cutoff, batchSize);
      deleted += count;
      if (count < batchSize) return { deleted, cutoff, more: false, expiredOAuthStates };
      if (signal?.aborted === true) break;
    }
    return { deleted, cutoff, more: true, expiredOAuthStates };
  }

  return {
    retentionDays,
    cleanup,

    async schedule() {
      const now = clock.now();
      await queue.enqueue(MAINTENANCE_QUEUE, { task: RETENTION_TASK }, { runAt: now, key: dailyKey(now) });
    },

    work(workOptions = {}) {
      return queue.work(
        MAINTENANCE_QUEUE,
        async (job, context) => {
          if (!isRecord(job.payload) || job.payload['task'] !== RETENTION_TASK) {
            logger.warn('workflow.maintenance job with an unknown task dropped', { jobId: job.id });
            return;
          }
          const outcome = await cleanup(context.signal);
          if (outcome.deleted > 0) {
            logger.info('run retention deleted finished runs', { deleted: outcome.deleted, endedBefore: new Date(outcome.cutoff).toISOString(), retentionDays });
          }
          const now = clock.now();
          // More to delete: a follow-up job goes on at once; otherwise the next cleanup is due in a day.
          const next = outcome.more ? { runAt: now, key: `${RETENTION_TASK}@more:${job.id}` } : { runAt: now + DAY_MS, key: dailyKey(now + DAY_MS) };
          await queue.enqueue(MAINTENANCE_QUEUE, { task: RETENTION_TASK }, next);
        },
        { concurrency: 1, pollMs: MAINTENANCE_POLL_MS, ...workOptions },
      );
    },
  };
}

/** One cleanup per UTC day: the key that deduplicates the cleanups of that day. */
function dailyKey(at: number): string {
  return `${RETENTION_TASK}@${new Date(at).toISOString().slice(0, 10)}`;
}

function integerIn(value: number, min: number, max: number, what: string): number {
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new UserInputError(`${what} is ${String(value)} — give a whole number from ${min} to ${max}`, { code: 'RetentionInvalid' });
  }
  return value;
}
