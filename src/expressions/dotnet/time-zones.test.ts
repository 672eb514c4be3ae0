import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ExpressionEvaluationError, evaluateExpression } from '../index.ts';
import { ticksOf } from './date-time.ts';
import { TimeZoneError, findTimeZone, utcToZone, zoneToUtc } from './time-zones.ts';

/** Ticks of an ISO wall time such as `2026-03-08T02:30:00`. */
function ticksAt(text: string): bigint {
  const [date = '', time = ''] = text.split('T');
  const [year = 0, month = 0, day = 0] = date.split('-').map(Number);
  const [hour = 0, minute = 0, second = 0] = time.split(':').map(Number);
  return ticksOf({ year, month, day, hour, minute, second });
}

function utcOf(local: string, zoneId: string): bigint {
  return zoneToUtc(ticksAt(local), findTimeZone(zoneId));
}

describe('zoneToUtc follows TimeZoneInfo.ConvertTimeToUtc', () => {
  const zones = [
    // US: 02:00 → 03:00 on 8 March 2026, 02:00 → 01:00 on 1 November 2026.
    { id: 'Central Standard Time', normal: ['2026-07-01T12:00:00', '2026-07-01T17:00:00'], gap: '2026-03-08T02:30:00', ambiguous: ['2026-11-01T01:30:00', '2026-11-01T07:30:00'], hours: '02:00 to 03:00' },
    // EU: 02:00 → 03:00 on 29 March 2026, 03:00 → 02:00 on 25 October 2026.
    { id: 'W. Europe Standard Time', normal: ['2026-01-15T09:00:00', '2026-01-15T08:00:00'], gap: '2026-03-29T02:30:00', ambiguous: ['2026-10-25T02:30:00', '2026-10-25T01:30:00'], hours: '02:00 to 03:00' },
    // Southern hemisphere: 02:00 → 03:00 on 4 October 2026, 03:00 → 02:00 on 5 April 2026.
    { id: 'AUS Eastern Standard Time', normal: ['2026-06-01T10:00:00', '2026-06-01T00:00:00'], gap: '2026-10-04T02:30:00', ambiguous: ['2026-04-05T02:30:00', '2026-04-04T16:30:00'], hours: '02:00 to 03:00' },
  ] as const;

  for (const zone of zones) {
    it(`${zone.id}: a normal wall time converts with the offset in force`, () => {
      assert.equal(utcOf(zone.normal[0], zone.id), ticksAt(zone.normal[1]));
    });

    it(`${zone.id}: a repeated (fall-back) wall time is read as standard time, the later instant`, () => {
      const utc = utcOf(zone.ambiguous[0], zone.id);
      assert.equal(utc, ticksAt(zone.ambiguous[1]));
      // Both readings show the same wall time; standard time is the second one.
      assert.equal(utcToZone(utc, findTimeZone(zone.id)), ticksAt(zone.ambiguous[0]));
      assert.equal(utcToZone(utc - 36_000_000_000n, findTimeZone(zone.id)), ticksAt(zone.ambiguous[0]));
    });

    it(`${zone.id}: a skipped (spring-forward) wall time is an error naming the time, the zone and the gap`, () => {
      assert.throws(
        () => utcOf(zone.gap, zone.id),
        (error: unknown) => {
          assert.ok(error instanceof TimeZoneError);
          assert.match(error.message, new RegExp(`^${zone.gap} does not exist in \`${zone.id}\`: clocks there jump from ${zone.hours} that day`));
          return true;
        },
      );
    });
  }

  it('the first minute of a gap is skipped and the minute before it is not', () => {
    assert.throws(() => utcOf('2026-03-08T02:00:00', 'Central Standard Time'), TimeZoneError);
    assert.throws(() => utcOf('2026-03-08T02:59:59', 'Central Standard Time'), TimeZoneError);
    assert.equal(utcOf('2026-03-08T01:59:59', 'Central Standard Time'), ticksAt('2026-03-08T07:59:59'));
    assert.equal(utcOf('2026-03-08T03:00:00', 'Central Standard Time'), ticksAt('2026-03-08T08:00:00'));
  });

  it('a zone without daylight saving time converts every wall time', () => {
    assert.equal(utcOf('2026-03-08T02:30:00', 'India Standard Time'), ticksAt('2026-03-07T21:00:00'));
  });
});

describe('convertToUtc and convertTimeZone around daylight-saving changes', () => {
  it('convertToUtc of a skipped time fails with the time, the zone and a time to use instead', () => {
    assert.throws(
      () => evaluateExpression("@convertToUtc('2026-03-08T02:30:00', 'Central Standard Time')", {}),
      (error: unknown) => {
        assert.ok(error instanceof ExpressionEvaluationError);
        assert.match(error.message, /^function `convertToUtc` \(offset 1\): 2026-03-08T02:30:00 does not exist in `Central Standard Time`/);
        assert.match(error.message, /such as 2026-03-08T03:30:00/);
        return true;
      },
    );
  });

  it('convertTimeZone of a skipped time in the source zone fails the same way', () => {
    assert.throws(() => evaluateExpression("@convertTimeZone('2026-03-29T02:30:00', 'W. Europe Standard Time', 'Tokyo Standard Time')", {}), /2026-03-29T02:30:00 does not exist in `W. Europe Standard Time`/);
  });

  it('a timestamp with Z is an instant, never a skipped wall time', () => {
    assert.equal(evaluateExpression("@convertToUtc('2026-03-08T02:30:00Z', 'Central Standard Time')", {}), '2026-03-08T02:30:00.0000000Z');
    assert.equal(evaluateExpression("@convertTimeZone('2026-03-08T08:30:00Z', 'UTC', 'Central Standard Time')", {}), '2026-03-08T03:30:00.0000000');
  });

  it('convertToUtc reads a repeated time as standard time and a normal time with its offset', () => {
    assert.equal(evaluateExpression("@convertToUtc('2026-11-01T01:30:00', 'Central Standard Time')", {}), '2026-11-01T07:30:00.0000000Z');
    assert.equal(evaluateExpression("@convertToUtc('2026-10-25T02:30:00', 'W. Europe Standard Time')", {}), '2026-10-25T01:30:00.0000000Z');
    assert.equal(evaluateExpression("@convertToUtc('2026-07-01T12:00:00', 'W. Europe Standard Time')", {}), '2026-07-01T10:00:00.0000000Z');
  });

  it('convertTimeZone of a repeated time goes through standard time', () => {
    assert.equal(evaluateExpression("@convertTimeZone('2026-11-01T01:30:00', 'Central Standard Time', 'W. Europe Standard Time')", {}), '2026-11-01T08:30:00.0000000');
  });
});
