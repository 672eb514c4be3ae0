/**
 * The interpreter: walks the AST over JSON values. No JavaScript is ever evaluated; the only code
 * that runs is the functions the scope provides.
 */
import { isPlugboardError } from '../core/index.ts';
import type { Expression, IdentifierExpression, IndexExpression, MemberExpression, NumberLiteral, Template } from './ast.ts';
import { ExpressionEvaluationError } from './errors.ts';
import type { ExpressionLimits } from './limits.ts';
import { DEFAULT_EXPRESSION_LIMITS } from './limits.ts';
import { ScalarBox } from './scalar-box.ts';

/** What a function sees besides its arguments. */
export interface CallContext {
  /** The function name as written. */
  readonly name: string;
  /** 0-based offset of the call in the parsed text. */
  readonly offset: number;
  readonly limits: ExpressionLimits;
}

/** One function of the language: its arity and its implementation over evaluated arguments. */
export interface ExpressionFunction {
  readonly minArgs: number;
  /** `Infinity` for variadic functions such as `concat`. */
  readonly maxArgs: number;
  readonly lazy?: false;
  call(args: readonly unknown[], context: CallContext): unknown;
}

/**
 * A function that decides which arguments to evaluate (`and`, `or` and `if` short-circuit: an
 * argument not needed is never evaluated, so it may even fail). Each argument is a thunk that
 * evaluates it on first use and remembers the value.
 */
export interface LazyExpressionFunction {
  readonly minArgs: number;
  readonly maxArgs: number;
  readonly lazy: true;
  call(args: readonly (() => unknown)[], context: CallContext): unknown;
}

/** Functions by lower-cased name (WDL function names are case-insensitive). */
export type FunctionTable = Readonly<Record<string, ExpressionFunction | LazyExpressionFunction>>;

/** What an expression can see. */
export interface EvaluationScope {
  readonly functions: FunctionTable;
  /** Bare names such as `Request`; looked up exactly, then case-insensitively. */
  readonly identifiers?: Readonly<Record<string, unknown>>;
  readonly limits?: ExpressionLimits;
  /** How a value reads inside an interpolation (default {@link interpolationText}; WDL writes `True`). */
  readonly text?: (value: unknown) => string;
  /** What a number literal evaluates to (default its value; WDL boxes `5.0` as a float). */
  readonly numberLiteral?: (literal: NumberLiteral) => unknown;
  /**
   * Power Automate's slash paths: `['body/value']` reads `body`, then `value`, when the object
   * has no property named `body/value` itself.
   */
  readonly slashPaths?: boolean;
}

/**
 * Evaluates a template or an expression to a JSON value (or undefined when a function returns
 * nothing). Literal templates return their text, whole-value expressions their value with its
 * type, interpolations a string. Throws {@link ExpressionEvaluationError} (code
 * `ExpressionEvaluation`); errors a function raises on purpose (any PlugboardError) pass through.
 */
export function evaluate(target: Template | Expression, scope: EvaluationScope): unknown {
  const limits = scope.limits ?? DEFAULT_EXPRESSION_LIMITS;
  switch (target.kind) {
    case 'literal':
      return target.value;
    case 'expression':
      return evaluateNode(target.expression, { scope, limits });
    case 'interpolated': {
      const text = scope.text ?? interpolationText;
      let out = '';
      for (const part of target.parts) {
        out += part.kind === 'text' ? part.value : text(evaluateNode(part.expression, { scope, limits }));
        if (out.length > limits.maxOutputLength) {
          throw new ExpressionEvaluationError(`the interpolated text is longer than ${limits.maxOutputLength} characters`, { reason: 'limit', offset: part.kind === 'text' ? 0 : part.offset });
        }
      }
      return out;
    }
    default:
      return evaluateNode(target, { scope, limits });
  }
}

/**
 * How a value reads inside text: strings as they are, null and undefined as `''`, numbers and
 * booleans as JSON writes them (`true`), arrays and objects as JSON.
 */
export function interpolationText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (value instanceof ScalarBox) return value.text();
  return JSON.stringify(value) ?? '';
}

/** What every node of one evaluation shares. */
interface Environment {
  readonly scope: EvaluationScope;
  readonly limits: ExpressionLimits;
}

