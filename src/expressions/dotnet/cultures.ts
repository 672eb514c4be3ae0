/**
 * The culture data .NET's formatting and parsing read (`CultureInfo`): number symbols and
 * patterns, month and day names, date and time patterns. A few cultures are spelled out with
 * .NET Framework's values (Logic Apps runs on .NET Framework); any other valid locale takes its
 * names and separators from `Intl`.
 */

/** Number formatting data (`NumberFormatInfo`). */
export interface NumberCulture {
  readonly decimal: string;
  readonly group: string;
  readonly currencySymbol: string;
  readonly currencyDecimals: number;
  /** .NET `CurrencyPositivePattern` 0–3. */
  readonly currencyPositive: number;
  /** .NET `CurrencyNegativePattern` 0–15. */
  readonly currencyNegative: number;
  /** .NET `PercentPositivePattern` 0–3. */
  readonly percentPositive: number;
  /** .NET `PercentNegativePattern` 0–11. */
  readonly percentNegative: number;
}

/** Date formatting data (`DateTimeFormatInfo`). */
export interface DateCulture {
  readonly months: readonly string[];
  readonly monthsShort: readonly string[];
  /** Month names as they read next to a day number (Polish `15 marca`, not `marzec`). */
  readonly monthsGenitive: readonly string[];
  readonly monthsShortGenitive: readonly string[];
  /** Sunday first. */
  readonly days: readonly string[];
  readonly daysShort: readonly string[];
  readonly am: string;
  readonly pm: string;
  readonly dateSeparator: string;
  readonly timeSeparator: string;
  /** Standard patterns: short date, long date, short time, long time, month-day, year-month. */
  readonly patterns: { readonly d: string; readonly D: string; readonly t: string; readonly T: string; readonly M: string; readonly Y: string };
}

/** The name lists of a DateCulture (the rest are patterns and symbols). */
type NameKey = 'months' | 'monthsShort' | 'monthsGenitive' | 'monthsShortGenitive' | 'days' | 'daysShort';

/** One culture. */
export interface Culture {
  /** Canonical name (`fr-FR`), `''` for the invariant culture. */
  readonly name: string;
  readonly number: NumberCulture;
  readonly date: DateCulture;
}

/** Thrown for a locale that is not valid or not known; callers word the error. */
export class CultureError extends Error {
  override readonly name = 'CultureError';
}

const ENGLISH_MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const ENGLISH_DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const ENGLISH_NAMES = {
  months: ENGLISH_MONTHS,
  monthsShort: ENGLISH_MONTHS.map((name) => name.slice(0, 3)),
  monthsGenitive: ENGLISH_MONTHS,
  monthsShortGenitive: ENGLISH_MONTHS.map((name) => name.slice(0, 3)),
  days: ENGLISH_DAYS,
  daysShort: ENGLISH_DAYS.map((name) => name.slice(0, 3)),
};

const EURO = { currencySymbol: '€', currencyDecimals: 2, currencyPositive: 3, currencyNegative: 8, percentPositive: 0, percentNegative: 0 };

