/** Reading an action's inputs: members by name (ignoring case, as Logic Apps does), with clear errors. */
import type { ExpressionContext } from '../../expressions/index.ts';
import { isRecord, typeName } from '../../expressions/index.ts';
import type { ActionContext, ActionInput } from './contract.ts';
import { ActionError, ActionErrorCode, badInput } from './errors.ts';
import { withPathPrefix } from './value-evaluator.ts';

/** The inputs as an object; `expected` describes the members for the message (`` `from` and `where` ``). */
export function inputsRecord(action: ActionInput, inputs: { readonly value: unknown; readonly expected: string }): Readonly<Record<string, unknown>> {
  if (isRecord(inputs.value)) return inputs.value;
  throw badInput({ action: action.name, input: 'inputs' }, `must be an object with ${inputs.expected} (got ${describe(inputs.value)})`);
}

/** The member `name` (exact, else ignoring case), or undefined. */
export function memberOf(record: Readonly<Record<string, unknown>>, name: string): unknown {
  if (Object.hasOwn(record, name)) return record[name];
  const lower = name.toLowerCase();
  for (const key of Object.keys(record)) if (key.toLowerCase() === lower) return record[key];
  return undefined;
}

/** One raw member of the inputs, and the expression context overrides to evaluate it with. */
export interface MemberToEvaluate {
  readonly record: Readonly<Record<string, unknown>>;
  readonly name: string;
  readonly extra?: Partial<ExpressionContext>;
}

/** Evaluates one raw member, so that an error's JSON pointer starts at that member. */
export function evaluateMember(context: ActionContext, member: MemberToEvaluate): unknown {
  const raw = memberOf(member.record, member.name);
  if (raw === undefined) return undefined;
  try {
    return context.evaluate(raw, member.extra);
  } catch (error) {
    throw withPathPrefix(error, [member.name]);
  }
}

/** The evaluated `from` of a data operation: an array of at most `limit` items. */
export function fromItems(action: ActionInput, from: { readonly value: unknown; readonly limit: number }): readonly unknown[] {
  const { value, limit } = from;
  if (!Array.isArray(value)) {
    throw badInput({ action: action.name, input: 'from' }, `must be an array (got ${describe(value)}) — if it comes from an action's body, check that the expression points at the array (e.g. body('Get_items')?['value'])`);
  }
  if (value.length <= limit) return value;
  throw new ActionError(`action '${action.name}': input \`from\` has ${value.length} items; this action handles at most ${limit} — filter or page the data first`, {
    code: ActionErrorCode.LimitExceeded,
    details: { action: action.name, input: 'from', items: value.length, limit },
  });
}

/** A type name for messages (never the value itself: it may be a secret). */
export function describe(value: unknown): string {
  return typeName(value);
}

/** Names the item of `from` an error happened at (Query, Select, Table evaluate per item). */
export function atItem(error: unknown, at: { readonly input: string; readonly index: number }): unknown {
  if (!(error instanceof ActionError)) return error;
  const withPath = withPathPrefix(error, [at.input]);
  if (!(withPath instanceof ActionError)) return withPath;
  return new ActionError(`${withPath.message} (evaluating \`${at.input}\` for item ${at.index} of \`from\`)`, { code: withPath.code, details: { ...withPath.details, item: at.index }, cause: withPath.cause });
}
