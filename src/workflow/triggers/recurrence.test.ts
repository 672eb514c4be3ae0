/**
 * Recurrence schedules (wdl.md §3): validation with pointers, and fire times worked out by hand
 * from Microsoft's examples and the zones' 2019/2024 DST dates (US: 10 Mar / 3 Nov 2024; EU:
 * 31 Mar / 27 Oct 2024; Sydney: 7 Apr / 6 Oct 2024; Central Time: 10 Mar / 3 Nov 2019).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { firstOccurrence, nextOccurrence, parseRecurrence } from './recurrence.ts';
import type { Recurrence } from './recurrence.ts';

const POINTER = '/definition/triggers/Recurrence/recurrence';
const ms = (iso: string): number => Date.parse(iso);
const iso = (time: number | undefined): string | undefined => (time === undefined ? undefined : new Date(time).toISOString().replace('.000Z', 'Z'));

/** A recurrence that must validate without errors. */
function recurrence(raw: unknown): Recurrence {
  const { recurrence: parsed, issues } = parseRecurrence(raw, POINTER);
  assert.deepEqual(issues.filter((issue) => issue.severity === 'error'), []);
  assert.ok(parsed !== undefined);
  return parsed;
}

/** The first `count` fires of a trigger enabled at `enabledAt`, each asked for right after the previous one. */
function fires(raw: unknown, enabledAt: string, count: number): (string | undefined)[] {
  const r = recurrence(raw);
  const anchor = ms(enabledAt);
  const out: (string | undefined)[] = [];
  let next = firstOccurrence(r, anchor);
  for (let i = 0; i < count; i += 1) {
    out.push(iso(next));
    if (next === undefined) break;
    next = nextOccurrence(r, next, anchor);
  }
  return out;
}

/** The issues of an invalid recurrence, as `code path` lines. */
function problems(raw: unknown): string[] {
  const { recurrence: parsed, issues } = parseRecurrence(raw, POINTER);
  if (issues.some((issue) => issue.severity === 'error')) assert.equal(parsed, undefined);
  return issues.map((issue) => `${issue.severity} ${issue.code} ${issue.path}`);
}

const messageOf = (raw: unknown, code: string): string => parseRecurrence(raw, POINTER).issues.find((issue) => issue.code === code)?.message ?? '';