/** .NET Framework values of the cultures spelled out; names of non-English ones come from Intl. */
const KNOWN: Readonly<Record<string, { readonly number: NumberCulture; readonly date: Omit<DateCulture, NameKey> & Partial<DateCulture> }>> = {
  '': {
    number: { decimal: '.', group: ',', currencySymbol: '¤', currencyDecimals: 2, currencyPositive: 0, currencyNegative: 0, percentPositive: 0, percentNegative: 0 },
    date: { ...ENGLISH_NAMES, am: 'AM', pm: 'PM', dateSeparator: '/', timeSeparator: ':', patterns: { d: 'MM/dd/yyyy', D: 'dddd, dd MMMM yyyy', t: 'HH:mm', T: 'HH:mm:ss', M: 'MMMM dd', Y: 'yyyy MMMM' } },
  },
  'en-US': {
    number: { decimal: '.', group: ',', currencySymbol: '$', currencyDecimals: 2, currencyPositive: 0, currencyNegative: 0, percentPositive: 0, percentNegative: 0 },
    date: { ...ENGLISH_NAMES, am: 'AM', pm: 'PM', dateSeparator: '/', timeSeparator: ':', patterns: { d: 'M/d/yyyy', D: 'dddd, MMMM d, yyyy', t: 'h:mm tt', T: 'h:mm:ss tt', M: 'MMMM d', Y: 'MMMM yyyy' } },
  },
  'en-GB': {
    number: { decimal: '.', group: ',', currencySymbol: '£', currencyDecimals: 2, currencyPositive: 0, currencyNegative: 1, percentPositive: 1, percentNegative: 1 },
    date: { ...ENGLISH_NAMES, am: 'AM', pm: 'PM', dateSeparator: '/', timeSeparator: ':', patterns: { d: 'dd/MM/yyyy', D: 'dd MMMM yyyy', t: 'HH:mm', T: 'HH:mm:ss', M: 'dd MMMM', Y: 'MMMM yyyy' } },
  },
  'de-DE': {
    number: { decimal: ',', group: '.', ...EURO },
    date: { am: '', pm: '', dateSeparator: '.', timeSeparator: ':', patterns: { d: 'dd.MM.yyyy', D: 'dddd, d. MMMM yyyy', t: 'HH:mm', T: 'HH:mm:ss', M: 'd. MMMM', Y: 'MMMM yyyy' } },
  },
  'fr-FR': {
    number: { decimal: ',', group: '\u00a0', ...EURO },
    date: { am: '', pm: '', dateSeparator: '/', timeSeparator: ':', patterns: { d: 'dd/MM/yyyy', D: 'dddd d MMMM yyyy', t: 'HH:mm', T: 'HH:mm:ss', M: 'd MMMM', Y: 'MMMM yyyy' } },
  },
  'es-ES': {
    number: { decimal: ',', group: '.', ...EURO },
    date: { am: '', pm: '', dateSeparator: '/', timeSeparator: ':', patterns: { d: 'dd/MM/yyyy', D: "dddd, d' de 'MMMM' de 'yyyy", t: 'H:mm', T: 'H:mm:ss', M: "d' de 'MMMM", Y: "MMMM' de 'yyyy" } },
  },
  'it-IT': {
    number: { decimal: ',', group: '.', ...EURO, currencyPositive: 2, currencyNegative: 9 },
    date: { am: '', pm: '', dateSeparator: '/', timeSeparator: ':', patterns: { d: 'dd/MM/yyyy', D: 'dddd d MMMM yyyy', t: 'HH:mm', T: 'HH:mm:ss', M: 'd MMMM', Y: 'MMMM yyyy' } },
  },
  'nl-NL': {
    number: { decimal: ',', group: '.', ...EURO, currencyPositive: 2, currencyNegative: 12 },
    date: { am: '', pm: '', dateSeparator: '-', timeSeparator: ':', patterns: { d: 'd-M-yyyy', D: 'dddd d MMMM yyyy', t: 'HH:mm', T: 'HH:mm:ss', M: 'd MMMM', Y: 'MMMM yyyy' } },
  },
  'pt-BR': {
    number: { decimal: ',', group: '.', currencySymbol: 'R$', currencyDecimals: 2, currencyPositive: 2, currencyNegative: 9, percentPositive: 0, percentNegative: 0 },
    date: { am: '', pm: '', dateSeparator: '/', timeSeparator: ':', patterns: { d: 'dd/MM/yyyy', D: "dddd, d' de 'MMMM' de 'yyyy", t: 'HH:mm', T: 'HH:mm:ss', M: "dd' de 'MMMM", Y: "MMMM' de 'yyyy" } },
  },
  'is-IS': {
    // The functions reference shows `formatNumber(17.35, 'C2', 'is-IS')` as "17,35 kr".
    number: { decimal: ',', group: '.', currencySymbol: 'kr', currencyDecimals: 2, currencyPositive: 3, currencyNegative: 8, percentPositive: 0, percentNegative: 0 },
    date: { am: 'f.h.', pm: 'e.h.', dateSeparator: '.', timeSeparator: ':', patterns: { d: 'd.M.yyyy', D: 'd. MMMM yyyy', t: 'HH:mm', T: 'HH:mm:ss', M: 'd. MMMM', Y: 'MMMM yyyy' } },
  },
  'ja-JP': {
    number: { decimal: '.', group: ',', currencySymbol: '¥', currencyDecimals: 0, currencyPositive: 0, currencyNegative: 1, percentPositive: 1, percentNegative: 1 },
    date: { am: '午前', pm: '午後', dateSeparator: '/', timeSeparator: ':', patterns: { d: 'yyyy/MM/dd', D: "yyyy'年'M'月'd'日'", t: 'H:mm', T: 'H:mm:ss', M: "M'月'd'日'", Y: "yyyy'年'M'月'" } },
  },
};

const cache = new Map<string, Culture>();

/**
 * The culture of a locale name (case-insensitive, `en-us` = `en-US`); undefined or `''` is en-US,
 * Logic Apps' default; `'invariant'` is the invariant culture. Throws {@link CultureError} for a
 * name that is not a valid, known locale.
 */
export function cultureOf(name: string | undefined): Culture {
  const requested = name === undefined || name.trim() === '' ? 'en-US' : name.trim();
  const cached = cache.get(requested.toLowerCase());
  if (cached !== undefined) return cached;
  const culture = buildCulture(requested);
  cache.set(requested.toLowerCase(), culture);
  return culture;
}

/** The invariant culture (`CultureInfo.InvariantCulture`). */
export function invariantCulture(): Culture {
  return cultureOf('invariant');
}

