/**
 * String functions: concat, endsWith, formatNumber, guid, indexOf, isFloat, isInt, lastIndexOf,
 * nthIndexOf, replace, slice, split, startsWith, substring, toLower, toUpper, trim.
 * `startsWith`, `endsWith`, `indexOf`, `lastIndexOf` and `nthIndexOf` ignore case (as documented);
 * `replace` and `contains` do not.
 */
import { invariantCulture } from '../dotnet/cultures.ts';
import { NumberFormatError, formatNumber, parseNumber } from '../dotnet/number-format.ts';
import { definer } from './arguments.ts';
import type { FunctionFamily, FunctionRuntime } from './runtime.ts';

/**
 * Ordinal ignore-case folding: each UTF-16 unit upper-cased on its own (.NET's `OrdinalIgnoreCase`),
 * so indexes in the folded text are indexes in the original (`ß` stays `ß`, not `SS`).
 */
function fold(text: string): string {
  const upper = text.toUpperCase();
  if (upper.length === text.length) return upper;
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const unit = text.charAt(i);
    const folded = unit.toUpperCase();
    out += folded.length === 1 ? folded : unit;
  }
  return out;
}

/** Index of `search` in `text` ignoring case; -1 when absent. */
function indexIgnoringCase(text: string, search: string): number {
  return fold(text).indexOf(fold(search));
}

