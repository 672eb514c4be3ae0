/**
 * Wall-clock time in a Windows time zone, for schedules: converting instants to wall times and
 * back with the daylight-saving rules Logic Apps documents (concepts-schedule-automated-recurring-
 * tasks-workflows, "Trigger recurrence for daylight saving time and standard time"):
 *
 * - a wall time skipped by a spring-forward change fires as if the clock had not changed yet, so
 *   2:30 AM on the day Central Time jumps from 2:00 to 3:00 fires at 3:30 AM CDT (08:30 UTC);
 * - a wall time repeated by a fall-back change fires once, at its first occurrence (1:30 AM CDT).
 *
 * A "wall" value is milliseconds since 1970-01-01T00:00 of the local calendar, i.e. the wall
 * fields read as if they were UTC — so days are exactly 24 h and calendar arithmetic is plain.
 */
import { UserInputError } from '../../core/index.ts';
// The one Windows-zone table (expressions' convertTimeZone uses it too).
import { TimeZoneError, findTimeZone } from '../../expressions/index.ts';
import type { TimeZone } from '../../expressions/index.ts';
import { WINDOWS_TO_IANA_MAP, findWindows } from 'windows-iana';
import { closestName } from '../definition/checks/check.ts';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;
/** .NET ticks (100 ns since 0001-01-01) of the Unix epoch: `TimeZone.offsetAt` takes ticks. */
const UNIX_EPOCH_TICKS = 621_355_968_000_000_000n;
/** Offsets are never more than 14 h from UTC, so ±2 days around a wall time bound its instant. */
const PROBE_MS = 2 * DAY_MS;
const STABLE_SPAN_MS = PROBE_MS - 15 * HOUR_MS;

/** Converts between instants (epoch ms, UTC) and wall times (see the module comment) of one zone. */
export interface WallClock {
  /** The canonical Windows ID, or undefined for UTC without a `timeZone`. */
  readonly timeZone: string | undefined;
  /** The wall time of an instant. */
  toWall(utcMs: number): number;
  /** The instant a wall time fires at: skipped times move forward by the gap, repeated times take the first. */
  toInstant(wallMs: number): number;
}

/** UTC, for recurrences without a `timeZone`: wall time is the instant. */
export const UTC_WALL_CLOCK: WallClock = Object.freeze({ timeZone: undefined, toWall: (ms: number) => ms, toInstant: (ms: number) => ms });

const clocks = new Map<string, WallClock>();

/**
 * The wall clock of a Windows time zone ID (case-insensitive), or UTC when `timeZone` is
 * undefined. Throws {@link UnknownTimeZoneError} for an unknown ID.
 */
export function wallClockOf(timeZone: string | undefined): WallClock {
  if (timeZone === undefined) return UTC_WALL_CLOCK;
  const key = timeZone.trim().toLowerCase();
  const cached = clocks.get(key);
  if (cached !== undefined) return cached;
  let zone: TimeZone;
  try {
    zone = findTimeZone(timeZone);
  } catch (error) {
    if (error instanceof TimeZoneError) {
      const suggestion = suggestTimeZone(timeZone);
      throw new UnknownTimeZoneError(`"${timeZone}" is not a Windows time zone ID${suggestion === undefined ? '' : ` — did you mean "${suggestion}"?`}`);
    }
    throw error;
  }
  const clock = zoneClock(zone);
  clocks.set(key, clock);
  return clock;
}

/** The canonical spelling of a Windows time zone ID (`pacific standard time` → `Pacific Standard Time`). Throws {@link UnknownTimeZoneError}. */
export function canonicalTimeZone(timeZone: string): string {
  return wallClockOf(timeZone).timeZone ?? 'UTC';
}

/**
 * The Windows ID someone probably meant: the Windows zone of an IANA name (`Europe/Berlin` →
 * `W. Europe Standard Time`), or the closest Windows ID by spelling.
 */
export function suggestTimeZone(name: string): string | undefined {
  const trimmed = name.trim();
  if (trimmed.includes('/')) {
    const iana = [...new Set(WINDOWS_TO_IANA_MAP.flatMap((entry) => entry.iana))].find((id) => id.toLowerCase() === trimmed.toLowerCase());
    const [windows] = iana === undefined ? [] : findWindows(iana);
    if (windows !== undefined) return windows;
  }
  return closestName(trimmed, new Set(WINDOWS_TO_IANA_MAP.map((entry) => entry.windowsName)));
}

/** Thrown for a time zone ID that is not a Windows ID; the message names the closest known one when there is one. */
export class UnknownTimeZoneError extends UserInputError {
  constructor(message: string) {
    super(message, { code: 'RecurrenceTimeZoneUnknown' });
    this.name = 'UnknownTimeZoneError';
  }
}

function zoneClock(zone: TimeZone): WallClock {
  const offsetMs = (utcMs: number): number => zone.offsetAt(BigInt(Math.floor(utcMs)) * 10_000n + UNIX_EPOCH_TICKS) * MINUTE_MS;
  // Most conversions land far from a DST change: remember the last span with one offset.
  let stable: { from: number; to: number; offset: number } | undefined;
  return Object.freeze({
    timeZone: zone.windowsId,
    toWall: (utcMs: number) => utcMs + offsetMs(utcMs),
    toInstant(wallMs: number): number {
      if (stable !== undefined && wallMs >= stable.from && wallMs <= stable.to) return wallMs - stable.offset;
      const before = offsetMs(wallMs - PROBE_MS);
      const after = offsetMs(wallMs + PROBE_MS);
      if (before === after) {
        stable = { from: wallMs - STABLE_SPAN_MS, to: wallMs + STABLE_SPAN_MS, offset: before };
        return wallMs - before;
      }
      const early = wallMs - before;
      const late = wallMs - after;
      const earlyValid = offsetMs(early) === before;
      const lateValid = offsetMs(late) === after;
      if (earlyValid && lateValid) return Math.min(early, late);
      if (earlyValid) return early;
      if (lateValid) return late;
      // Skipped by a spring-forward change: read with the offset in force before it (2:30 → 3:30).
      return early;
    },
  });
}

/** Calendar fields of a wall time. */
export interface WallFields {
  readonly year: number;
  /** 1–12. */
  readonly month: number;
  /** 1–31. */
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  /** 0 = Sunday … 6 = Saturday. */
  readonly weekDay: number;
}

/** The calendar fields of a wall time. */
export function wallFields(wallMs: number): WallFields {
  const date = new Date(wallMs);
  return {
    year: date.getUTCFullYear(),
    month: date.getUTCMonth() + 1,
    day: date.getUTCDate(),
    hour: date.getUTCHours(),
    minute: date.getUTCMinutes(),
    second: date.getUTCSeconds(),
    weekDay: date.getUTCDay(),
  };
}

/** The wall time of calendar fields (years before 100 are not remapped to the 1900s). */
export function wallOf(fields: { readonly year: number; readonly month: number; readonly day: number; readonly hour?: number; readonly minute?: number; readonly second?: number; readonly millisecond?: number }): number {
  const date = new Date(0);
  date.setUTCFullYear(fields.year, fields.month - 1, fields.day);
  date.setUTCHours(fields.hour ?? 0, fields.minute ?? 0, fields.second ?? 0, fields.millisecond ?? 0);
  return date.getTime();
}

/** Days in a month (1–12) of a year. */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Milliseconds in a day of wall time (always 24 h: DST lives in the conversion, not here). */
export const WALL_DAY_MS = DAY_MS;
