/**
 * .NET number formatting (`ToString(format, culture)`) and parsing (`double.Parse` with
 * `NumberStyles.Any`), ported from the reference source's NUMBER-based algorithm: standard
 * formats C, D, E, F, G, N, P, R, X with a precision, and custom formats with `0 # . , % ‰ E0`,
 * quoted literals, `\` escapes and `;` sections. Doubles are formatted from 15 significant digits,
 * as .NET Framework does, so `formatNumber(1.005, 'F2')` is `1.01`.
 */
import type { NumberCulture } from './cultures.ts';

/** Thrown for an invalid format string or an unparsable number; callers word the error. */
export class NumberFormatError extends Error {
  override readonly name = 'NumberFormatError';
}

/** What to format: an integer (exact), a double, or a decimal's digits. */
export type FormattableNumber = { readonly kind: 'int'; readonly value: bigint } | { readonly kind: 'float'; readonly value: number } | { readonly kind: 'decimal'; readonly text: string };

/** .NET's NUMBER: value = 0.d1d2d3… × 10^scale; `digits` has no leading zeros and no trailing zeros. */
interface DigitNumber {
  negative: boolean;
  digits: string;
  scale: number;
  readonly kind: 'int' | 'float' | 'decimal';
}

function digitNumberOf(number: FormattableNumber, precision = 15): DigitNumber {
  if (number.kind === 'int') {
    const negative = number.value < 0n;
    const text = (negative ? -number.value : number.value).toString();
    return trimmed({ negative, digits: text, scale: text.length, kind: 'int' });
  }
  if (number.kind === 'decimal') {
    const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(number.text);
    if (match === null) throw new NumberFormatError('not a decimal');
    const whole = (match[2] ?? '').replace(/^0+/, '');
    const fraction = match[3] ?? '';
    if (whole === '') {
      const leadingZeros = /^0*/.exec(fraction)?.[0].length ?? 0;
      return trimmed({ negative: match[1] === '-', digits: fraction.slice(leadingZeros), scale: -leadingZeros, kind: 'decimal' });
    }
    return trimmed({ negative: match[1] === '-', digits: whole + fraction, scale: whole.length, kind: 'decimal' });
  }
  const value = number.value;
  if (value === 0) return { negative: Object.is(value, -0), digits: '', scale: 0, kind: 'float' };
  const [mantissa = '', exponent = '0'] = Math.abs(value).toExponential(precision - 1).split('e');
  return trimmed({ negative: value < 0, digits: mantissa.replace('.', ''), scale: Number(exponent) + 1, kind: 'float' });
}

function trimmed(number: DigitNumber): DigitNumber {
  const digits = number.digits.replace(/0+$/, '');
  if (digits === '') return { ...number, digits: '', scale: 0 };
  return { ...number, digits };
}

/** Rounds to `pos` significant digits, half away from zero (.NET's RoundNumber). */
function roundNumber(number: DigitNumber, pos: number): void {
  const digits = number.digits;
  let i = 0;
  while (i < pos && i < digits.length) i++;
  let out: string;
  if (i === pos && pos >= 0 && (digits.charCodeAt(i) || 0) >= 53) {
    while (i > 0 && digits.charAt(i - 1) === '9') i--;
    if (i > 0) {
      out = digits.slice(0, i - 1) + String.fromCharCode(digits.charCodeAt(i - 1) + 1);
    } else {
      number.scale++;
      out = '1';
    }
  } else {
    out = digits.slice(0, Math.max(0, i)).replace(/0+$/, '');
  }
  if (out === '') {
    number.scale = 0;
    // .NET Framework drops the sign of a value that rounds to zero.
    number.negative = false;
  }
  number.digits = out;
}

const CURRENCY_POSITIVE = ['$n', 'n$', '$ n', 'n $'];
const CURRENCY_NEGATIVE = ['($n)', '-$n', '$-n', '$n-', '(n$)', '-n$', 'n-$', 'n$-', '-n $', '-$ n', 'n $-', '$ n-', '$ -n', 'n- $', '($ n)', '(n $)'];
const PERCENT_POSITIVE = ['n %', 'n%', '%n', '% n'];
const PERCENT_NEGATIVE = ['-n %', '-n%', '-%n', '%-n', '%n-', 'n-%', 'n%-', '-% n', 'n %-', '% n-', '% -n', 'n- %'];

/**
 * Formats a number as .NET's `ToString(format, culture)`. Throws {@link NumberFormatError} for a
 * format .NET rejects (`D` or `X` of a non-integer, an unknown standard letter).
 */
