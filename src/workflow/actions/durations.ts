/** Wait's calendar units, as milliseconds (ISO 8601 durations are parsed by rules/iso-duration.ts). */

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** The units of Wait's `interval` (and of Recurrence's `frequency`). */
export type CalendarUnit = 'Second' | 'Minute' | 'Hour' | 'Day' | 'Week' | 'Month';

/** Every {@link CalendarUnit}. */
export const CALENDAR_UNITS: readonly CalendarUnit[] = Object.freeze(['Second', 'Minute', 'Hour', 'Day', 'Week', 'Month']);

const UNIT_MS: Readonly<Record<Exclude<CalendarUnit, 'Month'>, number>> = { Second: SECOND, Minute: MINUTE, Hour: HOUR, Day: DAY, Week: 7 * DAY };

/** Largest distance from the epoch a `Date` holds, in ms (±100,000,000 days). */
const MAX_TIME_MS = 8.64e15;

/**
 * `from` plus `count` units, in UTC; months are calendar months (Jan 31 + 1 month = the last day of
 * February). NaN when the result is outside the range of a `Date`, so callers check with `Number.isFinite`.
 */
export function addCalendarUnits(from: number, step: { readonly count: number; readonly unit: CalendarUnit }): number {
  const { count, unit } = step;
  if (unit !== 'Month') {
    const at = from + count * UNIT_MS[unit];
    return Math.abs(at) <= MAX_TIME_MS ? at : Number.NaN;
  }
  const date = new Date(from);
  const day = date.getUTCDate();
  date.setUTCDate(1);
  date.setUTCMonth(date.getUTCMonth() + count);
  const lastDay = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 0)).getUTCDate();
  date.setUTCDate(Math.min(day, lastDay));
  return date.getTime();
}

/** The unit named by `text`, ignoring case, or undefined. */
export function parseCalendarUnit(text: unknown): CalendarUnit | undefined {
  if (typeof text !== 'string') return undefined;
  const lower = text.trim().toLowerCase();
  return CALENDAR_UNITS.find((unit) => unit.toLowerCase() === lower);
}
