/** Wait ("Delay" / "Delay until"): completes after an interval or at a timestamp. */
import { isRecord } from '../../../expressions/index.ts';
import type { ActionExecutor, ActionInput } from '../contract.ts';
import { badInput } from '../errors.ts';
import { addCalendarUnits, CALENDAR_UNITS, parseCalendarUnit } from '../durations.ts';
import { describe, inputsRecord, memberOf } from '../inputs.ts';
import { DEFAULT_ACTION_LIMITS } from '../limits.ts';

const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,7})?)?)?(?:Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * `Wait` — `{ interval: { count, unit } }` or `{ until: { timestamp } }`, not both. The outcome
 * carries `waitUntil` (epoch ms, on the injected clock); the engine persists it and schedules the
 * continuation, so a wait survives a restart. A timestamp without an offset is UTC (the docs
 * require UTC); one in the past completes at once. A wait longer than `limits.maxWaitMs` (366 days)
 * is a BadRequest: no run lasts that long, and a far date would not fit the scheduler's clock.
 */
export const waitExecutor: ActionExecutor = {
  type: 'wait',
  async execute(action, context) {
    const inputs = inputsRecord(action, { value: context.evaluate(action.inputs), expected: '`interval: { count, unit }` or `until: { timestamp }`' });
    const interval = memberOf(inputs, 'interval');
    const until = memberOf(inputs, 'until');
    if (interval !== undefined && until !== undefined) throw badInput({ action: action.name, input: 'inputs' }, 'has both `interval` and `until` — a Wait waits for an interval or until a time, not both');
    const now = context.clock.now();
    const maxWaitMs = (context.limits ?? DEFAULT_ACTION_LIMITS).maxWaitMs;
    if (interval !== undefined) {
      const { count, unit } = intervalOf(action, interval);
      const waitUntil = addCalendarUnits(now, { count, unit });
      if (!Number.isFinite(waitUntil) || waitUntil - now > maxWaitMs) {
        throw badInput({ action: action.name, input: 'interval' }, `of ${count} ${unit}(s) is longer than a run may wait (${days(maxWaitMs)}) — wait less, or let a Recurrence trigger start a later run instead`);
      }
      return { status: 'Succeeded', inputs: { interval: { count, unit } }, waitUntil };
    }
    if (until !== undefined) {
      const timestamp = isRecord(until) ? memberOf(until, 'timestamp') : undefined;
      if (typeof timestamp !== 'string' || !ISO_TIMESTAMP.test(timestamp.trim())) {
        throw badInput({ action: action.name, input: 'until.timestamp' }, `must be an ISO 8601 UTC date and time such as 2017-10-01T00:00:00Z (got ${typeof timestamp === 'string' ? `'${timestamp}'` : describe(timestamp)})`);
      }
      const text = timestamp.trim();
      // Date.parse reads a date-time without an offset as local time: make it UTC explicitly.
      const at = Date.parse(/(?:Z|[+-]\d{2}:?\d{2})$/i.test(text) || text.length === 10 ? text : `${text}Z`);
      if (Number.isNaN(at)) throw badInput({ action: action.name, input: 'until.timestamp' }, `is not a valid date ('${timestamp}')`);
      if (at - now > maxWaitMs) {
        throw badInput({ action: action.name, input: 'until.timestamp' }, `'${timestamp}' is further away than a run may wait (${days(maxWaitMs)}) — pick an earlier time, or let a Recurrence trigger start a later run instead`);
      }
      return { status: 'Succeeded', inputs: { until: { timestamp } }, waitUntil: at };
    }
    throw badInput({ action: action.name, input: 'inputs' }, 'needs `interval: { count, unit }` or `until: { timestamp }`');
  },
};

/** `ms` as whole days for messages ("366 days"). */
function days(ms: number): string {
  const count = Math.floor(ms / 86_400_000);
  return count === 1 ? '1 day' : `${count} days`;
}

function intervalOf(action: ActionInput, interval: unknown): { count: number; unit: (typeof CALENDAR_UNITS)[number] } {
  if (!isRecord(interval)) throw badInput({ action: action.name, input: 'interval' }, `must be an object { "count", "unit" } (got ${describe(interval)})`);
  const rawCount = memberOf(interval, 'count');
  const count = typeof rawCount === 'string' && /^\s*\d+\s*$/.test(rawCount) ? Number(rawCount) : rawCount;
  if (typeof count !== 'number' || !Number.isSafeInteger(count) || count < 0) throw badInput({ action: action.name, input: 'interval.count' }, `must be a whole number ≥ 0 (got ${describe(rawCount)})`);
  const unit = parseCalendarUnit(memberOf(interval, 'unit'));
  if (unit === undefined) throw badInput({ action: action.name, input: 'interval.unit' }, `must be one of ${CALENDAR_UNITS.join(', ')}`);
  return { count, unit };
}
