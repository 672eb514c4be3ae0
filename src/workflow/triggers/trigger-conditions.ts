/**
 * Trigger `conditions` (wdl.md §3, §9): `[{ "expression": "@…" }, …]` — a run starts only when every
 * condition holds (AND; OR is `or()` inside one expression). Inside a condition `trigger()` is the
 * current execution (after splitOn: one element's outputs), so conditions are checked per run.
 *
 * Two things the Logic Apps reference writes that the expression language does not have are
 * accepted: `triggers()` (read as `trigger()`), and `equals(triggers().code, 200)` comparing the
 * code with a number (`code` is the status name, `OK`; a numeric comparison reads
 * `outputs.statusCode` instead, so both of the doc's examples work). A condition that references
 * the status code (`trigger().code`, `…statusCode`) replaces the "fire only on 200" default of
 * polling triggers: {@link PreparedConditions.referencesStatusCode} tells the poller.
 *
 * {@link firingsOf} is the one place splitOn and conditions are applied together, for polls and
 * webhook notifications alike.
 */
import { isRecord, parseTemplate, printExpression, typeName } from '../../expressions/index.ts';
import type { Expression } from '../../expressions/index.ts';
import { memberOf } from '../actions/inputs.ts';
import type { WorkflowTrigger } from '../definition/model.ts';
import { triggerConcurrencyOf } from '../rules/trigger-concurrency.ts';
import { TriggerStepError, TriggerStepErrorCode } from './polling-errors.ts';
import type { SplitOnRequest, TriggerEvaluate, TriggerOutputs } from './split-on.ts';
import { SPLIT_ON_MAX_ITEMS, SPLIT_ON_MAX_ITEMS_WITH_CONCURRENCY, splitOnItems, triggerResult } from './split-on.ts';

/** A trigger's conditions, read once and checked per run. */
export interface PreparedConditions {
  /** How many conditions the trigger has (0: every execution passes). */
  readonly count: number;
  /** True when a condition reads the status code: it then decides which statuses fire, not the 200-only default. */
  readonly referencesStatusCode: boolean;
  /** True when every condition holds for this execution. Throws `InvalidTriggerCondition` for a non-boolean value; expression errors as thrown. */
  holds(execution: ConditionExecution): boolean;
}

/** One execution to check: its outputs (one element's, after splitOn) and the evaluator. */
export interface ConditionExecution {
  readonly outputs: TriggerOutputs;
  readonly evaluate: TriggerEvaluate;
  /** Epoch ms of the execution: `trigger().startTime` and `utcNow()`. */
  readonly now?: number;
}

/** What {@link conditionsHold} checks. */
export interface ConditionsRequest extends ConditionExecution {
  readonly trigger: Pick<WorkflowTrigger, 'name' | 'raw'>;
}

/** Reads `conditions` of a trigger. Throws `InvalidTriggerCondition` when it is not an array of `{ expression }`. */
export function prepareConditions(trigger: Pick<WorkflowTrigger, 'name' | 'raw'>): PreparedConditions {
  const raw = memberOf(trigger.raw, 'conditions');
  const expressions: unknown[] = [];
  if (raw !== undefined && raw !== null) {
    if (!Array.isArray(raw)) throw invalid(trigger.name, `\`conditions\` must be an array of { "expression": "@…" } (got ${typeName(raw)})`);
    raw.forEach((entry: unknown, index: number) => {
      const expression = isRecord(entry) ? memberOf(entry, 'expression') : undefined;
      if (typeof expression !== 'string' && typeof expression !== 'boolean') {
        throw invalid(trigger.name, `condition ${index} must be an object with an \`expression\`, such as { "expression": "@equals(triggerBody()?['status'], 'new')" } (got ${isRecord(entry) ? `expression ${typeName(expression)}` : typeName(entry)})`);
      }
      expressions.push(expression);
    });
  }
  let referencesStatusCode = false;
  const prepared = expressions.map((expression) => {
    if (typeof expression !== 'string') return expression;
    const read = readCondition(expression);
    referencesStatusCode ||= read.referencesStatusCode;
    return read.text;
  });
  return {
    count: prepared.length,
    referencesStatusCode,
    holds(execution) {
      const { outputs, evaluate, now } = execution;
      const extra = { trigger: triggerResult(trigger, { outputs, ...(now === undefined ? {} : { now }) }), ...(now === undefined ? {} : { utcNow: new Date(now).toISOString() }) };
      for (const [index, condition] of prepared.entries()) {
        const value = typeof condition === 'string' ? evaluate(condition, extra) : condition;
        if (!asBoolean(trigger.name, { index, value })) return false;
      }
      return true;
    },
  };
}

