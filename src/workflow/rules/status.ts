/**
 * The statuses of actions and runs (wdl.md §5), and the case-insensitive reading of runAfter
 * statuses (Standard exports write `SUCCEEDED`, `TIMEDOUT`).
 */

/** The statuses a `runAfter` list may name. */
export type RunAfterStatus = 'Succeeded' | 'Failed' | 'Skipped' | 'TimedOut';

/** How a finished action ended. `Cancelled`: stopped by Terminate or by its `limit.timeout`; `Aborted`: the platform gave up on it. */
export type ActionStatus = RunAfterStatus | 'Cancelled' | 'Aborted';

/** How a finished run ended. */
export type RunStatus = 'Succeeded' | 'Failed' | 'Cancelled';

/** The `runStatus` a Terminate action may set. */
export type TerminateStatus = 'Succeeded' | 'Failed' | 'Cancelled';

/** `runAfter`: predecessor name → the statuses that let this action run. */
export type RunAfter = Readonly<Record<string, readonly RunAfterStatus[]>>;

/** The four runAfter statuses, in the designer's order. */
export const RUN_AFTER_STATUSES: readonly RunAfterStatus[] = Object.freeze(['Succeeded', 'Failed', 'Skipped', 'TimedOut']);

const BY_LOWER: ReadonlyMap<string, RunAfterStatus> = new Map(RUN_AFTER_STATUSES.map((status) => [status.toLowerCase(), status]));

/** The canonical spelling of a runAfter status written in any case (`SUCCEEDED` → `Succeeded`), or undefined. */
export function runAfterStatusOf(text: string): RunAfterStatus | undefined {
  return BY_LOWER.get(text.toLowerCase());
}

/**
 * The runAfter status an action status counts as. `Aborted` counts as `Failed` (wdl.md §5 treats
 * both as failures); `Cancelled` counts as `TimedOut`, because the one way an action is cancelled
 * while the run goes on is exceeding its `limit.timeout` (code `ActionTimedOut`), and a
 * "has timed out" branch must see that.
 */
export function asRunAfterStatus(status: ActionStatus): RunAfterStatus {
  if (status === 'Aborted') return 'Failed';
  if (status === 'Cancelled') return 'TimedOut';
  return status;
}
