/**
 * One poll of a polling trigger (`Http`, `ApiConnection`, `OpenApiConnection`), as a step function:
 * the trigger, the cursor of the previous poll and the ports in; the runs to start and the next
 * cursor out. The trigger service commits that cursor in the same transaction as the runs, so a
 * crash between the two repeats the poll instead of losing or duplicating items.
 *
 * The contract (wdl.md §3, connector-corpus.md §5–§6):
 * - `200` fires; `202` (and any other non-200 success, or a 3xx) is skipped; `4xx`/`5xx` fails —
 *   unless a trigger condition reads the status code, which then decides instead of the 200 rule.
 * - `Location` (on any 2xx) is where the next poll goes (Http: the URL; connectors: its query);
 *   `Retry-After` (seconds or an HTTP date) becomes `retryAfterMs` whatever the outcome.
 * - A connector operation with a `pollingtrigger` template: the first poll only records the
 *   template's query values from the answer (the baseline: existing items start no run), later
 *   polls send them (`after=<newest seen>`), fire when `triggerDataPath` selects items and skip
 *   when it selects none; the values move on with every answer, kept where an answer has none.
 * - `splitOn` starts one run per element; `conditions` are checked per run (AND).
 * - A failure keeps the previous cursor, so the next poll asks for the same window again.
 */
import { isPlugboardError } from '../../core/index.ts';
import type { ActionContext, ConnectorPort, HttpPort } from '../actions/contract.ts';
import { resolveActionLimits } from '../actions/limits.ts';
import { triggerConcurrencyOf } from '../rules/trigger-concurrency.ts';
import { httpStatusName } from '../actions/http-status.ts';
import { createVariableStore } from '../actions/variable-store.ts';
import type { WorkflowTrigger } from '../definition/model.ts';
import { isRetryableFailure } from '../rules/retry-delay.ts';
import type { PollAnswer, PollCallResult, PollError } from './polling-call.ts';
import { callConnectorTrigger } from './polling-connector.ts';
import { POLL_CURSOR_VERSION, previousExecution, readPollCursor, triggerFingerprint } from './polling-cursor.ts';
import type { PollCursor } from './polling-cursor.ts';
import { TriggerStepErrorCode } from './polling-errors.ts';
import { callHttpTrigger, originOf } from './polling-http.ts';
import type { PollingOperationLookup } from './polling-template.ts';
import { SPLIT_ON_MAX_ITEMS, SPLIT_ON_MAX_ITEMS_WITH_CONCURRENCY, triggerCode } from './split-on.ts';
import type { TriggerEvaluate, TriggerOutputs } from './split-on.ts';
import { firingsOf, prepareConditions } from './trigger-conditions.ts';
import type { PreparedConditions } from './trigger-conditions.ts';
import { setOwn } from './values.ts';

/** Limits of one poll. */
export interface PollLimits {
  /** Runs one poll may start through splitOn (100,000; pass 100 when trigger concurrency is on). */
  readonly maxSplitOnItems: number;
  /** Characters of the previous answer's body (as JSON) kept in the cursor for `trigger()` in the inputs (65,536). */
  readonly maxPreviousBodyChars: number;
  /** Time for the request in ms (120 s, as the Http action). */
  readonly requestTimeoutMs: number;
}

/** The defaults of {@link PollLimits}. */
export const DEFAULT_POLL_LIMITS: PollLimits = Object.freeze({ maxSplitOnItems: SPLIT_ON_MAX_ITEMS, maxPreviousBodyChars: 65_536, requestTimeoutMs: 120_000 });

