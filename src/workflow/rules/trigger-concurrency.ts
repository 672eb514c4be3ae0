/**
 * Trigger concurrency (wdl.md §3, §7): `runtimeConfiguration.concurrency.runs` (1–100) caps how
 * many runs of the flow execute at once; `operationOptions: SingleInstance` means `runs: 1`
 * (setting both is an error). Runs beyond the cap wait, first come first served, up to
 * `maximumWaitingRuns` (default 10 + runs, at most 200); when that queue is full, calls (Request,
 * webhook notifications) are refused with 429 and polling triggers skip their checks. Without
 * either setting, runs are unlimited.
 */
import type { Issue } from '../../core/index.ts';
import { isRecord } from '../../expressions/index.ts';
import type { WorkflowTrigger } from '../definition/model.ts';
import { hasOperationOption } from '../definition/operation-options.ts';

/** The range of `concurrency.runs`. */
export const TRIGGER_CONCURRENCY_RUNS: Readonly<{ min: number; max: number }> = Object.freeze({ min: 1, max: 100 });
/** The range of `concurrency.maximumWaitingRuns`. */
export const TRIGGER_WAITING_RUNS: Readonly<{ min: number; max: number }> = Object.freeze({ min: 1, max: 200 });

/** A trigger's concurrency limit. */
export interface TriggerConcurrency {
  /** Runs executing at once at most. */
  readonly runs: number;
  /** Runs waiting for a slot at most; more are refused (429) or not polled for. */
  readonly maximumWaitingRuns: number;
}

/** The trigger's limit, undefined when its runs are unlimited (or the settings are invalid: {@link concurrencyIssues} refuses those at save). */
export function triggerConcurrencyOf(trigger: WorkflowTrigger): TriggerConcurrency | undefined {
  const { limit, issues } = parse(trigger);
  return issues.length === 0 ? limit : undefined;
}

/** What is wrong with a trigger's concurrency settings, with JSON pointers. */
export function concurrencyIssues(trigger: WorkflowTrigger): Issue[] {
  return parse(trigger).issues;
}

function parse(trigger: WorkflowTrigger): { limit: TriggerConcurrency | undefined; issues: Issue[] } {
  const issues: Issue[] = [];
  const issue = (path: string, message: string): void => {
    issues.push({ code: 'trigger-concurrency-invalid', severity: 'error', path, message });
  };
  const runtime = memberOf(trigger.raw, 'runtimeConfiguration');
  const concurrency = isRecord(runtime) ? memberOf(runtime, 'concurrency') : undefined;
  const base = `${trigger.pointer}/runtimeConfiguration/concurrency`;
  const singleInstance = hasOperationOption(trigger.raw, 'SingleInstance');
  if (concurrency !== undefined && !isRecord(concurrency)) {
    issue(base, `trigger '${trigger.name}': runtimeConfiguration.concurrency must be an object such as { "runs": 5 }`);
    return { limit: undefined, issues };
  }
  const runsRaw = isRecord(concurrency) ? memberOf(concurrency, 'runs') : undefined;
  const waitingRaw = isRecord(concurrency) ? memberOf(concurrency, 'maximumWaitingRuns') : undefined;
  if (singleInstance && runsRaw !== undefined) {
    issue(`${base}/runs`, `trigger '${trigger.name}' sets both operationOptions SingleInstance and runtimeConfiguration.concurrency.runs — keep one (SingleInstance means runs: 1)`);
  }
  let runs: number | undefined = singleInstance ? 1 : undefined;
  if (runsRaw !== undefined) {
    if (isIntegerIn(runsRaw, TRIGGER_CONCURRENCY_RUNS)) runs = runsRaw;
    else issue(`${base}/runs`, `trigger '${trigger.name}': concurrency.runs must be a whole number from ${TRIGGER_CONCURRENCY_RUNS.min} to ${TRIGGER_CONCURRENCY_RUNS.max}, not ${JSON.stringify(runsRaw)}`);
  }
  let waiting: number | undefined;
  if (waitingRaw !== undefined) {
    if (isIntegerIn(waitingRaw, TRIGGER_WAITING_RUNS)) waiting = waitingRaw;
    else issue(`${base}/maximumWaitingRuns`, `trigger '${trigger.name}': concurrency.maximumWaitingRuns must be a whole number from ${TRIGGER_WAITING_RUNS.min} to ${TRIGGER_WAITING_RUNS.max}, not ${JSON.stringify(waitingRaw)}`);
    if (runsRaw === undefined && !singleInstance) {
      issue(`${base}/maximumWaitingRuns`, `trigger '${trigger.name}': maximumWaitingRuns needs a concurrency limit — add concurrency.runs (1–100) or operationOptions SingleInstance`);
    }
  }
  if (issues.length > 0 || runs === undefined) return { limit: undefined, issues };
  return { limit: { runs, maximumWaitingRuns: waiting ?? Math.min(TRIGGER_WAITING_RUNS.max, 10 + runs) }, issues };
}

function isIntegerIn(value: unknown, range: { readonly min: number; readonly max: number }): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= range.min && value <= range.max;
}

/** A member by name, any case (definitions written by hand vary). */
function memberOf(record: Readonly<Record<string, unknown>>, name: string): unknown {
  if (Object.hasOwn(record, name)) return record[name];
  const lower = name.toLowerCase();
  const key = Object.keys(record).find((candidate) => candidate.toLowerCase() === lower);
  return key === undefined ? undefined : record[key];
}
