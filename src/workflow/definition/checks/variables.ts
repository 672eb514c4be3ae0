/**
 * Variables (wdl.md §4): InitializeVariable only at the top level, one or several well-formed
 * variables per action, each name once; and every use (the variable actions' `name`,
 * `variables('x')` in an expression) comes after the top-level InitializeVariable of that name in
 * the runAfter chain.
 */
import type { Issue } from '../../../core/index.ts';
import { isRecord } from '../../../expressions/index.ts';
import { expressionsOf, namesIn } from '../expression-sites.ts';
import type { WorkflowAction, WorkflowDefinition } from '../model.ts';
import type { CheckInput } from './check.ts';
import { didYouMean, enclosingActions, error } from './check.ts';

const VARIABLE_TYPES = ['Boolean', 'Integer', 'Float', 'String', 'Object', 'Array'];
const USING_ACTIONS = new Set(['SetVariable', 'IncrementVariable', 'DecrementVariable', 'AppendToArrayVariable', 'AppendToStringVariable']);
const VALUE_REQUIRED = new Set(['SetVariable', 'AppendToArrayVariable', 'AppendToStringVariable']);

interface Use {
  readonly action: WorkflowAction;
  readonly name: string;
  readonly pointer: string;
}

/** One variable an InitializeVariable declares, with the pointer of its `name`. */
interface Declared {
  readonly name: string;
  readonly pointer: string;
}

/**
 * The variables an InitializeVariable declares (the designer writes one per action, newer designers
 * several — the executor takes both), reporting malformed entries and a name given twice.
 */
function declaredNames(action: WorkflowAction, issues: Issue[]): Declared[] {
  const inputs = action.inputs;
  const variables = isRecord(inputs) ? inputs['variables'] : undefined;
  const at = `${action.pointer}/inputs/variables`;
  if (!Array.isArray(variables) || variables.length === 0) {
    issues.push(error('variable-initialize-invalid', at, `InitializeVariable \`${action.name}\` must declare at least one variable: "inputs": { "variables": [ { "name": "…", "type": "String", "value": … } ] }`));
    return [];
  }
  const declared: Declared[] = [];
  variables.forEach((entry: unknown, index) => {
    const name = isRecord(entry) ? entry['name'] : undefined;
    const type = isRecord(entry) ? entry['type'] : undefined;
    if (typeof name !== 'string' || name === '') {
      issues.push(error('variable-initialize-invalid', `${at}/${index}/name`, `InitializeVariable \`${action.name}\` has no variable \`name\` in entry ${index} — add one`));
      return;
    }
    if (typeof type !== 'string' || !VARIABLE_TYPES.some((t) => t.toLowerCase() === type.toLowerCase())) {
      issues.push(error('variable-type-unknown', `${at}/${index}/type`, `variable \`${name}\`: type ${JSON.stringify(type ?? null)} is not known — use one of ${VARIABLE_TYPES.join(', ')}`));
    }
    declared.push({ name, pointer: `${at}/${index}/name` });
  });
  return declared;
}

/** Uses by the variable actions (`inputs.name`, literal only) and by `variables('…')` calls. */
function collectUses({ definition, sites }: CheckInput, issues: Issue[]): Use[] {
  const uses: Use[] = [];
  for (const action of definition.allActions) {
    if (!USING_ACTIONS.has(action.type) || !isRecord(action.inputs)) continue;
    const name = action.inputs['name'];
    if (typeof name === 'string' && !name.startsWith('@')) uses.push({ action, name, pointer: `${action.pointer}/inputs/name` });
    else if (name === undefined) issues.push(error('variable-name-missing', `${action.pointer}/inputs`, `${action.type} \`${action.name}\` names no variable — add "name": "<variable>"`));
    if (VALUE_REQUIRED.has(action.type) && !Object.hasOwn(action.inputs, 'value')) {
      issues.push(error('variable-value-missing', `${action.pointer}/inputs`, `${action.type} \`${action.name}\` has no \`value\` — add the value to ${action.type === 'SetVariable' ? 'set' : 'append'}`));
    }
  }
  for (const site of sites) {
    if (site.template === undefined || site.action === undefined) continue;
    for (const expression of expressionsOf(site.template)) {
      for (const node of namesIn(expression)) {
        const [first] = node.kind === 'call' ? node.args : [];
        if (node.kind === 'call' && node.lowerName === 'variables' && first?.kind === 'string') uses.push({ action: site.action, name: first.value, pointer: site.pointer });
      }
    }
  }
  return uses;
}