describe('parseRecurrence', () => {
  test('reads a minimal recurrence, members and frequency in any case', () => {
    assert.deepEqual(recurrence({ Frequency: 'day', INTERVAL: 1 }), { frequency: 'Day', interval: 1 });
    assert.deepEqual(recurrence({ frequency: 'Minute', interval: '15' }), { frequency: 'Minute', interval: 15 });
  });

  test('checks interval bounds per frequency and names the range', () => {
    const rows: ReadonlyArray<readonly [string, number, number]> = [
      ['Second', 9_999_999, 10_000_000],
      ['Minute', 72_000, 72_001],
      ['Hour', 12_000, 12_001],
      ['Day', 500, 501],
      ['Week', 71, 72],
      ['Month', 16, 17],
    ];
    for (const [frequency, max, over] of rows) {
      assert.equal(recurrence({ frequency, interval: max }).interval, max);
      assert.deepEqual(problems({ frequency, interval: over }), [`error recurrence-interval-out-of-range ${POINTER}/interval`]);
      assert.deepEqual(problems({ frequency, interval: 0 }), [`error recurrence-interval-out-of-range ${POINTER}/interval`]);
    }
    assert.match(messageOf({ frequency: 'Month', interval: 17 }, 'recurrence-interval-out-of-range'), /`interval` 17 is outside 1–16 for Month/);
  });

  test('requires frequency and a whole interval', () => {
    assert.deepEqual(problems({ interval: 1 }), [`error recurrence-frequency-invalid ${POINTER}`]);
    assert.deepEqual(problems({ frequency: 'Year', interval: 1 }), [`error recurrence-frequency-invalid ${POINTER}/frequency`]);
    assert.match(messageOf({ frequency: 'Year', interval: 1 }, 'recurrence-frequency-invalid'), /Second, Minute, Hour, Day, Week, Month/);
    assert.deepEqual(problems({ frequency: 'Day' }), [`error recurrence-interval-invalid ${POINTER}`]);
    assert.deepEqual(problems({ frequency: 'Day', interval: 1.5 }), [`error recurrence-interval-invalid ${POINTER}/interval`]);
    assert.deepEqual(problems('every day'), [`error recurrence-invalid ${POINTER}`]);
    assert.deepEqual(problems(undefined), [`error recurrence-missing ${POINTER}`]);
  });

  test('reports unresolved expressions instead of reading them', () => {
    assert.deepEqual(problems({ frequency: 'Day', interval: "@parameters('every')" }), [`error recurrence-expression ${POINTER}/interval`]);
  });

  test('warns about unknown members with a suggestion', () => {
    assert.deepEqual(problems({ frequency: 'Day', interval: 1, startime: '2024-01-01T00:00:00Z' }), [`warning recurrence-member-unknown ${POINTER}/startime`]);
    assert.match(messageOf({ frequency: 'Day', interval: 1, startime: 'x' }, 'recurrence-member-unknown'), /did you mean `startTime`/);
  });

  test('startTime: ISO 8601 with Z, or a wall time with timeZone; no offsets, real dates only', () => {
    assert.equal(recurrence({ frequency: 'Day', interval: 1, startTime: '2024-09-18T14:00:00Z' }).startTime, '2024-09-18T14:00:00Z');
    assert.deepEqual(problems({ frequency: 'Day', interval: 1, startTime: '2024-09-18T14:00:00', timeZone: 'Pacific Standard Time' }), []);
    assert.deepEqual(problems({ frequency: 'Day', interval: 1, startTime: '2024-09-18T14:00:00+02:00' }), [`error recurrence-time-offset ${POINTER}/startTime`]);
    assert.deepEqual(problems({ frequency: 'Day', interval: 1, startTime: '2024-09-18' }), [`error recurrence-time-invalid ${POINTER}/startTime`]);
    assert.deepEqual(problems({ frequency: 'Day', interval: 1, startTime: '2023-02-29T10:00:00Z' }), [`error recurrence-time-invalid ${POINTER}/startTime`]);
    assert.deepEqual(problems({ frequency: 'Day', interval: 1, startTime: '2024-09-18T24:00:00Z' }), [`error recurrence-time-invalid ${POINTER}/startTime`]);
    // No Z and no zone: read as UTC, with a warning saying so.
    assert.deepEqual(problems({ frequency: 'Day', interval: 1, startTime: '2024-09-18T14:00:00' }), [`warning recurrence-time-zone-missing ${POINTER}/startTime`]);
    // Z with a zone: the instant is UTC (info, the designer writes it this way).
    assert.deepEqual(problems({ frequency: 'Day', interval: 1, startTime: '2024-09-18T14:00:00Z', timeZone: 'UTC' }), [`info recurrence-time-utc ${POINTER}/startTime`]);
  });

  test('endTime must come after startTime', () => {
    assert.deepEqual(problems({ frequency: 'Day', interval: 1, startTime: '2024-09-18T14:00:00Z', endTime: '2024-09-18T13:00:00Z' }), [`error recurrence-end-before-start ${POINTER}/endTime`]);
  });

  test('timeZone: Windows IDs in any case, a suggestion for typos and IANA names', () => {
    assert.equal(recurrence({ frequency: 'Day', interval: 1, timeZone: 'pacific standard time' }).timeZone, 'Pacific Standard Time');
    assert.deepEqual(problems({ frequency: 'Day', interval: 1, timeZone: 'Pacific Standrd Time' }), [`error recurrence-time-zone-unknown ${POINTER}/timeZone`]);
    assert.match(messageOf({ frequency: 'Day', interval: 1, timeZone: 'Pacific Standrd Time' }, 'recurrence-time-zone-unknown'), /did you mean "Pacific Standard Time"\?/);
    assert.match(messageOf({ frequency: 'Day', interval: 1, timeZone: 'Europe/Berlin' }, 'recurrence-time-zone-unknown'), /did you mean "W\. Europe Standard Time"\?.*Windows IDs, not IANA/);
  });

  test('schedule: only for Day, Week (weekDays) and Month (monthDays, monthlyOccurrences)', () => {
    assert.deepEqual(problems({ frequency: 'Hour', interval: 1, schedule: { minutes: [15] } }), [`error recurrence-schedule-not-allowed ${POINTER}/schedule`]);
    assert.deepEqual(problems({ frequency: 'Day', interval: 1, schedule: { weekDays: ['Monday'] } }), [`error recurrence-schedule-not-allowed ${POINTER}/schedule/weekDays`]);
    assert.deepEqual(problems({ frequency: 'Week', interval: 1, schedule: { monthDays: [1] } }), [`error recurrence-schedule-not-allowed ${POINTER}/schedule/monthDays`]);
    assert.match(messageOf({ frequency: 'Day', interval: 1, schedule: { weekDays: ['Monday'] } }, 'recurrence-schedule-not-allowed'), /`schedule.weekDays` applies only to "frequency": "Week", not Day/);
  });

  test('schedule values: hours 0–23, minutes 0–59, day names, month days 1–31 or -1…-31, pointing at the element', () => {
    assert.deepEqual(problems({ frequency: 'Day', interval: 1, schedule: { hours: [8, 24], minutes: [60] } }), [`error recurrence-schedule-invalid ${POINTER}/schedule/hours/1`, `error recurrence-schedule-invalid ${POINTER}/schedule/minutes/0`]);
    assert.deepEqual(problems({ frequency: 'Week', interval: 1, schedule: { weekDays: ['Monday', 'Thursdy'] } }), [`error recurrence-schedule-invalid ${POINTER}/schedule/weekDays/1`]);
    assert.match(messageOf({ frequency: 'Week', interval: 1, schedule: { weekDays: ['Thursdy'] } }, 'recurrence-schedule-invalid'), /did you mean `Thursday`/);
    assert.deepEqual(problems({ frequency: 'Month', interval: 1, schedule: { monthDays: [0, 32, -1] } }), [`error recurrence-schedule-invalid ${POINTER}/schedule/monthDays/0`, `error recurrence-schedule-invalid ${POINTER}/schedule/monthDays/1`]);
    assert.deepEqual(problems({ frequency: 'Month', interval: 1, schedule: { monthlyOccurrences: [{ day: 'Friday', occurrence: 6 }] } }), [`error recurrence-schedule-invalid ${POINTER}/schedule/monthlyOccurrences/0`]);
  });

  test('schedule values written as strings, single values or one comma-separated string are read, sorted and deduplicated', () => {
    assert.deepEqual(recurrence({ frequency: 'Week', interval: 1, schedule: { hours: ['16', '8', 8], minutes: 30, weekDays: 'friday, Monday' } }).schedule, { hours: [8, 16], minutes: [30], weekDays: ['Monday', 'Friday'] });
  });
});

