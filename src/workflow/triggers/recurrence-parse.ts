/**
 * Validates a trigger's `recurrence` object (Recurrence, and the polling triggers that carry one)
 * into a {@link Recurrence}, reporting problems as issues with JSON pointers. Member names match
 * case-insensitively, as Logic Apps' JSON reader does. Values must already be evaluated: a
 * `"@parameters('interval')"` is reported, not read.
 */
import { escapePointerToken } from '../../core/index.ts';
import type { Issue, Severity } from '../../core/index.ts';
import { didYouMean } from '../definition/checks/check.ts';
import { parseCalendarUnit } from '../actions/durations.ts';
import type { CalendarUnit } from '../actions/durations.ts';
import { canonicalTimeZone, daysInMonth, suggestTimeZone, wallClockOf, wallOf } from './recurrence-wall-clock.ts';

/** A recurrence's unit: `Second`, `Minute`, `Hour`, `Day`, `Week` or `Month`. */
export type RecurrenceFrequency = CalendarUnit;

/** Week day names as Logic Apps writes them, indexed like `Date.getUTCDay()` (0 = Sunday). */
export const WEEK_DAYS = Object.freeze(['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] as const);

/** A week day name. */
export type WeekDay = (typeof WEEK_DAYS)[number];

/** "The first Monday" (`occurrence` 1) or "the last Friday" (`occurrence` -1) of a month. */
export interface MonthlyOccurrence {
  readonly day: WeekDay;
  /** 1–5 from the start of the month, -1…-5 from its end. */
  readonly occurrence: number;
}

/** The advanced schedule of a recurrence, validated (sorted, without duplicates). */
export interface RecurrenceSchedule {
  /** Hours of the day, 0–23 (Day, Week, Month). */
  readonly hours?: readonly number[];
  /** Minutes of the hour, 0–59 (Day, Week, Month). */
  readonly minutes?: readonly number[];
  /** Week days (Week only). */
  readonly weekDays?: readonly WeekDay[];
  /** Days of the month, 1–31, or -1…-31 counted from the end (-1 = last day) (Month only). */
  readonly monthDays?: readonly number[];
  /** Week days of the month (Month only). */
  readonly monthlyOccurrences?: readonly MonthlyOccurrence[];
}

/** A validated `recurrence` (from {@link parseRecurrence}); plain JSON, so it can be stored. */
export interface Recurrence {
  readonly frequency: RecurrenceFrequency;
  readonly interval: number;
  /** As written: `YYYY-MM-DDThh:mm:ss` (wall time in `timeZone`) or with a trailing `Z` (UTC). */
  readonly startTime?: string;
  /** Same format as `startTime`; no fire after it. */
  readonly endTime?: string;
  /** Canonical Windows time zone ID; UTC when absent. */
  readonly timeZone?: string;
  readonly schedule?: RecurrenceSchedule;
}

/** The documented interval bounds per frequency (connectors-native-recurrence: Week 1–71 is missing from wdl.md). */
export const RECURRENCE_INTERVAL_LIMITS: Readonly<Record<RecurrenceFrequency, { readonly min: number; readonly max: number }>> = Object.freeze({
  Second: { min: 1, max: 9_999_999 },
  Minute: { min: 1, max: 72_000 },
  Hour: { min: 1, max: 12_000 },
  Day: { min: 1, max: 500 },
  Week: { min: 1, max: 71 },
  Month: { min: 1, max: 16 },
});

/** The outcome of {@link parseRecurrence}: a recurrence when there is no error, and every issue found. */
export interface ParsedRecurrence {
  readonly recurrence?: Recurrence;
  readonly issues: Issue[];
}

const RECURRENCE_MEMBERS = ['frequency', 'interval', 'startTime', 'endTime', 'timeZone', 'schedule'] as const;
const SCHEDULE_MEMBERS = ['hours', 'minutes', 'weekDays', 'monthDays', 'monthlyOccurrences'] as const;
const EXAMPLE = '{ "frequency": "Day", "interval": 1 }';

/** A `startTime`/`endTime` read: a wall time (or a UTC instant when written with `Z`), or what is wrong with it. */
export type ScheduleTime = { readonly ms: number; readonly utc: boolean } | { readonly problem: string; readonly code: string };

const TIME_PATTERN = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * Reads `YYYY-MM-DDThh:mm:ss` (seconds and a fraction optional) with an optional trailing `Z`.
 * Without `Z` the value is a wall time (ms of its fields read as UTC) in the recurrence's zone.
 */
export function readScheduleTime(text: string): ScheduleTime {
  const match = TIME_PATTERN.exec(text.trim());
  if (match === null) return { code: 'recurrence-time-invalid', problem: 'is not an ISO 8601 date and time such as "2024-09-18T14:00:00" (with a time zone) or "2024-09-18T14:00:00Z" (UTC)' };
  const [, year, month, day, hour, minute, second, fraction, zone] = match;
  if (zone !== undefined && zone.toUpperCase() !== 'Z') {
    return { code: 'recurrence-time-offset', problem: `has the UTC offset \`${zone}\`, which Logic Apps does not accept — write the UTC time with a trailing "Z", or the wall-clock time without offset and set \`timeZone\`` };
  }
  const fields = { year: Number(year), month: Number(month), day: Number(day), hour: Number(hour), minute: Number(minute), second: Number(second ?? 0) };
  if (fields.month < 1 || fields.month > 12 || fields.day < 1 || fields.day > daysInMonth(fields.year, fields.month) || fields.hour > 23 || fields.minute > 59 || fields.second > 59) {
    return { code: 'recurrence-time-invalid', problem: 'is not a real date and time (month 01–12, day within the month, hour 00–23, minute and second 00–59)' };
  }
  const millisecond = fraction === undefined ? 0 : Math.floor(Number(`0.${fraction}`) * 1000);
  return { ms: wallOf({ ...fields, millisecond }), utc: zone !== undefined };
}

/** Collects issues against a pointer prefix. */
class IssueList {
  readonly issues: Issue[] = [];
  readonly pointer: string;

  constructor(pointer: string) {
    this.pointer = pointer;
  }

  add(severity: Severity, code: string, path: readonly (string | number)[], message: string): void {
    this.issues.push({ code, severity, path: this.pointer + path.map((token) => `/${escapePointerToken(token)}`).join(''), message });
  }

  error(code: string, path: readonly (string | number)[], message: string): undefined {
    this.add('error', code, path, message);
    return undefined;
  }

  get failed(): boolean {
    return this.issues.some((issue) => issue.severity === 'error');
  }
}

/** An object's members by lower-cased name, warning about unknown ones. */
function membersOf(record: Readonly<Record<string, unknown>>, known: readonly string[], where: readonly string[], list: IssueList, owner: string): Map<string, { key: string; value: unknown }> {
  const members = new Map<string, { key: string; value: unknown }>();
  const knownLower = new Map(known.map((name) => [name.toLowerCase(), name]));
  for (const [key, value] of Object.entries(record)) {
    const canonical = knownLower.get(key.toLowerCase());
    if (canonical === undefined) {
      list.add('warning', 'recurrence-member-unknown', [...where, key], `${owner} has no member \`${key}\`, so it is ignored${didYouMean(key, known)} (known: ${known.join(', ')})`);
      continue;
    }
    members.set(canonical, { key, value });
  }
  return members;
}

function isExpression(value: unknown): value is string {
  return typeof value === 'string' && value.trimStart().startsWith('@') && !value.trimStart().startsWith('@@');
}

function describe(value: unknown): string {
  if (typeof value === 'string') return `the string "${value}"`;
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
}

/** An integer, also written as a string of digits (Power Automate writes `"hours": ["8"]`). */
function integerOf(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) ? value : undefined;
  if (typeof value === 'string' && /^\s*-?\d+\s*$/.test(value)) return Number(value);
  return undefined;
}

/**
 * Validates `raw` (a trigger's `recurrence`) found at JSON pointer `pointer`. Errors name the
 * member, the value and the allowed range; the recurrence is returned only when there is no error.
 */
export function parseRecurrence(raw: unknown, pointer: string): ParsedRecurrence {
  const list = new IssueList(pointer);
  if (raw === undefined || raw === null) {
    list.error('recurrence-missing', [], `the trigger has no \`recurrence\` — add one such as ${EXAMPLE}`);
    return { issues: list.issues };
  }
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    list.error('recurrence-invalid', [], `\`recurrence\` must be an object such as ${EXAMPLE}, got ${describe(raw)}`);
    return { issues: list.issues };
  }
  const members = membersOf(raw as Readonly<Record<string, unknown>>, RECURRENCE_MEMBERS, [], list, '`recurrence`');
  for (const [name, { key, value }] of members) {
    if (isExpression(value)) list.error('recurrence-expression', [key], `\`${name}\` is the expression "${value}" — evaluate the recurrence's expressions (parameters, app settings) before scheduling it`);
  }
  if (list.failed) return { issues: list.issues };

  const frequency = readFrequency(members.get('frequency'), list);
  const interval = frequency === undefined ? undefined : readInterval(members.get('interval'), frequency, list);
  const timeZone = readTimeZone(members.get('timeZone'), list);
  const startTime = readTime(members.get('startTime'), 'startTime', list);
  const endTime = readTime(members.get('endTime'), 'endTime', list);
  checkTimes(startTime, endTime, members, timeZone, list);
  const schedule = frequency === undefined ? undefined : readSchedule(members.get('schedule'), frequency, list);
  if (list.failed || frequency === undefined || interval === undefined) return { issues: list.issues };

  const recurrence: Recurrence = {
    frequency,
    interval,
    ...(startTime === undefined ? {} : { startTime: startTime.text }),
    ...(endTime === undefined ? {} : { endTime: endTime.text }),
    ...(timeZone === undefined ? {} : { timeZone }),
    ...(schedule === undefined ? {} : { schedule }),
  };
  return { recurrence, issues: list.issues };
}

