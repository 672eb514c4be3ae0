/**
 * Windows time zone IDs (`Pacific Standard Time`, what Logic Apps accepts) mapped to IANA zones
 * through CLDR's table (windows-iana), with offsets from `Intl`. IDs match case-insensitively.
 */
import { WINDOWS_TO_IANA_MAP } from 'windows-iana';
import { TICKS_PER_MINUTE, UNIX_EPOCH_TICKS, TICKS_PER_MILLISECOND, civilOf } from './date-time.ts';

/** Thrown for an unknown time zone ID or a wall-clock time the zone skips; the message is ready to show. */
export class TimeZoneError extends Error {
  override readonly name = 'TimeZoneError';
}

/** A time zone that converts between UTC and wall-clock ticks. */
export interface TimeZone {
  readonly windowsId: string;
  readonly iana: string;
  /** Offset from UTC in minutes at a UTC instant. */
  offsetAt(utcTicks: bigint): number;
}

let byLowerId: Map<string, { readonly id: string; readonly iana: string }> | undefined;

function table(): Map<string, { readonly id: string; readonly iana: string }> {
  if (byLowerId === undefined) {
    byLowerId = new Map();
    for (const entry of WINDOWS_TO_IANA_MAP) {
      if (entry.territory !== '001') continue;
      const [iana] = entry.iana;
      if (iana !== undefined) byLowerId.set(entry.windowsName.toLowerCase(), { id: entry.windowsName, iana });
    }
    byLowerId.set('utc', { id: 'UTC', iana: 'Etc/UTC' });
    byLowerId.set('coordinated universal time', { id: 'UTC', iana: 'Etc/UTC' });
  }
  return byLowerId;
}

const zones = new Map<string, TimeZone>();

/** The zone of a Windows ID; throws {@link TimeZoneError} naming the closest known ID. */
export function findTimeZone(windowsId: string): TimeZone {
  const key = windowsId.trim().toLowerCase();
  const cached = zones.get(key);
  if (cached !== undefined) return cached;
  const entry = table().get(key);
  if (entry === undefined) {
    const hint = [...table().values()].find((candidate) => candidate.id.toLowerCase().startsWith(key.split(' ')[0] ?? ''));
    throw new TimeZoneError(`\`${windowsId}\` is not a Windows time zone ID${hint === undefined ? '' : ` — did you mean \`${hint.id}\`?`} (IDs such as \`Pacific Standard Time\`, \`W. Europe Standard Time\`, \`UTC\`)`);
  }
  const format = new Intl.DateTimeFormat('en-US', { timeZone: entry.iana, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric', era: 'short' });
  const zone: TimeZone = {
    windowsId: entry.id,
    iana: entry.iana,
    offsetAt(utcTicks: bigint): number {
      const ms = Number((utcTicks - UNIX_EPOCH_TICKS) / TICKS_PER_MILLISECOND);
      const instant = Math.floor(ms / 60_000) * 60_000;
      const parts: Record<string, string> = {};
      for (const part of format.formatToParts(instant)) parts[part.type] = part.value;
      let year = Number(parts.year);
      if (parts.era === 'BC' || parts.era === 'B') year = 1 - year;
      const wall = new Date(0);
      wall.setUTCFullYear(year, Number(parts.month) - 1, Number(parts.day));
      wall.setUTCHours(Number(parts.hour), Number(parts.minute), Number(parts.second), 0);
      return Math.round((wall.getTime() - instant) / 60_000);
    },
  };
  zones.set(key, zone);
  return zone;
}

/** Wall-clock ticks in `zone` of a UTC instant. */
export function utcToZone(utcTicks: bigint, zone: TimeZone): bigint {
  return utcTicks + BigInt(zone.offsetAt(utcTicks)) * TICKS_PER_MINUTE;
}

/** Offsets are at most 14 h from UTC, so a day either side of a wall time reads the offsets around it. */
const PROBE_TICKS = 24n * 60n * TICKS_PER_MINUTE;

/**
 * The UTC instant of wall-clock ticks in `zone`, as .NET's `TimeZoneInfo.ConvertTimeToUtc` reads
 * them: a time repeated by a fall-back change is standard time (the later instant), and a time
 * skipped by a spring-forward change throws {@link TimeZoneError} (.NET throws ArgumentException,
 * "The supplied DateTime represents an invalid time"). Recurrence schedules, which do move such
 * times forward, convert with their own wall clock.
 */
export function zoneToUtc(localTicks: bigint, zone: TimeZone): bigint {
  const before = zone.offsetAt(localTicks - PROBE_TICKS);
  const after = zone.offsetAt(localTicks + PROBE_TICKS);
  // Try the offset in force after a change first: when both fit, the time is ambiguous and .NET takes standard time.
  for (const offset of after === before ? [after] : [after, before]) {
    const utc = localTicks - BigInt(offset) * TICKS_PER_MINUTE;
    if (zone.offsetAt(utc) === offset) return utc;
  }
  throw new TimeZoneError(skippedTimeMessage(localTicks, { zone, before, after }));
}

/** Names the skipped wall time, the gap around it and what to write instead. */
function skippedTimeMessage(localTicks: bigint, around: { readonly zone: TimeZone; readonly before: number; readonly after: number }): string {
  const { zone, before, after } = around;
  // The change is the first instant with the later offset; the wall time lies in [change + before, change + after).
  let low = localTicks - BigInt(after) * TICKS_PER_MINUTE;
  let high = localTicks - BigInt(before) * TICKS_PER_MINUTE;
  while (high - low > TICKS_PER_MINUTE) {
    const middle = low + ((high - low) / TICKS_PER_MINUTE / 2n) * TICKS_PER_MINUTE;
    if (zone.offsetAt(middle) === before) low = middle;
    else high = middle;
  }
  const change = high - (high % TICKS_PER_MINUTE);
  const gapStart = change + BigInt(before) * TICKS_PER_MINUTE;
  const gapEnd = change + BigInt(after) * TICKS_PER_MINUTE;
  const forward = localTicks + BigInt(after - before) * TICKS_PER_MINUTE;
  return `${wallText(localTicks)} does not exist in \`${zone.windowsId}\`: clocks there jump from ${wallText(gapStart).slice(11, 16)} to ${wallText(gapEnd).slice(11, 16)} that day, and .NET rejects a time in that gap as invalid — write a time outside it, such as ${wallText(forward)} (the skipped time moved forward by the jump), or a timestamp with Z or an offset`;
}

/** `2026-03-08T02:30:00` (with a 7-digit fraction when there is one). */
function wallText(ticks: bigint): string {
  const civil = civilOf(ticks);
  const two = (value: number): string => String(value).padStart(2, '0');
  const fraction = civil.fraction === 0 ? '' : `.${String(civil.fraction).padStart(7, '0')}`;
  return `${String(civil.year).padStart(4, '0')}-${two(civil.month)}-${two(civil.day)}T${two(civil.hour)}:${two(civil.minute)}:${two(civil.second)}${fraction}`;
}
