/**
 * JSON text to WDL values, for `json()`: like `JSON.parse`, but integers beyond 2^53 stay exact
 * (bigint), `5.0` stays a float, keys such as `__proto__` stay plain data, and nesting is bounded.
 */
import { FloatValue, MAX_VALUE_DEPTH, ValueError, intValue, setOwn } from './values.ts';

/** Parses JSON text; throws {@link ValueError} naming the offset of the first problem. */
export function parseJsonText(text: string): unknown {
  const reader = new JsonReader(text);
  reader.space();
  const value = reader.value(0);
  reader.space();
  if (reader.pos < text.length) reader.fail('the end of the JSON text');
  return value;
}

const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;

class JsonReader {
  readonly text: string;
  pos = 0;

  constructor(text: string) {
    this.text = text;
  }

  fail(expected: string): never {
    throw new ValueError(`the text is not valid JSON: expected ${expected} at offset ${this.pos}`);
  }

  space(): void {
    while (this.pos < this.text.length && ' \t\n\r'.includes(this.text.charAt(this.pos))) this.pos++;
  }

  value(depth: number): unknown {
    if (depth > MAX_VALUE_DEPTH) throw new ValueError(`the JSON text is nested more than ${MAX_VALUE_DEPTH} levels deep`);
    const c = this.text.charAt(this.pos);
    if (c === '{') return this.object(depth);
    if (c === '[') return this.array(depth);
    if (c === '"') return this.string();
    if (c === '-' || (c >= '0' && c <= '9')) return this.number();
    for (const [word, value] of [['true', true], ['false', false], ['null', null]] as const) {
      if (this.text.startsWith(word, this.pos)) {
        this.pos += word.length;
        return value;
      }
    }
    return this.fail('a value');
  }

  private object(depth: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    this.pos++;
    this.space();
    if (this.text.charAt(this.pos) === '}') {
      this.pos++;
      return out;
    }
    for (;;) {
      this.space();
      if (this.text.charAt(this.pos) !== '"') this.fail('a property name in double quotes');
      const key = this.string();
      this.space();
      if (this.text.charAt(this.pos) !== ':') this.fail("':'");
      this.pos++;
      this.space();
      setOwn(out, [key, this.value(depth + 1)]);
      this.space();
      const c = this.text.charAt(this.pos++);
      if (c === '}') return out;
      if (c !== ',') {
        this.pos--;
        this.fail("',' or '}'");
      }
    }
  }

  private array(depth: number): unknown[] {
    const out: unknown[] = [];
    this.pos++;
    this.space();
    if (this.text.charAt(this.pos) === ']') {
      this.pos++;
      return out;
    }
    for (;;) {
      this.space();
      out.push(this.value(depth + 1));
      this.space();
      const c = this.text.charAt(this.pos++);
      if (c === ']') return out;
      if (c !== ',') {
        this.pos--;
        this.fail("',' or ']'");
      }
    }
  }

  private string(): string {
    const start = this.pos;
    const match = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;
    match.lastIndex = start;
    const found = match.exec(this.text);
    if (found === null) this.fail('a complete string');
    this.pos = start + found[0].length;
    return JSON.parse(found[0]) as string;
  }

  private number(): unknown {
    const match = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?/y;
    match.lastIndex = this.pos;
    const found = match.exec(this.text);
    if (found === null) return this.fail('a number');
    this.pos += found[0].length;
    if (found[1] === undefined && found[2] === undefined) {
      const big = BigInt(found[0]);
      // Beyond Int64 Json.NET reads a float.
      return big >= INT64_MIN && big <= INT64_MAX ? intValue(big) : new FloatValue(Number(found[0]));
    }
    const value = Number(found[0]);
    if (!Number.isFinite(value)) this.fail('a number within the range of a double');
    return Number.isInteger(value) ? new FloatValue(value) : value;
  }
}
