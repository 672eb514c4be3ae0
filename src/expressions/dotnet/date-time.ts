/**
 * .NET's `DateTime`: 100-nanosecond ticks since 0001-01-01T00:00:00 on the proleptic Gregorian
 * calendar, with a kind (`Utc` prints `Z`, `Unspecified` prints no offset). Ticks are bigints
 * because they exceed 2^53 (`ticks('2018-01-01')` is 636,503,616,000,000,000), and the calendar is
 * computed here (not with `Date`) so years 1–9999 and 7 fractional digits work exactly.
 */

/** Ticks (100 ns) per millisecond. */
export const TICKS_PER_MILLISECOND = 10_000n;
/** Ticks per second. */
export const TICKS_PER_SECOND = 10_000_000n;
/** Ticks per minute. */
export const TICKS_PER_MINUTE = 600_000_000n;
/** Ticks per hour. */
export const TICKS_PER_HOUR = 36_000_000_000n;
/** Ticks per day. */
export const TICKS_PER_DAY = 864_000_000_000n;
/** 9999-12-31T23:59:59.9999999. */
export const MAX_TICKS = 3_155_378_975_999_999_999n;
/** 1970-01-01T00:00:00. */
export const UNIX_EPOCH_TICKS = 621_355_968_000_000_000n;

/** `utc`: an instant (printed with `Z`); `unspecified`: a wall-clock time without offset. */
export type DateTimeKind = 'utc' | 'unspecified';

/** A .NET DateTime. */
export interface DateTimeValue {
  readonly ticks: bigint;
  readonly kind: DateTimeKind;
}

/** Thrown for dates outside 0001–9999 or impossible fields; callers word the error. */
export class DateTimeError extends Error {
  override readonly name = 'DateTimeError';
}

/** The calendar fields of a DateTime. */
export interface CivilDateTime {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  /** Ticks within the second, 0–9,999,999. */
  readonly fraction: number;
  /** 0 = Sunday. */
  readonly dayOfWeek: number;
  /** 1-based. */
  readonly dayOfYear: number;
}

/** Days from 0001-01-01 to year-month-day (Howard Hinnant's days_from_civil, shifted to .NET's epoch). */
export function daysFromCivil({ year, month, day }: { readonly year: number; readonly month: number; readonly day: number }): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  // 719468 shifts 0000-03-01 to 1970-01-01; 719162 is 0001-01-01..1970-01-01.
  return era * 146097 + doe - 719468 + 719162;
}