function evaluateNode(node: Expression, env: Environment): unknown {
  const { scope, limits } = env;
  switch (node.kind) {
    case 'number':
      return scope.numberLiteral === undefined ? node.value : scope.numberLiteral(node);
    case 'string':
    case 'boolean':
      return node.value;
    case 'null':
      return null;
    case 'identifier':
      return identifier(node, scope);
    case 'call': {
      const fn = Object.hasOwn(scope.functions, node.lowerName) ? scope.functions[node.lowerName] : undefined;
      if (fn === undefined) {
        throw new ExpressionEvaluationError(`unknown function \`${node.name}\` (offset ${node.offset})${suggest(node.lowerName, Object.keys(scope.functions))}`, {
          reason: 'unknown-function',
          offset: node.offset,
        });
      }
      if (node.args.length < fn.minArgs || node.args.length > fn.maxArgs) {
        throw new ExpressionEvaluationError(`function \`${node.name}\` (offset ${node.offset}) takes ${arity(fn)}, but ${node.args.length} ${node.args.length === 1 ? 'was' : 'were'} given`, {
          reason: 'arity',
          offset: node.offset,
        });
      }
      const context: CallContext = { name: node.name, offset: node.offset, limits };
      try {
        if (fn.lazy === true) return fn.call(node.args.map((arg) => lazyArgument(arg, env)), context);
        const args = node.args.map((arg) => evaluateNode(arg, env));
        return fn.call(args, context);
      } catch (error) {
        if (isPlugboardError(error)) throw error;
        throw new ExpressionEvaluationError(`function \`${node.name}\` (offset ${node.offset}) failed: ${error instanceof Error ? error.message : String(error)}`, {
          reason: 'function-failed',
          offset: node.offset,
          cause: error,
        });
      }
    }
    case 'member':
      return member(node, evaluateNode(node.object, env));
    case 'index':
      return index(node, { object: evaluateNode(node.object, env), key: evaluateNode(node.index, env), slashPaths: scope.slashPaths === true });
  }
}

/** A thunk that evaluates `node` once, on first use. */
function lazyArgument(node: Expression, env: Environment): () => unknown {
  let done = false;
  let value: unknown;
  return () => {
    if (!done) {
      value = evaluateNode(node, env);
      done = true;
    }
    return value;
  };
}

function identifier(node: IdentifierExpression, scope: EvaluationScope): unknown {
  const { name, offset } = node;
  const identifiers = scope.identifiers ?? {};
  if (Object.hasOwn(identifiers, name)) return identifiers[name];
  const lower = name.toLowerCase();
  for (const key of Object.keys(identifiers)) if (key.toLowerCase() === lower) return identifiers[key];
  throw new ExpressionEvaluationError(`unknown name \`${name}\` (offset ${offset})${suggest(lower, Object.keys(identifiers))}`, { reason: 'unknown-identifier', offset });
}

/** True for a JSON object (not an array, not null, not a boxed number such as a WDL float). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof ScalarBox);
}

/** A readable name of a value's type, never the value itself (it may be a secret). */
export function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'an array';
  if (value instanceof ScalarBox) return value.typeName;
  if (typeof value === 'bigint') return 'an integer';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}

function member(node: MemberExpression, object: unknown): unknown {
  if (object === null || object === undefined) {
    if (node.optional) return null;
    throw new ExpressionEvaluationError(`cannot read \`.${node.property}\` (offset ${node.offset}) of ${typeName(object)} — use \`?.${node.property}\` when the value may be missing`, {
      reason: 'null-access',
      offset: node.offset,
    });
  }
  if (!isRecord(object)) {
    throw new ExpressionEvaluationError(`cannot read \`.${node.property}\` (offset ${node.offset}) of ${typeName(object)}; properties exist only on objects`, {
      reason: 'not-an-object',
      offset: node.offset,
    });
  }
  return property(object, { name: node.property, node, slashPaths: false });
}

