/**
 * WDL's value model on top of JSON. WDL tells integers from floats (`div(11, 5)` is 2,
 * `div(11, 5.0)` is 2.2), has 64-bit integers (`ticks()` exceeds 2^53) and .NET decimals, and
 * writes values the .NET way (`string(true)` is `True`). Values are JSON values plus:
 *
 * - `bigint` for an integer outside JavaScript's safe range (always within Int64);
 * - {@link FloatValue} for a float whose value is whole (a non-whole JS number is a float anyway);
 * - {@link Decimal} for `decimal()` results.
 *
 * {@link toPlainJson} turns a result back into JSON values for callers.
 */
import { isRecord } from './evaluate.ts';
import { Decimal } from './dotnet/decimal.ts';
import { ScalarBox } from './scalar-box.ts';

export { Decimal };

const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;

/** Thrown by value helpers for a value of the wrong kind; functions turn it into an argument error. */
export class ValueError extends Error {
  override readonly name = 'ValueError';
}

/** A WDL float whose value is a whole number (`5.0`). */
export class FloatValue extends ScalarBox {
  readonly typeName = 'a float';
  readonly value: number;

  constructor(value: number) {
    super();
    this.value = value;
  }

  toNumber(): number {
    return this.value;
  }

  text(): string {
    return formatDouble(this.value);
  }
}

/** A number of one of WDL's three kinds. */
export type Numeric = { readonly kind: 'int'; readonly value: bigint } | { readonly kind: 'float'; readonly value: number } | { readonly kind: 'decimal'; readonly value: Decimal };

/** The numeric reading of a value, or undefined for a non-number. */
export function numericOf(value: unknown): Numeric | undefined {
  if (typeof value === 'number') {
    if (Number.isSafeInteger(value)) return { kind: 'int', value: BigInt(value) };
    return { kind: 'float', value };
  }
  if (typeof value === 'bigint') return { kind: 'int', value };
  if (value instanceof FloatValue) return { kind: 'float', value: value.value };
  if (value instanceof Decimal) return { kind: 'decimal', value };
  return undefined;
}

/** True for any WDL number. */
export function isNumber(value: unknown): boolean {
  return numericOf(value) !== undefined;
}

/** An integer result: a JS number when safe, a bigint otherwise; throws beyond Int64. */
export function intValue(value: bigint): number | bigint {
  if (value < INT64_MIN || value > INT64_MAX) throw new ValueError('the integer result is outside the 64-bit range');
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
}

/** A float result: boxed when whole so later arithmetic still treats it as a float; throws for NaN and infinities. */
export function floatValue(value: number): number | FloatValue {
  if (!Number.isFinite(value)) throw new ValueError('the result is not a finite number');
  return Number.isInteger(value) ? new FloatValue(Object.is(value, -0) ? 0 : value) : value;
}

/** A numeric back to a value. */
export function fromNumeric(numeric: Numeric): unknown {
  switch (numeric.kind) {
    case 'int':
      return intValue(numeric.value);
    case 'float':
      return floatValue(numeric.value);
    case 'decimal':
      return numeric.value;
  }
}

/** A numeric as a double. */
export function toDouble(numeric: Numeric): number {
  return numeric.kind === 'int' ? Number(numeric.value) : numeric.kind === 'float' ? numeric.value : numeric.value.toNumber();
}

/** A numeric as a decimal. */
export function toDecimal(numeric: Numeric): Decimal {
  return numeric.kind === 'int' ? Decimal.fromInteger(numeric.value) : numeric.kind === 'float' ? Decimal.fromNumber(numeric.value) : numeric.value;
}

/** Compares two numerics by value; NaN never occurs (floats are finite). */
export function compareNumeric(a: Numeric, b: Numeric): number {
  if (a.kind === 'int' && b.kind === 'int') return a.value < b.value ? -1 : a.value > b.value ? 1 : 0;
  if (a.kind === 'decimal' || b.kind === 'decimal') {
    if (a.kind !== 'float' && b.kind !== 'float') return toDecimal(a).compare(toDecimal(b));
  }
  const x = toDouble(a);
  const y = toDouble(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** True for a `{ "$content-type", "$content" }` content envelope (binary, XML, form data). */
export function isContent(value: unknown): value is { readonly '$content-type': string; readonly $content: unknown } & Readonly<Record<string, unknown>> {
  return isRecord(value) && typeof value['$content-type'] === 'string' && Object.hasOwn(value, '$content');
}

/** A content envelope for `bytes`. */
export function contentOf(contentType: string, bytes: Uint8Array): Record<string, unknown> {
  return { '$content-type': contentType, $content: Buffer.from(bytes).toString('base64') };
}

/** The bytes of a content envelope (`$content` is base64, or text for some producers). */
export function contentBytes(value: { readonly $content: unknown }): Uint8Array {
  const content = value.$content;
  if (typeof content === 'string') return decodeBase64(content);
  return new TextEncoder().encode(wdlText(content));
}

/** Strict base64 (padding optional, whitespace ignored); throws {@link ValueError}. */
export function decodeBase64(text: string): Uint8Array {
  const compact = text.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.replace(/=+$/, '').length % 4 === 1) throw new ValueError('the text is not valid base64');
  return new Uint8Array(Buffer.from(compact, 'base64'));
}

/** UTF-8 text of bytes; invalid sequences become U+FFFD, as .NET's decoder does. */
export function utf8(bytes: Uint8Array): string {
  return new TextDecoder('utf-8').decode(bytes);
}

/**
 * How .NET writes a value as text (`string()`, `concat()`, interpolation): strings as they are,
 * null as nothing, booleans as `True`/`False`, numbers as .NET's `ToString()`, content envelopes as
 * their decoded text, arrays and objects as compact JSON.
 */
export function wdlText(value: unknown, maxLength?: number): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') return Number.isSafeInteger(value) ? String(value) : formatDouble(value);
  if (value instanceof ScalarBox) return value.text();
  if (isContent(value) && typeof value.$content === 'string' && !isFormData(value)) return utf8(contentBytes(value));
  return toJsonText(value, { maxLength });
}

