/**
 * The entry point of the workflow expression language: evaluates a WDL string value (`@expr`
 * keeps its type, `@{…}` interpolates, `@@` escapes, anything else is literal) against a run's
 * {@link ExpressionContext} with all 127 documented functions.
 */
import type { Clock } from '../core/index.ts';
import { UserInputError, systemClock } from '../core/index.ts';
import type { NumberLiteral, Template } from './ast.ts';
import { parseDateTime } from './dotnet/date-format.ts';
import { invariantCulture } from './dotnet/cultures.ts';
import { DateTimeError, fromEpochMilliseconds } from './dotnet/date-time.ts';
import type { DateTimeValue } from './dotnet/date-time.ts';
import { ExpressionEvaluationError } from './errors.ts';
import { evaluate } from './evaluate.ts';
import { createWorkflowFunctionTable } from './functions/registry.ts';
import { createBudget } from './functions/runtime.ts';
import type { FunctionRuntime } from './functions/runtime.ts';
import { parseTemplate } from './template.ts';
import { FloatValue, ValueError, toPlainJson, wdlText } from './values.ts';
import type { ExpressionContext, WorkflowExpressionLimits } from './workflow-context.ts';
import { resolveWorkflowLimits } from './workflow-context.ts';

/** Options of {@link createWorkflowEvaluator}. */
export interface EvaluateExpressionOptions {
  readonly limits?: Partial<WorkflowExpressionLimits>;
  /** The clock when the context has no fixed `utcNow` (default: the system clock). */
  readonly clock?: Clock;
  /** Uniform random numbers in [0, 1) for `rand()` and `guid()` (default `Math.random`). */
  readonly random?: () => number;
}

/** Evaluates workflow expressions with one set of limits, clock and randomness. */
export interface WorkflowEvaluator {
  /** Parses and evaluates a WDL string value (see {@link evaluateExpression}). */
  evaluateExpression(expression: string, context?: ExpressionContext): unknown;
  /** Evaluates an already parsed template (parse once with `parseTemplate`, evaluate per run). */
  evaluateTemplate(template: Template, context?: ExpressionContext): unknown;
}

/** An evaluator with injected limits, clock and randomness (the workflow engine makes one per run host). */
export function createWorkflowEvaluator(options: EvaluateExpressionOptions = {}): WorkflowEvaluator {
  const limits = resolveWorkflowLimits(options.limits);
  const clock = options.clock ?? systemClock;
  const random = options.random ?? Math.random;
  // The function table is built once; the functions read the current evaluation's runtime
  // through this holder (evaluation is synchronous, so one holder per evaluator is safe).
  let current: FunctionRuntime = { context: {}, limits, now: fixedNow({}, clock), random, charge: createBudget(limits) };
  const holder: FunctionRuntime = {
    get context() {
      return current.context;
    },
    limits,
    now: () => current.now(),
    random,
    charge: (units, call) => current.charge(units, call),
  };
  const functions = createWorkflowFunctionTable(holder);
  const evaluateTemplate = (template: Template, context: ExpressionContext = {}): unknown => {
    const previous = current;
    current = { context, limits, now: fixedNow(context, clock), random, charge: createBudget(limits) };
    try {
      return evaluateWith(template);
    } finally {
      current = previous;
    }
  };
  const evaluateWith = (template: Template): unknown => {
    const text = (value: unknown): string => {
      try {
        return wdlText(value, limits.maxOutputLength);
      } catch (error) {
        if (error instanceof ValueError) throw new ExpressionEvaluationError(`an interpolated value cannot be written as text: ${error.message}`, { reason: 'limit', offset: 0, cause: error });
        throw error;
      }
    };
    const numberLiteral = (literal: NumberLiteral): unknown => (literal.float === true ? new FloatValue(literal.value) : literal.value);
    const value = evaluate(template, { functions, limits, text, slashPaths: true, numberLiteral });
    try {
      return toPlainJson(value);
    } catch (error) {
      if (error instanceof ValueError) throw new ExpressionEvaluationError(`the result cannot be returned: ${error.message}`, { reason: 'limit', offset: 0, cause: error });
      throw error;
    }
  };
  return {
    evaluateTemplate,
    evaluateExpression: (expression, context) => evaluateTemplate(parseTemplate(expression, { syntax: 'wdl', limits }), context),
  };
}

const defaultEvaluator = createWorkflowEvaluator();

/**
 * Evaluates a WDL string value, e.g. `@add(1, 2)` → 3, `Total: @{add(1, 2)}` → `"Total: 3"`,
 * with the default limits, the system clock (unless `context.utcNow` fixes it) and `Math.random`.
 * Returns JSON values; integers beyond 2^53 (`ticks()`) are bigints. Throws
 * `ExpressionSyntaxError` (code `ExpressionSyntax`) or `ExpressionEvaluationError` (code
 * `ExpressionEvaluation`, with a `reason`). No JavaScript is ever evaluated.
 */
export function evaluateExpression(expression: string, context: ExpressionContext = {}): unknown {
  return defaultEvaluator.evaluateExpression(expression, context);
}

/** The clock of one evaluation: the context's fixed `utcNow` (parsed when first read: most expressions never ask) or `clock`. */
function fixedNow(context: ExpressionContext, clock: Clock): () => DateTimeValue {
  const utcNow = context.utcNow;
  if (utcNow === undefined) return () => fromEpochMilliseconds(clock.now());
  let fixed: DateTimeValue | undefined;
  return () => {
    if (fixed !== undefined) return fixed;
    try {
      const parsed = parseDateTime(utcNow, { culture: invariantCulture(), defaultYear: 2000 });
      fixed = { ticks: parsed.ticks, kind: 'utc' };
    } catch (error) {
      if (error instanceof DateTimeError) throw new UserInputError(`the context's utcNow is not an ISO-8601 timestamp (such as 2018-03-01T00:00:00Z): ${error.message}`, { code: 'ExpressionContextInvalid' });
      throw error;
    }
    return fixed;
  };
}
