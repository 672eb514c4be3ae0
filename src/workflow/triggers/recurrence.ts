/**
 * The Recurrence trigger's schedule (wdl.md §3; Microsoft's "Schedules for recurring triggers"):
 * when does a `recurrence` fire next? Pure: times in, times out; no timers, no storage.
 *
 * - **Simple** recurrences (no `schedule`) fire at `start + k·interval`, k ≥ 0, where `start` is
 *   `startTime`, or the moment the trigger was enabled (`anchorMs`) when there is none. Second,
 *   Minute and Hour count elapsed time; Day, Week and Month count the calendar in the time zone,
 *   so a daily 08:00 stays at 08:00 local across DST changes. Month from the 31st clamps to the
 *   month's last day (31 Jan → 29 Feb → 31 Mar), counted from the start each time.
 * - **Complex** recurrences (`schedule`) fire at every listed hour × minute (second 0) on the
 *   listed days — every `interval`-th day (Day), the listed `weekDays` of every `interval`-th
 *   Sunday-based week (Week), the listed `monthDays` / `monthlyOccurrences` of every
 *   `interval`-th month (Month) — never before `start`. A missing `hours` or `minutes` takes the
 *   start's hour or minute ("Run daily at 8 AM plus the minute-mark from when you save"); missing
 *   days take the start's week day or month day. Without `startTime`, the first fire is the first
 *   scheduled time at or after `anchorMs` (Microsoft's table says "runs the first workload
 *   instantly", its examples say "doesn't start until the next specified 15-minute mark"; we
 *   follow the examples).
 * - Missed fires are not made up: callers ask for the next one after `max(now, lastFire)` (see
 *   {@link nextOccurrence}).
 */
import { UserInputError } from '../../core/index.ts';
import { addCalendarUnits } from '../actions/durations.ts';
import { WEEK_DAYS, readScheduleTime } from './recurrence-parse.ts';
import type { Recurrence, RecurrenceFrequency, RecurrenceSchedule } from './recurrence-parse.ts';
import { WALL_DAY_MS, daysInMonth, wallClockOf, wallFields } from './recurrence-wall-clock.ts';
import type { WallClock } from './recurrence-wall-clock.ts';

// The model and the validator live in recurrence-parse.ts; this module is the one callers import.
export { RECURRENCE_INTERVAL_LIMITS, WEEK_DAYS, parseRecurrence } from './recurrence-parse.ts';
export type { MonthlyOccurrence, ParsedRecurrence, Recurrence, RecurrenceFrequency, RecurrenceSchedule, WeekDay } from './recurrence-parse.ts';

const ELAPSED_MS: Partial<Record<RecurrenceFrequency, number>> = { Second: 1_000, Minute: 60_000, Hour: 3_600_000 };
/** A schedule that finds no day within this span never fires (e.g. day 30 of every 12th month from February). */
const SCAN_LIMIT_DAYS = 100 * 366;

/** Where a recurrence starts: its first instant and, for calendar arithmetic, its wall time. */
interface Origin {
  readonly clock: WallClock;
  readonly startMs: number;
  readonly startWall: number;
  readonly endMs: number;
}

/**
 * The first fire time strictly after `afterMs` (epoch ms, UTC), or undefined when there is none
 * (past `endTime`, or a schedule that can never match). `anchorMs` is when the trigger was
 * enabled: the start of a recurrence without `startTime`.
 *
 * Catch-up policy (reliability-security.md T-D10): the scheduler asks for
 * `nextOccurrence(r, max(now, lastFire), anchor)`. After a clock jump forward or downtime, the
 * job that was due fires once, late, and the next fire is the first scheduled time after now —
 * never a burst of the missed ones (Logic Apps: "the Recurrence trigger doesn't process missed
 * recurrences"). After a jump backward, `lastFire` is later than now, so nothing fires twice.
 */
export function nextOccurrence(recurrence: Recurrence, afterMs: number, anchorMs: number): number | undefined {
  const origin = originOf(recurrence, anchorMs);
  // parseRecurrence rejects a schedule on Second/Minute/Hour; a hand-made one is ignored.
  const schedule = ELAPSED_MS[recurrence.frequency] === undefined ? recurrence.schedule : undefined;
  const next = schedule === undefined ? nextSimple(recurrence, origin, afterMs) : nextScheduled(recurrence, schedule, origin, afterMs);
  return next !== undefined && next <= origin.endMs ? next : undefined;
}

/** The first fire of a trigger enabled at `anchorMs`: `nextOccurrence` counting an occurrence at `anchorMs` itself. */
export function firstOccurrence(recurrence: Recurrence, anchorMs: number): number | undefined {
  return nextOccurrence(recurrence, anchorMs - 1, anchorMs);
}

function originOf(recurrence: Recurrence, anchorMs: number): Origin {
  const clock = wallClockOf(recurrence.timeZone);
  const endMs = recurrence.endTime === undefined ? Number.POSITIVE_INFINITY : instantOf(recurrence.endTime, 'endTime', clock).ms;
  if (recurrence.startTime === undefined) return { clock, startMs: anchorMs, startWall: clock.toWall(anchorMs), endMs };
  const start = instantOf(recurrence.startTime, 'startTime', clock);
  return { clock, startMs: start.ms, startWall: start.wall, endMs };
}

/** The instant and wall time of a validated `startTime`/`endTime`; a `Z` time keeps its instant. */
function instantOf(text: string, member: string, clock: WallClock): { ms: number; wall: number } {
  const time = readScheduleTime(text);
  if ('problem' in time) {
    throw new UserInputError(`recurrence \`${member}\` "${text}" is not a time such as "2024-09-18T14:00:00" — validate the recurrence with parseRecurrence first`, { code: 'RecurrenceInvalid' });
  }
  return time.utc ? { ms: time.ms, wall: clock.toWall(time.ms) } : { ms: clock.toInstant(time.ms), wall: time.ms };
}

