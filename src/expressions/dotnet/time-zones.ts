/**
 * Windows time zone IDs (`Pacific Standard Time`, what Logic Apps accepts) mapped to IANA zones
 * through CLDR's table (windows-iana), with offsets from `Intl`. IDs match case-insensitively.
 */
import { WINDOWS_TO_IANA_MAP } from 'windows-iana';
import { TICKS_PER_MINUTE, UNIX_EPOCH_TICKS, TICKS_PER_MILLISECOND } from './date-time.ts';

/** Thrown for an unknown time zone ID; callers word the error. */
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

/** The UTC instant of wall-clock ticks in `zone` (a time skipped by a DST change moves forward, as .NET does). */
export function zoneToUtc(localTicks: bigint, zone: TimeZone): bigint {
  let offset = zone.offsetAt(localTicks);
  let utc = localTicks - BigInt(offset) * TICKS_PER_MINUTE;
  const second = zone.offsetAt(utc);
  if (second !== offset) {
    offset = second;
    utc = localTicks - BigInt(offset) * TICKS_PER_MINUTE;
  }
  return utc;
}
