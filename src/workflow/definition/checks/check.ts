/** What every validation check receives, and the helpers their messages share. */
import type { Issue } from '../../../core/index.ts';
import type { ExpressionSite } from '../expression-sites.ts';
import type { ActionParent, ConnectionReference, WorkflowAction, WorkflowDefinition } from '../model.ts';

/** Options of `validateWorkflowDefinition`. */
export interface ValidateWorkflowOptions {
  /** The parameter values the run will get (`loadWorkflowDefinition().parameters`): when given, declared parameters without a value are reported. */
  readonly parameters?: Readonly<Record<string, unknown>>;
  /** The connection references (`loadWorkflowDefinition().connectionReferences`): when given, OpenApiConnection actions naming a missing one are reported. */
  readonly connectionReferences?: Readonly<Record<string, ConnectionReference>>;
}

/** The input of one check. */
export interface CheckInput {
  readonly definition: WorkflowDefinition;
  /** Every evaluated string, parsed once for all checks. */
  readonly sites: readonly ExpressionSite[];
  readonly options: ValidateWorkflowOptions;
}

/** One validation rule family. */
export type DefinitionCheck = (input: CheckInput) => Issue[];

/** An error issue. */
export function error(code: string, path: string, message: string): Issue {
  return { code, severity: 'error', path, message };
}

/** `\`a\`, \`b\`, …` — at most 10 names, for messages. */
export function nameList(names: readonly string[]): string {
  if (names.length === 0) return 'none';
  const shown = names.slice(0, 10).map((name) => `\`${name}\``).join(', ');
  return names.length > 10 ? `${shown} and ${names.length - 10} more` : shown;
}

/** "the top level", "the `actions` of `Scope_1`", "the `else` branch of `If_1`", "case `Case_2` of `Switch_1`". */
export function describeContainer(parent: ActionParent | undefined): string {
  if (parent === undefined) return 'the top level';
  if (parent.branch === 'else') return `the \`else\` branch of \`${parent.action}\``;
  if (parent.branch === 'case') return `case \`${parent.caseName ?? ''}\` of \`${parent.action}\``;
  if (parent.branch === 'default') return `the \`default\` case of \`${parent.action}\``;
  return `the \`actions\` of \`${parent.action}\``;
}

/** The control actions enclosing `action`, innermost first. */
export function enclosingActions(definition: WorkflowDefinition, action: WorkflowAction): WorkflowAction[] {
  const chain: WorkflowAction[] = [];
  let parent = action.parent;
  while (parent !== undefined && chain.length <= action.depth) {
    const owner = definition.actionsByName.get(parent.action);
    if (owner === undefined) break;
    chain.push(owner);
    parent = owner.parent;
  }
  return chain;
}

/** The known name closest to `name` (case-insensitive, edit distance ≤ 2), for "did you mean" hints. */
export function closestName(name: string, known: Iterable<string>): string | undefined {
  const candidates = [...known];
  const lower = name.toLowerCase();
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of candidates) {
    const distance = editDistance(lower, candidate.toLowerCase(), bestDistance);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  // `toUpperCase` → `toUpper`: a known name that starts the unknown one (or the reverse) is a good guess too.
  return best ?? candidates.find((candidate) => candidate.length >= 4 && (lower.startsWith(candidate.toLowerCase()) || candidate.toLowerCase().startsWith(lower)));
}

/** ` — did you mean \`x\`?` or ''. */
export function didYouMean(name: string, known: Iterable<string>): string {
  const best = closestName(name, known);
  return best === undefined ? '' : ` — did you mean \`${best}\`?`;
}

/** Levenshtein distance, giving up (returning `limit`) once it cannot be below `limit`. */
function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) >= limit) return limit;
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const value = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
      current.push(value);
      rowMin = Math.min(rowMin, value);
    }
    if (rowMin >= limit) return limit;
    previous = current;
  }
  return previous[b.length] ?? limit;
}
