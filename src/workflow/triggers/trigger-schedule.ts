/**
 * What kind of trigger a definition holds, and when its checks are due: Recurrence and
 * SlidingWindow fire on their schedule; polling triggers (Http, ApiConnection,
 * OpenApiConnection) poll on their `recurrence`. The schedule arithmetic is recurrence.ts and
 * sliding-window.ts; this module keeps the trigger's anchor and last window in its cursor.
 */
import { PlugboardError } from '../../core/index.ts';
import type { Issue } from '../../core/index.ts';
import type { WorkflowTrigger } from '../definition/model.ts';
import { isPollableTrigger } from './polling.ts';
import { nextOccurrence, parseRecurrence } from './recurrence.ts';
import type { Recurrence } from './recurrence.ts';
import { nextWindow, parseSlidingWindow, slidingWindowOutputs } from './sliding-window.ts';
import type { SlidingWindow } from './sliding-window.ts';
import { webhookKindOf } from './webhook.ts';

/** How a trigger starts runs. */
export type TriggerKind = 'request' | 'schedule' | 'polling' | 'webhook' | 'other';

/**
 * The kind of a trigger by its type. Polling and webhook kinds come from the modules that poll and
 * subscribe, so a type they cannot handle (ApiConnectionNotification …) is 'other': it starts no
 * runs instead of failing to subscribe and disabling its flow.
 */
export function triggerKindOf(trigger: WorkflowTrigger): TriggerKind {
  const type = trigger.type.toLowerCase();
  if (type === 'request') return 'request';
  if (type === 'recurrence' || type === 'slidingwindow') return 'schedule';
  if (isPollableTrigger(trigger)) return 'polling';
  if (webhookKindOf(trigger.type) !== undefined) return 'webhook';
  return 'other';
}

/** A trigger's schedule. */
export type TriggerSchedule = { readonly kind: 'recurrence'; readonly recurrence: Recurrence } | { readonly kind: 'window'; readonly window: SlidingWindow };

/** The cursor members this module keeps (the trigger service stores them with the rest). */
interface ScheduleCursor {
  /** When the trigger was activated (epoch ms): simple recurrences without startTime count from it. */
  readonly anchor?: unknown;
  /** End of the last window fired (epoch ms). */
  readonly windowEnd?: unknown;
}

/** Polling triggers without a recurrence poll every 3 minutes (Logic Apps' designer default). */
const DEFAULT_POLLING_RECURRENCE = { frequency: 'Minute', interval: 3 };

/** The schedule of a Recurrence, SlidingWindow or polling trigger; a PlugboardError names what is wrong. */
export function scheduleOf(trigger: WorkflowTrigger): TriggerSchedule {
  const raw = trigger.raw['recurrence'] ?? (triggerKindOf(trigger) === 'polling' ? DEFAULT_POLLING_RECURRENCE : undefined);
  if (trigger.type.toLowerCase() === 'slidingwindow') {
    const parsed = parseSlidingWindow(raw, `${trigger.pointer}/recurrence`, { value: trigger.raw['inputs'], pointer: `${trigger.pointer}/inputs` });
    if (parsed.window === undefined) throw invalid(trigger, parsed.issues);
    return { kind: 'window', window: parsed.window };
  }
  const parsed = parseRecurrence(raw, `${trigger.pointer}/recurrence`);
  if (parsed.recurrence === undefined) throw invalid(trigger, parsed.issues);
  return { kind: 'recurrence', recurrence: parsed.recurrence };
}

function invalid(trigger: WorkflowTrigger, issues: readonly Issue[]): PlugboardError {
  const first = issues.find((issue) => issue.severity === 'error') ?? issues[0];
  return new PlugboardError(`trigger '${trigger.name}' has no usable recurrence${first === undefined ? '' : `: ${first.message} (at ${first.path})`}`, {
    code: 'TriggerRecurrenceInvalid',
    kind: 'user',
  });
}

const anchorOf = (cursor: ScheduleCursor, fallback: number): number => (typeof cursor.anchor === 'number' ? cursor.anchor : fallback);
const windowEndOf = (cursor: ScheduleCursor): number | undefined => (typeof cursor.windowEnd === 'number' ? cursor.windowEnd : undefined);

/** When a freshly activated trigger is first due. */
export function firstCheckAt(schedule: TriggerSchedule, cursor: ScheduleCursor, now: number): number {
  if (schedule.kind === 'window') return nextWindow(schedule.window, windowEndOf(cursor), anchorOf(cursor, now)).fireAt;
  return nextOccurrence(schedule.recurrence, now - 1, anchorOf(cursor, now)) ?? Number.MAX_SAFE_INTEGER;
}

/** A due schedule trigger fires: its outputs, and what to remember. */
export function fireSchedule(schedule: TriggerSchedule, cursor: ScheduleCursor, dueAt: number): { readonly outputs: unknown; readonly cursor: Readonly<Record<string, unknown>> } {
  if (schedule.kind === 'window') {
    const window = nextWindow(schedule.window, windowEndOf(cursor), anchorOf(cursor, dueAt));
    return { outputs: slidingWindowOutputs(window), cursor: { windowEnd: window.windowEndTime } };
  }
  // A Recurrence trigger has no outputs (its fire time is the run's start).
  void dueAt;
  return { outputs: null, cursor: {} };
}

/**
 * When the check after one due at `dueAt` is due. Recurrences never fire twice for one period: after
 * a late check (the process was down, the clock jumped) the next one is the first occurrence after
 * now. Sliding windows catch up: each missed window is due at once, one after the other.
 */
export function nextCheckAt(schedule: TriggerSchedule, cursor: ScheduleCursor, dueAt: number, now: number): number {
  if (schedule.kind === 'window') return nextWindow(schedule.window, windowEndOf(cursor), anchorOf(cursor, now)).fireAt;
  return nextOccurrence(schedule.recurrence, Math.max(now, dueAt), anchorOf(cursor, now)) ?? Number.MAX_SAFE_INTEGER;
}

/** What is wrong with a schedule or polling trigger's `recurrence` (pointers into the definition); [] for other triggers. */
export function scheduleIssues(trigger: WorkflowTrigger): Issue[] {
  const kind = triggerKindOf(trigger);
  if (kind !== 'schedule' && !(kind === 'polling' && trigger.raw['recurrence'] !== undefined)) return [];
  if (trigger.type.toLowerCase() === 'slidingwindow') {
    return [...parseSlidingWindow(trigger.raw['recurrence'], `${trigger.pointer}/recurrence`, { value: trigger.raw['inputs'], pointer: `${trigger.pointer}/inputs` }).issues];
  }
  return [...parseRecurrence(trigger.raw['recurrence'], `${trigger.pointer}/recurrence`).issues];
}