function buildCulture(requested: string): Culture {
  if (requested.toLowerCase() === 'invariant') {
    const known = KNOWN[''];
    if (known === undefined) throw new CultureError('no invariant culture');
    return { name: '', number: known.number, date: { ...ENGLISH_NAMES, ...known.date } };
  }
  let canonical: string;
  try {
    [canonical = ''] = Intl.getCanonicalLocales(requested);
  } catch (error) {
    throw new CultureError(`\`${requested}\` is not a valid locale name (write a language and region such as \`en-US\` or \`fr-FR\`)`, { cause: error });
  }
  if (Intl.DateTimeFormat.supportedLocalesOf([canonical]).length === 0 || !canonical.includes('-') && canonical.length > 3) {
    throw new CultureError(`\`${requested}\` is not a known locale (write a language and region such as \`en-US\` or \`fr-FR\`)`);
  }
  const known = KNOWN[canonical];
  const names = canonical.startsWith('en') ? ENGLISH_NAMES : intlNames(canonical);
  if (known !== undefined) return { name: canonical, number: known.number, date: { ...names, ...known.date } };
  return { name: canonical, number: intlNumber(canonical), date: { ...names, ...intlDate(canonical) } };
}

function intlNames(locale: string): Pick<DateCulture, NameKey> {
  const month = (style: 'long' | 'short') => {
    const format = new Intl.DateTimeFormat(locale, { month: style, timeZone: 'UTC' });
    return Array.from({ length: 12 }, (_, i) => format.format(Date.UTC(2021, i, 15)));
  };
  const genitive = (style: 'long' | 'short') => {
    const format = new Intl.DateTimeFormat(locale, { month: style, day: 'numeric', timeZone: 'UTC' });
    return Array.from({ length: 12 }, (_, i) => format.formatToParts(Date.UTC(2021, i, 15)).find((part) => part.type === 'month')?.value ?? '');
  };
  const day = (style: 'long' | 'short') => {
    const format = new Intl.DateTimeFormat(locale, { weekday: style, timeZone: 'UTC' });
    // 2021-01-03 was a Sunday.
    return Array.from({ length: 7 }, (_, i) => format.format(Date.UTC(2021, 0, 3 + i)));
  };
  return { months: month('long'), monthsShort: month('short'), monthsGenitive: genitive('long'), monthsShortGenitive: genitive('short'), days: day('long'), daysShort: day('short') };
}

function intlNumber(locale: string): NumberCulture {
  const parts = new Intl.NumberFormat(locale).formatToParts(1234567.5);
  return {
    decimal: parts.find((part) => part.type === 'decimal')?.value ?? '.',
    group: parts.find((part) => part.type === 'group')?.value ?? ',',
    currencySymbol: '¤',
    currencyDecimals: 2,
    currencyPositive: 3,
    currencyNegative: 8,
    percentPositive: 0,
    percentNegative: 0,
  };
}

/** Patterns read off Intl's formatting of a sample date (2021-01-23 14:05:06). */
function intlDate(locale: string): Omit<DateCulture, NameKey> {
  const sample = Date.UTC(2021, 0, 23, 14, 5, 6);
  const pattern = (options: Intl.DateTimeFormatOptions): string =>
    new Intl.DateTimeFormat(locale, { ...options, timeZone: 'UTC' })
      .formatToParts(sample)
      .map((part) => {
        switch (part.type) {
          case 'year':
            return 'yyyy';
          case 'month':
            return /^\d+$/.test(part.value) ? (part.value.length === 2 ? 'MM' : 'M') : part.value.length > 4 ? 'MMMM' : 'MMM';
          case 'day':
            return part.value.length === 2 ? 'dd' : 'd';
          case 'weekday':
            return 'dddd';
          case 'hour':
            return options.hour12 === false || !/\d/.test(part.value) ? 'HH' : part.value === '14' ? 'HH' : 'h';
          case 'minute':
            return 'mm';
          case 'second':
            return 'ss';
          case 'dayPeriod':
            return 'tt';
          default:
            return part.value.replace(/[a-zA-Z']+/g, (text) => `'${text}'`);
        }
      })
      .join('');
  const period = new Intl.DateTimeFormat(locale, { hour: 'numeric', hour12: true, timeZone: 'UTC' });
  const dayPeriod = (hour: number) => period.formatToParts(Date.UTC(2021, 0, 23, hour)).find((part) => part.type === 'dayPeriod')?.value ?? '';
  const short = pattern({ year: 'numeric', month: '2-digit', day: '2-digit' });
  return {
    am: dayPeriod(9),
    pm: dayPeriod(15),
    dateSeparator: /dd(.)MM|MM(.)dd|yyyy(.)MM/.exec(short)?.slice(1).find((sep) => sep !== undefined) ?? '/',
    timeSeparator: ':',
    patterns: {
      d: short,
      D: pattern({ weekday: 'long', year: 'numeric', month: 'long', day: 'numeric' }),
      t: pattern({ hour: 'numeric', minute: '2-digit' }),
      T: pattern({ hour: 'numeric', minute: '2-digit', second: '2-digit' }),
      M: pattern({ month: 'long', day: 'numeric' }),
      Y: pattern({ year: 'numeric', month: 'long' }),
    },
  };
}
