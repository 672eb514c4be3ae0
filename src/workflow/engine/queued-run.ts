/**
 * Creating a durable run: the run row and the `workflow.runs` job that executes it, written in the
 * caller's transaction so that neither exists without the other. The launcher (manual runs,
 * child flows, resubmits) and the trigger service (Request, Recurrence, polling firings) both
 * create runs this way.
 */
import type { JobQueue } from '../../queue/index.ts';
import type { CreateRunInput, StoreTransaction } from '../../storage/index.ts';

/** The queue durable runs go through. */
export const RUNS_QUEUE = 'workflow.runs';

/** Options of {@link createQueuedRun}. */
export interface QueuedRunOptions {
  /** The transaction the run and its job commit in. */
  readonly transaction: StoreTransaction;
  readonly queue: JobQueue;
  readonly run: CreateRunInput;
}

/** Creates the run and enqueues its job (keyed by the run id) in one transaction; returns the run id. */
export async function createQueuedRun(options: QueuedRunOptions): Promise<string> {
  const { transaction, queue } = options;
  const run = await transaction.runs.create(options.run);
  await queue.enqueue(RUNS_QUEUE, { runId: run.id }, { key: run.id, transaction });
  return run.id;
}
