/** Action names (global, ≤ 80 characters), nesting depth (≤ 8) and action count (≤ 500), wdl.md §10. */
import type { Issue } from '../../../core/index.ts';
import type { WorkflowAction } from '../model.ts';
import type { CheckInput } from './check.ts';
import { enclosingActions, error } from './check.ts';

/** Documented limits. */
export const STRUCTURE_LIMITS = Object.freeze({ maxActions: 500, maxNesting: 8, maxNameLength: 80 });

/** Reports duplicate and over-long names, actions nested too deep, and too many actions. */
export function checkStructure({ definition }: CheckInput): Issue[] {
  const issues: Issue[] = [];
  const { maxActions, maxNesting, maxNameLength } = STRUCTURE_LIMITS;
  const seen = new Map<string, WorkflowAction>();
  for (const action of definition.allActions) {
    const first = seen.get(action.name.toLowerCase());
    if (first === undefined) seen.set(action.name.toLowerCase(), action);
    else {
      const spelling = first.name === action.name ? '' : ` (as \`${first.name}\`; names differ only in case)`;
      issues.push(error('action-name-duplicate', action.pointer, `action name \`${action.name}\` is already used at ${first.pointer}${spelling} — action names are global in a workflow, even inside scopes, loops and branches; rename one`));
    }
    if (action.name.length > maxNameLength) {
      issues.push(error('action-name-too-long', action.pointer, `action name \`${action.name.slice(0, 40)}…\` is ${action.name.length} characters long; at most ${maxNameLength} are allowed — shorten it`));
    }
    // Report the outermost action that is too deep; those inside it are implied.
    if (action.depth === maxNesting + 1) {
      const chain = enclosingActions(definition, action).reverse().map((a) => `\`${a.name}\``).join(' › ');
      issues.push(error('action-nesting-too-deep', action.pointer, `action \`${action.name}\` is nested inside ${action.depth} control actions (${chain}); at most ${maxNesting} levels are allowed — flatten the logic or move part of it into a child workflow`));
    }
  }
  if (definition.allActions.length > maxActions) {
    issues.push(error('action-count-exceeded', `${definition.pointer}/actions`, `the workflow has ${definition.allActions.length} actions (counting nested ones); at most ${maxActions} are allowed — move part of it into a child workflow`));
  }
  return issues;
}
