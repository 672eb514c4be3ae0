/**
 * Every string of a definition that the engine evaluates, parsed once: action members (inputs,
 * `expression`, `foreach`, `limit`, `trackedProperties`, …), trigger members (inputs, `conditions`,
 * `splitOn`, …) and the definition's `outputs`. Designer data (`metadata`, `description`) and
 * the members holding nested actions are not evaluated, so they are not scanned.
 */
import { escapePointerToken } from '../../core/index.ts';
import type { CallExpression, Expression, IdentifierExpression, Template } from '../../expressions/index.ts';
import { ExpressionSyntaxError, isRecord, parseTemplate } from '../../expressions/index.ts';
import { actionTypeOf } from './action-types.ts';
import type { WorkflowAction, WorkflowDefinition, WorkflowTrigger } from './model.ts';

/** One evaluated string: where it is, who owns it, and its parse. */
export interface ExpressionSite {
  readonly pointer: string;
  readonly text: string;
  /** The action the string belongs to; undefined for triggers and definition outputs. */
  readonly action: WorkflowAction | undefined;
  readonly trigger: WorkflowTrigger | undefined;
  /** Undefined when the string does not parse. */
  readonly template: Template | undefined;
  readonly error: ExpressionSyntaxError | undefined;
}

const NOT_EVALUATED = new Set(['type', 'kind', 'runAfter', 'metadata', 'description']);

/** Members of an action that hold nested actions (or, for Switch, constant case values). */
function nestedMembers(action: WorkflowAction): ReadonlySet<string> {
  const shape = actionTypeOf(action.type)?.shape;
  if (shape === 'if') return new Set(['actions', 'else']);
  if (shape === 'switch') return new Set(['cases', 'default']);
  return shape === 'body' || action.containers.length > 0 ? new Set(['actions']) : new Set();
}

function parse(text: string): { template: Template | undefined; error: ExpressionSyntaxError | undefined } {
  try {
    return { template: parseTemplate(text, { syntax: 'wdl' }), error: undefined };
  } catch (error) {
    if (error instanceof ExpressionSyntaxError) return { template: undefined, error };
    throw error;
  }
}

/** A walker that records every `@` string under a value as owned by `owner`. */
function collector(owner: { readonly action?: WorkflowAction; readonly trigger?: WorkflowTrigger }, sites: ExpressionSite[]): (value: unknown, pointer: string) => void {
  const collect = (value: unknown, pointer: string): void => {
    if (typeof value === 'string') {
      // Only a string with `@` can hold an expression; skipping the rest keeps large literals cheap.
      if (value.includes('@')) sites.push({ pointer, text: value, action: owner.action, trigger: owner.trigger, ...parse(value) });
    } else if (Array.isArray(value)) {
      value.forEach((item, i) => collect(item, `${pointer}/${i}`));
    } else if (isRecord(value)) {
      for (const [key, item] of Object.entries(value)) collect(item, `${pointer}/${escapePointerToken(key)}`);
    }
  };
  return collect;
}

/** The evaluated members of a trigger or action (all but designer data and nested actions). */
function collectMembers(node: WorkflowAction | WorkflowTrigger, skip: ReadonlySet<string>, collect: (value: unknown, pointer: string) => void): void {
  for (const [key, value] of Object.entries(node.raw)) {
    if (!NOT_EVALUATED.has(key) && !skip.has(key)) collect(value, `${node.pointer}/${escapePointerToken(key)}`);
  }
}

/** The evaluated strings of `definition`, in document order (triggers, actions depth-first, outputs). */
export function expressionSites(definition: WorkflowDefinition): ExpressionSite[] {
  const sites: ExpressionSite[] = [];
  for (const trigger of definition.triggers) collectMembers(trigger, new Set(), collector({ trigger }, sites));
  for (const action of definition.allActions) collectMembers(action, nestedMembers(action), collector({ action }, sites));
  const outputs = definition.raw['outputs'];
  if (isRecord(outputs)) collector({}, sites)(outputs, `${definition.pointer}/outputs`);
  return sites;
}

/** The expressions of a template (one for `@expr`, one per `@{…}`). */
export function expressionsOf(template: Template): Expression[] {
  if (template.kind === 'expression') return [template.expression];
  if (template.kind === 'interpolated') return template.parts.flatMap((part) => (part.kind === 'expression' ? [part.expression] : []));
  return [];
}

/** Every call and bare identifier inside `expression`, outermost first. */
export function namesIn(expression: Expression): Array<CallExpression | IdentifierExpression> {
  const found: Array<CallExpression | IdentifierExpression> = [];
  const stack: Expression[] = [expression];
  while (stack.length > 0) {
    const node = stack.pop();
    if (node === undefined) break;
    if (node.kind === 'call') {
      found.push(node);
      for (let i = node.args.length - 1; i >= 0; i--) {
        const arg = node.args[i];
        if (arg !== undefined) stack.push(arg);
      }
    } else if (node.kind === 'identifier') found.push(node);
    else if (node.kind === 'member') stack.push(node.object);
    else if (node.kind === 'index') stack.push(node.index, node.object);
  }
  return found;
}