export function formatNumber(number: FormattableNumber, how: { readonly format: string; readonly culture: NumberCulture }): string {
  const { format, culture } = how;
  const standard = /^([A-Za-z])(\d{0,9})$/.exec(format);
  if (standard !== null) return formatStandard(number, { letter: standard[1] ?? 'G', precision: standard[2] === '' ? -1 : Number(standard[2]), culture });
  if (format === '') return formatStandard(number, { letter: 'G', precision: -1, culture });
  return formatCustom(number, { format, culture });
}

function formatStandard(input: FormattableNumber, spec: { readonly letter: string; readonly precision: number; readonly culture: NumberCulture }): string {
  const { letter, precision, culture } = spec;
  const upper = letter.toUpperCase();
  if (upper === 'R' && input.kind === 'float') return roundTrip(input.value, culture);
  const number = digitNumberOf(input);
  switch (upper) {
    case 'C': {
      const decimals = precision < 0 ? culture.currencyDecimals : precision;
      roundNumber(number, number.scale + decimals);
      const body = fixed(number, { decimals, culture, grouping: true });
      const pattern = number.negative ? CURRENCY_NEGATIVE[culture.currencyNegative] : CURRENCY_POSITIVE[culture.currencyPositive];
      return (pattern ?? '$n').replace('n', body).replace('$', culture.currencySymbol);
    }
    case 'D': {
      if (input.kind !== 'int') throw new NumberFormatError(`the format \`${letter}\` needs an integer`);
      const digits = number.digits.padEnd(number.scale, '0') || '0';
      return (number.negative ? '-' : '') + digits.padStart(Math.max(precision, 1), '0');
    }
    case 'E': {
      const decimals = precision < 0 ? 6 : precision;
      roundNumber(number, decimals + 1);
      return (number.negative ? '-' : '') + scientific(number, { decimals, letter, culture });
    }
    case 'F': {
      const decimals = precision < 0 ? 2 : precision;
      roundNumber(number, number.scale + decimals);
      return (number.negative ? '-' : '') + fixed(number, { decimals, culture, grouping: false });
    }
    case 'N': {
      const decimals = precision < 0 ? 2 : precision;
      roundNumber(number, number.scale + decimals);
      return (number.negative ? '-' : '') + fixed(number, { decimals, culture, grouping: true });
    }
    case 'P': {
      const decimals = precision < 0 ? 2 : precision;
      number.scale += 2;
      if (number.digits === '') number.scale = 0;
      roundNumber(number, number.scale + decimals);
      const body = fixed(number, { decimals, culture, grouping: true });
      const pattern = number.negative ? PERCENT_NEGATIVE[culture.percentNegative] : PERCENT_POSITIVE[culture.percentPositive];
      return (pattern ?? 'n %').replace('n', body);
    }
    case 'G':
    case 'R': {
      let significant = precision;
      let suppressScientific = false;
      if (significant < 1) {
        if (input.kind === 'decimal' && precision < 0) suppressScientific = true;
        significant = input.kind === 'int' ? 19 : input.kind === 'decimal' ? 29 : 15;
      }
      if (!suppressScientific) roundNumber(number, significant);
      return (number.negative ? '-' : '') + general(number, { significant, letter: letter === 'g' || letter === 'r' ? 'e' : 'E', culture, suppressScientific });
    }
    case 'X': {
      if (input.kind !== 'int') throw new NumberFormatError(`the format \`${letter}\` needs an integer`);
      const value = input.value < 0n ? (1n << 64n) + input.value : input.value;
      const hex = value.toString(16);
      return (letter === 'X' ? hex.toUpperCase() : hex).padStart(Math.max(precision, 1), '0');
    }
    default:
      throw new NumberFormatError(`\`${letter}\` is not a standard number format (use C, D, E, F, G, N, P, R or X, or a custom format such as \`#,##0.00\`)`);
  }
}

function roundTrip(value: number, culture: NumberCulture): string {
  const text = value.toString();
  const match = /^(-?)(\d+)(?:\.(\d+))?(?:e([-+])(\d+))?$/.exec(text);
  if (match === null) return text;
  const body = `${match[2] ?? ''}${match[3] === undefined ? '' : culture.decimal + match[3]}`;
  if (match[4] === undefined) return `${match[1] ?? ''}${body}`;
  return `${match[1] ?? ''}${body}E${match[4]}${(match[5] ?? '').padStart(2, '0')}`;
}

function groupDigits(integer: string, separator: string): string {
  let out = '';
  for (let i = 0; i < integer.length; i++) {
    if (i > 0 && (integer.length - i) % 3 === 0) out += separator;
    out += integer.charAt(i);
  }
  return out;
}

