import { escapePointerToken } from '../../core/index.ts';
import type { Issue } from '../../core/index.ts';
import { describeFound } from './describe-found.ts';
import type { ParseLimits } from './limits.ts';
import { parseFailure, parsedValue } from './parsed-document.ts';
import type { ParsedDocument } from './parsed-document.ts';
import type { SourceText } from './source-text.ts';

/**
 * A JSON parser for documents that `JSON.parse` rejected. It repairs the mistakes found in the
 * published connector corpus — trailing commas, a comma missing at a line break, raw control
 * characters in strings — each with a located warning, and otherwise stops at the first problem
 * with one located error saying what was expected and what was found.
 *
 * It is iterative (an explicit stack of open containers), so hostile nesting ends in `too-deep`
 * at `maxDepth` instead of a stack overflow.
 */
export function parseTolerantJson(source: SourceText, limits: Readonly<ParseLimits>): ParsedDocument {
  return new TolerantJsonParser(source, limits).parse();
}

/** Warnings of one kind listed individually before the rest are summarised in one warning. */
const MAX_LISTED_REPAIRS = 50;
/** How far back the brace-alignment hint looks for a line start. */
const MAX_INDENT_SCAN = 2000;
const DANGEROUS_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

type Frame =
  | { readonly kind: 'object'; readonly value: Record<string, unknown>; readonly openOffset: number; key: string; commaOffset: number }
  | { readonly kind: 'array'; readonly value: unknown[]; readonly openOffset: number; commaOffset: number };

/** What the parser expects next. */
type State = 'value' | 'after-value' | 'first-key' | 'next-key' | 'first-element' | 'next-element' | 'done';

const QUOTE = 34;
const BACKSLASH = 92;
const ESCAPES: ReadonlyMap<number, string> = new Map([
  [34, '"'],
  [92, '\\'],
  [47, '/'],
  [98, '\b'],
  [102, '\f'],
  [110, '\n'],
  [114, '\r'],
  [116, '\t'],
]);
const CONTROL_NAMES: ReadonlyMap<number, string> = new Map([
  [9, 'TAB'],
  [11, 'VERTICAL TAB'],
  [12, 'FORM FEED'],
  [0, 'NUL'],
]);

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

function hexValue(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  if (code >= 65 && code <= 70) return code - 55;
  if (code >= 97 && code <= 102) return code - 87;
  return -1;
}

/** Unicode space separators (no-break, en/em and other typographic spaces, ideographic space). */
function isUnicodeSpace(c: number): boolean {
  return c === 0xa0 || (c >= 0x2000 && c <= 0x200a) || c === 0x202f || c === 0x205f || c === 0x3000;
}

class TolerantJsonParser {
  readonly #source: SourceText;
  readonly #text: string;
  readonly #limits: Readonly<ParseLimits>;
  readonly #stack: Frame[] = [];
  readonly #warnings: Issue[] = [];
  readonly #repairCounts = new Map<string, number>();
  readonly #unlisted = new Map<string, { count: number; firstOffset: number; label: string }>();
  #i = 0;
  #error: Issue | undefined;
  #root: unknown;
  /** Offset just after the most recently completed value (where a missing comma belongs). */
  #valueEnd = 0;
  /** Offset of the bracket that closed the root, for "data after the end" messages. */
  #rootEnd = -1;
  /** The first closing bracket not lined up with the line that opened it: a likely culprit when braces do not balance. */
  #misaligned: { closeOffset: number; openOffset: number } | undefined;

  constructor(source: SourceText, limits: Readonly<ParseLimits>) {
    this.#source = source;
    this.#text = source.text;
    this.#limits = limits;
  }