/** What one poll gets. */
export interface PollContext {
  /** The trigger from the loaded definition. */
  readonly trigger: WorkflowTrigger;
  /**
   * Evaluates the trigger's values with the workflow's context (parameters, …). The poll passes
   * `trigger` (the previous execution inside `inputs`, the current one in `splitOn`/`conditions`)
   * and `utcNow` (from `now`) as `extra`.
   */
  readonly evaluate: TriggerEvaluate;
  /** The `cursor` of the previous poll's result as committed (null on the first poll). Opaque JSON. */
  readonly cursor: unknown;
  /** Epoch ms of this poll. */
  readonly now: number;
  readonly signal?: AbortSignal;
  /** Outbound HTTP for Http triggers (the guarded egress client). */
  readonly http?: HttpPort;
  /** Connector calls for ApiConnection / OpenApiConnection triggers. */
  readonly connectors?: ConnectorPort;
  /** The connector operation (and its pollingtrigger template) a connector trigger calls; without it no template applies. */
  readonly connectorOperations?: PollingOperationLookup;
  readonly limits?: Partial<PollLimits>;
}

/** Why a poll started no run although the service answered. */
export type PollSkipReason =
  /** 202, or another answer that is not 200 (without a status-code condition). */
  | 'NotOk'
  /** The first poll of a pollingtrigger operation: it only records where the items stand. */
  | 'Baseline'
  /** The template's `triggerDataPath`, or `splitOn`, selected no items. */
  | 'NoItems'
  /** `conditions` held for no run. */
  | 'ConditionsNotMet';

/** What one poll did. */
export interface PollResult {
  readonly outcome: 'fired' | 'skipped' | 'failed';
  /** The outputs of each run to start (after splitOn and conditions); empty unless `fired`. */
  readonly firings: readonly TriggerOutputs[];
  /** The state for the next poll, to commit with the runs (a failed poll returns the previous one). */
  readonly cursor: PollCursor | null;
  /** The service asked to be polled again after this many ms (`Retry-After`). */
  readonly retryAfterMs?: number;
  readonly error?: PollError;
  readonly skipReason?: PollSkipReason;
  /** The answer's status, when there was an answer. */
  readonly statusCode?: number;
  /** The answer's outputs before splitOn (for the trigger's history), when there was an answer. */
  readonly outputs?: TriggerOutputs;
}

/** The trigger types a poll handles, by lower-cased type. */
const POLLABLE = new Map<string, 'Http' | 'ApiConnection' | 'OpenApiConnection'>([
  ['http', 'Http'],
  ['apiconnection', 'ApiConnection'],
  ['openapiconnection', 'OpenApiConnection'],
]);

/** True when {@link pollTrigger} can poll a trigger of this type. */
export function isPollableTrigger(trigger: Pick<WorkflowTrigger, 'type'>): boolean {
  return POLLABLE.has(trigger.type.toLowerCase());
}

/** Polls a trigger once. Never throws for the trigger's inputs or the service's answer: those are a `failed` result. */
export async function pollTrigger(context: PollContext): Promise<PollResult> {
  const { trigger, now } = context;
  // With trigger concurrency on, one execution debatches at most 100 items (wdl.md §7).
  const concurrencyCap = triggerConcurrencyOf(trigger) === undefined ? {} : { maxSplitOnItems: SPLIT_ON_MAX_ITEMS_WITH_CONCURRENCY };
  const limits: PollLimits = { ...DEFAULT_POLL_LIMITS, ...concurrencyCap, ...context.limits };
  const fingerprint = triggerFingerprint(trigger);
  const cursor = readPollCursor(context.cursor, fingerprint);
  const kept = cursor ?? null;
  const kind = POLLABLE.get(trigger.type.toLowerCase());
  if (kind === undefined) {
    return failed({ code: TriggerStepErrorCode.TriggerNotPollable, message: `trigger '${trigger.name}' has type '${trigger.type}', which is not polled — only Http, ApiConnection and OpenApiConnection triggers are`, retryable: false }, { cursor: kept });
  }
  let conditions: PreparedConditions;
  try {
    conditions = prepareConditions(trigger);
  } catch (error) {
    return failed(errorOf(error), { cursor: kept });
  }

  const utcNow = new Date(now).toISOString();
  const previous = { name: trigger.name, ...cursor?.previous };
  const actionContext: ActionContext = {
    evaluate: (value, extra) => context.evaluate(value, { trigger: previous, utcNow, ...extra }),
    variables: createVariableStore(),
    clock: { now: () => now },
    limits: resolveActionLimits({ httpTimeoutMs: limits.requestTimeoutMs }),
    ...(context.signal === undefined ? {} : { signal: context.signal }),
    ...(context.http === undefined ? {} : { http: context.http }),
    ...(context.connectors === undefined ? {} : { connectors: context.connectors }),
  };
  const request = { trigger, cursor, actionContext, ...(context.connectorOperations === undefined ? {} : { connectorOperations: context.connectorOperations }) };
  let call: PollCallResult;
  try {
    call = kind === 'Http' ? await callHttpTrigger(request) : await callConnectorTrigger({ ...request, kind });
  } catch (error) {
    // The lookup port or a port bug: a PlugboardError is the poll's failure, anything else a bug.
    return failed(errorOf(error), { cursor: kept });
  }
  if (call.kind === 'failed') return failed(call.error, { cursor: kept });
  return interpret({ context, limits, cursor, fingerprint, conditions, answer: call });
}