/** For each top-level action, the names of the top-level actions that finish before it starts. */
function predecessorsOf(definition: WorkflowDefinition): Map<string, Set<string>> {
  const byName = new Map(definition.actions.actions.map((a) => [a.name, a]));
  const memo = new Map<string, Set<string>>();
  const visit = (action: WorkflowAction): Set<string> => {
    const known = memo.get(action.name);
    if (known !== undefined) return known;
    const result = new Set<string>();
    memo.set(action.name, result); // cycles are reported elsewhere; stop here
    for (const name of Object.keys(action.runAfter)) {
      const predecessor = byName.get(name);
      if (predecessor === undefined) continue;
      result.add(name);
      for (const earlier of visit(predecessor)) result.add(earlier);
    }
    return result;
  };
  for (const action of byName.values()) visit(action);
  return memo;
}

/** Reports misplaced, malformed and duplicate InitializeVariable actions and uses that may come first. */
export function checkVariables(input: CheckInput): Issue[] {
  const { definition } = input;
  const issues: Issue[] = [];
  const initializers = new Map<string, { readonly action: WorkflowAction; readonly name: string }>();
  const nested = new Set<string>();
  for (const action of definition.allActions) {
    if (action.type !== 'InitializeVariable') continue;
    const declared = declaredNames(action, issues);
    if (action.parent !== undefined) {
      issues.push(error('variable-initialize-nested', action.pointer, `InitializeVariable \`${action.name}\` is inside \`${action.parent.action}\`; variables can only be initialised at the top level of a workflow (they are global to the run) — move it out and set the value inside with SetVariable`));
      for (const { name } of declared) nested.add(name.toLowerCase());
      continue;
    }
    for (const { name, pointer } of declared) {
      const first = initializers.get(name.toLowerCase());
      if (first === undefined) initializers.set(name.toLowerCase(), { action, name });
      else issues.push(error('variable-duplicate', pointer, `variable \`${name}\` is already initialised by \`${first.action.name}\`${first.action === action ? ' (earlier in the same list)' : ''} — initialise it once and change it with SetVariable`));
    }
  }
  const before = predecessorsOf(definition);
  const declared = [...initializers.values()].map((entry) => entry.name);
  for (const use of collectUses(input, issues)) {
    const initializer = initializers.get(use.name.toLowerCase())?.action;
    if (initializer === undefined) {
      if (!nested.has(use.name.toLowerCase())) {
        issues.push(error('variable-not-initialized', use.pointer, `action \`${use.action.name}\` uses variable \`${use.name}\`, which no InitializeVariable action declares${didYouMean(use.name, declared)} — add an InitializeVariable at the top level that runs before it`));
      }
      continue;
    }
    const top = enclosingActions(definition, use.action).at(-1) ?? use.action;
    if (top.name === initializer.name || !(before.get(top.name)?.has(initializer.name) ?? false)) {
      const who = top === use.action ? `action \`${use.action.name}\`` : `action \`${use.action.name}\` (inside \`${top.name}\`)`;
      const fix = top.name === initializer.name ? 'a variable cannot be used in its own initial value' : `make \`${top.name}\` run after \`${initializer.name}\` (directly or through its runAfter chain)`;
      issues.push(error('variable-used-before-initialized', use.pointer, `${who} uses variable \`${use.name}\`, but \`${initializer.name}\` that initialises it does not run before — ${fix}`));
    }
  }
  return issues;
}
