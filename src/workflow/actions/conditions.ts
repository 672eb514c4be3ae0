/**
 * Conditions of If, Until and Query's `where`: a template (`"@equals(a, b)"`), a JSON boolean, or
 * the older object form `{ "and": [ { "equals": [a, b] } ] }` where every key names a WDL function,
 * its value is the argument list (a single object for `not`), and arguments are templates, plain
 * values or nested function objects.
 */
import { jsonPointer } from '../../core/index.ts';
import type { ExpressionContext } from '../../expressions/index.ts';
import { isRecord, WORKFLOW_FUNCTION_NAMES } from '../../expressions/index.ts';
import type { ActionContext } from './contract.ts';
import { ActionError, ActionErrorCode } from './errors.ts';
import { describe } from './inputs.ts';
import { withPathPrefix } from './value-evaluator.ts';

const FUNCTION_NAMES: ReadonlyMap<string, string> = new Map(WORKFLOW_FUNCTION_NAMES.map((name) => [name.toLowerCase(), name]));
const MAX_DEPTH = 64;

/** What a condition is evaluated with: the action context's `evaluate`, and context overrides (`{ item }` for Query). */
export interface ConditionContext {
  evaluate: ActionContext['evaluate'];
  readonly extra?: Partial<ExpressionContext>;
}

type Path = readonly (string | number)[];

/**
 * Evaluates a condition to a boolean. The result must be a boolean (or the text `True`/`False`,
 * what `@{…}` makes of one); anything else fails with `InvalidTemplate`, as a Logic Apps If does.
 * Object-form calls go through the same evaluator (`@equals(item()[0], item()[1])` over the
 * evaluated arguments), so they behave exactly like the expression functions.
 */
export function evaluateCondition(expression: unknown, context: ConditionContext): boolean {
  const { extra } = context;

  const callObject = (node: Readonly<Record<string, unknown>>, at: { readonly path: Path; readonly depth: number }): unknown => {
    const keys = Object.keys(node);
    const key = keys[0];
    const name = key === undefined ? undefined : FUNCTION_NAMES.get(key.toLowerCase());
    if (keys.length !== 1 || key === undefined || name === undefined) {
      throw new ActionError(`a condition object must have exactly one member naming a workflow function (such as { "equals": [a, b] }), got ${keys.length === 0 ? 'an empty object' : `members ${keys.map((k) => `\`${k}\``).join(', ')}`}`, {
        code: ActionErrorCode.InvalidTemplate,
        details: { path: jsonPointer(...at.path) },
      });
    }
    if (at.depth > MAX_DEPTH) throw new ActionError(`the condition is nested more than ${MAX_DEPTH} levels deep`, { code: ActionErrorCode.InvalidTemplate, details: { path: jsonPointer(...at.path) } });
    const rawArgs = node[key];
    const args: readonly unknown[] = Array.isArray(rawArgs) ? rawArgs : [rawArgs];
    const argPath = (index: number): Path => (Array.isArray(rawArgs) ? [...at.path, key, index] : [...at.path, key]);
    const argument = (index: number): unknown => {
      const raw = args[index];
      if (isRecord(raw) && isFunctionObject(raw)) return callObject(raw, { path: argPath(index), depth: at.depth + 1 });
      try {
        return context.evaluate(raw, extra);
      } catch (error) {
        throw withPathPrefix(error, argPath(index));
      }
    };
    const lower = name.toLowerCase();
    // and/or/not short-circuit, as their expression forms do.
    if (lower === 'and' || lower === 'or') {
      for (let index = 0; index < args.length; index++) {
        const result = asBoolean(argument(index), jsonPointer(...argPath(index)));
        if (lower === 'and' ? !result : result) return lower === 'or';
      }
      return lower === 'and';
    }
    if (lower === 'not' && args.length === 1) return !asBoolean(argument(0), jsonPointer(...argPath(0)));
    const values = args.map((_, index) => argument(index));
    const call = `@${name}(${values.map((_, index) => `item()[${index}]`).join(', ')})`;
    try {
      return context.evaluate(call, { ...extra, item: values });
    } catch (error) {
      throw withPathPrefix(error, [...at.path, key]);
    }
  };

  const value = isRecord(expression) ? callObject(expression, { path: [], depth: 0 }) : context.evaluate(expression, extra);
  return asBoolean(value, '');
}

function asBoolean(value: unknown, path: string): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    const lower = value.trim().toLowerCase();
    if (lower === 'true') return true;
    if (lower === 'false') return false;
  }
  throw new ActionError(`the condition${path === '' ? '' : ` at ${path}`} must evaluate to a boolean, but it evaluated to ${describe(value)} — compare with equals(), greater(), empty(), … to get true or false`, {
    code: ActionErrorCode.InvalidTemplate,
    details: { path },
  });
}

function isFunctionObject(value: Readonly<Record<string, unknown>>): boolean {
  const keys = Object.keys(value);
  return keys.length === 1 && keys[0] !== undefined && FUNCTION_NAMES.has(keys[0].toLowerCase());
}