function fixed(number: DigitNumber, options: { readonly decimals: number; readonly culture: NumberCulture; readonly grouping: boolean }): string {
  const { decimals, culture, grouping } = options;
  const integer = number.scale > 0 ? number.digits.slice(0, number.scale).padEnd(number.scale, '0') : '0';
  let out = grouping ? groupDigits(integer, culture.group) : integer;
  if (decimals > 0) {
    const fraction = number.scale >= 0 ? number.digits.slice(number.scale) : '0'.repeat(-number.scale) + number.digits;
    out += culture.decimal + fraction.slice(0, decimals).padEnd(decimals, '0');
  }
  return out;
}

function exponent(value: number, options: { readonly letter: string; readonly minDigits: number; readonly positiveSign: boolean }): string {
  const sign = value < 0 ? '-' : options.positiveSign ? '+' : '';
  return `${options.letter}${sign}${String(Math.abs(value)).padStart(options.minDigits, '0')}`;
}

function scientific(number: DigitNumber, options: { readonly decimals: number; readonly letter: string; readonly culture: NumberCulture }): string {
  const digits = number.digits;
  let out = digits.charAt(0) || '0';
  if (options.decimals > 0) out += options.culture.decimal + digits.slice(1, options.decimals + 1).padEnd(options.decimals, '0');
  return out + exponent(digits === '' ? 0 : number.scale - 1, { letter: options.letter, minDigits: 3, positiveSign: true });
}

function general(number: DigitNumber, options: { readonly significant: number; readonly letter: string; readonly culture: NumberCulture; readonly suppressScientific: boolean }): string {
  let position = number.scale;
  let useScientific = false;
  if (!options.suppressScientific && (position > options.significant || position < -3)) {
    position = 1;
    useScientific = true;
  }
  const digits = number.digits;
  let index = 0;
  let out = '';
  if (position > 0) {
    do {
      out += index < digits.length ? digits.charAt(index++) : '0';
    } while (--position > 0);
  } else {
    out = '0';
  }
  if (index < digits.length || position < 0) {
    out += options.culture.decimal;
    while (position < 0) {
      out += '0';
      position++;
    }
    out += digits.slice(index);
  }
  if (useScientific) out += exponent(number.scale - 1, { letter: options.letter, minDigits: 2, positiveSign: true });
  return out;
}

/** The `;`-separated sections of a custom format, quotes and escapes respected. */
function sections(format: string): string[] {
  const out: string[] = [];
  let current = '';
  for (let i = 0; i < format.length; i++) {
    const c = format.charAt(i);
    if (c === '\\') {
      current += c + format.charAt(i + 1);
      i++;
    } else if (c === '"' || c === "'") {
      const end = format.indexOf(c, i + 1);
      const stop = end < 0 ? format.length : end;
      current += format.slice(i, stop + 1);
      i = stop;
    } else if (c === ';') {
      out.push(current);
      current = '';
    } else {
      current += c;
    }
  }
  out.push(current);
  return out;
}

/** A custom format (`#,##0.00`, `(###) ###-####`, `0.0E+0`, `#,##0.00;(#,##0.00);zero`), as .NET's NumberToStringFormat. */
function formatCustom(input: FormattableNumber, how: { readonly format: string; readonly culture: NumberCulture }): string {
  const { format, culture } = how;
  const parts = sections(format);
  const original = digitNumberOf(input);
  let sectionIndex = original.digits === '' ? (parts.length >= 3 ? 2 : 0) : original.negative && parts.length >= 2 ? 1 : 0;
  for (let attempt = 0; attempt < 2; attempt++) {
    const section = parts[sectionIndex] ?? parts[0] ?? '';
    const number = { ...original };
    const scan = scanSection(section);
    if (number.digits !== '') {
      number.scale += scan.scaleAdjust;
      const pos = scan.scientific ? scan.digitCount : number.scale + scan.digitCount - scan.decimalPos;
      roundNumber(number, pos);
      if (number.digits === '' && parts.length >= 3 && sectionIndex !== 2 && attempt === 0) {
        sectionIndex = 2;
        continue;
      }
    } else {
      number.negative = false;
      number.scale = 0;
    }
    return writeSection(number, { section, scan, culture, useSign: sectionIndex === 0 });
  }
  return '';
}

interface SectionScan {
  readonly digitCount: number;
  readonly decimalPos: number;
  readonly firstDigit: number;
  readonly lastDigit: number;
  readonly thousandSeps: boolean;
  readonly scaleAdjust: number;
  readonly scientific: boolean;
}

