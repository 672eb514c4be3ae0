/**
 * The expression grammar: literals, function calls, bare identifiers, member access, indexing and
 * the null-safe `?`. There are no infix operators in WDL; everything else is a function.
 *
 *   expression := primary postfix*
 *   primary    := 'string' | number | true | false | null | name '(' [expression (',' expression)*] ')' | name
 *   postfix    := ['?'] '.' member-name | ['?'] '[' expression ']'
 */
import type { Expression, PathSegment } from './ast.ts';
import { ExpressionSyntaxError, positionOf } from './errors.ts';
import type { ExpressionLimits } from './limits.ts';
import { resolveLimits } from './limits.ts';

/** How lenient the parser is; `policy` is the dialect of connector policy templates. */
export interface ParserSettings {
  readonly limits: ExpressionLimits;
  /**
   * Policy templates write calls straight into text (`https://@connectionParameters('host').example.com`),
   * so a `.` after a call with arguments ends the expression instead of reading a member, and a `.`
   * or `?` that cannot start an access ends it instead of being an error.
   */
  readonly policy: boolean;
  /** Where parsing starts (default 0). */
  readonly start?: number;
}

function isIdentifierStart(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95 || code === 36; // A-Z a-z _ $
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

function isIdentifierPart(code: number): boolean {
  return isIdentifierStart(code) || isDigit(code);
}

/** Member names after `.` may start with a digit and contain `-` (`.2fa`, `.content-type`). */
function isMemberStart(code: number): boolean {
  return isIdentifierPart(code);
}

function isMemberPart(code: number): boolean {
  return isIdentifierPart(code) || code === 45; // -
}

function isSpace(code: number): boolean {
  return code === 32 || code === 9 || code === 10 || code === 13;
}

/** A cursor over one text; parses one expression (or access path) starting anywhere in it. */
export class ExpressionParser {
  readonly text: string;
  private readonly settings: ParserSettings;
  private depth = 0;
  /** Current position; callers read it after a parse to continue scanning. */
  pos: number;

  constructor(text: string, settings: ParserSettings) {
    this.text = text;
    this.settings = settings;
    this.pos = settings.start ?? 0;
  }

  /** Throws the syntax error for `expected` at the current position (or `at`). */
  fail(expected: string, at = this.pos): never {
    const position = positionOf(this.text, at);
    const found = at >= this.text.length ? 'the end of the text' : `\`${this.text.slice(at, at + 12)}\``;
    const where = position.line > 1 ? `line ${position.line}, column ${position.column}` : `column ${position.column}`;
    throw new ExpressionSyntaxError(`expression syntax error at ${where} (offset ${at}): expected ${expected}, found ${found} in \`${snippet(this.text, at)}\``, {
      position,
      expected,
    });
  }

  skipSpaces(): void {
    while (this.pos < this.text.length && isSpace(this.text.charCodeAt(this.pos))) this.pos++;
  }

  atEnd(): boolean {
    return this.pos >= this.text.length;
  }

  /** True when an identifier followed (after optional spaces) by `(` starts at the current position. */
  atCall(): boolean {
    let i = this.pos;
    if (i >= this.text.length || !isIdentifierStart(this.text.charCodeAt(i))) return false;
    while (i < this.text.length && isIdentifierPart(this.text.charCodeAt(i))) i++;
    return this.text.charCodeAt(i) === 40; // (
  }

  /** True when an identifier starts at the current position. */
  atIdentifier(): boolean {
    return this.pos < this.text.length && isIdentifierStart(this.text.charCodeAt(this.pos));
  }

  /** Parses one expression starting at the current position; leaves `pos` right after it. */
  parseExpression(): Expression {
    this.enter();
    const primary = this.parsePrimary();
    const result = this.parsePostfix(primary);
    this.depth--;
    return result;
  }

  private enter(): void {
    this.depth++;
    if (this.depth > this.settings.limits.maxDepth) this.fail(`at most ${this.settings.limits.maxDepth} levels of nesting`);
  }

  private parsePrimary(): Expression {
    const start = this.pos;
    const code = this.text.charCodeAt(this.pos);
    if (code === 39) return { kind: 'string', value: this.readString(), offset: start }; // '
    if (isDigit(code) || code === 45 || code === 46) {
      // - or .
      const number = this.readNumber();
      if (number !== undefined) return number.float ? { kind: 'number', value: number.value, float: true, offset: start } : { kind: 'number', value: number.value, offset: start };
    }
    if (isIdentifierStart(code)) {
      const name = this.readIdentifier();
      const afterName = this.pos;
      this.skipSpaces();
      if (this.text.charCodeAt(this.pos) === 40) return { kind: 'call', name, lowerName: name.toLowerCase(), args: this.readArguments(), offset: start };
      this.pos = afterName;
      const lower = name.toLowerCase();
      if (lower === 'true' || lower === 'false') return { kind: 'boolean', value: lower === 'true', offset: start };
      if (lower === 'null') return { kind: 'null', offset: start };
      return { kind: 'identifier', name, offset: start };
    }
    return this.fail("an expression (a 'string', a number, true, false, null, a function call or a name)");
  }

  private readString(): string {
    const start = this.pos;
    this.pos++;
    let value = '';
    let chunk = this.pos;
    for (;;) {
      const next = this.text.indexOf("'", this.pos);
      if (next < 0) this.fail(`a closing quote for the string that starts at offset ${start} (write '' for a quote inside a string)`, this.text.length);
      if (this.text.charCodeAt(next + 1) === 39) {
        value += this.text.slice(chunk, next + 1);
        this.pos = next + 2;
        chunk = this.pos;
        continue;
      }
      value += this.text.slice(chunk, next);
      this.pos = next + 1;
      return value;
    }
  }

  /**
   * Reads `-?(\d+(\.\d+)?|\.\d+)([eE][+-]?\d+)?`; undefined (pos unchanged) when none starts here.
   * `float` marks a whole value written with a point or an exponent (`5.0`).
   */
  private readNumber(): { readonly value: number; readonly float: boolean } | undefined {
    const match = /-?(?:\d+(?:\.\d+)?|\.\d+)(?:[eE][+-]?\d+)?/y;
    match.lastIndex = this.pos;
    const found = match.exec(this.text);
    if (found === null) return undefined;
    this.pos += found[0].length;
    if (this.pos < this.text.length && isIdentifierStart(this.text.charCodeAt(this.pos))) this.fail('a separator after the number', this.pos);
    const value = Number(found[0]);
    return { value, float: Number.isInteger(value) && /[.eE]/.test(found[0]) };
  }

  private readIdentifier(): string {
    const start = this.pos;
    while (this.pos < this.text.length && isIdentifierPart(this.text.charCodeAt(this.pos))) this.pos++;
    return this.text.slice(start, this.pos);
  }

  private readArguments(): Expression[] {
    this.pos++; // (
    const args: Expression[] = [];
    this.skipSpaces();
    if (this.text.charCodeAt(this.pos) === 41) {
      this.pos++;
      return args;
    }
    for (;;) {
      this.skipSpaces();
      args.push(this.parseExpression());
      this.skipSpaces();
      const code = this.text.charCodeAt(this.pos);
      if (code === 44) {
        this.pos++;
        continue;
      }
      if (code === 41) {
        this.pos++;
        return args;
      }
      this.fail("',' or ')' after a function argument");
    }
  }

  private parsePostfix(primary: Expression): Expression {
    let result = primary;
    for (;;) {
      if (this.settings.policy && result.kind === 'call' && result.args.length > 0) return result;
      const start = this.pos;
      let code = this.text.charCodeAt(this.pos);
      let optional = false;
      if (code === 63) {
        // ?
        const next = this.text.charCodeAt(this.pos + 1);
        if (next !== 46 && next !== 91) {
          if (this.settings.policy) return result;
          this.fail("'.' or '[' after '?'", this.pos + 1);
        }
        optional = true;
        this.pos++;
        code = next;
      }
      if (code === 46) {
        // .
        if (!isMemberStart(this.text.charCodeAt(this.pos + 1))) {
          if (this.settings.policy) {
            this.pos = start;
            return result;
          }
          this.fail('a property name after', this.pos + 1);
        }
        this.pos++;
        const nameStart = this.pos;
        while (this.pos < this.text.length && isMemberPart(this.text.charCodeAt(this.pos))) this.pos++;
        result = { kind: 'member', object: result, property: this.text.slice(nameStart, this.pos), optional, offset: start };
        continue;
      }
      if (code === 91) {
        // [
        this.enter();
        this.pos++;
        this.skipSpaces();
        const index = this.parseExpression();
        this.skipSpaces();
        if (this.text.charCodeAt(this.pos) !== 93) this.fail("']' to close the index");
        this.pos++;
        this.depth--;
        result = { kind: 'index', object: result, index, optional, offset: start };
        continue;
      }
      return result;
    }
  }

  /**
   * Parses a relative access path (`name.sub['key'][0]`, `['@odata.type']`) from the current
   * position to the end of the text; indexes must be literals.
   */
  parseAccessPath(): PathSegment[] {
    const segments: PathSegment[] = [];
    if (isMemberStart(this.text.charCodeAt(this.pos))) segments.push(this.readMemberName());
    while (!this.atEnd()) {
      const code = this.text.charCodeAt(this.pos);
      if (code === 46 && isMemberStart(this.text.charCodeAt(this.pos + 1))) {
        this.pos++;
        segments.push(this.readMemberName());
        continue;
      }
      if (code === 91) {
        this.pos++;
        this.skipSpaces();
        const index = this.parseExpression();
        this.skipSpaces();
        if (this.text.charCodeAt(this.pos) !== 93) this.fail("']' to close the index");
        this.pos++;
        if (index.kind === 'string') segments.push(index.value);
        else if (index.kind === 'number' && Number.isInteger(index.value) && index.value >= 0) segments.push(index.value);
        else this.fail("a 'name' or a non-negative integer inside [ ] (a path cannot compute its keys)", index.offset);
        continue;
      }
      this.fail(segments.length === 0 ? "a property name or '['" : "'.name', '[…]' or the end of the path");
    }
    if (segments.length === 0) this.fail("a property name or '['");
    return segments;
  }

  private readMemberName(): string {
    const start = this.pos;
    while (this.pos < this.text.length && isMemberPart(this.text.charCodeAt(this.pos))) this.pos++;
    return this.text.slice(start, this.pos);
  }
}

/** Up to 60 characters of `text` around `offset`, for messages. */
function snippet(text: string, offset: number): string {
  if (text.length <= 60) return text;
  const from = Math.max(0, Math.min(offset - 30, text.length - 60));
  return `${from > 0 ? '…' : ''}${text.slice(from, from + 60)}${from + 60 < text.length ? '…' : ''}`;
}

/** Throws when `text` is longer than the limit allows. */
export function checkLength(text: string, limits: ExpressionLimits): void {
  if (text.length <= limits.maxLength) return;
  throw new ExpressionSyntaxError(`expression is ${text.length} characters long; at most ${limits.maxLength} are allowed — split it into smaller expressions`, {
    position: positionOf(text, limits.maxLength),
    expected: `at most ${limits.maxLength} characters`,
  });
}

/** Options of {@link parseExpression} and {@link parseAccessPath}. */
export interface ParseOptions {
  readonly limits?: Partial<ExpressionLimits>;
}

/**
 * Parses an expression written without its leading `@` (e.g. `body().items[0]?['name']`);
 * surrounding spaces are allowed. Throws {@link ExpressionSyntaxError}.
 */
export function parseExpression(text: string, options?: ParseOptions): Expression {
  const limits = resolveLimits(options?.limits);
  checkLength(text, limits);
  const parser = new ExpressionParser(text, { limits, policy: false });
  parser.skipSpaces();
  const expression = parser.parseExpression();
  parser.skipSpaces();
  if (!parser.atEnd()) parser.fail("the end of the expression (a function call, '.', '?' or '[')");
  return expression;
}

/**
 * Parses a relative access path such as `checklist`, `peopleObject.XYZ.Age` or `['@odata.type']`
 * into its segments. Throws {@link ExpressionSyntaxError}.
 */
export function parseAccessPath(text: string, options?: ParseOptions): PathSegment[] {
  const limits = resolveLimits(options?.limits);
  checkLength(text, limits);
  return new ExpressionParser(text, { limits, policy: false }).parseAccessPath();
}