function nextSimple(recurrence: Recurrence, origin: Origin, afterMs: number): number {
  const { startMs, startWall, clock } = origin;
  if (startMs > afterMs) return startMs;
  const { frequency: unit, interval } = recurrence;
  const elapsed = ELAPSED_MS[unit];
  if (elapsed !== undefined) return stepFrom(recurrence, origin, Math.floor((afterMs - startMs) / (elapsed * interval)) + 1);
  let k: number;
  if (unit === 'Month') {
    const from = wallFields(startWall);
    const to = wallFields(clock.toWall(afterMs));
    k = Math.max(0, Math.floor(((to.year - from.year) * 12 + to.month - from.month) / interval) - 1);
  } else {
    k = Math.max(0, Math.floor((afterMs - startMs) / (interval * (unit === 'Week' ? 7 : 1) * WALL_DAY_MS)) - 1);
  }
  while (stepFrom(recurrence, origin, k) <= afterMs) k += 1;
  return stepFrom(recurrence, origin, k);
}

/** The `index`-th step of a simple recurrence from its start: elapsed time for Second–Hour, the zone's calendar for Day–Month. */
function stepFrom(recurrence: Recurrence, origin: Origin, index: number): number {
  const { frequency: unit, interval } = recurrence;
  const elapsed = ELAPSED_MS[unit];
  if (elapsed !== undefined) return origin.startMs + index * elapsed * interval;
  return origin.clock.toInstant(addCalendarUnits(origin.startWall, { count: index * interval, unit }));
}

/**
 * The `index`-th fire of a recurrence read as simple (its `schedule` ignored): 0 is the start,
 * negative indexes are before it. Sliding windows use these as window boundaries.
 */
export function simpleOccurrence(recurrence: Recurrence, index: number, anchorMs: number): number {
  return stepFrom(recurrence, originOf(recurrence, anchorMs), index);
}

function nextScheduled(recurrence: Recurrence, schedule: RecurrenceSchedule, origin: Origin, afterMs: number): number | undefined {
  const { clock, startMs, startWall } = origin;
  const start = wallFields(startWall);
  const times = timesOfDay(schedule.hours ?? [start.hour], schedule.minutes ?? [start.minute]);
  const matches = dayMatcher(recurrence, schedule, startWall);
  const startDay = Math.floor(startWall / WALL_DAY_MS);
  // One day of margin: DST can make a wall time on the previous day an instant after `afterMs`.
  const fromDay = Math.max(startDay, Math.floor(clock.toWall(Math.max(afterMs, startMs)) / WALL_DAY_MS) - 1);
  let best: number | undefined;
  let bestDay = 0;
  for (let day = fromDay; day <= fromDay + SCAN_LIMIT_DAYS; day += 1) {
    // A time skipped by DST near midnight can resolve past the next day's first time: look one day further.
    if (best !== undefined && day > bestDay + 1) break;
    if (!matches(day)) continue;
    for (const time of times) {
      const at = clock.toInstant(day * WALL_DAY_MS + time);
      if (at > afterMs && at >= startMs && (best === undefined || at < best)) {
        best = at;
        bestDay = day;
      }
    }
  }
  return best;
}

function timesOfDay(hours: readonly number[], minutes: readonly number[]): number[] {
  const times = new Set<number>();
  for (const hour of hours) for (const minute of minutes) times.add((hour * 60 + minute) * 60_000);
  return [...times].sort((a, b) => a - b);
}

/** Whether a wall day (days since 1970-01-01) is one the schedule fires on. */
function dayMatcher(recurrence: Recurrence, schedule: RecurrenceSchedule, startWall: number): (day: number) => boolean {
  const { interval } = recurrence;
  const startDay = Math.floor(startWall / WALL_DAY_MS);
  const start = wallFields(startWall);
  if (recurrence.frequency === 'Week') {
    const weekDays = new Set((schedule.weekDays ?? [WEEK_DAYS[start.weekDay] ?? 'Sunday']).map((name) => WEEK_DAYS.indexOf(name)));
    // 1970-01-01 was a Thursday: day + 4 counts from the Sunday before it.
    const startWeek = Math.floor((startDay + 4) / 7);
    return (day) => weekDays.has((((day + 4) % 7) + 7) % 7) && (Math.floor((day + 4) / 7) - startWeek) % interval === 0;
  }
  if (recurrence.frequency === 'Month') {
    const startMonth = start.year * 12 + start.month - 1;
    const explicit = schedule.monthDays !== undefined || schedule.monthlyOccurrences !== undefined;
    return (day) => {
      const date = wallFields(day * WALL_DAY_MS);
      if ((date.year * 12 + date.month - 1 - startMonth) % interval !== 0) return false;
      const length = daysInMonth(date.year, date.month);
      if (!explicit) return date.day === Math.min(start.day, length);
      if (schedule.monthDays?.some((d) => (d > 0 ? d : length + d + 1) === date.day)) return true;
      return (
        schedule.monthlyOccurrences?.some(
          (o) => WEEK_DAYS.indexOf(o.day) === date.weekDay && (o.occurrence > 0 ? Math.ceil(date.day / 7) === o.occurrence : Math.floor((length - date.day) / 7) + 1 === -o.occurrence),
        ) ?? false
      );
    };
  }
  return (day) => (day - startDay) % interval === 0;
}