/** What {@link firingsOf} decides on: one trigger execution. */
export interface FiringsRequest<O extends TriggerOutputs = TriggerOutputs> extends SplitOnRequest<O> {
  readonly trigger: WorkflowTrigger;
  /**
   * Most splitOn items; default {@link SPLIT_ON_MAX_ITEMS}, or {@link SPLIT_ON_MAX_ITEMS_WITH_CONCURRENCY}
   * when the trigger has a concurrency limit (Logic Apps debatches at most 100 items then).
   */
  readonly maxItems?: number;
  /** The trigger's conditions when the caller read them already ({@link prepareConditions}); read here otherwise. */
  readonly conditions?: PreparedConditions;
}

/** The runs one execution starts. */
export interface Firings<O extends TriggerOutputs = TriggerOutputs> {
  /** How many runs splitOn gave before the conditions (0: no items, as opposed to none passing). */
  readonly items: number;
  /** The outputs of each run to start: splitOn's items the conditions hold for, in order. */
  readonly firings: O[];
}

/**
 * The runs one trigger execution starts, for every kind that evaluates its trigger (polls,
 * webhook notifications): `splitOn` first, then `conditions` per item. Throws
 * {@link TriggerStepError} (`InvalidSplitOn`, `SplitOnLimitExceeded`, `InvalidTriggerCondition`)
 * and the evaluator's expression errors.
 */
export function firingsOf<O extends TriggerOutputs>(request: FiringsRequest<O>): Firings<O> {
  const { trigger, evaluate, now } = request;
  const conditions = request.conditions ?? prepareConditions(trigger);
  const maxItems = request.maxItems ?? (triggerConcurrencyOf(trigger) === undefined ? SPLIT_ON_MAX_ITEMS : SPLIT_ON_MAX_ITEMS_WITH_CONCURRENCY);
  const items = splitOnItems({ trigger, outputs: request.outputs, evaluate, maxItems, now });
  const firings = items.filter((outputs) => conditions.holds({ outputs, evaluate, now }));
  return { items: items.length, firings };
}

/** True when every condition of the trigger holds for this execution (see {@link PreparedConditions.holds}). */
export function conditionsHold(request: ConditionsRequest): boolean {
  return prepareConditions(request.trigger).holds(request);
}

function asBoolean(triggerName: string, condition: { readonly index: number; readonly value: unknown }): boolean {
  const { index, value } = condition;
  if (typeof value === 'boolean') return value;
  // `@{…}` conditions interpolate to text: `True` / `False`.
  if (typeof value === 'string' && /^(true|false)$/i.test(value.trim())) return value.trim().toLowerCase() === 'true';
  throw invalid(triggerName, `condition ${index} must evaluate to true or false, but it gave ${typeName(value)} — wrap it in a comparison such as equals(…, …)`);
}

function invalid(triggerName: string, problem: string): TriggerStepError {
  return new TriggerStepError(`trigger '${triggerName}': ${problem}`, { code: TriggerStepErrorCode.InvalidTriggerCondition, details: { trigger: triggerName, member: 'conditions' } });
}

/** A condition's text to evaluate (rewritten when it used `triggers()` or compared the code with a number) and whether it reads the status code. */
function readCondition(text: string): { readonly text: string; readonly referencesStatusCode: boolean } {
  let template;
  try {
    template = parseTemplate(text, { syntax: 'wdl' });
  } catch {
    // Evaluating reports the syntax error with its position.
    return { text, referencesStatusCode: false };
  }
  if (template.kind === 'literal') return { text, referencesStatusCode: false };
  if (template.kind === 'interpolated') {
    const status = template.parts.some((part) => part.kind === 'expression' && readsStatusCode(part.expression));
    return { text, referencesStatusCode: status };
  }
  const status = readsStatusCode(template.expression);
  const rewritten = rewrite(template.expression);
  return { text: rewritten === template.expression ? text : `@${printExpression(rewritten)}`, referencesStatusCode: status };
}