  parse(): ParsedDocument {
    let state: State = 'value';
    while (state !== 'done') {
      const next = this.#step(state);
      if (next === undefined) return parseFailure(this.#error ?? this.#fallbackError(), this.#finishedWarnings());
      state = next;
    }
    return parsedValue(this.#root, this.#finishedWarnings());
  }

  /** Runs one step of the state machine; undefined means it failed and `#error` says why. */
  #step(state: State): State | undefined {
    switch (state) {
      case 'value':
        this.#skipWhitespace();
        return this.#readValue();
      case 'first-key':
      case 'next-key':
        return this.#readMemberStart(state === 'next-key');
      case 'first-element':
      case 'next-element':
        return this.#readElementStart(state === 'next-element');
      case 'after-value':
        return this.#afterValue();
      case 'done':
        return 'done';
    }
  }

  // ---- values -------------------------------------------------------------------------------

  #readValue(): State | undefined {
    const text = this.#text;
    const start = this.#i;
    const c = text.charCodeAt(start);
    if (c === 123 || c === 91) {
      if (this.#stack.length >= this.#limits.maxDepth) {
        return this.#failWith(start, {
          code: 'too-deep',
          message: `nesting goes deeper than ${this.#limits.maxDepth} levels here — a connector definition is never this deep; flatten the document, or raise limits.maxDepth if it is genuine`,
        });
      }
      this.#i++;
      if (c === 123) {
        this.#stack.push({ kind: 'object', value: {}, openOffset: start, key: '', commaOffset: -1 });
        return 'first-key';
      }
      this.#stack.push({ kind: 'array', value: [], openOffset: start, commaOffset: -1 });
      return 'first-element';
    }
    if (c === QUOTE) {
      const value = this.#readString();
      return value === undefined ? undefined : this.#complete(value);
    }
    if (c === 45 || isDigit(c)) {
      const value = this.#readNumber();
      return value === undefined ? undefined : this.#complete(value);
    }
    for (const [word, value] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
      if (text.startsWith(word, start) && !isWordContinuation(text.charCodeAt(start + word.length))) {
        this.#i += word.length;
        return this.#complete(value);
      }
    }
    return this.#fail(start, `expected ${this.#valueContext()} but found ${describeFound(text, start)}${this.#hintFor(start)}`);
  }

  /** Where a value was expected, for messages. */
  #valueContext(): string {
    const top = this.#stack.at(-1);
    if (top === undefined) return 'a JSON value (an object, array, string, number, true, false or null)';
    if (top.kind === 'object') return `a value for property "${truncate(top.key)}" (an object, array, string, number, true, false or null)`;
    return 'an array element (an object, array, string, number, true, false or null)';
  }

  #hintFor(offset: number): string {
    const c = this.#text.charCodeAt(offset);
    if (c === 39) return ' — JSON strings use double quotes';
    if (c === 47) return ' — JSON has no comments; remove it';
    if (offset >= this.#text.length) return this.#unclosedHint();
    return '';
  }

  /** Stores a finished value in its container (or as the root) and says what comes next. */
  #complete(value: unknown): State {
    this.#valueEnd = this.#i;
    const top = this.#stack.at(-1);
    if (top === undefined) this.#root = value;
    else if (top.kind === 'array') top.value.push(value);
    else setMember(top.value, top.key, value);
    return 'after-value';
  }

  #readString(): string | undefined {
    const text = this.#text;
    const start = this.#i;
    let j = start + 1;
    let segment = j;
    let out = '';
    for (;;) {
      if (j >= text.length) {
        return this.#fail(j, `expected '"' to close the string that starts at ${this.#source.describePosition(start)} but found the end of the file — add the closing quote`);
      }
      const c = text.charCodeAt(j);
      if (c === QUOTE) break;
      if (c === BACKSLASH) {
        out += text.slice(segment, j);
        const escaped = this.#readEscape(j);
        if (escaped === undefined) return undefined;
        out += escaped.value;
        j = escaped.end;
        segment = j;
        continue;
      }
      if (c < 0x20) {
        if (c === 10 || c === 13) {
          return this.#fail(
            j,
            `expected '"' to close the string that starts at ${this.#source.describePosition(start)} but found a line break — close the string, or write the line break as \\n`,
          );
        }
        const name = CONTROL_NAMES.get(c) ?? 'control character';
        this.#repair(j, {
          code: 'repaired-control-character',
          label: 'raw control characters in strings (kept as they are)',
          message: `raw ${name} (U+${c.toString(16).toUpperCase().padStart(4, '0')}) inside a string — JSON requires it escaped; kept it as the character. Write it as ${c === 9 ? '\\t' : `\\u${c.toString(16).padStart(4, '0')}`}`,
        });
      }
      j++;
    }
    out += text.slice(segment, j);
    if (out.length > this.#limits.maxStringLength) {
      return this.#failWith(start, {
        code: 'string-too-long',
        message: `this string is ${out.length} characters long, more than the limit of ${this.#limits.maxStringLength} — shorten it (large examples or embedded files do not belong in a definition), or raise limits.maxStringLength`,
      });
    }
    this.#i = j + 1;
    return out;
  }

  #readEscape(at: number): { value: string; end: number } | undefined {
    const text = this.#text;
    const c = text.charCodeAt(at + 1);
    const simple = ESCAPES.get(c);
    if (simple !== undefined) return { value: simple, end: at + 2 };
    if (c === 117) {
      let code = 0;
      for (let k = at + 2; k < at + 6; k++) {
        const digit = hexValue(text.charCodeAt(k));
        if (digit === -1) {
          return this.#fail(k, `expected four hex digits after '\\u' but found ${describeFound(text, k)} — write the character as \\uXXXX`);
        }
        code = code * 16 + digit;
      }
      return { value: String.fromCharCode(code), end: at + 6 };
    }
    return this.#fail(at, `invalid escape '\\' followed by ${describeFound(text, at + 1)} in a string — valid escapes are \\" \\\\ \\/ \\b \\f \\n \\r \\t and \\uXXXX; write a backslash as \\\\`);
  }

  #readNumber(): number | undefined {
    const text = this.#text;
    const start = this.#i;
    let j = start;
    if (text.charCodeAt(j) === 45) j++;
    const first = text.charCodeAt(j);
    if (!isDigit(first)) return this.#fail(j, `expected a digit after '-' but found ${describeFound(text, j)}`);
    j++;
    if (first === 48 && isDigit(text.charCodeAt(j))) {
      return this.#fail(start, 'numbers in JSON cannot have leading zeros — remove them, or quote the value if it is an identifier');
    }
    while (isDigit(text.charCodeAt(j))) j++;
    if (text.charCodeAt(j) === 46) {
      j++;
      if (!isDigit(text.charCodeAt(j))) return this.#fail(j, `expected a digit after the decimal point but found ${describeFound(text, j)}`);
      while (isDigit(text.charCodeAt(j))) j++;
    }
    const e = text.charCodeAt(j);
    if (e === 101 || e === 69) {
      j++;
      const sign = text.charCodeAt(j);
      if (sign === 43 || sign === 45) j++;
      if (!isDigit(text.charCodeAt(j))) return this.#fail(j, `expected a digit in the exponent but found ${describeFound(text, j)}`);
      while (isDigit(text.charCodeAt(j))) j++;
    }
    this.#i = j;
    return Number(text.slice(start, j));
  }

  // ---- objects and arrays -------------------------------------------------------------------

  #readMemberStart(afterComma: boolean): State | undefined {
    this.#skipWhitespace();
    const top = this.#stack.at(-1);
    if (top?.kind !== 'object') return undefined;
    const c = this.#text.charCodeAt(this.#i);
    if (c === 125) {
      if (afterComma) this.#repairTrailingComma(top);
      return this.#close();
    }
    if (c === QUOTE) return this.#readKey(top);
    const expected = afterComma ? "a property name in double quotes after ','" : "a property name in double quotes or '}'";
    return this.#fail(this.#i, `expected ${expected} but found ${describeFound(this.#text, this.#i)}${this.#hintFor(this.#i)}`);
  }

  #readKey(top: Extract<Frame, { kind: 'object' }>): State | undefined {
    const keyOffset = this.#i;
    const key = this.#readString();
    if (key === undefined) return undefined;
    this.#skipWhitespace();
    if (this.#text.charCodeAt(this.#i) !== 58) {
      return this.#fail(this.#i, `expected ':' after property name "${truncate(key)}" but found ${describeFound(this.#text, this.#i)}${this.#hintFor(this.#i)}`);
    }
    this.#i++;
    if (Object.hasOwn(top.value, key)) {
      this.#repair(keyOffset, {
        code: 'duplicate-key',
        label: 'duplicate keys',
        message: `property "${truncate(key)}" appears more than once in the same object — the last value wins; remove the duplicates`,
        path: this.#pointer(key),
      });
    }
    top.key = key;
    return 'value';
  }

  #readElementStart(afterComma: boolean): State | undefined {
    this.#skipWhitespace();
    const top = this.#stack.at(-1);
    if (top?.kind !== 'array') return undefined;
    if (this.#text.charCodeAt(this.#i) === 93) {
      if (afterComma) this.#repairTrailingComma(top);
      return this.#close();
    }
    return 'value';
  }

  #repairTrailingComma(top: Frame): void {
    const closer = top.kind === 'object' ? '}' : ']';
    this.#repair(top.commaOffset, {
      code: 'repaired-trailing-comma',
      label: 'trailing commas (ignored)',
      message: `trailing ',' before '${closer}' — JSON does not allow it; ignored it. Delete the comma after the last ${top.kind === 'object' ? 'property' : 'element'}`,
      path: this.#pointer(),
    });
  }

  #close(): State {
    const frame = this.#stack.pop();
    const closeOffset = this.#i;
    this.#i++;
    if (frame !== undefined && this.#misaligned === undefined && !this.#linesUp(frame.openOffset, closeOffset)) {
      this.#misaligned = { closeOffset, openOffset: frame.openOffset };
    }
    if (this.#stack.length === 0) this.#rootEnd = closeOffset;
    return this.#complete(frame?.value);
  }

  #afterValue(): State | undefined {
    const text = this.#text;
    const lineBreak = this.#skipWhitespace();
    const at = this.#i;
    const top = this.#stack.at(-1);
    if (top === undefined) {
      if (at >= text.length) return 'done';
      const ended = this.#rootEnd >= 0 ? `the root ${Array.isArray(this.#root) ? 'array' : 'object'} already closed at ${this.#source.describePosition(this.#rootEnd)}` : 'the document is a single value that already ended';
      return this.#fail(at, `unexpected data after the end of the document: found ${describeFound(text, at)}, but ${ended} — an extra closing brace or a missing opening brace earlier?${this.#misalignedHint()}`);
    }
    const c = text.charCodeAt(at);
    if (c === 44) {
      top.commaOffset = at;
      this.#i++;
      return top.kind === 'object' ? 'next-key' : 'next-element';
    }
    if (top.kind === 'object') {
      if (c === 125) return this.#close();
      if (lineBreak && c === QUOTE && this.#looksLikeKey(at)) {
        this.#repairMissingComma('between object members');
        return this.#readKey(top);
      }
      return this.#fail(at, `expected ',' or '}' after property value but found ${describeFound(text, at)}${this.#closerHint(top, c)}${this.#hintFor(at)}`);
    }
    if (c === 93) return this.#close();
    if (lineBreak && this.#startsValue(at)) {
      this.#repairMissingComma('between array elements');
      return 'value';
    }
    return this.#fail(at, `expected ',' or ']' after array element but found ${describeFound(text, at)}${this.#closerHint(top, c)}${this.#hintFor(at)}`);
  }

  #closerHint(top: Frame, c: number): string {
    const wrong = top.kind === 'object' ? 93 : 125;
    if (c !== wrong) return '';
    return ` — the ${top.kind} opened at ${this.#source.describePosition(top.openOffset)} must be closed with '${top.kind === 'object' ? '}' : ']'}'`;
  }

  #unclosedHint(): string {
    const top = this.#stack.at(-1);
    if (top === undefined) return '';
    const others = this.#stack.length - 1;
    return ` — the ${top.kind} opened at ${this.#source.describePosition(top.openOffset)} is never closed${others > 0 ? ` (nor are the ${others} container(s) around it)` : ''}; add the missing '${top.kind === 'object' ? '}' : ']'}'${this.#misalignedHint()}`;
  }

  #misalignedHint(): string {
    if (this.#misaligned === undefined) return '';
    const { closeOffset, openOffset } = this.#misaligned;
    const close = this.#source.describePosition(closeOffset);
    const openLine = this.#source.positionAt(openOffset).line;
    return ` (the '${this.#text.charAt(closeOffset)}' at ${close} is indented differently from line ${openLine}, where what it closes was opened — check there first)`;
  }

  /**
   * Whether a closing bracket that starts its line is indented like the line holding its opener.
   * Brackets sharing a line with other content, and lines longer than a scan bound (minified
   * JSON), are not judged — this must stay cheap on every close.
   */
  #linesUp(openOffset: number, closeOffset: number): boolean {
    const closeIndent = this.#indentBefore(closeOffset, true);
    if (closeIndent === undefined) return true;
    const openIndent = this.#indentBefore(openOffset, false);
    return openIndent === undefined || openIndent === closeIndent;
  }

  /**
   * The indentation width of the line containing `offset`; with `blankBefore`, undefined unless
   * only spaces/tabs precede `offset` on its line. Undefined too when the line start is far away.
   */
  #indentBefore(offset: number, blankBefore: boolean): number | undefined {
    const text = this.#text;
    const bound = Math.max(0, offset - MAX_INDENT_SCAN);
    let start = offset;
    while (start > 0) {
      const c = text.charCodeAt(start - 1);
      if (c === 10 || c === 13) break;
      if (blankBefore && c !== 32 && c !== 9) return undefined;
      if (start === bound) return undefined;
      start--;
    }
    let end = start;
    while (text.charCodeAt(end) === 32 || text.charCodeAt(end) === 9) end++;
    return end - start;
  }

  #repairMissingComma(where: string): void {
    const next = this.#source.describePosition(this.#i);
    this.#repair(this.#valueEnd, {
      code: 'repaired-missing-comma',
      label: 'missing commas (assumed)',
      message: `missing ',' ${where} (the next one starts at ${next}) — assumed one; add the ',' at the end of this line`,
      path: this.#pointer(),
    });
  }

  /** A string on a new line followed by ':' — the start of a member whose comma was forgotten. */
  #looksLikeKey(at: number): boolean {
    const text = this.#text;
    let j = at + 1;
    while (j < text.length) {
      const c = text.charCodeAt(j);
      if (c === QUOTE) break;
      if (c === 10 || c === 13) return false;
      j += c === BACKSLASH ? 2 : 1;
    }
    j++;
    while (j < text.length) {
      const c = text.charCodeAt(j);
      if (c !== 32 && c !== 9) break;
      j++;
    }
    return text.charCodeAt(j) === 58;
  }

  #startsValue(at: number): boolean {
    const text = this.#text;
    const c = text.charCodeAt(at);
    return c === 123 || c === 91 || c === QUOTE || c === 45 || isDigit(c) || text.startsWith('true', at) || text.startsWith('false', at) || text.startsWith('null', at);
  }

  // ---- bookkeeping --------------------------------------------------------------------------

  /** Skips JSON whitespace; returns whether a line break was among it. */
  #skipWhitespace(): boolean {
    const text = this.#text;
    let i = this.#i;
    let lineBreak = false;
    for (;;) {
      const c = text.charCodeAt(i);
      if (c === 32 || c === 9) i++;
      else if (c === 10 || c === 13) {
        lineBreak = true;
        i++;
      } else if (isUnicodeSpace(c)) {
        // Editors paste no-break and em spaces as indentation (ZohoSign); JSON allows only ASCII
        // whitespace, but outside strings they cannot mean anything else.
        this.#repair(i, {
          code: 'repaired-whitespace',
          label: 'non-ASCII spaces',
          message: `U+${c.toString(16).toUpperCase().padStart(4, '0')} is a space character JSON does not allow between tokens; read as a plain space — replace it with an ordinary space`,
        });
        i++;
      } else break;
    }
    this.#i = i;
    return lineBreak;
  }

  /** The JSON pointer of the container being filled (plus `key`, when given). */
  #pointer(key?: string): string {
    let pointer = '';
    const last = this.#stack.length - 1;
    for (let k = 0; k < last; k++) {
      const frame = this.#stack[k];
      if (frame === undefined) continue;
      pointer += '/' + escapePointerToken(frame.kind === 'object' ? frame.key : frame.value.length);
    }
    return key === undefined ? pointer : pointer + '/' + escapePointerToken(key);
  }

  /** Records a warning (a repair or a duplicate key); past {@link MAX_LISTED_REPAIRS} of a code, only counts it. */
  #repair(offset: number, warning: { code: string; label: string; message: string; path?: string }): void {
    const { code, label, message, path } = warning;
    const count = (this.#repairCounts.get(code) ?? 0) + 1;
    this.#repairCounts.set(code, count);
    if (count <= MAX_LISTED_REPAIRS) {
      this.#warnings.push(this.#source.issueAt(offset, { code, severity: 'warning', message, path: path ?? '' }));
      return;
    }
    const unlisted = this.#unlisted.get(code);
    if (unlisted === undefined) this.#unlisted.set(code, { count: 1, firstOffset: offset, label });
    else unlisted.count++;
  }

  #finishedWarnings(): Issue[] {
    const summaries = [...this.#unlisted].map(([code, { count, firstOffset, label }]) =>
      this.#source.issueAt(firstOffset, {
        code,
        severity: 'warning',
        message: `${count} more ${label} from here on, not listed one by one — fix the file so it is strict JSON`,
      }),
    );
    return [...this.#warnings, ...summaries];
  }

  /** Records the one `json-syntax` error; returns undefined so callers can `return this.#fail(…)`. */
  #fail(offset: number, message: string): undefined {
    this.#error = this.#source.issueAt(offset, { code: 'json-syntax', severity: 'error', message });
    return undefined;
  }

  /** Like {@link #fail} for a broken limit, which has its own code. */
  #failWith(offset: number, problem: { code: 'too-deep' | 'string-too-long'; message: string }): undefined {
    this.#error = this.#source.issueAt(offset, { code: problem.code, severity: 'error', message: problem.message });
    return undefined;
  }

  /** Only reachable through a parser bug; keeps the "failure carries one located error" contract. */
  #fallbackError(): Issue {
    return this.#source.issueAt(this.#i, { code: 'json-syntax', severity: 'error', message: 'the JSON parser stopped here without a diagnosis — please report this file' });
  }
}

function isWordContinuation(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95;
}

/** Stores a member as an own data property, so `__proto__` & co. never reach a prototype. */
function setMember(target: Record<string, unknown>, key: string, value: unknown): void {
  if (DANGEROUS_KEYS.has(key)) Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
  else target[key] = value;
}

function truncate(text: string): string {
  return text.length > 60 ? text.slice(0, 57) + '…' : text;
}
