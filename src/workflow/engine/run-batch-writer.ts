/**
 * Group commit for runs executed in memory (`startAndReply`): the runs that end while the previous
 * commit is under way, or in the same turn of the event loop, are written together — one
 * transaction, one multi-row insert per table — instead of a transaction each. Each caller still
 * learns whether its own run was written: when a batch is refused because of one run (its flow
 * deleted meanwhile…), its runs are written one by one so that only that run fails; any other
 * error (the database is down) fails the whole batch at once.
 */
import { ConflictError, NotFoundError, PlugboardError, UserInputError } from '../../core/index.ts';
import type { CreateRunWithHistoryInput, Store } from '../../storage/index.ts';

/** Writes a run with the others of its batch; resolves once it is committed. */
export type RunBatchWriter = (run: CreateRunWithHistoryInput) => Promise<void>;

/** Runs per transaction at most. */
const MAX_BATCH = 64;

/** Runs waiting for their commit at most; more are refused (the database does not keep up). */
const MAX_PENDING = 4_096;

interface Pending {
  readonly run: CreateRunWithHistoryInput;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/** Creates the batch writer over `store`. */
export function createRunBatchWriter(options: { readonly store: Pick<Store, 'transaction'> }): RunBatchWriter {
  const { store } = options;
  let pending: Pending[] = [];
  let flushing = false;

  const write = (runs: readonly CreateRunWithHistoryInput[]): Promise<void> => store.transaction((tx) => tx.runs.createWithHistory(runs));

  async function flush(): Promise<void> {
    flushing = true;
    const batch = pending.slice(0, MAX_BATCH);
    pending = pending.slice(batch.length);
    try {
      await write(batch.map((entry) => entry.run));
      for (const entry of batch) entry.resolve();
    } catch (error) {
      if (batch.length === 1 || !isAboutOneRun(error)) {
        for (const entry of batch) entry.reject(error);
      } else {
        for (const entry of batch) {
          try {
            await write([entry.run]);
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

  return (run) =>
    new Promise<void>((resolve, reject) => {
      if (pending.length >= MAX_PENDING) {
        reject(new PlugboardError(`${pending.length} runs are waiting to be written: the database does not keep up — try again shortly`, { code: 'RunWriteBacklog', kind: 'operational', retryable: true }));
        return;
      }
      pending.push({ run, resolve, reject });
      // The first run of a batch waits for this turn of the event loop: runs ending meanwhile join it.
      if (pending.length === 1 && !flushing) setImmediate(() => void flush());
    });
}

/** Errors one run of a batch can cause (its flow or version gone, its id taken, a value it holds). */
function isAboutOneRun(error: unknown): boolean {
  return error instanceof NotFoundError || error instanceof ConflictError || error instanceof UserInputError;
}
