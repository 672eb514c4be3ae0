/**
 * One worker of the embedded queue: claims due jobs from the `jobs` table up to its concurrency,
 * runs their handlers, keeps their locks alive, and records each outcome.
 */
import { PlugboardError, errorMessage, newId } from '../../core/index.ts';
import type { Logger } from '../../core/index.ts';
import type { JobRecord, JobStore } from '../../storage/index.ts';
import { QueueErrorCode } from '../errors.ts';
import type { Job, JobHandler, JobWorker } from '../job-queue.ts';
import type { ResolvedWorkOptions } from '../work-options.ts';

/** Longest idle wait after repeated claim failures (the database is down): no hot loop, but no long outage either. */
const MAX_FAILURE_WAIT_MS = 60_000;

/** What {@link startEmbeddedWorker} needs. */
export interface EmbeddedWorkerDeps {
  readonly jobs: JobStore;
  readonly queue: string;
  readonly handler: JobHandler;
  readonly options: ResolvedWorkOptions;
  readonly logger: Logger;
}

/** A worker the embedded queue can wake when it enqueues a job for it. */
export interface EmbeddedWorker extends JobWorker {
  /** Look for jobs now instead of at the next poll. */
  wake(): void;
}

/** Starts the claim loop at once. */
export function startEmbeddedWorker(deps: EmbeddedWorkerDeps): EmbeddedWorker {
  const { jobs, queue, handler, options, logger } = deps;
  const { clock, sleep, lockMs, concurrency } = options;
  const inFlight = new Set<Promise<void>>();
  let stopping = false;
  let wakeRequested = false;
  let interruptIdle: (() => void) | undefined;

  const wake = (): void => {
    wakeRequested = true;
    interruptIdle?.();
  };

  /** Waits `ms`, or less when woken (an enqueue, a finished handler, stop). */
  const idle = async (ms: number): Promise<void> => {
    if (stopping) return;
    if (wakeRequested) {
      wakeRequested = false;
      return;
    }
    const timer = new AbortController();
    const woken = new Promise<void>((resolve) => {
      interruptIdle = resolve;
    });
    await Promise.race([sleep(ms, timer.signal), woken]);
    timer.abort();
    interruptIdle = undefined;
  };

  /** Extends the lock every lockMs/2 until `done`; aborts `lost` when another holder has the job. */
  const keepLocked = async (job: JobRecord, holder: string, done: AbortSignal, lost: AbortController): Promise<void> => {
    const every = Math.max(1, Math.floor(lockMs / 2));
    while (!done.aborted) {
      await sleep(every, done);
      if (done.aborted) return;
      try {
        if (!(await jobs.extendLock(job.id, holder, clock.now() + lockMs))) {
          lost.abort(new PlugboardError(`job ${job.id} of queue "${queue}" lost its lock — another worker may run it now`, { code: QueueErrorCode.JobLockLost, kind: 'operational' }));
          return;
        }
      } catch (error) {
        // Keep trying: the lock is still ours until it lapses, and the next extension may succeed.
        logger.warn('could not extend a job lock', { queue, jobId: job.id, error: errorMessage(error) });
      }
    }
  };

  const run = async (record: JobRecord, holder: string): Promise<void> => {
    const attempt = record.attempts;
    if (attempt > options.maxAttempts) {
      // The previous attempt was the last one and its worker died before recording an outcome.
      await recordOutcome(record, () =>
        jobs.fail(record.id, holder, {
          nowMs: clock.now(),
          error: `gave up after ${options.maxAttempts} attempts: the worker running the last one stopped before it finished${record.lastError === null ? '' : ` (earlier error: ${record.lastError})`}`,
        }),
      );
      logger.error('job gave up: its last attempt never finished', { queue, jobId: record.id, attempts: options.maxAttempts });
      return;
    }
    const done = new AbortController();
    const lost = new AbortController();
    const heartbeat = keepLocked(record, holder, done.signal, lost);
    let failure: { readonly error: unknown } | undefined;
    try {
      await handler(toJob(record), { signal: lost.signal });
    } catch (error) {
      failure = { error };
    }
    done.abort();
    await heartbeat;
    if (failure === undefined) {
      const completed = await recordOutcome(record, () => jobs.complete(record.id, holder));
      if (completed === false) logger.warn('a job finished after its lock passed to another worker, which runs it again', { queue, jobId: record.id, attempt });
      return;
    }
    const message = errorMessage(failure.error);
    if (attempt >= options.maxAttempts) {
      await recordOutcome(record, () => jobs.fail(record.id, holder, { nowMs: clock.now(), error: message }));
      logger.error('job failed its last attempt and is kept as a dead letter', { queue, jobId: record.id, attempt, error: message });
      return;
    }
    const wanted = options.backoff(attempt);
    // A backoff function returning NaN or a negative number must not make the job unclaimable.
    const delay = Number.isFinite(wanted) && wanted > 0 ? Math.floor(wanted) : 0;
    await recordOutcome(record, () => jobs.release(record.id, holder, { runAt: clock.now() + delay, error: message }));
    logger.warn('job attempt failed; it will be retried', { queue, jobId: record.id, attempt, retryInMs: delay, error: message });
  };

  /** Writes an outcome; when the database refuses, the lock lapses and the job is delivered again. */
  const recordOutcome = async (record: JobRecord, write: () => Promise<boolean>): Promise<boolean | undefined> => {
    try {
      return await write();
    } catch (error) {
      logger.warn('could not record a job outcome; the job is delivered again once its lock lapses', { queue, jobId: record.id, error: errorMessage(error) });
      return undefined;
    }
  };

  const track = (promise: Promise<void>): void => {
    const settled = promise.finally(() => {
      inFlight.delete(settled);
      wake();
    });
    inFlight.add(settled);
  };

  const loop = async (): Promise<void> => {
    let failures = 0;
    while (!stopping) {
      const free = concurrency - inFlight.size;
      if (free > 0) {
        wakeRequested = false;
        const holder = `${options.workerId}:${newId()}`;
        let claimed: readonly JobRecord[];
        try {
          const now = clock.now();
          claimed = await jobs.claim({ queue, holder, nowMs: now, lockUntilMs: now + lockMs, limit: free });
          failures = 0;
        } catch (error) {
          failures += 1;
          logger.warn('could not claim jobs; waiting before the next try', { queue, failures, error: errorMessage(error) });
          await idle(Math.min(options.pollMs * 2 ** Math.min(failures, 16), MAX_FAILURE_WAIT_MS));
          continue;
        }
        for (const record of claimed) track(run(record, holder));
        // Every free slot got a job: there may be more due, so claim again once a slot frees.
        if (claimed.length === free) continue;
      }
      await idle(options.pollMs);
    }
  };

  const looping = loop().catch((error: unknown) => {
    // The loop catches store errors itself; anything reaching here is a bug. Stop claiming, loudly.
    logger.error('the job worker loop stopped unexpectedly', { queue, error: errorMessage(error) });
  });
  let stopped: Promise<void> | undefined;

  return {
    queue,
    id: options.workerId,
    wake,
    stop() {
      stopping = true;
      interruptIdle?.();
      stopped ??= (async () => {
        await looping;
        // A handler settling wakes the (finished) loop; nothing new is claimed once `stopping` is set.
        while (inFlight.size > 0) await Promise.all(inFlight);
      })();
      return stopped;
    },
  };
}

function toJob(record: JobRecord): Job {
  return Object.freeze({ id: record.id, queue: record.queue, payload: record.payload, attempt: record.attempts, key: record.key, createdAt: record.createdAt });
}