describe('simple recurrences', () => {
  test('without startTime: first at the moment the trigger is enabled, then every interval from it', () => {
    assert.deepEqual(fires({ frequency: 'Second', interval: 30 }, '2024-05-01T10:00:00Z', 3), ['2024-05-01T10:00:00Z', '2024-05-01T10:00:30Z', '2024-05-01T10:01:00Z']);
    assert.deepEqual(fires({ frequency: 'Minute', interval: 15 }, '2024-05-01T10:07:00Z', 3), ['2024-05-01T10:07:00Z', '2024-05-01T10:22:00Z', '2024-05-01T10:37:00Z']);
  });

  test('startTime in the future is the first fire', () => {
    assert.deepEqual(fires({ frequency: 'Hour', interval: 4, startTime: '2024-05-02T09:00:00Z' }, '2024-05-01T10:00:00Z', 3), ['2024-05-02T09:00:00Z', '2024-05-02T13:00:00Z', '2024-05-02T17:00:00Z']);
  });

  test("startTime in the past: past times are discarded, the first fire is the next one on the start's grid (Microsoft's example)", () => {
    // Start 2017-09-07 14:00, every two days, now 2017-09-08 13:00 → 09, 11, 13 September at 14:00.
    assert.deepEqual(fires({ frequency: 'Day', interval: 2, startTime: '2017-09-07T14:00:00Z' }, '2017-09-08T13:00:00Z', 3), ['2017-09-09T14:00:00Z', '2017-09-11T14:00:00Z', '2017-09-13T14:00:00Z']);
    // "Every 15 minutes past the hour": Hour with a start at :15.
    assert.deepEqual(fires({ frequency: 'Hour', interval: 1, startTime: '2024-01-01T00:15:00Z' }, '2024-05-01T10:20:00Z', 2), ['2024-05-01T11:15:00Z', '2024-05-01T12:15:00Z']);
  });

  test('Week fires on the start day every interval weeks; Month keeps the day, clamped in short months', () => {
    assert.deepEqual(fires({ frequency: 'Week', interval: 1, startTime: '2017-09-09T17:00:00Z' }, '2017-09-01T00:00:00Z', 2), ['2017-09-09T17:00:00Z', '2017-09-16T17:00:00Z']);
    assert.deepEqual(fires({ frequency: 'Month', interval: 1, startTime: '2024-01-31T09:00:00Z' }, '2024-01-01T00:00:00Z', 4), ['2024-01-31T09:00:00Z', '2024-02-29T09:00:00Z', '2024-03-31T09:00:00Z', '2024-04-30T09:00:00Z']);
    assert.deepEqual(fires({ frequency: 'Month', interval: 3, startTime: '2023-11-30T06:00:00Z' }, '2023-11-01T00:00:00Z', 3), ['2023-11-30T06:00:00Z', '2024-02-29T06:00:00Z', '2024-05-30T06:00:00Z']);
  });

  test('no fire after endTime', () => {
    assert.deepEqual(fires({ frequency: 'Day', interval: 1, startTime: '2024-05-01T08:00:00Z', endTime: '2024-05-02T08:00:00Z' }, '2024-04-01T00:00:00Z', 3), ['2024-05-01T08:00:00Z', '2024-05-02T08:00:00Z', undefined]);
  });

  test('a wall-clock time without DST: India Standard Time is UTC+5:30 all year', () => {
    assert.deepEqual(fires({ frequency: 'Day', interval: 1, startTime: '2024-03-30T09:00:00', timeZone: 'India Standard Time' }, '2024-03-01T00:00:00Z', 3), ['2024-03-30T03:30:00Z', '2024-03-31T03:30:00Z', '2024-04-01T03:30:00Z']);
  });

  test('Day keeps the wall-clock time across both DST changes (W. Europe Standard Time)', () => {
    assert.deepEqual(fires({ frequency: 'Day', interval: 1, startTime: '2024-03-30T08:00:00', timeZone: 'W. Europe Standard Time' }, '2024-03-01T00:00:00Z', 3), ['2024-03-30T07:00:00Z', '2024-03-31T06:00:00Z', '2024-04-01T06:00:00Z']);
    assert.deepEqual(fires({ frequency: 'Day', interval: 1, startTime: '2024-10-26T08:00:00', timeZone: 'W. Europe Standard Time' }, '2024-10-01T00:00:00Z', 3), ['2024-10-26T06:00:00Z', '2024-10-27T07:00:00Z', '2024-10-28T07:00:00Z']);
  });

  test('Hour counts elapsed hours, so it does not repeat or skip an hour at a DST change', () => {
    // 01:00 CET = 00:00Z; 02:00 local does not exist on 31 March; the next hour is 03:00 CEST = 01:00Z.
    assert.deepEqual(fires({ frequency: 'Hour', interval: 1, startTime: '2024-03-31T01:00:00', timeZone: 'W. Europe Standard Time' }, '2024-03-01T00:00:00Z', 3), ['2024-03-31T00:00:00Z', '2024-03-31T01:00:00Z', '2024-03-31T02:00:00Z']);
  });

  test("Microsoft's DST example (Central Time, 2019): 1:30 AM and 2:30 AM keep their local time; 2:30 on the spring-forward day fires at 3:30 CDT", () => {
    const zone = 'Central Standard Time';
    assert.deepEqual(fires({ frequency: 'Day', interval: 1, startTime: '2019-03-09T01:30:00', timeZone: zone }, '2019-03-01T00:00:00Z', 3), ['2019-03-09T07:30:00Z', '2019-03-10T07:30:00Z', '2019-03-11T06:30:00Z']);
    assert.deepEqual(fires({ frequency: 'Day', interval: 1, startTime: '2019-03-09T02:30:00', timeZone: zone }, '2019-03-01T00:00:00Z', 3), ['2019-03-09T08:30:00Z', '2019-03-10T08:30:00Z', '2019-03-11T07:30:00Z']);
    assert.deepEqual(fires({ frequency: 'Day', interval: 1, startTime: '2019-11-02T01:30:00', timeZone: zone }, '2019-11-01T00:00:00Z', 3), ['2019-11-02T06:30:00Z', '2019-11-03T06:30:00Z', '2019-11-04T07:30:00Z']);
    assert.deepEqual(fires({ frequency: 'Day', interval: 1, startTime: '2019-11-02T02:30:00', timeZone: zone }, '2019-11-01T00:00:00Z', 3), ['2019-11-02T07:30:00Z', '2019-11-03T08:30:00Z', '2019-11-04T08:30:00Z']);
  });

  test('Pacific Standard Time 2024: a skipped 2:30 fires after the gap, a repeated 1:30 fires once, at its first occurrence', () => {
    const zone = 'Pacific Standard Time';
    assert.deepEqual(fires({ frequency: 'Day', interval: 1, startTime: '2024-03-09T02:30:00', timeZone: zone }, '2024-03-01T00:00:00Z', 3), ['2024-03-09T10:30:00Z', '2024-03-10T10:30:00Z', '2024-03-11T09:30:00Z']);
    assert.deepEqual(fires({ frequency: 'Day', interval: 1, startTime: '2024-11-02T01:30:00', timeZone: zone }, '2024-11-01T00:00:00Z', 3), ['2024-11-02T08:30:00Z', '2024-11-03T08:30:00Z', '2024-11-04T09:30:00Z']);
  });

  test('southern hemisphere (AUS Eastern Standard Time): DST ends in April and starts in October', () => {
    const zone = 'AUS Eastern Standard Time';
    // 7 April 2024: 03:00 AEDT → 02:00 AEST; 02:30 happens twice, the first (AEDT, UTC+11) fires.
    assert.deepEqual(fires({ frequency: 'Day', interval: 1, startTime: '2024-04-06T02:30:00', timeZone: zone }, '2024-04-01T00:00:00Z', 3), ['2024-04-05T15:30:00Z', '2024-04-06T15:30:00Z', '2024-04-07T16:30:00Z']);
    // 6 October 2024: 02:00 AEST → 03:00 AEDT; 02:30 does not exist and fires at 03:30 AEDT.
    assert.deepEqual(fires({ frequency: 'Day', interval: 1, startTime: '2024-10-05T02:30:00', timeZone: zone }, '2024-10-01T00:00:00Z', 3), ['2024-10-04T16:30:00Z', '2024-10-05T16:30:00Z', '2024-10-06T15:30:00Z']);
  });
});

