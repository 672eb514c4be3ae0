/**
 * .NET date and time format strings, for formatting (`DateTime.ToString(format, culture)`) and
 * exact parsing (`DateTime.ParseExact`): the standard one-letter formats (d D f F g G m M o O r R
 * s t T u U y Y) and custom patterns (yyyy MM dd HH hh mm ss fffffff FFFFFFF tt zzz K, names,
 * quoted literals, `\` escapes, `%` single specifiers).
 */
import type { Culture } from './cultures.ts';
import { invariantCulture } from './cultures.ts';
import { DateTimeError, civilOf, ticksOf } from './date-time.ts';
import type { DateTimeValue } from './date-time.ts';

/** Thrown for a format string .NET rejects; callers word the error. */
export class DateFormatError extends Error {
  override readonly name = 'DateFormatError';
}

type Token = { readonly kind: 'field'; readonly letter: string; readonly count: number } | { readonly kind: 'literal'; readonly text: string } | { readonly kind: 'date-separator' } | { readonly kind: 'time-separator' };

const FIELD_LETTERS = 'dfFghHKmMstyz';

/** Expands a one-letter standard format into a custom pattern and the culture it uses. */
function expandStandard(letter: string, culture: Culture): { readonly pattern: string; readonly culture: Culture; readonly utc: boolean } {
  const p = culture.date.patterns;
  switch (letter) {
    case 'd':
      return { pattern: p.d, culture, utc: false };
    case 'D':
      return { pattern: p.D, culture, utc: false };
    case 'f':
      return { pattern: `${p.D} ${p.t}`, culture, utc: false };
    case 'F':
      return { pattern: `${p.D} ${p.T}`, culture, utc: false };
    case 'g':
      return { pattern: `${p.d} ${p.t}`, culture, utc: false };
    case 'G':
      return { pattern: `${p.d} ${p.T}`, culture, utc: false };
    case 'm':
    case 'M':
      return { pattern: p.M, culture, utc: false };
    case 'o':
    case 'O':
      return { pattern: "yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fffffffK", culture: invariantCulture(), utc: false };
    case 'r':
    case 'R':
      return { pattern: "ddd, dd MMM yyyy HH':'mm':'ss 'GMT'", culture: invariantCulture(), utc: false };
    case 's':
      return { pattern: "yyyy'-'MM'-'dd'T'HH':'mm':'ss", culture: invariantCulture(), utc: false };
    case 't':
      return { pattern: p.t, culture, utc: false };
    case 'T':
      return { pattern: p.T, culture, utc: false };
    case 'u':
      return { pattern: "yyyy'-'MM'-'dd HH':'mm':'ss'Z'", culture: invariantCulture(), utc: false };
    case 'U':
      return { pattern: `${p.D} ${p.T}`, culture, utc: true };
    case 'y':
    case 'Y':
      return { pattern: p.Y, culture, utc: false };
    default:
      throw new DateFormatError(`\`${letter}\` is not a standard date and time format (use d, D, f, F, g, G, M, o, r, s, t, T, u, U or Y, or a custom pattern such as \`yyyy-MM-dd\`)`);
  }
}

function tokenize(pattern: string): Token[] {
  const tokens: Token[] = [];
  for (let i = 0; i < pattern.length; ) {
    const c = pattern.charAt(i);
    if (c === "'" || c === '"') {
      let text = '';
      let j = i + 1;
      for (; j < pattern.length && pattern.charAt(j) !== c; j++) {
        if (pattern.charAt(j) === '\\' && j + 1 < pattern.length) j++;
        text += pattern.charAt(j);
      }
      if (j >= pattern.length) throw new DateFormatError(`the quote at position ${i} of the format is not closed`);
      tokens.push({ kind: 'literal', text });
      i = j + 1;
    } else if (c === '\\') {
      if (i + 1 >= pattern.length) throw new DateFormatError('the format ends with a lone `\\`');
      tokens.push({ kind: 'literal', text: pattern.charAt(i + 1) });
      i += 2;
    } else if (c === '%') {
      const next = pattern.charAt(i + 1);
      if (next === '' || next === '%') throw new DateFormatError('`%` must be followed by one format specifier');
      if (FIELD_LETTERS.includes(next)) tokens.push({ kind: 'field', letter: next, count: 1 });
      else tokens.push({ kind: 'literal', text: next });
      i += 2;
    } else if (FIELD_LETTERS.includes(c)) {
      let j = i;
      while (pattern.charAt(j) === c) j++;
      tokens.push({ kind: 'field', letter: c, count: j - i });
      i = j;
    } else if (c === ':') {
      tokens.push({ kind: 'time-separator' });
      i++;
    } else if (c === '/') {
      tokens.push({ kind: 'date-separator' });
      i++;
    } else {
      tokens.push({ kind: 'literal', text: c });
      i++;
    }
  }
  return tokens;
}

