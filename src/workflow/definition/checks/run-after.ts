/**
 * `runAfter` (wdl.md §5): each entry names a sibling in the same container with a non-empty list
 * of known statuses, and no chain of entries loops back on itself.
 */
import type { Issue } from '../../../core/index.ts';
import { escapePointerToken } from '../../../core/index.ts';
import { isRecord } from '../../../expressions/index.ts';
import { RUN_AFTER_STATUSES, runAfterStatusOf } from '../../rules/status.ts';
import type { ActionContainer, WorkflowAction, WorkflowDefinition } from '../model.ts';
import type { CheckInput } from './check.ts';
import { describeContainer, didYouMean, error, nameList } from './check.ts';

const STATUS_LIST = RUN_AFTER_STATUSES.join(', ');

/** The issues of one action's runAfter entries; `container` holds `action`. */
function checkEntries(definition: WorkflowDefinition, { container, action }: { readonly container: ActionContainer; readonly action: WorkflowAction }): Issue[] {
  const issues: Issue[] = [];
  const raw = action.raw['runAfter'];
  const at = `${action.pointer}/runAfter`;
  if (raw === undefined) return issues;
  if (!isRecord(raw)) return [error('run-after-invalid', at, `action \`${action.name}\`: \`runAfter\` must be an object such as { "Previous_action": ["Succeeded"] } ({} = start at once)`)];
  const siblings = container.actions.map((a) => a.name);
  const triggers = new Set(definition.triggers.map((t) => t.name));
  for (const [predecessor, statuses] of Object.entries(raw)) {
    const entry = `${at}/${escapePointerToken(predecessor)}`;
    if (!Array.isArray(statuses)) issues.push(error('run-after-invalid', entry, `action \`${action.name}\`: the runAfter entry for \`${predecessor}\` must be a list of statuses such as ["Succeeded"]`));
    else if (statuses.length === 0) issues.push(error('run-after-status-missing', entry, `action \`${action.name}\`: the runAfter entry for \`${predecessor}\` lists no status — add at least one of ${STATUS_LIST}`));
    else {
      statuses.forEach((status, i) => {
        if (typeof status !== 'string' || runAfterStatusOf(status) === undefined) {
          issues.push(error('run-after-status-unknown', `${entry}/${i}`, `action \`${action.name}\`: runAfter status ${JSON.stringify(status)} for \`${predecessor}\` is not known — use ${STATUS_LIST}`));
        }
      });
    }
    if (siblings.includes(predecessor)) continue;
    const elsewhere = definition.actionsByName.get(predecessor);
    if (elsewhere !== undefined) {
      const hint = elsewhere.parent === undefined ? '' : `, or run after \`${elsewhere.parent.action}\` instead`;
      issues.push(error('run-after-other-scope', entry, `action \`${action.name}\` (in ${describeContainer(action.parent)}) runs after \`${predecessor}\`, which is in ${describeContainer(elsewhere.parent)}; runAfter may only name actions of the same container — move one of them${hint}`));
    } else if (triggers.has(predecessor)) {
      issues.push(error('run-after-unknown-action', entry, `action \`${action.name}\` runs after \`${predecessor}\`, which is the trigger; triggers are not named in runAfter — use {} to start right after the trigger`));
    } else {
      const known = siblings.filter((name) => name !== action.name);
      issues.push(error('run-after-unknown-action', entry, `action \`${action.name}\` runs after \`${predecessor}\`, which does not exist${didYouMean(predecessor, known)} (actions in ${describeContainer(action.parent)}: ${nameList(known)})`));
    }
  }
  return issues;
}

/** Each set of siblings waiting on one another, as a cycle path starting at its first action in JSON order. */
function findCycles(container: ActionContainer): WorkflowAction[][] {
  const byName = new Map(container.actions.map((a) => [a.name, a]));
  const state = new Map<string, 'active' | 'done'>();
  const cycles: WorkflowAction[][] = [];
  const visit = (action: WorkflowAction, path: WorkflowAction[]): void => {
    state.set(action.name, 'active');
    path.push(action);
    for (const name of Object.keys(action.runAfter)) {
      const predecessor = byName.get(name);
      if (predecessor === undefined) continue;
      const seen = state.get(name);
      if (seen === 'active') cycles.push(path.slice(path.indexOf(predecessor)));
      else if (seen === undefined) visit(predecessor, path);
    }
    path.pop();
    state.set(action.name, 'done');
  };
  for (const action of container.actions) if (!state.has(action.name)) visit(action, []);
  return cycles;
}

function allContainers(definition: WorkflowDefinition): ActionContainer[] {
  return [definition.actions, ...definition.allActions.flatMap((a) => a.containers)];
}

/** Reports malformed entries, unknown statuses, names outside the container and cycles. */
export function checkRunAfter({ definition }: CheckInput): Issue[] {
  const issues: Issue[] = [];
  for (const container of allContainers(definition)) {
    for (const action of container.actions) issues.push(...checkEntries(definition, { container, action }));
    for (const cycle of findCycles(container)) {
      const [first] = cycle;
      if (first === undefined) continue;
      const steps = cycle.map((a, i) => `\`${a.name}\` runs after \`${(cycle[i + 1] ?? first).name}\``).join(', ');
      const text = cycle.length === 1 ? `action \`${first.name}\` runs after itself` : `actions wait for each other in a cycle: ${steps}`;
      issues.push(error('run-after-cycle', `${first.pointer}/runAfter`, `${text}, so none of them can start — remove one of these runAfter entries`));
    }
  }
  return issues;
}