type Member = { readonly key: string; readonly value: unknown } | undefined;

function readFrequency(member: Member, list: IssueList): RecurrenceFrequency | undefined {
  const allowed = Object.keys(RECURRENCE_INTERVAL_LIMITS).join(', ');
  if (member === undefined) return list.error('recurrence-frequency-invalid', [], `\`frequency\` is required — add one of ${allowed}`);
  const frequency = parseCalendarUnit(member.value);
  if (frequency === undefined) return list.error('recurrence-frequency-invalid', [member.key], `\`frequency\` ${describe(member.value)} is not a recurrence unit — use one of ${allowed}`);
  return frequency;
}

function readInterval(member: Member, frequency: RecurrenceFrequency, list: IssueList): number | undefined {
  const { min, max } = RECURRENCE_INTERVAL_LIMITS[frequency];
  const range = `${min}–${max.toLocaleString('en-US')} for ${frequency}`;
  if (member === undefined) return list.error('recurrence-interval-invalid', [], `\`interval\` is required — add how many ${frequency.toLowerCase()}s between fires (${range})`);
  const interval = integerOf(member.value);
  if (interval === undefined) return list.error('recurrence-interval-invalid', [member.key], `\`interval\` must be a whole number (${range}), got ${describe(member.value)}`);
  if (interval < min || interval > max) return list.error('recurrence-interval-out-of-range', [member.key], `\`interval\` ${interval} is outside ${range}`);
  return interval;
}

