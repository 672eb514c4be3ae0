/**
 * The status of a container (Scope, If branch, loop iteration) and of a run, from how its actions
 * ended (wdl.md §5). Logic Apps judges each branch by its end: an action no sibling runs after.
 * A branch ending in `Succeeded` succeeded; one ending in `Skipped` takes the status of the
 * skipped action's predecessors (recursively); any other end (`Failed`, `TimedOut`, `Aborted`,
 * `Cancelled`) failed. One failed branch fails the container. So a failure "handled" by a
 * successor that runs after `Failed` does not fail the run — unless another branch ends in an
 * action skipped because of it.
 */
import type { ActionStatus, RunAfter, RunStatus, TerminateStatus } from './status.ts';

/** How one action of a container ended, with its runAfter (the branch structure). */
export interface FinishedAction {
  readonly name: string;
  readonly status: ActionStatus;
  readonly runAfter?: RunAfter;
}

/** The status of a Scope, If/Switch branch or loop iteration whose actions ended as given. */
export type ContainerStatus = 'Succeeded' | 'Failed';

/** The error Logic Apps records on a failed Scope / loop (code `ActionFailed`). */
export const CONTAINER_FAILED_ERROR: Readonly<{ code: string; message: string }> = Object.freeze({
  code: 'ActionFailed',
  message: 'An action failed. No dependent actions succeeded.',
});

/** `Succeeded` unless a branch of `children` ends failed; an empty container succeeds. */
export function scopeStatus(children: readonly FinishedAction[]): ContainerStatus {
  return failedBranchEnds(children).length > 0 ? 'Failed' : 'Succeeded';
}

/** A run's status: the one Terminate set, else the aggregate of its top-level actions. */
export function runStatus(options: { readonly actions: readonly FinishedAction[]; readonly terminated?: TerminateStatus }): RunStatus {
  return options.terminated ?? scopeStatus(options.actions);
}

/** A Foreach/Until status from its iterations' statuses: one failed iteration fails the loop. */
export function loopStatus(iterations: readonly ContainerStatus[]): ContainerStatus {
  return iterations.includes('Failed') ? 'Failed' : 'Succeeded';
}

/** The names of the branch ends that make `children` fail (empty when it succeeds), in input order. */
export function failedBranchEnds(children: readonly FinishedAction[]): string[] {
  const byName = new Map(children.map((child) => [child.name, child]));
  const hasSuccessor = new Set<string>();
  for (const child of children) for (const predecessor of Object.keys(child.runAfter ?? {})) hasSuccessor.add(predecessor);
  const memo = new Map<string, boolean>();
  const failed = (outcome: FinishedAction): boolean => {
    const known = memo.get(outcome.name);
    if (known !== undefined) return known;
    memo.set(outcome.name, false); // a cycle (rejected by validation) must not recurse forever
    let result: boolean;
    if (outcome.status === 'Succeeded') result = false;
    else if (outcome.status === 'Skipped') {
      result = Object.keys(outcome.runAfter ?? {}).some((name) => {
        const predecessor = byName.get(name);
        return predecessor !== undefined && failed(predecessor);
      });
    } else result = true;
    memo.set(outcome.name, result);
    return result;
  };
  return children.filter((child) => !hasSuccessor.has(child.name) && failed(child)).map((child) => child.name);
}
