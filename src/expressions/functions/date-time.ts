/**
 * Date and time functions: addDays, addHours, addMinutes, addSeconds, addToTime, convertFromUtc,
 * convertTimeZone, convertToUtc, dateDifference, dayOfMonth, dayOfWeek, dayOfYear, formatDateTime,
 * getFutureTime, getPastTime, parseDateTime, startOfDay, startOfHour, startOfMonth,
 * subtractFromTime, ticks, utcNow. Timestamps are .NET DateTimes (100 ns ticks); results use the
 * `o` format (`2018-03-25T00:00:00.0000000Z`) unless a .NET format string is given; time zones
 * are Windows IDs.
 */
import { CultureError, cultureOf } from '../dotnet/cultures.ts';
import type { Culture } from '../dotnet/cultures.ts';
import { DateFormatError, formatDateTime, parseDateTime, parseExact } from '../dotnet/date-format.ts';
import { DateTimeError, MAX_TICKS, TICKS_PER_DAY, TICKS_PER_HOUR, addTime, civilOf, daysFromCivil, formatTimeSpan, timeUnitOf } from '../dotnet/date-time.ts';
import type { DateTimeValue, TimeUnit } from '../dotnet/date-time.ts';
import { TimeZoneError, findTimeZone, utcToZone, zoneToUtc } from '../dotnet/time-zones.ts';
import type { TimeZone } from '../dotnet/time-zones.ts';
import { intValue, toDouble } from '../values.ts';
import { definer } from './arguments.ts';
import type { Arguments } from './arguments.ts';
import type { FunctionFamily, FunctionRuntime } from './runtime.ts';

const EN_US = (): Culture => cultureOf('en-US');

function guard<T>(args: Arguments, work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (error instanceof DateTimeError || error instanceof DateFormatError || error instanceof TimeZoneError || error instanceof CultureError) return args.fail(error.message);
    throw error;
  }
}

/** Reads a timestamp argument (ISO 8601, or an en-US date such as `03/15/2018 12:00:00`). */
function timestamp(args: Arguments, index: number): DateTimeValue {
  const text = args.string(index, 'timestamp');
  try {
    return parseDateTime(text, { culture: EN_US(), defaultYear: civilOf(args.runtime.now().ticks).year });
  } catch (error) {
    if (error instanceof DateTimeError) return args.fail(`argument ${index + 1} (timestamp) is not a valid timestamp: ${error.message} (write ISO 8601 such as 2018-03-15T13:00:00Z)`);
    throw error;
  }
}

/** Formats a result with the optional format argument at `formatAt` (default `o`). */
function formatted(args: Arguments, result: { readonly value: DateTimeValue; readonly formatAt: number }): string {
  const format = args.has(result.formatAt) ? args.string(result.formatAt, 'format') : 'o';
  try {
    return formatDateTime(result.value, { format, culture: EN_US() });
  } catch (error) {
    if (error instanceof DateFormatError) return args.fail(`argument ${result.formatAt + 1} (format) is not a valid date and time format: ${error.message}`);
    throw error;
  }
}

/** A number of units (whole or fractional). */
function amount(args: Arguments, index: number): number {
  const numeric = args.number(index, 'interval');
  return numeric.kind === 'int' ? Number(numeric.value) : toDouble(numeric);
}

function unit(args: Arguments, index: number): TimeUnit {
  const found = timeUnitOf(args.string(index, 'timeUnit'));
  if (found === undefined) return args.fail(`argument ${index + 1} (timeUnit) must be one of Second, Minute, Hour, Day, Week, Month, Year`);
  return found;
}

function zone(args: Arguments, index: number): TimeZone {
  const id = args.string(index, 'timeZone');
  return guard(args, () => findTimeZone(id));
}

/** A tick count of a converted time, checked to stay within 0001–9999. */
function checked(ticks: bigint): bigint {
  if (ticks < 0n || ticks > MAX_TICKS) throw new DateTimeError('the converted time is outside 0001-01-01..9999-12-31');
  return ticks;
}