/** The functions of this family. */
export function stringFunctions(runtime: FunctionRuntime): FunctionFamily {
  const { fn } = definer(runtime);
  return {
    concat: fn([1, Infinity], (args) => {
      const parts: string[] = [];
      let length = 0;
      for (let i = 0; i < args.length; i++) {
        const text = args.written(args.raw(i));
        length += text.length;
        if (length > runtime.limits.maxStringLength) args.producedString(length);
        parts.push(text);
      }
      args.producedString(length);
      return parts.join('');
    }),
    endsWith: fn([2, 2], (args) => {
      const text = fold(args.string(0, 'text'));
      return text.endsWith(fold(args.string(1, 'searchText')));
    }),
    startsWith: fn([2, 2], (args) => {
      const text = fold(args.string(0, 'text'));
      return text.startsWith(fold(args.string(1, 'searchText')));
    }),
    indexOf: fn([2, 2], (args) => indexIgnoringCase(args.string(0, 'text'), args.string(1, 'searchText'))),
    lastIndexOf: fn([2, 2], (args) => {
      const text = args.string(0, 'text');
      const search = args.string(1, 'searchText');
      // .NET Framework: an empty search text is found at the last character (or at 0 in an empty text).
      if (search === '') return text === '' ? 0 : text.length - 1;
      return fold(text).lastIndexOf(fold(search));
    }),
    nthIndexOf: fn([3, 3], (args) => {
      const text = args.string(0, 'text');
      const search = args.string(1, 'searchText');
      const occurrence = args.integer(2, 'occurrence');
      if (occurrence === 0) args.fail('argument 3 (occurrence) must not be 0 (1 is the first occurrence, -1 the last)');
      if (search === '') return -1;
      const haystack = fold(text);
      const needle = fold(search);
      if (occurrence > 0) {
        let at = -1;
        for (let n = 0; n < occurrence; n++) {
          at = haystack.indexOf(needle, at + 1);
          if (at < 0) return -1;
        }
        return at;
      }
      let at = haystack.length;
      for (let n = 0; n < -occurrence; n++) {
        if (at <= 0) return -1;
        at = haystack.lastIndexOf(needle, at - 1);
        if (at < 0) return -1;
      }
      return at;
    }),
    replace: fn([3, 3], (args) => {
      const text = args.string(0, 'text');
      const oldText = args.string(1, 'oldText');
      const newText = args.string(2, 'newText');
      if (oldText === '') args.fail('argument 2 (oldText) must not be empty');
      let count = 0;
      for (let at = text.indexOf(oldText); at >= 0; at = text.indexOf(oldText, at + oldText.length)) count++;
      args.producedString(text.length + count * (newText.length - oldText.length));
      return text.replaceAll(oldText, () => newText);
    }),
    slice: fn([2, 3], (args) => {
      const text = args.string(0, 'text');
      const length = text.length;
      const clamp = (index: number) => (index < 0 ? Math.max(0, length + index) : Math.min(index, length));
      const start = clamp(args.integer(1, 'startIndex'));
      const end = args.has(2) ? clamp(args.integer(2, 'endIndex')) : length;
      return end <= start ? '' : text.slice(start, end);
    }),
    split: fn([2, 2], (args) => {
      const text = args.string(0, 'text');
      const delimiter = args.string(1, 'delimiter');
      if (delimiter === '') return [text];
      const parts = text.split(delimiter);
      args.producedArray(parts.length);
      return parts;
    }),
    substring: fn([2, 3], (args) => {
      const text = args.string(0, 'text');
      const start = args.integer(1, 'startIndex');
      if (start < 0 || start > text.length) args.fail(`argument 2 (startIndex) must be between 0 and the length of the text (${text.length})`);
      if (!args.has(2)) return text.slice(start);
      const length = args.integer(2, 'length');
      if (length < 0) args.fail('argument 3 (length) must not be negative');
      if (start + length > text.length) args.fail(`startIndex + length (${start + length}) must not exceed the length of the text (${text.length}) — use slice() to cut at the end`);
      return text.slice(start, start + length);
    }),
    toLower: fn([1, 1], (args) => args.string(0, 'text').toLowerCase()),
    toUpper: fn([1, 1], (args) => args.string(0, 'text').toUpperCase()),
    trim: fn([1, 1], (args) => args.string(0, 'text').trim()),
    guid: fn([0, 1], (args) => {
      const format = args.optionalString(0, 'format') ?? 'D';
      const bytes = Array.from({ length: 16 }, () => Math.floor(runtime.random() * 256));
      bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
      bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
      const hex = bytes.map((b) => b.toString(16).padStart(2, '0')).join('');
      const d = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
      switch (format) {
        case 'N':
        case 'n':
          return hex;
        case 'D':
        case 'd':
          return d;
        case 'B':
        case 'b':
          return `{${d}}`;
        case 'P':
        case 'p':
          return `(${d})`;
        case 'X':
        case 'x': {
          const h = (from: number, to: number) => `0x${hex.slice(from, to)}`;
          const rest = Array.from({ length: 8 }, (_, i) => `0x${hex.slice(16 + i * 2, 18 + i * 2)}`).join(',');
          return `{${h(0, 8)},${h(8, 12)},${h(12, 16)},{${rest}}}`;
        }
        default:
          return args.fail('argument 1 (format) must be one of N, D, B, P or X');
      }
    }),
    formatNumber: fn([2, 3], (args) => {
      const numeric = args.number(0, 'number');
      const format = args.string(1, 'format');
      const culture = args.culture(2, 'locale');
      try {
        const input = numeric.kind === 'decimal' ? { kind: 'decimal' as const, text: numeric.value.text() } : numeric;
        return formatNumber(input, { format, culture: culture.number });
      } catch (error) {
        if (error instanceof NumberFormatError) return args.fail(`argument 2 (format): ${error.message}`);
        throw error;
      }
    }),
    isFloat: fn([1, 2], (args) => {
      const text = args.string(0, 'string');
      const culture = args.has(1) ? args.culture(1, 'locale') : invariantCulture();
      return parseNumber(text, { culture: culture.number }) !== undefined;
    }),
    isInt: fn([1, 1], (args) => {
      const parsed = parseNumber(args.string(0, 'string'), { culture: invariantCulture().number, integerOnly: true });
      if (parsed === undefined) return false;
      const value = BigInt((parsed.negative ? '-' : '') + parsed.digits);
      return value >= -(1n << 63n) && value < 1n << 63n;
    }),
  };
}