/** The pattern and culture a format string stands for (one letter = standard format). */
function resolve(format: string, culture: Culture): { readonly tokens: Token[]; readonly culture: Culture; readonly utc: boolean } {
  if (format.length === 1) {
    const standard = expandStandard(format, culture);
    return { tokens: tokenize(standard.pattern), culture: standard.culture, utc: standard.utc };
  }
  return { tokens: tokenize(format), culture, utc: false };
}

/**
 * Formats a DateTime as .NET's `ToString(format, culture)`. Offsets (`zzz`, `K` of a local time)
 * read as UTC: Logic Apps runs in UTC. Throws {@link DateFormatError} for an invalid format.
 */
export function formatDateTime(value: DateTimeValue, how: { readonly format: string; readonly culture: Culture }): string {
  const { tokens, culture: used } = resolve(how.format === '' ? 'G' : how.format, how.culture);
  const c = civilOf(value.ticks);
  const names = used.date;
  // .NET uses genitive month names when the pattern also shows the day number.
  const genitive = tokens.some((token) => token.kind === 'field' && token.letter === 'd' && token.count <= 2);
  const months = genitive ? names.monthsGenitive : names.months;
  const monthsShort = genitive ? names.monthsShortGenitive : names.monthsShort;
  const pad = (n: number, width: number) => String(n).padStart(width, '0');
  let out = '';
  for (const token of tokens) {
    if (token.kind === 'literal') {
      out += token.text;
      continue;
    }
    if (token.kind === 'date-separator') {
      out += names.dateSeparator;
      continue;
    }
    if (token.kind === 'time-separator') {
      out += names.timeSeparator;
      continue;
    }
    const { letter, count } = token;
    switch (letter) {
      case 'd':
        out += count === 1 ? String(c.day) : count === 2 ? pad(c.day, 2) : count === 3 ? (names.daysShort[c.dayOfWeek] ?? '') : (names.days[c.dayOfWeek] ?? '');
        break;
      case 'f':
      case 'F': {
        if (count > 7) throw new DateFormatError(`at most 7 \`${letter}\` digits of a second can be shown`);
        let digits = pad(c.fraction, 7).slice(0, count);
        if (letter === 'F') {
          digits = digits.replace(/0+$/, '');
          if (digits === '' && out.endsWith('.')) out = out.slice(0, -1);
        }
        out += digits;
        break;
      }
      case 'g':
        out += 'A.D.';
        break;
      case 'h': {
        const hour = c.hour % 12 === 0 ? 12 : c.hour % 12;
        out += count === 1 ? String(hour) : pad(hour, 2);
        break;
      }
      case 'H':
        out += count === 1 ? String(c.hour) : pad(c.hour, 2);
        break;
      case 'K':
        out += value.kind === 'utc' ? 'Z' : '';
        break;
      case 'm':
        out += count === 1 ? String(c.minute) : pad(c.minute, 2);
        break;
      case 'M':
        out += count === 1 ? String(c.month) : count === 2 ? pad(c.month, 2) : count === 3 ? (monthsShort[c.month - 1] ?? '') : (months[c.month - 1] ?? '');
        break;
      case 's':
        out += count === 1 ? String(c.second) : pad(c.second, 2);
        break;
      case 't': {
        const designator = c.hour < 12 ? names.am : names.pm;
        out += count === 1 ? designator.charAt(0) : designator;
        break;
      }
      case 'y':
        out += count === 1 ? String(c.year % 100) : count === 2 ? pad(c.year % 100, 2) : pad(c.year, count);
        break;
      case 'z':
        out += count === 1 ? '+0' : count === 2 ? '+00' : '+00:00';
        break;
      default:
        out += letter.repeat(count);
    }
  }
  return out;
}