function scanSection(section: string): SectionScan {
  let digitCount = 0;
  let decimalPos = -1;
  let firstDigit = Number.MAX_SAFE_INTEGER;
  let lastDigit = 0;
  let thousandPos = -1;
  let thousandCount = 0;
  let thousandSeps = false;
  let scaleAdjust = 0;
  let scientific = false;
  for (let i = 0; i < section.length; i++) {
    const c = section.charAt(i);
    switch (c) {
      case '#':
        digitCount++;
        break;
      case '0':
        if (firstDigit === Number.MAX_SAFE_INTEGER) firstDigit = digitCount;
        digitCount++;
        lastDigit = digitCount;
        break;
      case '.':
        if (decimalPos < 0) decimalPos = digitCount;
        break;
      case ',':
        if (digitCount > 0 && decimalPos < 0) {
          if (thousandPos >= 0) {
            if (thousandPos === digitCount) {
              thousandCount++;
              break;
            }
            thousandSeps = true;
          }
          thousandPos = digitCount;
          thousandCount = 1;
        }
        break;
      case '%':
        scaleAdjust += 2;
        break;
      case '\u2030':
        scaleAdjust += 3;
        break;
      case '"':
      case "'": {
        const end = section.indexOf(c, i + 1);
        i = end < 0 ? section.length : end;
        break;
      }
      case '\\':
        i++;
        break;
      case 'E':
      case 'e': {
        const next = section.charAt(i + 1);
        if (next === '0' || ((next === '+' || next === '-') && section.charAt(i + 2) === '0')) {
          i++;
          while (section.charAt(i + 1) === '0') i++;
          scientific = true;
        }
        break;
      }
      default:
        break;
    }
  }
  if (decimalPos < 0) decimalPos = digitCount;
  if (thousandPos >= 0) {
    if (thousandPos === decimalPos) scaleAdjust -= thousandCount * 3;
    else thousandSeps = true;
  }
  return { digitCount, decimalPos, firstDigit, lastDigit, thousandSeps, scaleAdjust, scientific };
}

function writeSection(number: DigitNumber, options: { readonly section: string; readonly scan: SectionScan; readonly culture: NumberCulture; readonly useSign: boolean }): string {
  const { section, scan, culture } = options;
  const firstDigit = scan.firstDigit < scan.decimalPos ? scan.decimalPos - scan.firstDigit : 0;
  const lastDigit = scan.lastDigit > scan.decimalPos ? scan.decimalPos - scan.lastDigit : 0;
  let scientific = scan.scientific;
  let digPos: number;
  let adjust: number;
  if (scientific) {
    digPos = scan.decimalPos;
    adjust = 0;
  } else {
    digPos = Math.max(number.scale, scan.decimalPos);
    adjust = number.scale - scan.decimalPos;
  }
  const separatorPositions: number[] = [];
  if (scan.thousandSeps && culture.group !== '') {
    const totalDigits = digPos + (adjust < 0 ? adjust : 0);
    const numDigits = firstDigit > totalDigits ? firstDigit : totalDigits;
    let groupTotal = 3;
    while (numDigits > groupTotal) {
      separatorPositions.push(groupTotal);
      groupTotal += 3;
    }
  }
  let separatorIndex = separatorPositions.length - 1;
  const digits = number.digits;
  let digitIndex = 0;
  let out = options.useSign && number.negative && number.scale !== 0 ? '-' : '';
  let decimalWritten = false;
  const nextDigit = (): string | undefined => (digitIndex < digits.length ? digits.charAt(digitIndex++) : undefined);
  const maybeSeparator = (): void => {
    if (scan.thousandSeps && digPos > 1 && separatorIndex >= 0 && digPos === (separatorPositions[separatorIndex] ?? -1) + 1) {
      out += culture.group;
      separatorIndex--;
    }
  };
  for (let i = 0; i < section.length; i++) {
    const c = section.charAt(i);
    if (adjust > 0 && (c === '#' || c === '0' || c === '.')) {
      while (adjust > 0) {
        out += nextDigit() ?? '0';
        maybeSeparator();
        digPos--;
        adjust--;
      }
    }
    switch (c) {
      case '#':
      case '0': {
        let ch: string | undefined;
        if (adjust < 0) {
          adjust++;
          ch = digPos <= firstDigit ? '0' : undefined;
        } else {
          ch = nextDigit() ?? (digPos > lastDigit ? '0' : undefined);
        }
        if (ch !== undefined) {
          out += ch;
          maybeSeparator();
        }
        digPos--;
        break;
      }
      case '.':
        if (digPos !== 0 || decimalWritten) break;
        if (lastDigit < 0 || (scan.decimalPos < scan.digitCount && digitIndex < digits.length)) {
          out += culture.decimal;
          decimalWritten = true;
        }
        break;
      case '\u2030':
      case '%':
        out += c;
        break;
      case ',':
        break;
      case '"':
      case "'": {
        const end = section.indexOf(c, i + 1);
        const stop = end < 0 ? section.length : end;
        out += section.slice(i + 1, stop);
        i = stop;
        break;
      }
      case '\\':
        out += section.charAt(i + 1);
        i++;
        break;
      case 'E':
      case 'e': {
        const next = section.charAt(i + 1);
        if (scientific && (next === '0' || ((next === '+' || next === '-') && section.charAt(i + 2) === '0'))) {
          const positiveSign = next === '+';
          let j = next === '0' ? i + 1 : i + 2;
          let zeros = 0;
          while (section.charAt(j) === '0') {
            zeros++;
            j++;
          }
          i = j - 1;
          out += exponent(digits === '' ? 0 : number.scale - scan.decimalPos, { letter: c, minDigits: Math.min(zeros, 10), positiveSign });
          scientific = false;
        } else {
          out += c;
          if (next === '+' || next === '-') {
            out += next;
            i++;
          }
          while (section.charAt(i + 1) === '0') {
            out += '0';
            i++;
          }
        }
        break;
      }
      default:
        out += c;
    }
  }
  return out;
}