/** The civil date of a day number counted from 0001-01-01. */
export function civilFromDays(days: number): { year: number; month: number; day: number } {
  const z = days - 719162 + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

/** Gregorian leap years. */
export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** Days in a month (1-based) of a year. */
export function daysInMonth(year: number, month: number): number {
  return [31, isLeapYear(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 30;
}

/** Ticks of the given fields; throws {@link DateTimeError} for impossible fields or years outside 1–9999. */
export function ticksOf(fields: { year: number; month: number; day: number; hour?: number; minute?: number; second?: number; fraction?: number }): bigint {
  const { year, month, day, hour = 0, minute = 0, second = 0, fraction = 0 } = fields;
  if (!Number.isInteger(year) || year < 1 || year > 9999) throw new DateTimeError('the year is outside 1–9999');
  if (!Number.isInteger(month) || month < 1 || month > 12) throw new DateTimeError('the month is outside 1–12');
  if (!Number.isInteger(day) || day < 1 || day > daysInMonth(year, month)) throw new DateTimeError('the day does not exist in that month');
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59 || fraction < 0 || fraction > 9_999_999) throw new DateTimeError('the time of day is out of range');
  return (
    BigInt(daysFromCivil({ year, month, day })) * TICKS_PER_DAY +
    BigInt(hour) * TICKS_PER_HOUR +
    BigInt(minute) * TICKS_PER_MINUTE +
    BigInt(second) * TICKS_PER_SECOND +
    BigInt(fraction)
  );
}

/** The calendar fields of a tick count. */
export function civilOf(ticks: bigint): CivilDateTime {
  const days = Number(ticks / TICKS_PER_DAY);
  let rest = ticks % TICKS_PER_DAY;
  const hour = Number(rest / TICKS_PER_HOUR);
  rest %= TICKS_PER_HOUR;
  const minute = Number(rest / TICKS_PER_MINUTE);
  rest %= TICKS_PER_MINUTE;
  const second = Number(rest / TICKS_PER_SECOND);
  const fraction = Number(rest % TICKS_PER_SECOND);
  const { year, month, day } = civilFromDays(days);
  return { year, month, day, hour, minute, second, fraction, dayOfWeek: (days + 1) % 7, dayOfYear: days - daysFromCivil({ year, month: 1, day: 1 }) + 1 };
}

/** Checks a tick count is within 0001-01-01..9999-12-31. */
export function checkRange(ticks: bigint): bigint {
  if (ticks < 0n || ticks > MAX_TICKS) throw new DateTimeError('the resulting date is outside 0001-01-01..9999-12-31');
  return ticks;
}

/** A DateTime from epoch milliseconds (UTC). */
export function fromEpochMilliseconds(ms: number): DateTimeValue {
  return { ticks: checkRange(UNIX_EPOCH_TICKS + BigInt(Math.trunc(ms)) * TICKS_PER_MILLISECOND), kind: 'utc' };
}

/** Epoch milliseconds of a tick count (sub-millisecond ticks truncated). */
export function toEpochMilliseconds(ticks: bigint): number {
  return Number((ticks - UNIX_EPOCH_TICKS) / TICKS_PER_MILLISECOND);
}

/** The units of `addToTime` and friends. */
export type TimeUnit = 'second' | 'minute' | 'hour' | 'day' | 'week' | 'month' | 'year';

const UNITS: Readonly<Record<string, TimeUnit>> = {
  second: 'second',
  seconds: 'second',
  minute: 'minute',
  minutes: 'minute',
  hour: 'hour',
  hours: 'hour',
  day: 'day',
  days: 'day',
  week: 'week',
  weeks: 'week',
  month: 'month',
  months: 'month',
  year: 'year',
  years: 'year',
};

/** `'Day'`, `'days'`, … → the unit; undefined for anything else. */
export function timeUnitOf(text: string): TimeUnit | undefined {
  const key = text.trim().toLowerCase();
  return Object.hasOwn(UNITS, key) ? UNITS[key] : undefined;
}

/**
 * Adds `amount` units (negative subtracts). Months and years keep the day, clamped to the
 * month's length (.NET's AddMonths); fractional amounts of the fixed units round to the
 * millisecond (.NET Framework's `AddDays(double)` and friends).
 */
export function addTime(value: DateTimeValue, change: { readonly amount: number; readonly unit: TimeUnit }): DateTimeValue {
  const { amount, unit } = change;
  if (unit === 'month' || unit === 'year') {
    if (!Number.isInteger(amount)) throw new DateTimeError('months and years must be whole numbers');
    const civil = civilOf(value.ticks);
    const total = civil.year * 12 + (civil.month - 1) + amount * (unit === 'year' ? 12 : 1);
    const year = Math.floor(total / 12);
    const month = (total % 12) + 1;
    if (year < 1 || year > 9999) throw new DateTimeError('the resulting date is outside 0001-01-01..9999-12-31');
    const day = Math.min(civil.day, daysInMonth(year, month));
    const timeOfDay = value.ticks % TICKS_PER_DAY;
    return { ticks: checkRange(BigInt(daysFromCivil({ year, month, day })) * TICKS_PER_DAY + timeOfDay), kind: value.kind };
  }
  const unitTicks = { second: TICKS_PER_SECOND, minute: TICKS_PER_MINUTE, hour: TICKS_PER_HOUR, day: TICKS_PER_DAY, week: 7n * TICKS_PER_DAY }[unit];
  let delta: bigint;
  if (Number.isInteger(amount)) {
    delta = BigInt(amount) * unitTicks;
  } else {
    const milliseconds = Math.round(amount * Number(unitTicks / TICKS_PER_MILLISECOND));
    if (!Number.isFinite(milliseconds)) throw new DateTimeError('the amount is not a finite number');
    delta = BigInt(milliseconds) * TICKS_PER_MILLISECOND;
  }
  return { ticks: checkRange(value.ticks + delta), kind: value.kind };
}

/** .NET's TimeSpan `c` format: `[-][d.]hh:mm:ss[.fffffff]` (`1268.00:00:00`). */
export function formatTimeSpan(ticks: bigint): string {
  const negative = ticks < 0n;
  let rest = negative ? -ticks : ticks;
  const days = rest / TICKS_PER_DAY;
  rest %= TICKS_PER_DAY;
  const hours = rest / TICKS_PER_HOUR;
  rest %= TICKS_PER_HOUR;
  const minutes = rest / TICKS_PER_MINUTE;
  rest %= TICKS_PER_MINUTE;
  const seconds = rest / TICKS_PER_SECOND;
  const fraction = rest % TICKS_PER_SECOND;
  const two = (n: bigint) => n.toString().padStart(2, '0');
  return `${negative ? '-' : ''}${days > 0n ? `${days}.` : ''}${two(hours)}:${two(minutes)}:${two(seconds)}${fraction > 0n ? `.${fraction.toString().padStart(7, '0')}` : ''}`;
}
