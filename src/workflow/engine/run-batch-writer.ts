/**
 * Group commit for runs executed in memory (`startAndReply`): the runs that end while the previous
 * commit is under way, or in the same turn of the event loop, are written together — one
 * transaction, one multi-row insert per table — instead of a transaction each. A run that goes on
 * in a worker gets its job in that same transaction. Each caller still learns whether its own run
 * was written: when a batch fails, its runs are written one by one so that only the faulty one fails.
 */
import type { JobQueue } from '../../queue/index.ts';
import type { CreateRunWithHistoryInput, Store, StoreTransaction } from '../../storage/index.ts';
import { RUNS_QUEUE } from './queued-run.ts';

/** One run to write. */
export interface BatchedRun {
  readonly run: CreateRunWithHistoryInput;
  /** True when the run is not finished: its `workflow.runs` job is enqueued with it. */
  readonly continues: boolean;
}

/** Writes a run with the others of its batch; resolves once it is committed. */
export type RunBatchWriter = (item: BatchedRun) => Promise<void>;

/** Runs per transaction at most. */
const MAX_BATCH = 64;

interface Pending {
  readonly item: BatchedRun;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/** Creates the batch writer over `store` and `queue`. */
export function createRunBatchWriter(options: { readonly store: Pick<Store, 'transaction'>; readonly queue: JobQueue }): RunBatchWriter {
  const { store, queue } = options;
  let pending: Pending[] = [];
  let flushing = false;

  async function writeIn(tx: StoreTransaction, items: readonly BatchedRun[]): Promise<void> {
    await tx.runs.createWithHistory(items.map((item) => item.run));
    for (const item of items) {
      if (item.continues) await queue.enqueue(RUNS_QUEUE, { runId: item.run.run.id }, { key: item.run.run.id, transaction: tx });
    }
  }

  async function flush(): Promise<void> {
    flushing = true;
    const batch = pending.slice(0, MAX_BATCH);
    pending = pending.slice(batch.length);
    try {
      await store.transaction((tx) => writeIn(tx, batch.map((entry) => entry.item)));
      for (const entry of batch) entry.resolve();
    } catch (error) {
      if (batch.length === 1) batch[0]?.reject(error);
      else {
        // One faulty run (its flow deleted meanwhile…) must not fail the others.
        for (const entry of batch) {
          try {
            await store.transaction((tx) => writeIn(tx, [entry.item]));
            entry.resolve();
          } catch (own) {
            entry.reject(own);
          }
        }
      }
    } finally {
      flushing = false;
      if (pending.length > 0) setImmediate(() => void flush());
    }
  }

  return (item) =>
    new Promise<void>((resolve, reject) => {
      pending.push({ item, resolve, reject });
      // The first run of a batch waits for this turn of the event loop: runs ending meanwhile join it.
      if (pending.length === 1 && !flushing) setImmediate(() => void flush());
    });
}
