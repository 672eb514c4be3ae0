/**
 * What callers see of runs and their actions (Logic Apps run history shape, times as ISO-8601
 * text), built from the run journal. The journal has one row per attempt per loop iteration; an
 * action's view is its last attempt — in a loop, the last iteration's — with the attempt and
 * iteration counts. Values come from the store as recorded: secured parts were never stored.
 */
import type { ActionRecord, RunRecord, RunStatus, RunSummary } from '../../storage/index.ts';
import { isoTime } from './flow-view.ts';
import { compareIterationKeys } from './iteration-order.ts';

/** A run in a listing (without trigger outputs, outputs and actions). */
export interface RunSummaryView {
  readonly id: string;
  readonly flowId: string;
  /** The flow version the run executes. */
  readonly flowVersion: number;
  readonly status: RunStatus;
  readonly startTime: string;
  /** Null while the run is unfinished. */
  readonly endTime: string | null;
  /** Why the run failed (typically `{ code, message }`); null otherwise. */
  readonly error: unknown;
  readonly trigger: { readonly name: string | null };
  readonly correlationId: string | null;
  readonly clientTrackingId: string | null;
  /** The id of the principal who started the run by hand; null for runs a trigger or a parent flow started. */
  readonly startedBy: string | null;
}

/** One action of a run: its last attempt (in a loop: of the last iteration). */
export interface RunActionView {
  readonly status: RunStatus;
  readonly inputs: unknown;
  readonly outputs: unknown;
  readonly error: unknown;
  /** Attempts of the shown iteration (more than 1 after a crash restarted the action). */
  readonly attempts: number;
  readonly startTime: string;
  readonly endTime: string | null;
  /** How many loop iterations ran the action; only for actions inside a loop. */
  readonly iterations?: number;
}

/** A run with its trigger, outputs and every action. */
export interface RunDocument extends Omit<RunSummaryView, 'trigger'> {
  readonly trigger: { readonly name: string | null; readonly outputs: unknown };
  /** The definition's evaluated `outputs` section; null until the run finished. */
  readonly outputs: unknown;
  /** By action name, in the order the actions first started. */
  readonly actions: Readonly<Record<string, RunActionView>>;
}

/** One loop iteration of an action (its last attempt there). */
export interface RepetitionView extends Omit<RunActionView, 'iterations'> {
  /** The engine's iteration key: `Loop[3]`, nested `Outer[3]/Inner[0]`; `''` outside loops. */
  readonly iterationKey: string;
}

/** The listing view of a run. */
export function runSummaryView(run: RunSummary): RunSummaryView {
  return {
    id: run.id,
    flowId: run.flowId,
    flowVersion: run.flowVersion,
    status: run.status,
    startTime: isoTime(run.startedAt),
    endTime: run.endedAt === null ? null : isoTime(run.endedAt),
    error: run.error ?? null,
    trigger: { name: run.triggerName },
    correlationId: run.correlationId,
    clientTrackingId: run.clientTrackingId,
    startedBy: run.startedBy,
  };
}

/** The full view of a run from its record and every attempt of its actions (`RunStore.listActions`). */
export function runDocument(run: RunRecord, attempts: readonly ActionRecord[]): RunDocument {
  const { trigger, ...summary } = runSummaryView(run);
  const actions = [...byName(attempts)].map(([name, records]) => [name, actionView(records)] as const);
  return {
    ...summary,
    trigger: { name: trigger.name, outputs: run.triggerOutputs ?? null },
    outputs: run.outputs ?? null,
    actions: Object.fromEntries(actions),
  };
}

/**
 * Every iteration of the action `name` (exact, else the only case-insensitive match), in
 * iteration order; undefined when the run has no such action.
 */
export function repetitionViews(attempts: readonly ActionRecord[], name: string): RepetitionView[] | undefined {
  const grouped = byName(attempts);
  const records = grouped.get(name) ?? onlyCaseInsensitiveMatch(grouped, name);
  if (records === undefined) return undefined;
  return [...byIteration(records)]
    .sort(([a], [b]) => compareIterationKeys(a, b))
    .map(([iterationKey, tries]) => ({ iterationKey, ...attemptView(tries) }));
}

/** The names of the actions the run recorded, in the order they first started. */
export function recordedActionNames(attempts: readonly ActionRecord[]): string[] {
  return [...byName(attempts).keys()];
}

function actionView(records: readonly ActionRecord[]): RunActionView {
  const keys = new Set(records.map((record) => record.iterationKey));
  const inLoop = [...keys].some((key) => key !== '');
  const shown = [...keys].reduce((last, key) => (compareIterationKeys(key, last) > 0 ? key : last));
  return { ...attemptView(records.filter((record) => record.iterationKey === shown)), ...(inLoop ? { iterations: keys.size } : {}) };
}

/** The last attempt's status and values, with the number of attempts (`tries` is never empty). */
function attemptView(tries: readonly ActionRecord[]): Omit<RepetitionView, 'iterationKey'> {
  const last = tries.reduce((latest, record) => (record.attempt > latest.attempt ? record : latest));
  return {
    status: last.status,
    inputs: last.inputs ?? null,
    outputs: last.outputs ?? null,
    error: last.error ?? null,
    attempts: tries.length,
    startTime: isoTime(last.startedAt),
    endTime: last.endedAt === null ? null : isoTime(last.endedAt),
  };
}

/** Attempts by action name, names in the order they first started. */
function byName(attempts: readonly ActionRecord[]): Map<string, ActionRecord[]> {
  return Map.groupBy(attempts, (record) => record.name);
}

/** Attempts by loop iteration. */
function byIteration(records: readonly ActionRecord[]): Map<string, ActionRecord[]> {
  return Map.groupBy(records, (record) => record.iterationKey);
}

function onlyCaseInsensitiveMatch(grouped: ReadonlyMap<string, ActionRecord[]>, name: string): ActionRecord[] | undefined {
  const lower = name.toLowerCase();
  const matches = [...grouped].filter(([candidate]) => candidate.toLowerCase() === lower);
  return matches.length === 1 ? matches[0]?.[1] : undefined;
}
