/**
 * One trigger firing's outputs, the `trigger()` object expressions see, and `splitOn` debatching
 * (wdl.md §3, §7): `splitOn: "@triggerBody()?['value']"` starts one run per array element, the
 * element becoming that run's `triggerBody()` (properties outside the array are not available).
 * At most 100,000 items (100 when trigger concurrency is on: the caller passes `maxItems`;
 * `firingsOf` in trigger-conditions.ts does, and applies the conditions after splitOn).
 */
import type { ExpressionContext } from '../../expressions/index.ts';
import { typeName } from '../../expressions/index.ts';
import { memberOf } from '../actions/inputs.ts';
import { httpStatusName } from '../actions/http-status.ts';
import type { WorkflowTrigger } from '../definition/model.ts';
import { TriggerStepError, TriggerStepErrorCode } from './polling-errors.ts';

/** What one run's `triggerOutputs()` is: Logic Apps trigger outputs. */
export interface TriggerOutputs {
  /** Response headers (lower-case names). */
  readonly headers: Readonly<Record<string, string>>;
  /** The response body (after splitOn: one element); absent when the answer had none. */
  readonly body?: unknown;
  readonly statusCode?: number;
}

/**
 * Deep-evaluates a JSON value of the trigger (its `inputs`, `splitOn`, a condition) with the
 * workflow's expression context (parameters, …), `extra` overriding members — the trigger steps
 * pass `trigger` (and `utcNow`). Throws the expression errors, as `ActionContext.evaluate` does.
 */
export type TriggerEvaluate = (value: unknown, extra?: Partial<ExpressionContext>) => unknown;

/** Default and documented maximum of items one splitOn may start runs for. */
export const SPLIT_ON_MAX_ITEMS = 100_000;

/** The limit when trigger concurrency is on (above it Logic Apps refuses to debatch). */
export const SPLIT_ON_MAX_ITEMS_WITH_CONCURRENCY = 100;

/** Status names of successful answers (the .NET `HttpStatusCode` names), for `trigger().code`. */
const SUCCESS_NAMES: ReadonlyMap<number, string> = new Map([
  [200, 'OK'], [201, 'Created'], [202, 'Accepted'], [203, 'NonAuthoritativeInformation'], [204, 'NoContent'], [205, 'ResetContent'], [206, 'PartialContent'],
]);

/** `trigger().code` for a status: its .NET name (`OK`, `NotFound`), else the number as text. */
export function triggerCode(statusCode: number | undefined): string | undefined {
  if (statusCode === undefined) return undefined;
  return SUCCESS_NAMES.get(statusCode) ?? httpStatusName(statusCode) ?? String(statusCode);
}

/**
 * The `trigger()` object of a trigger execution, as run history shows it: `{ name, outputs,
 * status, code, startTime? }`. `code` is the status name (`OK`, `InternalServerError`), as the
 * Logic Apps doc's condition `@equals(triggers().code, 'InternalServerError')` reads it.
 */
export function triggerResult(trigger: Pick<WorkflowTrigger, 'name'>, execution: { readonly outputs: TriggerOutputs; readonly now?: number }): Readonly<Record<string, unknown>> {
  const { outputs, now } = execution;
  const code = triggerCode(outputs.statusCode);
  const time = now === undefined ? undefined : new Date(now).toISOString();
  return {
    name: trigger.name,
    outputs,
    status: 'Succeeded',
    ...(code === undefined ? {} : { code }),
    ...(time === undefined ? {} : { startTime: time, endTime: time }),
  };
}

/** What {@link splitOnItems} debatches (`O`: the kind's outputs, such as a notification's with `queries`). */
export interface SplitOnRequest<O extends TriggerOutputs = TriggerOutputs> {
  readonly trigger: Pick<WorkflowTrigger, 'name' | 'raw'>;
  /** The outputs of the execution, before debatching. */
  readonly outputs: O;
  readonly evaluate: TriggerEvaluate;
  /** Most items (default {@link SPLIT_ON_MAX_ITEMS}; pass {@link SPLIT_ON_MAX_ITEMS_WITH_CONCURRENCY} when trigger concurrency is on). */
  readonly maxItems?: number;
  /** Epoch ms of the execution: `trigger().startTime` and `utcNow()` while evaluating. */
  readonly now?: number;
}

/**
 * The outputs of each run to start: `[outputs]` when the trigger has no `splitOn`; else one per
 * element of the array `splitOn` evaluates to (with `trigger()` = this execution), each with the
 * element as body and the execution's other members (headers, status, a notification's queries). A null value (`?['value']` of a body
 * without it) starts no run. Throws {@link TriggerStepError} `InvalidSplitOn` (not an expression,
 * not an array) or `SplitOnLimitExceeded`; expression errors as the evaluator throws them.
 */
export function splitOnItems<O extends TriggerOutputs>(request: SplitOnRequest<O>): O[] {
  const { trigger, outputs, evaluate } = request;
  const splitOn = memberOf(trigger.raw, 'splitOn');
  if (splitOn === undefined || splitOn === null) return [outputs];
  if (typeof splitOn !== 'string' || !splitOn.startsWith('@') || splitOn.startsWith('@@')) {
    throw new TriggerStepError(`trigger '${trigger.name}': \`splitOn\` must be an expression that selects an array of the trigger's outputs, such as "@triggerBody()?['value']" (got ${typeof splitOn === 'string' ? 'plain text' : typeName(splitOn)})`, {
      code: TriggerStepErrorCode.InvalidSplitOn,
      details: { trigger: trigger.name, member: 'splitOn' },
    });
  }
  const value = evaluate(splitOn, { trigger: triggerResult(trigger, { outputs, ...(request.now === undefined ? {} : { now: request.now }) }), ...(request.now === undefined ? {} : { utcNow: new Date(request.now).toISOString() }) });
  if (value === null || value === undefined) return [];
  if (!Array.isArray(value)) {
    throw new TriggerStepError(`trigger '${trigger.name}': \`splitOn\` must evaluate to an array, but it gave ${typeName(value)} — point it at the array in the body, such as "@triggerBody()?['value']"`, {
      code: TriggerStepErrorCode.InvalidSplitOn,
      details: { trigger: trigger.name, member: 'splitOn', type: typeName(value) },
    });
  }
  const maxItems = request.maxItems ?? SPLIT_ON_MAX_ITEMS;
  if (value.length > maxItems) {
    throw new TriggerStepError(`trigger '${trigger.name}': \`splitOn\` gave ${value.length} items; at most ${maxItems} runs can start from one trigger execution — ask the service for fewer items per poll or notification (a smaller page or a narrower filter)${maxItems === SPLIT_ON_MAX_ITEMS_WITH_CONCURRENCY ? ', or turn trigger concurrency off' : ''}`, {
      code: TriggerStepErrorCode.SplitOnLimitExceeded,
      details: { trigger: trigger.name, items: value.length, limit: maxItems },
    });
  }
  return value.map((item: unknown): O => ({ ...outputs, body: item }));
}
