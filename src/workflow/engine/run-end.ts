/**
 * How an execution writes what the engine kept back and how it ends a run — shared by the
 * in-process `runWorkflow` and the durable launcher, so both commit a run's end the same way.
 */
import type { RecordActionInput, RunStore, Store } from '../../storage/index.ts';
import type { ActionErrorInfo, RunTermination } from '../actions/contract.ts';
import { CONTAINER_FAILED_ERROR, runStatus } from '../rules/aggregate-status.ts';
import type { FinishedAction } from '../rules/aggregate-status.ts';
import type { RunStatus } from '../rules/status.ts';

/** A run's final status and error. */
export interface RunEnd {
  readonly status: RunStatus;
  readonly error: ActionErrorInfo | null;
}

/** Records finished attempts one after the other (in order: attempt numbers follow it). */
export async function recordAll(runs: Pick<RunStore, 'recordAction'>, records: readonly RecordActionInput[]): Promise<void> {
  for (const record of records) await runs.recordAction(record);
}

/** The engine's `writeDeferred` over `store`: each batch of deferred pure results in one transaction. */
export function writeDeferredIn(store: Pick<Store, 'transaction'>): (records: readonly RecordActionInput[]) => Promise<void> {
  return (records) => store.transaction((tx) => recordAll(tx.runs, records));
}

/**
 * Ends the run: the pure results still deferred and the final status with the definition's
 * outputs, in one transaction. ConflictError (`RunAlreadyFinished`) when the run ended elsewhere.
 */
export async function commitRunEnd(store: Pick<Store, 'transaction'>, end: { readonly runId: string; readonly deferred: readonly RecordActionInput[]; readonly ended: RunEnd; readonly outputs: unknown }): Promise<void> {
  await store.transaction(async (tx) => {
    await recordAll(tx.runs, end.deferred);
    await tx.runs.finish(end.runId, { ...end.ended, outputs: end.outputs });
  });
}

/** The run's final status and error from its top-level actions and a Terminate, if any. */
export function runEnd(top: readonly FinishedAction[], terminated: RunTermination | undefined): RunEnd {
  const status = runStatus({ actions: top, ...(terminated === undefined ? {} : { terminated: terminated.runStatus }) });
  return { status, error: runError(status, terminated) };
}

function runError(status: RunStatus, terminated: RunTermination | undefined): ActionErrorInfo | null {
  if (terminated !== undefined) {
    if (terminated.runStatus !== 'Failed') return null;
    return { code: terminated.code ?? 'Terminated', message: terminated.message ?? 'The run was terminated with status Failed.' };
  }
  return status === 'Failed' ? { code: CONTAINER_FAILED_ERROR.code, message: CONTAINER_FAILED_ERROR.message } : null;
}