/** A case-insensitive match of the longest name in `names` at the start of `text`; index or -1. */
function matchName(text: string, names: readonly string[]): { readonly index: number; readonly length: number } {
  let best = { index: -1, length: 0 };
  const lower = text.toLowerCase();
  names.forEach((name, index) => {
    const candidate = name.toLowerCase();
    if (candidate !== '' && lower.startsWith(candidate) && candidate.length > best.length) best = { index, length: candidate.length };
  });
  return best;
}

/**
 * Parses `text` with exactly the pattern `format` (.NET's `ParseExact`): each field reads its
 * digits or names, literals must match. A `Z` or offset makes the result UTC. Throws
 * {@link DateTimeError} when the text does not match, {@link DateFormatError} for a bad format.
 */
export function parseExact(text: string, how: { readonly format: string; readonly culture: Culture }): DateTimeValue {
  const { tokens, culture: used } = resolve(how.format, how.culture);
  const names = used.date;
  let pos = 0;
  const fields = { year: 1, month: 1, day: 1, hour: 0, minute: 0, second: 0, fraction: 0 };
  let pm: boolean | undefined;
  let offsetMinutes: number | undefined;
  let utc = false;
  const fail = (): never => {
    throw new DateTimeError(`the text does not match the format at position ${pos}`);
  };
  const readDigits = (min: number, max: number): number => {
    const match = new RegExp(`^\\d{${min},${max}}`).exec(text.slice(pos));
    if (match === null) return fail();
    pos += match[0].length;
    return Number(match[0]);
  };
  for (const token of tokens) {
    if (token.kind === 'literal' || token.kind === 'date-separator' || token.kind === 'time-separator') {
      const expected = token.kind === 'literal' ? token.text : token.kind === 'date-separator' ? names.dateSeparator : names.timeSeparator;
      if (expected === ' ') {
        if (!/\s/.test(text.charAt(pos))) fail();
        while (/\s/.test(text.charAt(pos))) pos++;
        continue;
      }
      if (text.slice(pos, pos + expected.length).toLowerCase() !== expected.toLowerCase()) fail();
      pos += expected.length;
      continue;
    }
    const { letter, count } = token;
    switch (letter) {
      case 'd':
        if (count <= 2) fields.day = readDigits(count, 2);
        else {
          const found = matchName(text.slice(pos), count === 3 ? names.daysShort : names.days);
          if (found.index < 0) fail();
          pos += found.length;
        }
        break;
      case 'M':
        if (count <= 2) fields.month = readDigits(count, 2);
        else {
          const candidates = count === 3 ? [...names.monthsShort, ...names.monthsShortGenitive] : [...names.months, ...names.monthsGenitive];
          const found = matchName(text.slice(pos), candidates);
          if (found.index < 0) fail();
          fields.month = (found.index % 12) + 1;
          pos += found.length;
        }
        break;
      case 'y':
        if (count <= 2) {
          const year = readDigits(count, 2);
          fields.year = year < 30 ? 2000 + year : 1900 + year;
        } else fields.year = readDigits(count, Math.max(count, 4));
        break;
      case 'H':
        fields.hour = readDigits(count === 1 ? 1 : 2, 2);
        break;
      case 'h':
        fields.hour = readDigits(count === 1 ? 1 : 2, 2) % 12;
        break;
      case 'm':
        fields.minute = readDigits(count === 1 ? 1 : 2, 2);
        break;
      case 's':
        fields.second = readDigits(count === 1 ? 1 : 2, 2);
        break;
      case 'f':
      case 'F': {
        if (count > 7) throw new DateFormatError(`at most 7 \`${letter}\` digits of a second can be parsed`);
        const match = new RegExp(`^\\d{${letter === 'f' ? count : 0},${count}}`).exec(text.slice(pos));
        if (match === null) return fail();
        pos += match[0].length;
        fields.fraction = Number(match[0].padEnd(7, '0') || '0');
        break;
      }
      case 't': {
        const rest = text.slice(pos).toLowerCase();
        const am = names.am.toLowerCase();
        const pmText = names.pm.toLowerCase();
        const candidates = count === 1 ? [am.charAt(0), pmText.charAt(0)] : [am, pmText];
        if (candidates[1] !== '' && rest.startsWith(candidates[1] ?? '')) {
          pm = true;
          pos += (candidates[1] ?? '').length;
        } else if (candidates[0] !== '' && rest.startsWith(candidates[0] ?? '')) {
          pm = false;
          pos += (candidates[0] ?? '').length;
        } else fail();
        break;
      }
      case 'z':
      case 'K': {
        const match = /^(?:(Z)|([-+])(\d{1,2})(?::?(\d{2}))?)/i.exec(text.slice(pos));
        if (match === null) {
          if (letter === 'K') break;
          return fail();
        }
        pos += match[0].length;
        utc = true;
        offsetMinutes = match[1] !== undefined ? 0 : (match[2] === '-' ? -1 : 1) * (Number(match[3]) * 60 + Number(match[4] ?? '0'));
        break;
      }
      case 'g': {
        const match = /^(A\.?D\.?|B\.?C\.?)/i.exec(text.slice(pos));
        if (match === null) return fail();
        pos += match[0].length;
        break;
      }
      default:
        fail();
    }
  }
  if (pos !== text.length) fail();
  if (pm !== undefined) fields.hour = (fields.hour % 12) + (pm ? 12 : 0);
  let ticks = ticksOf(fields);
  if (offsetMinutes !== undefined) ticks -= BigInt(offsetMinutes) * 600_000_000n;
  return { ticks, kind: utc ? 'utc' : 'unspecified' };
}