/** The functions of this family. */
export function dateTimeFunctions(runtime: FunctionRuntime): FunctionFamily {
  const { fn } = definer(runtime);
  const now = (): DateTimeValue => runtime.now();
  const adder = (fixedUnit: TimeUnit) =>
    fn([2, 3], (args) => {
      const start = timestamp(args, 0);
      return formatted(args, { value: guard(args, () => addTime(start, { amount: amount(args, 1), unit: fixedUnit })), formatAt: 2 });
    });
  const shifted = (sign: 1 | -1) =>
    fn([3, 4], (args) => {
      const start = timestamp(args, 0);
      return formatted(args, { value: guard(args, () => addTime(start, { amount: sign * amount(args, 1), unit: unit(args, 2) })), formatAt: 3 });
    });
  const fromNow = (sign: 1 | -1) => fn([2, 3], (args) => formatted(args, { value: guard(args, () => addTime(now(), { amount: sign * amount(args, 0), unit: unit(args, 1) })), formatAt: 2 }));
  const startOf = (truncate: (value: DateTimeValue) => bigint) =>
    fn([1, 2], (args) => {
      const value = timestamp(args, 0);
      return formatted(args, { value: { ticks: truncate(value), kind: value.kind }, formatAt: 1 });
    });
  return {
    addDays: adder('day'),
    addHours: adder('hour'),
    addMinutes: adder('minute'),
    addSeconds: adder('second'),
    addToTime: shifted(1),
    subtractFromTime: shifted(-1),
    getFutureTime: fromNow(1),
    getPastTime: fromNow(-1),
    convertFromUtc: fn([2, 3], (args) => {
      const start = timestamp(args, 0);
      const destination = zone(args, 1);
      return formatted(args, { value: guard(args, () => ({ ticks: checked(utcToZone(start.ticks, destination)), kind: 'unspecified' })), formatAt: 2 });
    }),
    convertToUtc: fn([2, 3], (args) => {
      const start = timestamp(args, 0);
      const source = zone(args, 1);
      return formatted(args, { value: guard(args, () => ({ ticks: checked(start.kind === 'utc' ? start.ticks : zoneToUtc(start.ticks, source)), kind: 'utc' })), formatAt: 2 });
    }),
    convertTimeZone: fn([3, 4], (args) => {
      const start = timestamp(args, 0);
      const source = zone(args, 1);
      const destination = zone(args, 2);
      // A timestamp with Z or an offset is an instant already; one without is wall-clock time in the source zone.
      const utc = start.kind === 'utc' ? start.ticks : guard(args, () => zoneToUtc(start.ticks, source));
      const toUtc = destination.iana === 'Etc/UTC';
      const value: DateTimeValue = guard(args, () => ({ ticks: checked(toUtc ? utc : utcToZone(utc, destination)), kind: toUtc ? 'utc' : 'unspecified' }));
      return formatted(args, { value, formatAt: 3 });
    }),
    dateDifference: fn([2, 2], (args) => formatTimeSpan(timestamp(args, 1).ticks - timestamp(args, 0).ticks)),
    dayOfMonth: fn([1, 1], (args) => civilOf(timestamp(args, 0).ticks).day),
    dayOfWeek: fn([1, 1], (args) => civilOf(timestamp(args, 0).ticks).dayOfWeek),
    dayOfYear: fn([1, 1], (args) => civilOf(timestamp(args, 0).ticks).dayOfYear),
    formatDateTime: fn([1, 3], (args) => {
      const value = timestamp(args, 0);
      const format = args.has(1) ? args.string(1, 'format') : 'o';
      const culture = args.culture(2, 'locale');
      return guard(args, () => formatDateTime(value, { format, culture }));
    }),
    parseDateTime: fn([1, 3], (args) => {
      const text = args.string(0, 'timestamp');
      const culture = args.culture(1, 'locale');
      const format = args.optionalString(2, 'format');
      const value = guard(args, () => (format === undefined ? parseDateTime(text, { culture, defaultYear: civilOf(now().ticks).year }) : parseExact(text, { format, culture })));
      return formatDateTime(value, { format: 'o', culture });
    }),
    startOfDay: startOf((value) => value.ticks - (value.ticks % TICKS_PER_DAY)),
    startOfHour: startOf((value) => value.ticks - (value.ticks % TICKS_PER_HOUR)),
    startOfMonth: startOf((value) => {
      const civil = civilOf(value.ticks);
      return BigInt(daysFromCivil({ year: civil.year, month: civil.month, day: 1 })) * TICKS_PER_DAY;
    }),
    ticks: fn([1, 1], (args) => intValue(timestamp(args, 0).ticks)),
    utcNow: fn([0, 1], (args) => formatted(args, { value: now(), formatAt: 0 })),
  };
}