function readTimeZone(member: Member, list: IssueList): string | undefined {
  if (member === undefined) return undefined;
  if (typeof member.value !== 'string' || member.value.trim() === '') {
    return list.error('recurrence-time-zone-unknown', [member.key], `\`timeZone\` must be a Windows time zone ID such as "Pacific Standard Time", got ${describe(member.value)}`);
  }
  try {
    return canonicalTimeZone(member.value);
  } catch {
    const suggestion = suggestTimeZone(member.value);
    const hint = suggestion === undefined ? '' : ` — did you mean "${suggestion}"?`;
    const iana = member.value.includes('/') ? ' Logic Apps takes Windows IDs, not IANA names.' : '';
    return list.error('recurrence-time-zone-unknown', [member.key], `\`timeZone\` "${member.value}" is not a Windows time zone ID${hint}${iana} (IDs such as "Pacific Standard Time", "W. Europe Standard Time", "UTC")`);
  }
}

function readTime(member: Member, name: 'startTime' | 'endTime', list: IssueList): { text: string; ms: number; utc: boolean; key: string } | undefined {
  if (member === undefined) return undefined;
  if (typeof member.value !== 'string') return list.error('recurrence-time-invalid', [member.key], `\`${name}\` must be a string such as "2024-09-18T14:00:00", got ${describe(member.value)}`);
  const time = readScheduleTime(member.value);
  if ('problem' in time) return list.error(time.code, [member.key], `\`${name}\` "${member.value}" ${time.problem}`);
  return { text: member.value.trim(), ms: time.ms, utc: time.utc, key: member.key };
}

