/**
 * Whether an action runs, given its `runAfter` and how its predecessors ended (wdl.md §5): it runs
 * when every named predecessor finished with one of the listed statuses, and is `Skipped`
 * otherwise — which is how skipping propagates down a chain whose runAfter does not list `Skipped`.
 */
import type { ActionStatus, RunAfter, RunAfterStatus } from './status.ts';
import { asRunAfterStatus } from './status.ts';

/** A predecessor whose status is not one the action waits for. */
export interface UnmetCondition {
  readonly action: string;
  readonly expected: readonly RunAfterStatus[];
  readonly actual: ActionStatus;
}

/** What to do with an action: wait for predecessors still running, run it, or skip it. */
export type RunAfterDecision =
  | { readonly kind: 'wait'; readonly pending: readonly string[] }
  | { readonly kind: 'run' }
  | { readonly kind: 'skip'; readonly unmet: readonly UnmetCondition[] };

const DESIGNER_DEFAULT: readonly RunAfterStatus[] = ['Succeeded'];

/**
 * Decides once all predecessors have finished, never earlier: an action whose condition already
 * failed still waits, so its status (and its successors) are settled in predecessor order.
 * An empty status list counts as the designer's default `["Succeeded"]` (validation reports it).
 * `predecessorStatuses` has no entry (or `undefined`) for a predecessor that has not finished.
 */
export function shouldRun(runAfter: RunAfter | undefined, predecessorStatuses: Readonly<Record<string, ActionStatus | undefined>>): RunAfterDecision {
  const pending: string[] = [];
  const unmet: UnmetCondition[] = [];
  for (const [action, listed] of Object.entries(runAfter ?? {})) {
    const actual = Object.hasOwn(predecessorStatuses, action) ? predecessorStatuses[action] : undefined;
    if (actual === undefined) {
      pending.push(action);
      continue;
    }
    const expected = listed.length === 0 ? DESIGNER_DEFAULT : listed;
    if (!expected.includes(asRunAfterStatus(actual))) unmet.push({ action, expected, actual });
  }
  if (pending.length > 0) return { kind: 'wait', pending };
  return unmet.length > 0 ? { kind: 'skip', unmet } : { kind: 'run' };
}

/** The error Logic Apps records on an action skipped by its runAfter condition (code `ActionConditionFailed`). */
export function skipError(action: string, unmet: readonly UnmetCondition[]): { readonly code: string; readonly message: string } {
  const reasons = unmet.map((u) => `the 'runAfter' condition for action '${u.action}' is not satisfied. Expected status values '${u.expected.join("', '")}' and actual value '${u.actual}'`);
  return { code: 'ActionConditionFailed', message: `The execution of template action '${action}' is skipped: ${reasons.join('; ')}.` };
}