function isFormData(value: Readonly<Record<string, unknown>>): boolean {
  return Object.hasOwn(value, '$formdata') || Object.hasOwn(value, '$multipart');
}

/**
 * A double as .NET Framework's `ToString()` writes it: 15 significant digits (`0.1 + 0.2` reads
 * `0.3`; JSON output keeps every digit), scientific notation from 15 integer digits on or below
 * 1E-05 (`1E+21`, `1E-05`, `0.0001`).
 */
export function formatDouble(value: number): string {
  if (Object.is(value, -0) || value === 0) return '0';
  const [mantissa = '', exponentText] = Number(value.toPrecision(15)).toExponential().split('e');
  const exponent = Number(exponentText);
  if (exponent >= 15 || exponent < -5) {
    const sign = exponent < 0 ? '-' : '+';
    const magnitude = String(Math.abs(exponent)).padStart(2, '0');
    return `${mantissa.toUpperCase()}E${sign}${magnitude}`;
  }
  const negative = value < 0;
  const digits = mantissa.replace('-', '').replace('.', '');
  let text: string;
  if (exponent >= 0) {
    text = digits.length <= exponent + 1 ? digits.padEnd(exponent + 1, '0') : `${digits.slice(0, exponent + 1)}.${digits.slice(exponent + 1)}`;
  } else {
    text = `0.${'0'.repeat(-exponent - 1)}${digits}`;
  }
  return negative ? `-${text}` : text;
}

/** How deep {@link toJsonText}, {@link wdlEquals} and {@link toPlainJson} walk before giving up. */
export const MAX_VALUE_DEPTH = 512;

/** Options of {@link toJsonText}. */
export interface JsonTextOptions {
  /** Indentation per level (default none: compact). */
  readonly indent?: string;
  /** Longest text allowed; a longer one throws {@link ValueError} before it is built in full. */
  readonly maxLength?: number;
}

/** JSON text of a value, with bigints written exactly and boxes as their numbers. */
export function toJsonText(value: unknown, options: JsonTextOptions = {}): string {
  return writeJson(value, { indent: options.indent ?? '', max: options.maxLength ?? Number.MAX_SAFE_INTEGER, written: { length: 0 }, depth: 0 });
}

/** Where {@link writeJson} is: the options, the characters written so far (shared), the depth. */
interface JsonState {
  readonly indent: string;
  readonly max: number;
  readonly written: { length: number };
  readonly depth: number;
}

function counted(state: JsonState, text: string): string {
  state.written.length += text.length;
  if (state.written.length > state.max) throw new ValueError(`the JSON text would be longer than ${state.max} characters`);
  return text;
}

function writeJson(value: unknown, state: JsonState): string {
  const depth = state.depth;
  const inner = { ...state, depth: depth + 1 };
  if (depth > MAX_VALUE_DEPTH) throw new ValueError(`the value is nested more than ${MAX_VALUE_DEPTH} levels deep`);
  if (value === null || value === undefined) return counted(state, 'null');
  if (typeof value === 'string') return counted(state, JSON.stringify(value));
  if (typeof value === 'boolean') return counted(state, value ? 'true' : 'false');
  if (typeof value === 'bigint') return counted(state, value.toString());
  if (typeof value === 'number') return counted(state, Number.isFinite(value) ? JSON.stringify(value) : 'null');
  if (value instanceof ScalarBox) return counted(state, JSON.stringify(value.toNumber()));
  const newline = state.indent === '' ? '' : counted(state, `\n${state.indent.repeat(depth + 1)}`);
  const close = state.indent === '' ? '' : `\n${state.indent.repeat(depth)}`;
  const colon = state.indent === '' ? ':' : ': ';
  if (Array.isArray(value)) {
    if (value.length === 0) return counted(state, '[]');
    const items = value.map((item) => newline + writeJson(item, inner));
    return `[${items.join(counted(state, ','))}${counted(state, close)}]`;
  }
  if (isRecord(value)) {
    const keys = Object.keys(value).filter((key) => value[key] !== undefined);
    if (keys.length === 0) return counted(state, '{}');
    const members = keys.map((key) => `${newline}${counted(state, JSON.stringify(key))}${colon}${writeJson(value[key], inner)}`);
    return `{${members.join(counted(state, ','))}${counted(state, close)}}`;
  }
  throw new ValueError(`${typeof value} values have no JSON form`);
}