/**
 * Parses a number as .NET's `double.Parse(text, NumberStyles.Any, culture)`: white space, a
 * leading or trailing sign, parentheses, the currency symbol, group separators anywhere after the
 * first digit, one decimal separator and an exponent. Returns undefined for anything else. This
 * is why `float('1234567,8+')` is 12345678.
 */
export function parseNumber(text: string, how: { readonly culture: NumberCulture; readonly integerOnly?: boolean }): { readonly negative: boolean; readonly digits: string; readonly fraction: string; readonly exponent: number } | undefined {
  let i = 0;
  const n = text.length;
  const isSpace = (c: string) => c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\v' || c === '\f' || c === '\u00a0';
  const at = (token: string) => token !== '' && text.startsWith(token, i);
  let sign: '+' | '-' | undefined;
  let parenthesis = false;
  let currency = false;
  const { culture } = how;
  const integerOnly = how.integerOnly === true;
  while (i < n) {
    const c = text.charAt(i);
    if (isSpace(c)) i++;
    else if (sign === undefined && (c === '-' || c === '+')) {
      sign = c;
      i++;
    } else if (!integerOnly && !parenthesis && sign === undefined && c === '(') {
      parenthesis = true;
      sign = '-';
      i++;
    } else if (!integerOnly && !currency && at(culture.currencySymbol)) {
      currency = true;
      i += culture.currencySymbol.length;
    } else break;
  }
  let digits = '';
  let fraction = '';
  let seenDecimal = false;
  let anyDigit = false;
  while (i < n) {
    const c = text.charAt(i);
    if (c >= '0' && c <= '9') {
      anyDigit = true;
      if (seenDecimal) fraction += c;
      else digits += c;
      i++;
    } else if (!integerOnly && !seenDecimal && at(culture.decimal)) {
      seenDecimal = true;
      i += culture.decimal.length;
    } else if (!integerOnly && !seenDecimal && anyDigit && (at(culture.group) || (culture.group === '\u00a0' && c === ' '))) {
      i += culture.group.length;
    } else break;
  }
  if (!anyDigit) return undefined;
  let exponentValue = 0;
  if (!integerOnly && (text.charAt(i) === 'e' || text.charAt(i) === 'E')) {
    const match = /^[eE]([-+]?)(\d+)/.exec(text.slice(i));
    if (match !== null) {
      exponentValue = Number(match[2]) * (match[1] === '-' ? -1 : 1);
      i += match[0].length;
    }
  }
  while (i < n) {
    const c = text.charAt(i);
    if (isSpace(c)) i++;
    else if (sign === undefined && (c === '-' || c === '+')) {
      sign = c;
      i++;
    } else if (parenthesis && c === ')') {
      parenthesis = false;
      i++;
    } else if (!integerOnly && !currency && at(culture.currencySymbol)) {
      currency = true;
      i += culture.currencySymbol.length;
    } else break;
  }
  if (i < n || parenthesis) return undefined;
  return { negative: sign === '-', digits: digits.replace(/^0+(?=\d)/, ''), fraction, exponent: exponentValue };
}
