/**
 * Sliding Window triggers: validation, contiguous windows (the run at boundary T covers
 * [T − interval, T)), the delay, catch-up of missed windows one by one, and DST-length windows.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { nextWindow, parseSlidingWindow, slidingWindowOutputs } from './sliding-window.ts';
import type { SlidingWindow, SlidingWindowRun } from './sliding-window.ts';

const POINTER = '/definition/triggers/Sliding_Window';
const ms = (iso: string): number => Date.parse(iso);
const iso = (time: number): string => new Date(time).toISOString().replace('.000Z', 'Z');

function spec(recurrence: unknown, inputs?: unknown): SlidingWindow {
  const { window, issues } = parseSlidingWindow(recurrence, `${POINTER}/recurrence`, inputs === undefined ? undefined : { value: inputs, pointer: `${POINTER}/inputs` });
  assert.deepEqual(issues.filter((issue) => issue.severity === 'error'), []);
  assert.ok(window !== undefined);
  return window;
}

const show = (run: SlidingWindowRun): string => `[${iso(run.windowStartTime)}, ${iso(run.windowEndTime)}) @${iso(run.fireAt)}`;

/** The first `count` windows of a trigger enabled at `enabledAt`, each asked for after the previous one. */
function windows(window: SlidingWindow, enabledAt: string, count: number): string[] {
  const out: string[] = [];
  let previous: number | undefined;
  for (let i = 0; i < count; i += 1) {
    const run = nextWindow(window, previous, ms(enabledAt));
    out.push(show(run));
    previous = run.windowEndTime;
  }
  return out;
}

describe('parseSlidingWindow', () => {
  test('reads the recurrence and inputs.delay', () => {
    const parsed = spec({ frequency: 'Hour', interval: 1, startTime: '2019-05-13T14:00:00', timeZone: 'Pacific Standard Time' }, { delay: 'PT5S' });
    assert.deepEqual(parsed, { recurrence: { frequency: 'Hour', interval: 1, startTime: '2019-05-13T14:00:00', timeZone: 'Pacific Standard Time' }, delayMs: 5_000 });
    assert.equal(spec({ frequency: 'Minute', interval: 15 }).delayMs, 0);
  });

  test('rejects a schedule, an invalid delay and a broken recurrence, with pointers', () => {
    const codes = (recurrence: unknown, inputs?: unknown): string[] =>
      parseSlidingWindow(recurrence, `${POINTER}/recurrence`, inputs === undefined ? undefined : { value: inputs, pointer: `${POINTER}/inputs` }).issues.map((issue) => `${issue.severity} ${issue.code} ${issue.path}`);
    assert.deepEqual(codes({ frequency: 'Day', interval: 1, schedule: { hours: [8] } }), [`error sliding-window-schedule-not-allowed ${POINTER}/recurrence/schedule`]);
    assert.deepEqual(codes({ frequency: 'Hour', interval: 1 }, { delay: 'five minutes' }), [`error sliding-window-delay-invalid ${POINTER}/inputs/delay`]);
    assert.deepEqual(codes({ frequency: 'Hour', interval: 1 }, { delay: 'PT1M', dealy: 'PT2M' }), [`warning sliding-window-input-unknown ${POINTER}/inputs/dealy`]);
    assert.deepEqual(codes({ frequency: 'Hour', interval: 0 }), [`error recurrence-interval-out-of-range ${POINTER}/recurrence/interval`]);
    assert.equal(parseSlidingWindow({ frequency: 'Hour', interval: 1 }, `${POINTER}/recurrence`, { value: { delay: 5 }, pointer: `${POINTER}/inputs` }).window, undefined);
  });

  test('an endTime is reported and ignored: every window runs', () => {
    const { window, issues } = parseSlidingWindow({ frequency: 'Hour', interval: 1, startTime: '2024-05-01T00:00:00Z', endTime: '2024-05-01T02:00:00Z' }, `${POINTER}/recurrence`);
    assert.deepEqual(issues.map((issue) => `${issue.severity} ${issue.code} ${issue.path}`), [`warning sliding-window-end-time-ignored ${POINTER}/recurrence/endTime`]);
    assert.ok(window !== undefined);
    assert.equal(window.recurrence.endTime, undefined);
    assert.equal(windows(window, '2024-05-01T00:00:00Z', 4)[3], '[2024-05-01T02:00:00Z, 2024-05-01T03:00:00Z) @2024-05-01T03:00:00Z');
  });
});