/** A result as JSON values: boxes become numbers, bigints stay bigints (they exceed 2^53), undefined becomes null. */
export function toPlainJson(value: unknown): unknown {
  return plainAt(value, 0);
}

function plainAt(value: unknown, depth: number): unknown {
  if (depth > MAX_VALUE_DEPTH) throw new ValueError(`the value is nested more than ${MAX_VALUE_DEPTH} levels deep`);
  if (value === undefined) return null;
  if (value instanceof ScalarBox) return value.toNumber();
  if (Array.isArray(value)) return value.map((item) => plainAt(item, depth + 1));
  if (isRecord(value)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) if (value[key] !== undefined) setOwn(out, [key, plainAt(value[key], depth + 1)]);
    return out;
  }
  return value;
}

/** Sets an own enumerable property, even for keys such as `__proto__` (assignment would change the prototype). */
export function setOwn(target: Record<string, unknown>, [key, value]: readonly [string, unknown]): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** A shallow copy of a JSON object that keeps keys such as `__proto__` as data. */
export function copyRecord(source: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(source)) setOwn(out, [key, source[key]]);
  return out;
}

/**
 * WDL equality (`equals()`, `contains()` on arrays, `union()`): numbers by value across kinds,
 * a boolean equals a number when both are zero or both non-zero (`equals(true, 1)`), null equals
 * the empty string (conditions read null as `''`), arrays and objects deeply; strings case-sensitively.
 */
export function wdlEquals(a: unknown, b: unknown): boolean {
  return equalAt([a, b], 0);
}

function equalAt([a, b]: readonly [unknown, unknown], depth: number): boolean {
  if (depth > MAX_VALUE_DEPTH) throw new ValueError(`the values are nested more than ${MAX_VALUE_DEPTH} levels deep`);
  const x = a === undefined ? null : a;
  const y = b === undefined ? null : b;
  if (x === null || y === null) return (x === null || x === '') && (y === null || y === '');
  if (typeof x === 'string' || typeof y === 'string') return x === y;
  if (typeof x === 'boolean' || typeof y === 'boolean') {
    const p = booleanReading(x);
    const q = booleanReading(y);
    return p !== undefined && p === q;
  }
  const m = numericOf(x);
  const n = numericOf(y);
  if (m !== undefined || n !== undefined) return m !== undefined && n !== undefined && compareNumeric(m, n) === 0;
  if (Array.isArray(x) || Array.isArray(y)) {
    if (!Array.isArray(x) || !Array.isArray(y) || x.length !== y.length) return false;
    return x.every((item, i) => equalAt([item, y[i]], depth + 1));
  }
  if (isRecord(x) && isRecord(y)) {
    const keys = Object.keys(x).filter((key) => x[key] !== undefined);
    if (keys.length !== Object.keys(y).filter((key) => y[key] !== undefined).length) return false;
    return keys.every((key) => Object.hasOwn(y, key) && equalAt([x[key], y[key]], depth + 1));
  }
  return false;
}

function booleanReading(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  const numeric = numericOf(value);
  return numeric === undefined ? undefined : compareNumeric(numeric, { kind: 'int', value: 0n }) !== 0;
}

/**
 * Orders two values for `greater()`, `less()`, `sort()`: numbers by value, strings ordinally (as
 * .NET's `CompareOrdinal`), booleans false before true; null reads as `''`. Throws
 * {@link ValueError} for values that cannot be compared.
 */
export function wdlCompare(a: unknown, b: unknown): number {
  const x = a === null || a === undefined ? '' : a;
  const y = b === null || b === undefined ? '' : b;
  if (typeof x === 'string' && typeof y === 'string') return x < y ? -1 : x > y ? 1 : 0;
  if (typeof x === 'boolean' && typeof y === 'boolean') return Number(x) - Number(y);
  const m = numericOf(x);
  const n = numericOf(y);
  if (m !== undefined && n !== undefined) return compareNumeric(m, n);
  throw new ValueError(`cannot compare ${kindName(x)} with ${kindName(y)}`);
}

/** A short name of a value's WDL type for messages (never the value). */
export function kindName(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return 'a string';
  if (typeof value === 'boolean') return 'a boolean';
  const numeric = numericOf(value);
  if (numeric !== undefined) return numeric.kind === 'int' ? 'an integer' : numeric.kind === 'float' ? 'a float' : 'a decimal';
  if (Array.isArray(value)) return 'an array';
  if (isContent(value)) return 'binary content';
  return 'an object';
}