/** What the answer means: the outcome, the runs and the next cursor. */
function interpret(poll: {
  readonly context: PollContext;
  readonly limits: PollLimits;
  readonly cursor: PollCursor | undefined;
  readonly fingerprint: string;
  readonly conditions: PreparedConditions;
  readonly answer: PollAnswer;
}): PollResult {
  const { context, limits, cursor, conditions, answer } = poll;
  const { trigger, now } = context;
  const { outputs } = answer;
  const status = outputs.statusCode;
  const retryAfterMs = retryAfterOf(outputs.headers, now);
  const base = { statusCode: status, outputs, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
  const kept = cursor ?? null;
  const success = status >= 200 && status <= 299;
  const statusFailure = (): PollResult => ({
    ...base,
    outcome: 'failed',
    firings: [],
    cursor: kept,
    error: {
      code: httpStatusName(status) ?? TriggerStepErrorCode.TriggerFailed,
      message: `trigger '${trigger.name}': ${answer.target} answered ${status}${httpStatusName(status) === undefined ? '' : ` (${httpStatusName(status)})`} — the poll started no run; the next poll asks again`,
      retryable: isRetryableFailure({ statusCode: status }),
      statusCode: status,
    },
  });
  // The next cursor: where the next poll goes, and what this answer was (for `trigger()` in the inputs).
  const advanced = (extra: Pick<PollCursor, 'templateQuery'> & { readonly fired: boolean }): PollCursor => nextCursor({ poll, extra, success });

  if (!conditions.referencesStatusCode && status !== 200) {
    if (success || (status >= 300 && status <= 399)) return { ...base, outcome: 'skipped', skipReason: 'NotOk', firings: [], cursor: advanced({ fired: false }) };
    return statusFailure();
  }

  let templateQuery: Readonly<Record<string, string>> | undefined;
  const template = answer.operation?.template;
  if (template !== undefined && success) {
    const next = template.nextQuery(outputs.body);
    templateQuery = { ...answer.sentTemplateQuery, ...Object.fromEntries(next.query) };
    if (cursor?.templateQuery === undefined && template.stateParameters.length > 0) {
      return { ...base, outcome: 'skipped', skipReason: 'Baseline', firings: [], cursor: advanced({ templateQuery, fired: false }) };
    }
    if (template.items(outputs.body).length === 0) return { ...base, outcome: 'skipped', skipReason: 'NoItems', firings: [], cursor: advanced({ templateQuery, fired: false }) };
  }

  let firings: TriggerOutputs[];
  try {
    const found = firingsOf({ trigger, outputs, evaluate: context.evaluate, maxItems: limits.maxSplitOnItems, now, conditions });
    if (found.items === 0) {
      return success ? { ...base, outcome: 'skipped', skipReason: 'NoItems', firings: [], cursor: advanced({ ...(templateQuery === undefined ? {} : { templateQuery }), fired: false }) } : statusFailure();
    }
    firings = found.firings;
  } catch (error) {
    return { ...base, ...failed(errorOf(error), { cursor: kept }) };
  }
  const templatePart = templateQuery === undefined ? {} : { templateQuery };
  if (firings.length === 0) {
    if (!success && !(status >= 300 && status <= 399)) return statusFailure();
    return { ...base, outcome: 'skipped', skipReason: 'ConditionsNotMet', firings: [], cursor: advanced({ ...templatePart, fired: false }) };
  }
  return { ...base, outcome: 'fired', firings, cursor: advanced({ ...templatePart, fired: true }) };
}

/** The cursor after an answer: Location state, template query and the previous execution. */
function nextCursor(input: {
  readonly poll: { readonly context: PollContext; readonly limits: PollLimits; readonly cursor: PollCursor | undefined; readonly fingerprint: string; readonly answer: PollAnswer };
  readonly extra: Pick<PollCursor, 'templateQuery'> & { readonly fired: boolean };
  readonly success: boolean;
}): PollCursor {
  const { poll, extra, success } = input;
  const { context, limits, cursor, fingerprint, answer } = poll;
  const { outputs } = answer;
  const location = success ? outputs.headers['location'] : undefined;
  const accepted = outputs.statusCode === 202;
  const state: { nextUrl?: string; origin?: string; locationQuery?: Readonly<Record<string, string>> } = {};

  if (answer.requestUrl !== undefined) {
    // Http: the origin of the trigger's own uri is learnt from a request that did not follow a Location.
    const origin = cursor?.nextUrl === undefined ? originOf(answer.requestUrl) : cursor.origin;
    if (origin !== undefined) state.origin = origin;
    const resolved = location === undefined ? undefined : resolveUrl(location, answer.requestUrl);
    const nextUrl = resolved ?? (accepted ? cursor?.nextUrl : undefined);
    if (nextUrl !== undefined) state.nextUrl = nextUrl;
  } else {
    const query = location === undefined ? undefined : locationQueryOf(location);
    const locationQuery = query ?? (accepted ? cursor?.locationQuery : undefined);
    if (locationQuery !== undefined && Object.keys(locationQuery).length > 0) state.locationQuery = locationQuery;
  }
  const templateQuery = extra.templateQuery ?? cursor?.templateQuery;
  const code = triggerCode(outputs.statusCode);
  return {
    version: POLL_CURSOR_VERSION,
    fingerprint,
    ...state,
    ...(templateQuery === undefined ? {} : { templateQuery }),
    previous: previousExecution({ outputs, now: context.now, status: extra.fired ? 'Succeeded' : 'Skipped', ...(code === undefined ? {} : { code }), maxBodyChars: limits.maxPreviousBodyChars }),
  };
}

/** A failed result keeping `cursor`. */
function failed(error: PollError, state: { readonly cursor: PollCursor | null }): PollResult {
  return { outcome: 'failed', firings: [], cursor: state.cursor, error };
}

/** A thrown error as a poll error; anything but a PlugboardError is a bug and is rethrown. */
function errorOf(error: unknown): PollError {
  if (!isPlugboardError(error)) throw error;
  return { code: error.code, message: error.message, retryable: error.retryable };
}

/** `Retry-After` as milliseconds from `now`: delta seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterOf(headers: Readonly<Record<string, string>>, now: number): number | undefined {
  const value = headers['retry-after']?.trim();
  if (value === undefined || value === '') return undefined;
  if (/^\d+$/.test(value)) return Number(value) * 1_000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** An absolute http(s) URL for a `Location` (relative ones against the request URL); undefined when unusable. */
function resolveUrl(location: string, base: string): string | undefined {
  try {
    const url = new URL(location, base);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

/** The query parameters of a connector's `Location` (absolute or relative). */
function locationQueryOf(location: string): Readonly<Record<string, string>> | undefined {
  let url: URL;
  try {
    url = new URL(location, 'http://connector.invalid/');
  } catch {
    return undefined;
  }
  const out: Record<string, string> = {};
  for (const [name, value] of url.searchParams) setOwn(out, name, value);
  return out;
}