describe('recurrences with a schedule', () => {
  test('every listed hour × minute of the day, from the trigger being enabled', () => {
    assert.deepEqual(fires({ frequency: 'Day', interval: 1, schedule: { hours: [8, 16], minutes: [30, 45] } }, '2024-05-01T10:00:00Z', 4), ['2024-05-01T16:30:00Z', '2024-05-01T16:45:00Z', '2024-05-02T08:30:00Z', '2024-05-02T08:45:00Z']);
  });

  test('without startTime the first fire waits for the next listed time (no instant fire)', () => {
    const everyQuarter = { frequency: 'Day', interval: 1, schedule: { hours: [...Array(24).keys()], minutes: [0, 15, 30, 45] } };
    assert.deepEqual(fires(everyQuarter, '2024-05-01T10:07:12Z', 2), ['2024-05-01T10:15:00Z', '2024-05-01T10:30:00Z']);
  });

  test('missing minutes take the minute the trigger was enabled ("8 AM plus the minute-mark from when you save")', () => {
    assert.deepEqual(fires({ frequency: 'Day', interval: 1, schedule: { hours: [8] } }, '2024-05-01T10:25:40Z', 2), ['2024-05-02T08:25:00Z', '2024-05-03T08:25:00Z']);
  });

  test('never before startTime', () => {
    assert.deepEqual(fires({ frequency: 'Day', interval: 1, startTime: '2024-05-01T12:00:00Z', schedule: { hours: [9] , minutes: [0] } }, '2024-04-01T00:00:00Z', 2), ['2024-05-02T09:00:00Z', '2024-05-03T09:00:00Z']);
  });

  test('every interval-th day from the start day', () => {
    assert.deepEqual(fires({ frequency: 'Day', interval: 3, startTime: '2024-05-01T00:00:00Z', schedule: { hours: [6], minutes: [0] } }, '2024-04-01T00:00:00Z', 3), ['2024-05-01T06:00:00Z', '2024-05-04T06:00:00Z', '2024-05-07T06:00:00Z']);
  });

  test("Microsoft's example: start Thursday 2017-09-07 14:00 Pacific, Mondays at 10:30, 12:30 and 14:30", () => {
    const raw = { frequency: 'Week', interval: 1, schedule: { hours: [10, 12, 14], minutes: [30], weekDays: ['Monday'] }, startTime: '2017-09-07T14:00:00', timeZone: 'Pacific Standard Time' };
    assert.deepEqual(fires(raw, '2017-09-01T00:00:00Z', 4), ['2017-09-11T17:30:00Z', '2017-09-11T19:30:00Z', '2017-09-11T21:30:00Z', '2017-09-18T17:30:00Z']);
  });

  test('every Saturday at 5 PM from a startTime on a Saturday (hours and minutes from the start)', () => {
    assert.deepEqual(fires({ frequency: 'Week', interval: 1, startTime: '2017-09-09T17:00:00Z', schedule: { weekDays: ['Saturday'] } }, '2017-09-01T00:00:00Z', 2), ['2017-09-09T17:00:00Z', '2017-09-16T17:00:00Z']);
  });

  test('working days at 9:00 India time skip the weekend', () => {
    const raw = { frequency: 'Week', interval: 1, timeZone: 'India Standard Time', schedule: { weekDays: ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday'], hours: [9], minutes: [0] } };
    // Enabled Friday 3 May 2024 at 09:30 IST: Friday 09:00 has passed, next is Monday 6 May.
    assert.deepEqual(fires(raw, '2024-05-03T04:00:00Z', 2), ['2024-05-06T03:30:00Z', '2024-05-07T03:30:00Z']);
  });

  test('every other week counts Sunday-based weeks from the start', () => {
    // Start Wednesday 1 May 2024: the Monday of that week (29 April) is before the start, so 13 May, then 27 May.
    const raw = { frequency: 'Week', interval: 2, startTime: '2024-05-01T00:00:00Z', schedule: { weekDays: ['Monday'], hours: [9], minutes: [0] } };
    assert.deepEqual(fires(raw, '2024-04-01T00:00:00Z', 2), ['2024-05-13T09:00:00Z', '2024-05-27T09:00:00Z']);
  });

  test('monthDays 31 fires only in months that have a 31st; -1 is the last day of every month', () => {
    assert.deepEqual(fires({ frequency: 'Month', interval: 1, startTime: '2024-01-01T09:00:00Z', schedule: { monthDays: [31] } }, '2024-01-01T00:00:00Z', 3), ['2024-01-31T09:00:00Z', '2024-03-31T09:00:00Z', '2024-05-31T09:00:00Z']);
    assert.deepEqual(fires({ frequency: 'Month', interval: 1, startTime: '2024-01-01T09:00:00Z', schedule: { monthDays: [-1] } }, '2024-01-01T00:00:00Z', 4), ['2024-01-31T09:00:00Z', '2024-02-29T09:00:00Z', '2024-03-31T09:00:00Z', '2024-04-30T09:00:00Z']);
  });

  test('monthlyOccurrences: the first Monday and the last Friday', () => {
    const raw = { frequency: 'Month', interval: 1, startTime: '2024-05-01T00:00:00Z', schedule: { hours: [9], minutes: [0], monthlyOccurrences: [{ day: 'Monday', occurrence: 1 }, { day: 'Friday', occurrence: -1 }] } };
    assert.deepEqual(fires(raw, '2024-04-01T00:00:00Z', 4), ['2024-05-06T09:00:00Z', '2024-05-31T09:00:00Z', '2024-06-03T09:00:00Z', '2024-06-28T09:00:00Z']);
  });

  test('Month with hours: every hour for one day per month, at the start minute', () => {
    const raw = { frequency: 'Month', interval: 1, startTime: '2024-05-10T08:25:00Z', schedule: { hours: [...Array(24).keys()] } };
    assert.deepEqual(fires(raw, '2024-05-01T00:00:00Z', 2), ['2024-05-10T08:25:00Z', '2024-05-10T09:25:00Z']);
    const r = recurrence(raw);
    assert.equal(iso(nextOccurrence(r, ms('2024-05-10T23:25:00Z'), ms('2024-05-01T00:00:00Z'))), '2024-06-10T00:25:00Z');
  });

  test('a schedule that can never match gives undefined', () => {
    // Every 12th month from February is always February, which has no 30th.
    assert.deepEqual(fires({ frequency: 'Month', interval: 12, startTime: '2024-02-01T00:00:00Z', schedule: { monthDays: [30] } }, '2024-01-01T00:00:00Z', 1), [undefined]);
  });

  test('scheduled wall times across DST in W. Europe: 02:30 skipped → 03:30 CEST; repeated → first occurrence', () => {
    const raw = { frequency: 'Day', interval: 1, timeZone: 'W. Europe Standard Time', schedule: { hours: [2], minutes: [30] } };
    assert.deepEqual(fires(raw, '2024-03-29T12:00:00Z', 3), ['2024-03-30T01:30:00Z', '2024-03-31T01:30:00Z', '2024-04-01T00:30:00Z']);
    assert.deepEqual(fires(raw, '2024-10-25T12:00:00Z', 3), ['2024-10-26T00:30:00Z', '2024-10-27T00:30:00Z', '2024-10-28T01:30:00Z']);
  });

  test('a skipped time that lands on another listed time fires once', () => {
    // 31 March 2024: 02:30 does not exist and moves to 03:30 CEST, which is also listed.
    const raw = { frequency: 'Day', interval: 1, timeZone: 'W. Europe Standard Time', schedule: { hours: [2, 3], minutes: [30] } };
    assert.deepEqual(fires(raw, '2024-03-30T12:00:00Z', 3), ['2024-03-31T01:30:00Z', '2024-04-01T00:30:00Z', '2024-04-01T01:30:00Z']);
  });
});

describe('catch-up after downtime and clock jumps (T-D10)', () => {
  /** A scheduler on a fake clock: at each reading, fire what is due, then plan from max(now, last fire). */
  function drive(r: Recurrence, anchor: number, readings: readonly string[]): string[] {
    const fired: string[] = [];
    let due = firstOccurrence(r, anchor);
    let last = Number.NEGATIVE_INFINITY;
    for (const reading of readings) {
      const now = ms(reading);
      while (due !== undefined && due <= now) {
        fired.push(`${iso(due)}@${reading}`);
        last = due;
        due = nextOccurrence(r, Math.max(now, last), anchor);
      }
    }
    return fired;
  }

  // Started at midnight, enabled at 10:00: the past hours are discarded.
  const hourly = recurrence({ frequency: 'Hour', interval: 1, startTime: '2024-05-01T00:00:00Z' });
  const anchor = ms('2024-05-01T10:00:00Z');

  test('a jump forward of a day fires the due occurrence once, late, then continues on the grid', () => {
    assert.deepEqual(drive(hourly, anchor, ['2024-05-01T10:00:00Z', '2024-05-02T10:30:00Z', '2024-05-02T11:00:00Z']), ['2024-05-01T10:00:00Z@2024-05-01T10:00:00Z', '2024-05-01T11:00:00Z@2024-05-02T10:30:00Z', '2024-05-02T11:00:00Z@2024-05-02T11:00:00Z']);
  });

  test('a jump backward of an hour fires nothing twice', () => {
    assert.deepEqual(drive(hourly, anchor, ['2024-05-01T10:00:00Z', '2024-05-01T09:10:00Z', '2024-05-01T10:00:00Z', '2024-05-01T11:00:00Z']), ['2024-05-01T10:00:00Z@2024-05-01T10:00:00Z', '2024-05-01T11:00:00Z@2024-05-01T11:00:00Z']);
  });

  test('the next occurrence after a late fire is after now, for schedules too', () => {
    const daily = recurrence({ frequency: 'Day', interval: 1, schedule: { hours: [8], minutes: [0] }, timeZone: 'Pacific Standard Time' });
    const now = ms('2024-05-10T20:00:00Z');
    const lastFire = ms('2024-05-01T15:00:00Z');
    assert.equal(iso(nextOccurrence(daily, Math.max(now, lastFire), anchor)), '2024-05-11T15:00:00Z');
  });
});
