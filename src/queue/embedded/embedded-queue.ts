/** The embedded driver of the JobQueue port: jobs live in the Store's `jobs` table (SQLite or PostgreSQL). */
import { UserInputError, silentLogger, systemClock } from '../../core/index.ts';
import type { Clock, Logger } from '../../core/index.ts';
import type { Store } from '../../storage/index.ts';
import { QueueErrorCode } from '../errors.ts';
import type { JobQueue } from '../job-queue.ts';
import { requireQueueName } from '../queue-name.ts';
import { resolveWorkOptions } from '../work-options.ts';
import { startEmbeddedWorker } from './embedded-worker.ts';
import type { EmbeddedWorker } from './embedded-worker.ts';

/** Options of {@link createEmbeddedQueue}. */
export interface EmbeddedQueueOptions {
  /** Where the jobs live; transactions given to `enqueue` must come from this store. */
  readonly store: Store;
  /** Due dates and locks; defaults to the system clock. Workers may override it. */
  readonly clock?: Clock;
  /** Job failures, lost locks and database trouble; defaults to silent. */
  readonly logger?: Logger;
}

/** Creates a queue over the store's `jobs` table. Several processes may share one database. */
export function createEmbeddedQueue(options: EmbeddedQueueOptions): JobQueue {
  const { store } = options;
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger;
  const workers = new Map<string, Set<EmbeddedWorker>>();

  const wakeWorkers = (queue: string): void => {
    for (const worker of workers.get(queue) ?? []) worker.wake();
  };

  return {
    async enqueue(queue, payload, enqueueOptions = {}) {
      requireQueueName(queue);
      const runAt = enqueueOptions.runAt ?? clock.now();
      if (!Number.isSafeInteger(runAt) || runAt < 0) {
        throw new UserInputError(`runAt ${String(runAt)} is invalid — use epoch milliseconds (e.g. clock.now() + 5000)`, { code: QueueErrorCode.InvalidQueueInput });
      }
      const transaction = enqueueOptions.transaction;
      const result = await (transaction ?? store).jobs.insert({ queue, payload, runAt, key: enqueueOptions.key ?? null });
      // Workers in this process look at once; a transactional job only exists once committed.
      if (transaction === undefined) wakeWorkers(queue);
      else transaction.afterCommit(() => wakeWorkers(queue));
      return result;
    },

    work(queue, handler, workOptions = {}) {
      requireQueueName(queue);
      const worker = startEmbeddedWorker({ jobs: store.jobs, queue, handler, options: resolveWorkOptions(workOptions, clock), logger });
      let registered = workers.get(queue);
      if (registered === undefined) {
        registered = new Set();
        workers.set(queue, registered);
      }
      const group = registered;
      group.add(worker);
      return {
        queue,
        id: worker.id,
        async stop() {
          await worker.stop();
          group.delete(worker);
        },
      };
    },

    async stop() {
      await Promise.all([...workers.values()].flatMap((group) => [...group].map((worker) => worker.stop())));
      workers.clear();
    },
  };
}