/** Reads a property: exact name first, then a case-insensitive match (WDL property access ignores case). */
function property(record: Readonly<Record<string, unknown>>, access: { readonly name: string; readonly node: MemberExpression | IndexExpression; readonly slashPaths: boolean }): unknown {
  const { name, node } = access;
  const found = ownProperty(record, name);
  if (found.exists) return found.value;
  if (access.slashPaths && name.includes('/')) {
    const walked = slashPath(record, name);
    if (walked.exists) return walked.value;
  }
  if (node.optional) return null;
  throw new ExpressionEvaluationError(`property \`${name}\` (offset ${node.offset}) does not exist — use \`?['${name.replaceAll("'", "''")}']\` when it may be missing`, {
    reason: 'missing-property',
    offset: node.offset,
  });
}

/** A property by exact name, then ignoring case; `undefined` values count as missing. */
function ownProperty(record: Readonly<Record<string, unknown>>, name: string): { readonly exists: boolean; readonly value?: unknown } {
  if (Object.hasOwn(record, name) && record[name] !== undefined) return { exists: true, value: record[name] };
  const lower = name.toLowerCase();
  for (const key of Object.keys(record)) if (key.toLowerCase() === lower && record[key] !== undefined) return { exists: true, value: record[key] };
  return { exists: false };
}

/** Walks `a/b/c` through nested objects; a null on the way ends the walk with null (the `?[...]` reading). */
function slashPath(record: Readonly<Record<string, unknown>>, path: string): { readonly exists: boolean; readonly value?: unknown } {
  let current: unknown = record;
  for (const segment of path.split('/')) {
    if (current === null) return { exists: true, value: null };
    if (!isRecord(current)) return { exists: false };
    const next = ownProperty(current, segment);
    if (!next.exists) return { exists: false };
    current = next.value;
  }
  return { exists: true, value: current };
}

function index(node: IndexExpression, operands: { readonly object: unknown; readonly key: unknown; readonly slashPaths: boolean }): unknown {
  const { object, key } = operands;
  if (object === null || object === undefined) {
    if (node.optional) return null;
    throw new ExpressionEvaluationError(`cannot index ${typeName(object)} (offset ${node.offset}) — use \`?[…]\` when the value may be missing`, { reason: 'null-access', offset: node.offset });
  }
  if (Array.isArray(object)) {
    if (typeof key !== 'number' || !Number.isInteger(key)) {
      throw new ExpressionEvaluationError(`an array index (offset ${node.offset}) must be an integer, not ${typeName(key)}`, { reason: 'invalid-index', offset: node.offset });
    }
    if (key >= 0 && key < object.length) return object[key];
    if (node.optional) return null;
    throw new ExpressionEvaluationError(`index ${key} (offset ${node.offset}) is outside the array of ${object.length} item${object.length === 1 ? '' : 's'}`, {
      reason: 'index-out-of-range',
      offset: node.offset,
    });
  }
  if (isRecord(object)) {
    if (typeof key !== 'string' && typeof key !== 'number') {
      throw new ExpressionEvaluationError(`a property key (offset ${node.offset}) must be a string, not ${typeName(key)}`, { reason: 'invalid-index', offset: node.offset });
    }
    return property(object, { name: typeof key === 'string' ? key : String(key), node, slashPaths: operands.slashPaths });
  }
  throw new ExpressionEvaluationError(`cannot index ${typeName(object)} (offset ${node.offset}); only objects and arrays have items`, { reason: 'not-an-object', offset: node.offset });
}

function arity(fn: ExpressionFunction | LazyExpressionFunction): string {
  const plural = (n: number): string => `${n} argument${n === 1 ? '' : 's'}`;
  if (fn.minArgs === fn.maxArgs) return plural(fn.minArgs);
  if (fn.maxArgs === Infinity) return `at least ${plural(fn.minArgs)}`;
  return `${fn.minArgs} to ${plural(fn.maxArgs)}`;
}

/** ` — did you mean \`x\`?` for a known name at edit distance ≤ 2, else ''. */
function suggest(lower: string, known: readonly string[]): string {
  let best: string | undefined;
  let bestDistance = 3;
  for (const name of known) {
    const distance = editDistance(lower, name.toLowerCase());
    if (distance < bestDistance) {
      best = name;
      bestDistance = distance;
    }
  }
  return best === undefined ? '' : ` — did you mean \`${best}\`?`;
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 3;
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length] ?? 3;
}