function checkTimes(start: ReturnType<typeof readTime>, end: ReturnType<typeof readTime>, members: Map<string, { key: string; value: unknown }>, timeZone: string | undefined, list: IssueList): void {
  for (const time of [start, end]) {
    if (time === undefined) continue;
    const name = time === start ? 'startTime' : 'endTime';
    if (!time.utc && timeZone === undefined && !members.has('timeZone')) {
      list.add('warning', 'recurrence-time-zone-missing', [time.key], `\`${name}\` "${time.text}" has no trailing "Z" and there is no \`timeZone\`, so it is read as UTC — add "Z", or set \`timeZone\` to the zone it is meant in`);
    } else if (time.utc && timeZone !== undefined) {
      list.add('info', 'recurrence-time-utc', [time.key], `\`${name}\` "${time.text}" ends with "Z", so it is a UTC instant that \`timeZone\` does not shift (the schedule's hours still follow ${timeZone}) — drop the "Z" to mean ${time.text.replace(/z$/i, '')} in ${timeZone}`);
    }
  }
  if (start === undefined || end === undefined || (timeZone === undefined && members.has('timeZone'))) return;
  const clock = wallClockOf(timeZone);
  const instant = (time: NonNullable<typeof start>): number => (time.utc ? time.ms : clock.toInstant(time.ms));
  if (instant(end) <= instant(start)) list.error('recurrence-end-before-start', [end.key], `\`endTime\` "${end.text}" is not after \`startTime\` "${start.text}" — the trigger would never fire`);
}

function readSchedule(member: Member, frequency: RecurrenceFrequency, list: IssueList): RecurrenceSchedule | undefined {
  if (member === undefined) return undefined;
  const { key, value } = member;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return list.error('recurrence-schedule-invalid', [key], `\`schedule\` must be an object such as { "hours": [8], "minutes": [30] }, got ${describe(value)}`);
  }
  if (frequency !== 'Day' && frequency !== 'Week' && frequency !== 'Month') {
    return list.error('recurrence-schedule-not-allowed', [key], `\`schedule\` applies only to the Day, Week and Month frequencies, not ${frequency} — remove it, or use "frequency": "Day" with \`hours\` and \`minutes\``);
  }
  const members = membersOf(value as Readonly<Record<string, unknown>>, SCHEDULE_MEMBERS, [key], list, '`schedule`');
  const only = (name: string, allowed: RecurrenceFrequency): boolean => {
    const found = members.get(name);
    if (found === undefined || frequency === allowed) return true;
    list.error('recurrence-schedule-not-allowed', [key, found.key], `\`schedule.${name}\` applies only to "frequency": "${allowed}", not ${frequency} — remove it, or change the frequency`);
    return false;
  };
  const weekDaysAllowed = only('weekDays', 'Week');
  const monthDaysAllowed = only('monthDays', 'Month');
  const occurrencesAllowed = only('monthlyOccurrences', 'Month');
  const hours = readNumbers(members.get('hours'), 'hours', { min: 0, max: 23 }, [key], list);
  const minutes = readNumbers(members.get('minutes'), 'minutes', { min: 0, max: 59 }, [key], list);
  const weekDays = weekDaysAllowed ? readWeekDays(members.get('weekDays'), [key], list) : undefined;
  const monthDays = monthDaysAllowed ? readNumbers(members.get('monthDays'), 'monthDays', { min: -31, max: 31, zero: false }, [key], list) : undefined;
  const monthlyOccurrences = occurrencesAllowed ? readOccurrences(members.get('monthlyOccurrences'), [key], list) : undefined;
  const schedule: RecurrenceSchedule = {
    ...(hours === undefined ? {} : { hours }),
    ...(minutes === undefined ? {} : { minutes }),
    ...(weekDays === undefined ? {} : { weekDays }),
    ...(monthDays === undefined ? {} : { monthDays }),
    ...(monthlyOccurrences === undefined ? {} : { monthlyOccurrences }),
  };
  return Object.keys(schedule).length === 0 ? undefined : schedule;
}

