/**
 * ISO 8601 durations as Logic Apps reads them (retry intervals, `limit.timeout`): `PnYnMnWnDTnHnMnS`,
 * fractions (with `.` or `,`) allowed. Years and months have no fixed length; like .NET's
 * `XmlConvert.ToTimeSpan`, a year counts as 365 days and a month as 30.
 */

const PATTERN = /^P(?:(\d+(?:[.,]\d+)?)Y)?(?:(\d+(?:[.,]\d+)?)M)?(?:(\d+(?:[.,]\d+)?)W)?(?:(\d+(?:[.,]\d+)?)D)?(?:T(?:(\d+(?:[.,]\d+)?)H)?(?:(\d+(?:[.,]\d+)?)M)?(?:(\d+(?:[.,]\d+)?)S)?)?$/i;

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const UNIT_MS: readonly number[] = [365 * DAY, 30 * DAY, 7 * DAY, DAY, HOUR, MINUTE, SECOND];

/** Milliseconds of an ISO 8601 duration (`PT7S` → 7000, `P1D` → 86,400,000), or undefined when `text` is not one. */
export function parseIsoDuration(text: string): number | undefined {
  const match = PATTERN.exec(text.trim());
  if (match === null) return undefined;
  const parts = match.slice(1);
  if (parts.every((part) => part === undefined)) return undefined;
  if (/T$/i.test(text.trim())) return undefined;
  let total = 0;
  parts.forEach((part, i) => {
    if (part !== undefined) total += Number(part.replace(',', '.')) * (UNIT_MS[i] ?? 0);
  });
  return Math.round(total);
}

/** `7000` → `PT7S`, `86400000` → `P1D`: a duration for messages. */
export function formatIsoDuration(ms: number): string {
  const days = Math.floor(ms / DAY);
  let rest = ms - days * DAY;
  const hours = Math.floor(rest / HOUR);
  rest -= hours * HOUR;
  const minutes = Math.floor(rest / MINUTE);
  const seconds = (rest - minutes * MINUTE) / SECOND;
  const time = `${hours > 0 ? `${hours}H` : ''}${minutes > 0 ? `${minutes}M` : ''}${seconds > 0 ? `${seconds}S` : ''}`;
  if (days === 0 && time === '') return 'PT0S';
  return `P${days > 0 ? `${days}D` : ''}${time === '' ? '' : `T${time}`}`;
}