/** True for `trigger()` / `triggers()` (no arguments). */
function isTriggerCall(expression: Expression): boolean {
  return expression.kind === 'call' && (expression.lowerName === 'trigger' || expression.lowerName === 'triggers') && expression.args.length === 0;
}

/** The property an access reads (`.code`, `['code']`), lower-cased; undefined for other nodes. */
function accessName(expression: Expression): string | undefined {
  if (expression.kind === 'member') return expression.property.toLowerCase();
  if (expression.kind === 'index' && expression.index.kind === 'string') return expression.index.value.toLowerCase();
  return undefined;
}

/** The call at the root of an access chain (`trigger()` in `trigger().outputs.body`). */
function rootOf(expression: Expression): Expression {
  let current = expression;
  while (current.kind === 'member' || current.kind === 'index') current = current.object;
  return current;
}

/** `trigger().code` / `triggers()?['code']`. */
function isCodeAccess(expression: Expression): boolean {
  return (expression.kind === 'member' || expression.kind === 'index') && accessName(expression) === 'code' && isTriggerCall(expression.object);
}

/** Whether the expression reads the trigger's status: `trigger().code`, or `statusCode` under `trigger()` / `triggerOutputs()`. */
function readsStatusCode(expression: Expression): boolean {
  switch (expression.kind) {
    case 'call':
      return expression.args.some(readsStatusCode);
    case 'member':
    case 'index': {
      if (isCodeAccess(expression)) return true;
      if (accessName(expression) === 'statuscode') {
        const root = rootOf(expression);
        if (isTriggerCall(root) || (root.kind === 'call' && root.lowerName === 'triggeroutputs')) return true;
      }
      return readsStatusCode(expression.object) || (expression.kind === 'index' && readsStatusCode(expression.index));
    }
    default:
      return false;
  }
}

/** `triggers()` → `trigger()`; `equals(<code access>, <number>)` → `equals(trigger().outputs.statusCode, <number>)`. Unchanged nodes are returned as they are. */
function rewrite(expression: Expression): Expression {
  switch (expression.kind) {
    case 'call': {
      if (expression.lowerName === 'triggers' && expression.args.length === 0) return { ...expression, name: 'trigger', lowerName: 'trigger' };
      let args = expression.args.map(rewrite);
      if (expression.lowerName === 'equals' && args.length === 2) {
        const [a, b] = expression.args;
        if (a !== undefined && b !== undefined) {
          if (isCodeAccess(a) && b.kind === 'number') args = [statusCodeOf(a), args[1] ?? b];
          else if (isCodeAccess(b) && a.kind === 'number') args = [args[0] ?? a, statusCodeOf(b)];
        }
      }
      return args.every((arg, index) => arg === expression.args[index]) ? expression : { ...expression, args };
    }
    case 'member': {
      const object = rewrite(expression.object);
      return object === expression.object ? expression : { ...expression, object };
    }
    case 'index': {
      const object = rewrite(expression.object);
      const index = rewrite(expression.index);
      return object === expression.object && index === expression.index ? expression : { ...expression, object, index };
    }
    default:
      return expression;
  }
}

/** `trigger().outputs.statusCode` in place of a code access (keeping its `?`). */
function statusCodeOf(access: Expression): Expression {
  const offset = access.kind === 'member' || access.kind === 'index' ? access.offset : 0;
  const optional = (access.kind === 'member' || access.kind === 'index') && access.optional;
  const trigger: Expression = { kind: 'call', name: 'trigger', lowerName: 'trigger', args: [], offset };
  const outputs: Expression = { kind: 'member', object: trigger, property: 'outputs', optional, offset };
  return { kind: 'member', object: outputs, property: 'statusCode', optional, offset };
}
