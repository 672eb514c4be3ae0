/**
 * A worker process for the multi-process queue tests. Argument: JSON `{ store, queue, mode,
 * concurrency? }`. Prints one line per event on stdout: `ready`, then
 * - mode `hang`: `claimed <jobId> <attempt>` and never finishes the handler (the test SIGKILLs it);
 * - mode `work`: `start <jobId> <attempt>` and `end <jobId>` per job; on SIGTERM it stops
 *   gracefully, closes the store, prints `stopped` and exits 0.
 */
import { createEmbeddedQueue } from '../../src/queue/index.ts';
import { openStore } from '../../src/storage/index.ts';
import type { StoreConfig } from '../../src/storage/index.ts';

interface ChildConfig {
  readonly store: StoreConfig;
  readonly queue: string;
  readonly mode: 'hang' | 'work';
  readonly concurrency?: number;
}

const config: ChildConfig = JSON.parse(process.argv[2] ?? '{}');
const store = await openStore(config.store);
const queue = createEmbeddedQueue({ store });
const say = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

if (config.mode === 'hang') {
  queue.work(
    config.queue,
    async (job) => {
      say(`claimed ${job.id} ${job.attempt}`);
      // Stuck mid-job until the test kills the process; the lock heartbeat keeps running meanwhile.
      await new Promise(() => undefined);
    },
    { pollMs: 10 },
  );
} else {
  queue.work(
    config.queue,
    async (job) => {
      say(`start ${job.id} ${job.attempt}`);
      await new Promise((resolve) => setTimeout(resolve, 1 + (job.id.charCodeAt(0) % 3)));
      say(`end ${job.id}`);
    },
    { pollMs: 10, concurrency: config.concurrency ?? 1 },
  );
  process.once('SIGTERM', () => {
    void (async () => {
      await queue.stop();
      await store.close();
      say('stopped');
      process.exit(0);
    })();
  });
}
say('ready');