describe('windows', () => {
  test('without startTime the first window ends when the trigger is enabled and runs at once', () => {
    assert.deepEqual(windows(spec({ frequency: 'Hour', interval: 1 }), '2024-05-01T10:00:00Z', 2), ['[2024-05-01T09:00:00Z, 2024-05-01T10:00:00Z) @2024-05-01T10:00:00Z', '[2024-05-01T10:00:00Z, 2024-05-01T11:00:00Z) @2024-05-01T11:00:00Z']);
  });

  test('each run waits for the delay after its window closes', () => {
    assert.deepEqual(windows(spec({ frequency: 'Minute', interval: 15, startTime: '2024-05-01T10:00:00Z' }, { delay: 'PT5M' }), '2024-05-01T09:00:00Z', 2), ['[2024-05-01T09:45:00Z, 2024-05-01T10:00:00Z) @2024-05-01T10:05:00Z', '[2024-05-01T10:00:00Z, 2024-05-01T10:15:00Z) @2024-05-01T10:20:00Z']);
  });

  test("startTime in the past: past windows are honoured (Microsoft's example, every two days from 2017-09-07 14:00)", () => {
    // Enabled 2017-09-08 13:00: the window ending at the start time is due at once, then 09, 11 September at 14:00.
    assert.deepEqual(windows(spec({ frequency: 'Day', interval: 2, startTime: '2017-09-07T14:00:00Z' }), '2017-09-08T13:00:00Z', 3), [
      '[2017-09-05T14:00:00Z, 2017-09-07T14:00:00Z) @2017-09-07T14:00:00Z',
      '[2017-09-07T14:00:00Z, 2017-09-09T14:00:00Z) @2017-09-09T14:00:00Z',
      '[2017-09-09T14:00:00Z, 2017-09-11T14:00:00Z) @2017-09-11T14:00:00Z',
    ]);
  });

  test('after downtime every missed window runs, one by one, without gaps or overlaps', () => {
    const hourly = spec({ frequency: 'Hour', interval: 1, startTime: '2024-05-01T00:00:00Z' });
    const now = ms('2024-05-01T05:30:00Z');
    const ran: string[] = [];
    let previous: number | undefined = ms('2024-05-01T01:00:00Z');
    for (let run = nextWindow(hourly, previous, 0); run.fireAt <= now; run = nextWindow(hourly, previous, 0)) {
      ran.push(`${iso(run.windowStartTime)}–${iso(run.windowEndTime)}`);
      previous = run.windowEndTime;
    }
    assert.deepEqual(ran, ['2024-05-01T01:00:00Z–2024-05-01T02:00:00Z', '2024-05-01T02:00:00Z–2024-05-01T03:00:00Z', '2024-05-01T03:00:00Z–2024-05-01T04:00:00Z', '2024-05-01T04:00:00Z–2024-05-01T05:00:00Z']);
  });

  test('a previous end off the grid (the start time was edited) gets a short window up to the next boundary', () => {
    const run = nextWindow(spec({ frequency: 'Hour', interval: 1, startTime: '2024-05-01T00:00:00Z' }), ms('2024-05-01T10:20:00Z'), 0);
    assert.equal(show(run), '[2024-05-01T10:20:00Z, 2024-05-01T11:00:00Z) @2024-05-01T11:00:00Z');
  });

  test('far behind, the next boundary is still found (every 10 seconds, a year later)', () => {
    const run = nextWindow(spec({ frequency: 'Second', interval: 10, startTime: '2023-05-01T00:00:00Z' }), ms('2024-05-01T00:00:05Z'), 0);
    assert.equal(show(run), '[2024-05-01T00:00:05Z, 2024-05-01T00:00:10Z) @2024-05-01T00:00:10Z');
  });

  test('daily windows follow local midnight: 23 hours on the spring-forward day, 25 in autumn (W. Europe)', () => {
    const daily = spec({ frequency: 'Day', interval: 1, startTime: '2024-03-30T00:00:00', timeZone: 'W. Europe Standard Time' });
    assert.deepEqual(windows(daily, '2024-03-01T00:00:00Z', 3), [
      '[2024-03-28T23:00:00Z, 2024-03-29T23:00:00Z) @2024-03-29T23:00:00Z',
      '[2024-03-29T23:00:00Z, 2024-03-30T23:00:00Z) @2024-03-30T23:00:00Z',
      '[2024-03-30T23:00:00Z, 2024-03-31T22:00:00Z) @2024-03-31T22:00:00Z',
    ]);
    const autumn = nextWindow(daily, ms('2024-10-26T22:00:00Z'), 0);
    assert.equal(show(autumn), '[2024-10-26T22:00:00Z, 2024-10-27T23:00:00Z) @2024-10-27T23:00:00Z');
  });

  test('monthly windows from the 31st are contiguous through short months', () => {
    assert.deepEqual(windows(spec({ frequency: 'Month', interval: 1, startTime: '2024-01-31T00:00:00Z' }), '2024-01-01T00:00:00Z', 3), [
      '[2023-12-31T00:00:00Z, 2024-01-31T00:00:00Z) @2024-01-31T00:00:00Z',
      '[2024-01-31T00:00:00Z, 2024-02-29T00:00:00Z) @2024-02-29T00:00:00Z',
      '[2024-02-29T00:00:00Z, 2024-03-31T00:00:00Z) @2024-03-31T00:00:00Z',
    ]);
  });

  test('a run sees its window as triggerOutputs() windowStartTime / windowEndTime in ISO 8601 UTC', () => {
    const run = nextWindow(spec({ frequency: 'Hour', interval: 1 }), undefined, ms('2024-05-01T10:00:00Z'));
    assert.deepEqual(slidingWindowOutputs(run), { windowStartTime: '2024-05-01T09:00:00.000Z', windowEndTime: '2024-05-01T10:00:00.000Z' });
  });
});