const FILLER_WORDS = new Set(['de', 'del', 'of', 'the', 'le', 'den', 'der', 'el', 'à', 'at']);

/**
 * Parses a timestamp the way .NET's `DateTime.Parse(text, culture)` reads the common shapes:
 * ISO 8601 (`2018-03-15T13:27:36.1234567Z`, `2018-03-15 13:27:36+02:00`), the culture's
 * numeric dates (`03/15/2018 12:00:00` in en-US, `20/10/2014` in fr-FR), month names
 * (`20 octobre 2010`, `martes 20 octubre 2020`, `Mon, 09 Apr 2018 18:47:12 GMT`) and AM/PM.
 * A `Z`, `GMT` or offset makes the result UTC (converted); otherwise it is unspecified.
 * Throws {@link DateTimeError}.
 */
export function parseDateTime(text: string, how: { readonly culture: Culture; readonly defaultYear: number }): DateTimeValue {
  const { culture, defaultYear } = how;
  const iso = /^\s*([-+]?\d{4,})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?\s*(Z|[-+]\d{2}(?::?\d{2})?)?\s*$/i.exec(text);
  if (iso !== null) {
    const fields = {
      year: Number(iso[1]),
      month: Number(iso[2]),
      day: Number(iso[3]),
      hour: Number(iso[4] ?? '0'),
      minute: Number(iso[5] ?? '0'),
      second: Number(iso[6] ?? '0'),
      fraction: Number((iso[7] ?? '').slice(0, 7).padEnd(7, '0')),
    };
    return withOffset(ticksOf(fields), iso[8]);
  }
  let rest = text.trim();
  let zone: string | undefined;
  const zoneMatch = /(?:\s*(Z|GMT|UTC)|\s*([-+]\d{2}:?\d{2}))\s*$/i.exec(rest);
  const before = zoneMatch === null ? '' : rest.slice(0, zoneMatch.index);
  // A numeric offset only follows a time (`… 13:05:09+02:00`), so `15-Mar-2018` keeps its year.
  if (zoneMatch !== null && (zoneMatch[1] !== undefined ? /\d/.test(before) : /\d:\d{2}(?::\d{2}(?:[.,]\d+)?)?$/.test(before))) {
    zone = zoneMatch[1] !== undefined ? 'Z' : zoneMatch[2];
    rest = rest.slice(0, zoneMatch.index);
  }
  const names = culture.date;
  const english = invariantCulture().date;
  let hour = 0;
  let minute = 0;
  let second = 0;
  let fraction = 0;
  const time = /(?:^|[\sT,])(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,7}))?)?(?=$|\s|[^\d\s:.,])/.exec(rest);
  let timeFound = false;
  if (time !== null) {
    hour = Number(time[1]);
    minute = Number(time[2]);
    second = Number(time[3] ?? '0');
    fraction = Number((time[4] ?? '').padEnd(7, '0'));
    rest = `${rest.slice(0, time.index)} ${rest.slice(time.index + time[0].length)}`;
    timeFound = true;
  }
  const designators = [
    { text: names.pm, pm: true },
    { text: names.am, pm: false },
    { text: 'PM', pm: true },
    { text: 'AM', pm: false },
  ].filter((d) => d.text !== '');
  let pm: boolean | undefined;
  const words = rest.split(/[\s,]+|(?<=\d)(?=[^\d\s./-])|(?<=[^\d\s./-])(?=\d)|(?<=\p{L}\.?)-|-(?=\p{L})/u).filter((word) => word !== '');
  const numbers: string[] = [];
  let month: number | undefined;
  for (const word of words) {
    if (/^\d+([./-]\d+)*\.?$/.test(word)) {
      numbers.push(...word.replace(/\.$/, '').split(/[./-]/));
      continue;
    }
    const bare = word.replace(/\.$/, '').toLowerCase();
    const designator = designators.find((d) => d.text.toLowerCase() === word.toLowerCase() || d.text.toLowerCase().replaceAll('.', '') === bare.replaceAll('.', ''));
    if (designator !== undefined && timeFound) {
      pm = designator.pm;
      continue;
    }
    const monthIndex = [names.months, names.monthsShort, names.monthsGenitive, names.monthsShortGenitive, english.months, english.monthsShort].map((list) => list.findIndex((name) => name.toLowerCase().replace(/\.$/, '') === bare)).find((index) => index >= 0);
    if (monthIndex !== undefined && month === undefined) {
      month = monthIndex + 1;
      continue;
    }
    const isDay = [names.days, names.daysShort, english.days, english.daysShort].some((list) => list.some((name) => name.toLowerCase().replace(/\.$/, '') === bare));
    if (isDay || FILLER_WORDS.has(bare) || bare === 't') continue;
    throw new DateTimeError('the text is not a recognizable date and time');
  }
  let year = defaultYear;
  let day: number;
  const order = dateOrder(names.patterns.d);
  const numeric = numbers.map(Number);
  if (month !== undefined) {
    if (numbers.length === 1) day = numeric[0] ?? 0;
    else if (numbers.length === 2) {
      const yearFirst = (numbers[0] ?? '').length >= 3;
      year = twoDigitYear(numbers[yearFirst ? 0 : 1] ?? '');
      day = numeric[yearFirst ? 1 : 0] ?? 0;
    } else throw new DateTimeError('the text is not a recognizable date');
  } else if (numbers.length === 3) {
    const values: Record<string, number> = {};
    const yearFirst = (numbers[0] ?? '').length >= 3;
    const keys = yearFirst ? ['y', 'M', 'd'] : order;
    keys.forEach((key, i) => {
      values[key] = key === 'y' ? twoDigitYear(numbers[i] ?? '') : (numeric[i] ?? 0);
    });
    year = values.y ?? defaultYear;
    month = values.M;
    day = values.d ?? 0;
  } else if (numbers.length === 2) {
    const withoutYear = order.filter((key) => key !== 'y');
    const values: Record<string, number> = {};
    withoutYear.forEach((key, i) => {
      values[key] = numeric[i] ?? 0;
    });
    month = values.M;
    day = values.d ?? 0;
  } else {
    throw new DateTimeError('the text is not a recognizable date');
  }
  if (pm !== undefined) {
    if (hour > 12 || hour === 0) throw new DateTimeError('the hour does not fit AM/PM');
    hour = (hour % 12) + (pm ? 12 : 0);
  }
  return withOffset(ticksOf({ year, month: month ?? 0, day, hour, minute, second, fraction }), zone);
}

/** y/M/d order of a short-date pattern. */
function dateOrder(pattern: string): string[] {
  const positions = ['y', 'M', 'd'].map((key) => ({ key, at: pattern.indexOf(key) })).filter((entry) => entry.at >= 0);
  positions.sort((a, b) => a.at - b.at);
  return positions.length === 3 ? positions.map((entry) => entry.key) : ['M', 'd', 'y'];
}

/** Two-digit years read as 1930–2029 (.NET's TwoDigitYearMax 2029). */
function twoDigitYear(text: string): number {
  const value = Number(text);
  if (text.length > 2) return value;
  return value < 30 ? 2000 + value : 1900 + value;
}

function withOffset(ticks: bigint, zone: string | undefined): DateTimeValue {
  if (zone === undefined) return { ticks, kind: 'unspecified' };
  if (zone.toUpperCase() === 'Z') return { ticks, kind: 'utc' };
  const match = /^([-+])(\d{2}):?(\d{2})?$/.exec(zone);
  if (match === null) throw new DateTimeError('the time zone offset is not valid');
  const minutes = (match[1] === '-' ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3] ?? '0'));
  return { ticks: ticks - BigInt(minutes) * 600_000_000n, kind: 'utc' };
}
