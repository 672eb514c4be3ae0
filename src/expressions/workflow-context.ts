/** What a workflow expression can see, and the limits that bound one evaluation. */
import { UserInputError } from '../core/index.ts';
import { isRecord } from './evaluate.ts';
import type { ExpressionLimits } from './limits.ts';
import { DEFAULT_EXPRESSION_LIMITS } from './limits.ts';

/**
 * The run state an expression reads. `trigger` and `actions[name]` are run-history objects
 * (`{ name, inputs, outputs: { statusCode, headers, body }, status, code, startTime, … }`):
 * `triggerOutputs()` is `trigger.outputs`, `triggerBody()` is `trigger.outputs.body`,
 * `body('A')` is `actions.A.outputs.body`. `items` and `iterationIndexes` are keyed by loop name,
 * `results` by scope name (each an array of result objects). `utcNow` is an ISO-8601 instant that
 * fixes the clock (`utcNow()`, `getFutureTime()`, …); without it the real clock is read.
 */
export interface ExpressionContext {
  readonly parameters?: Readonly<Record<string, unknown>>;
  readonly variables?: Readonly<Record<string, unknown>>;
  readonly trigger?: unknown;
  readonly actions?: Readonly<Record<string, unknown>>;
  /** The current action (`action()`: in `trackedProperties`, webhook `unsubscribe`, Until conditions). */
  readonly action?: unknown;
  /** The current element of the innermost loop (`item()`). */
  readonly item?: unknown;
  readonly items?: Readonly<Record<string, unknown>>;
  readonly iterationIndexes?: Readonly<Record<string, number>>;
  readonly results?: Readonly<Record<string, unknown>>;
  /** `workflow()`: `{ id, name, type, location, run: { id, name, type }, tags }`. */
  readonly workflow?: unknown;
  readonly utcNow?: string;
  /** `listCallbackUrl()` of a webhook trigger or action. */
  readonly callbackUrl?: string;
}

/** The limits of one workflow expression evaluation. */
export interface WorkflowExpressionLimits extends ExpressionLimits {
  /** Longest string a function may build (WDL documents 104,857,600 characters for `concat`/`join`). */
  readonly maxStringLength: number;
  /** Most items an array result may have. */
  readonly maxArrayLength: number;
  /**
   * Characters and items all functions of one evaluation may produce together; bounds the time a
   * hostile expression can take (nested `concat`, `join` over `range`, …).
   */
  readonly maxWork: number;
}

/** WDL's documented limits, and a work budget far above any real expression. */
export const DEFAULT_WORKFLOW_EXPRESSION_LIMITS: WorkflowExpressionLimits = Object.freeze({
  ...DEFAULT_EXPRESSION_LIMITS,
  maxOutputLength: 104_857_600,
  maxStringLength: 104_857_600,
  maxArrayLength: 1_000_000,
  maxWork: 200_000_000,
});

/** The defaults overridden by `limits`, frozen. */
export function resolveWorkflowLimits(limits: Partial<WorkflowExpressionLimits> | undefined): WorkflowExpressionLimits {
  return limits === undefined ? DEFAULT_WORKFLOW_EXPRESSION_LIMITS : Object.freeze({ ...DEFAULT_WORKFLOW_EXPRESSION_LIMITS, ...limits });
}

const KNOWN_FIELDS = ['parameters', 'variables', 'trigger', 'actions', 'action', 'item', 'items', 'iterationIndexes', 'results', 'workflow', 'utcNow', 'callbackUrl'];

/**
 * Checks that JSON data (a `--context` file, an API body) has the shape of an
 * {@link ExpressionContext}; throws {@link UserInputError} (code `ExpressionContextInvalid`)
 * naming the first wrong member.
 */
export function expressionContextOf(value: unknown): ExpressionContext {
  if (value === undefined || value === null) return {};
  if (!isRecord(value)) throw invalid('the context must be a JSON object ({ "parameters", "variables", "trigger", "actions", … })');
  const stranger = Object.keys(value).find((key) => !KNOWN_FIELDS.includes(key));
  if (stranger !== undefined) throw invalid(`the context has an unknown member \`${stranger}\` (known: ${KNOWN_FIELDS.join(', ')})`);
  const map = (key: string): Readonly<Record<string, unknown>> | undefined => {
    const member = value[key];
    if (member === undefined || member === null) return undefined;
    if (!isRecord(member)) throw invalid(`the context's \`${key}\` must be an object keyed by name`);
    return member;
  };
  const text = (key: string): string | undefined => {
    const member = value[key];
    if (member === undefined || member === null) return undefined;
    if (typeof member !== 'string') throw invalid(`the context's \`${key}\` must be a string`);
    return member;
  };
  return {
    parameters: map('parameters'),
    variables: map('variables'),
    trigger: value.trigger,
    actions: map('actions'),
    action: value.action,
    item: value.item,
    items: map('items'),
    iterationIndexes: indexes(map('iterationIndexes')),
    results: map('results'),
    workflow: value.workflow,
    utcNow: text('utcNow'),
    callbackUrl: text('callbackUrl'),
  };
}

function indexes(member: Readonly<Record<string, unknown>> | undefined): Readonly<Record<string, number>> | undefined {
  if (member === undefined) return undefined;
  const out: Record<string, number> = {};
  for (const key of Object.keys(member)) {
    const index = member[key];
    if (typeof index !== 'number' || !Number.isInteger(index)) throw invalid(`the context's \`iterationIndexes.${key}\` must be an integer`);
    Object.defineProperty(out, key, { value: index, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

function invalid(message: string): UserInputError {
  return new UserInputError(message, { code: 'ExpressionContextInvalid' });
}