/** Elements of a value that may be written as one item or an array of them. */
function itemsOf(value: unknown): { items: readonly unknown[]; indexed: boolean } {
  return Array.isArray(value) ? { items: value, indexed: true } : { items: [value], indexed: false };
}

function readNumbers(member: Member, name: string, range: { min: number; max: number; zero?: boolean }, where: readonly string[], list: IssueList): number[] | undefined {
  if (member === undefined) return undefined;
  const { items, indexed } = itemsOf(member.value);
  const allowed = range.zero === false ? `${range.min}…-1 or 1…${range.max} (-1 is the last day of the month)` : `${range.min}–${range.max}`;
  const values = new Set<number>();
  items.forEach((item, index) => {
    const number = integerOf(item);
    const path = indexed ? [...where, member.key, index] : [...where, member.key];
    if (number === undefined || number < range.min || number > range.max || (range.zero === false && number === 0)) {
      list.error('recurrence-schedule-invalid', path, `\`schedule.${name}\` takes whole numbers ${allowed}, got ${describe(item)}`);
    } else values.add(number);
  });
  return values.size === 0 ? undefined : [...values].sort((a, b) => a - b);
}

function weekDayOf(value: unknown): WeekDay | undefined {
  return typeof value === 'string' ? WEEK_DAYS.find((day) => day.toLowerCase() === value.trim().toLowerCase()) : undefined;
}

function readWeekDays(member: Member, where: readonly string[], list: IssueList): WeekDay[] | undefined {
  if (member === undefined) return undefined;
  const { items, indexed } = itemsOf(member.value);
  const days = new Set<WeekDay>();
  items.forEach((item, index) => {
    // The reference's template writes "Monday, Tuesday" in one string; accept that too.
    const names = typeof item === 'string' ? item.split(',').filter((name) => name.trim() !== '') : [item];
    for (const name of names) {
      const day = weekDayOf(name);
      if (day !== undefined) {
        days.add(day);
        continue;
      }
      const text = typeof name === 'string' ? name.trim() : '';
      list.error('recurrence-schedule-invalid', indexed ? [...where, member.key, index] : [...where, member.key], `\`schedule.weekDays\` takes day names (${WEEK_DAYS.join(', ')}), got ${describe(name)}${text === '' ? '' : didYouMean(text, WEEK_DAYS)}`);
    }
  });
  return days.size === 0 ? undefined : WEEK_DAYS.filter((day) => days.has(day));
}

function readOccurrences(member: Member, where: readonly string[], list: IssueList): MonthlyOccurrence[] | undefined {
  if (member === undefined) return undefined;
  const { items, indexed } = itemsOf(member.value);
  const occurrences: MonthlyOccurrence[] = [];
  items.forEach((item, index) => {
    const path = indexed ? [...where, member.key, index] : [...where, member.key];
    const record = item !== null && typeof item === 'object' && !Array.isArray(item) ? new Map(Object.entries(item).map(([k, v]) => [k.toLowerCase(), v])) : undefined;
    const day = weekDayOf(record?.get('day'));
    const occurrence = integerOf(record?.get('occurrence'));
    if (day === undefined || occurrence === undefined || occurrence === 0 || occurrence < -5 || occurrence > 5) {
      list.error('recurrence-schedule-invalid', path, `\`schedule.monthlyOccurrences\` takes objects such as { "day": "Friday", "occurrence": -1 } (day: ${WEEK_DAYS.join(', ')}; occurrence 1–5, or -1…-5 from the end), got ${describe(item)}`);
    } else if (!occurrences.some((o) => o.day === day && o.occurrence === occurrence)) occurrences.push({ day, occurrence });
  });
  return occurrences.length === 0 ? undefined : occurrences;
}
