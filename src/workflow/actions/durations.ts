/** ISO 8601 durations (`PT7S`, `P1D`) and Wait's calendar units, as milliseconds. */

const DURATION = /^P(?!$)(?:(\d+(?:[.,]\d+)?)Y)?(?:(\d+(?:[.,]\d+)?)M)?(?:(\d+(?:[.,]\d+)?)W)?(?:(\d+(?:[.,]\d+)?)D)?(?:T(?=\d)(?:(\d+(?:[.,]\d+)?)H)?(?:(\d+(?:[.,]\d+)?)M)?(?:(\d+(?:[.,]\d+)?)S)?)?$/i;
const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * Milliseconds of an ISO 8601 duration, or undefined when `text` is not one. Years count 365 days
 * and months 30 days (a duration without a start date has no calendar); retry intervals and
 * timeouts are given in seconds to days in practice.
 */
export function isoDurationToMs(text: string): number | undefined {
  const match = DURATION.exec(text.trim());
  if (match === null) return undefined;
  const part = (index: number): number => {
    const raw = match[index];
    return raw === undefined ? 0 : Number(raw.replace(',', '.'));
  };
  return Math.round(part(1) * 365 * DAY + part(2) * 30 * DAY + part(3) * 7 * DAY + part(4) * DAY + part(5) * HOUR + part(6) * MINUTE + part(7) * SECOND);
}

/** The units of Wait's `interval` (and of Recurrence's `frequency`). */
export type CalendarUnit = 'Second' | 'Minute' | 'Hour' | 'Day' | 'Week' | 'Month';

/** Every {@link CalendarUnit}. */
export const CALENDAR_UNITS: readonly CalendarUnit[] = Object.freeze(['Second', 'Minute', 'Hour', 'Day', 'Week', 'Month']);

const UNIT_MS: Readonly<Record<Exclude<CalendarUnit, 'Month'>, number>> = { Second: SECOND, Minute: MINUTE, Hour: HOUR, Day: DAY, Week: 7 * DAY };

/** `from` plus `count` units, in UTC; months are calendar months (Jan 31 + 1 month = the last day of February). */
export function addCalendarUnits(from: number, step: { readonly count: number; readonly unit: CalendarUnit }): number {
  const { count, unit } = step;
  if (unit !== 'Month') return from + count * UNIT_MS[unit];
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
