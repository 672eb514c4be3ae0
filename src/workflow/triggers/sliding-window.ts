/**
 * The Sliding Window trigger (`"type": "SlidingWindow"`): contiguous, non-overlapping windows of
 * `interval` × `frequency` from a start time, each run once, after it closes and an optional
 * `inputs.delay`. Unlike Recurrence, missed windows are all run, one by one — "if recurrences
 * are missed, the Sliding Window trigger goes back and processes the missed recurrences".
 *
 * Microsoft's start-time table says the trigger "uses the start time for the first run" and
 * "honors past run times". We read that as: the run at boundary T covers the window that just
 * ended, [T − interval, T). So the first window is [start − interval, start) and fires at
 * `start + delay`; without `startTime`, `start` is when the trigger was enabled ("runs
 * immediately"). Boundaries follow the same arithmetic as a simple Recurrence: elapsed time for
 * Second/Minute/Hour, the time zone's calendar for Day/Week/Month.
 */
import { escapePointerToken } from '../../core/index.ts';
import type { Issue } from '../../core/index.ts';
import { didYouMean } from '../definition/checks/check.ts';
import { parseIsoDuration } from '../rules/iso-duration.ts';
import { parseRecurrence, simpleOccurrence } from './recurrence.ts';
import type { Recurrence } from './recurrence.ts';

/** A validated Sliding Window trigger: its recurrence (never with `schedule`) and the delay after each window. */
export interface SlidingWindow {
  readonly recurrence: Recurrence;
  /** `inputs.delay` in milliseconds (0 when absent). */
  readonly delayMs: number;
}

/** One window, as epoch milliseconds (UTC): [windowStartTime, windowEndTime), run at `fireAt`. */
export interface SlidingWindowRun {
  readonly windowStartTime: number;
  readonly windowEndTime: number;
  /** `windowEndTime + delay`. */
  readonly fireAt: number;
}

/** What a window's run sees as `triggerOutputs()` (the designer's output schema: both required, `date-time`). */
export interface SlidingWindowOutputs {
  readonly windowStartTime: string;
  readonly windowEndTime: string;
}

/** The outcome of {@link parseSlidingWindow}. */
export interface ParsedSlidingWindow {
  readonly window?: SlidingWindow;
  readonly issues: Issue[];
}

const APPROXIMATE_STEP_MS: Readonly<Record<Recurrence['frequency'], number>> = { Second: 1_000, Minute: 60_000, Hour: 3_600_000, Day: 86_400_000, Week: 604_800_000, Month: 2_629_746_000 };

/**
 * Validates a SlidingWindow trigger: its `recurrence` found at JSON pointer `pointer` (as
 * {@link parseRecurrence}, without `schedule`; an `endTime` is ignored), and the trigger's
 * `inputs` (`{ "delay": "PT5M" }`, an ISO 8601 duration), when given, at `inputs.pointer`.
 */
export function parseSlidingWindow(recurrenceRaw: unknown, pointer: string, inputs?: { readonly value: unknown; readonly pointer: string }): ParsedSlidingWindow {
  const parsed = parseRecurrence(recurrenceRaw, pointer);
  const issues = [...parsed.issues];
  let recurrence = parsed.recurrence;
  if (recurrence?.schedule !== undefined) {
    issues.push({
      code: 'sliding-window-schedule-not-allowed',
      severity: 'error',
      path: `${pointer}/schedule`,
      message: 'a Sliding Window trigger has no `schedule` (hours, minutes, week or month days) — remove it, or use a Recurrence trigger for an advanced schedule',
    });
  }
  if (recurrence?.endTime !== undefined) {
    // Windows are contiguous and all run; an end would leave the last one half-covered.
    issues.push({ code: 'sliding-window-end-time-ignored', severity: 'warning', path: `${pointer}/endTime`, message: 'a Sliding Window trigger runs every window from its start; `endTime` is ignored — disable the trigger to stop it' });
    const { endTime: _ignored, ...rest } = recurrence;
    recurrence = rest;
  }
  const delayMs = inputs === undefined ? 0 : readDelay(inputs.value, inputs.pointer, issues);
  if (recurrence === undefined || recurrence.schedule !== undefined || delayMs === undefined) return { issues };
  return { window: { recurrence, delayMs }, issues };
}

function readDelay(inputs: unknown, path: string, issues: Issue[]): number | undefined {
  if (inputs === undefined || inputs === null) return 0;
  if (typeof inputs !== 'object' || Array.isArray(inputs)) {
    issues.push({ code: 'sliding-window-delay-invalid', severity: 'error', path, message: '`inputs` of a Sliding Window trigger must be an object such as { "delay": "PT5M" }' });
    return undefined;
  }
  let delayMs = 0;
  for (const [key, value] of Object.entries(inputs)) {
    if (key.toLowerCase() !== 'delay') {
      issues.push({ code: 'sliding-window-input-unknown', severity: 'warning', path: `${path}/${escapePointerToken(key)}`, message: `a Sliding Window trigger has no input \`${key}\`, so it is ignored${didYouMean(key, ['delay'])} (its only input is \`delay\`)` });
      continue;
    }
    const ms = typeof value === 'string' ? parseIsoDuration(value) : undefined;
    if (ms === undefined) {
      issues.push({ code: 'sliding-window-delay-invalid', severity: 'error', path: `${path}/${escapePointerToken(key)}`, message: `\`delay\` must be an ISO 8601 duration such as "PT5S" or "PT1H", got ${typeof value === 'string' ? `"${value}"` : typeof value}` });
      return undefined;
    }
    delayMs = ms;
  }
  return delayMs;
}

/**
 * The window after `previousWindowEnd` (epoch ms), or the first window when it is undefined.
 * `anchorMs` is when the trigger was enabled (the start when there is no `startTime`).
 *
 * Windows are contiguous: the next one always starts where the previous one ended, so the
 * scheduler catches up after downtime by running every window whose `fireAt` has passed, one
 * after the other, each with its own window times.
 */
export function nextWindow(window: SlidingWindow, previousWindowEnd: number | undefined, anchorMs: number): SlidingWindowRun {
  const { recurrence, delayMs } = window;
  const boundary = (index: number): number => simpleOccurrence(recurrence, index, anchorMs);
  if (previousWindowEnd === undefined) return { windowStartTime: boundary(-1), windowEndTime: boundary(0), fireAt: boundary(0) + delayMs };
  // The first boundary after the previous end; normally the previous end is itself a boundary.
  let index = Math.floor((previousWindowEnd - boundary(0)) / (APPROXIMATE_STEP_MS[recurrence.frequency] * recurrence.interval));
  while (boundary(index) > previousWindowEnd) index -= 1;
  while (boundary(index) <= previousWindowEnd) index += 1;
  const windowEndTime = boundary(index);
  return { windowStartTime: previousWindowEnd, windowEndTime, fireAt: windowEndTime + delayMs };
}

/** The outputs of a window's run: `triggerOutputs()?['windowStartTime']` and `…['windowEndTime']`, as ISO 8601 UTC strings. */
export function slidingWindowOutputs(run: SlidingWindowRun): SlidingWindowOutputs {
  return { windowStartTime: new Date(run.windowStartTime).toISOString(), windowEndTime: new Date(run.windowEndTime).toISOString() };
}
