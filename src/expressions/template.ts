/**
 * A JSON string value as WDL reads it (literal, `@@` escape, whole-value `@expr`, `@{expr}`
 * interpolation), plus the dialect of connector policy templates, which also embeds calls straight
 * into text (`Bearer @connectionParameters('api_key')`) and writes `{@expr}` substitutions.
 */
import type { Expression, ExpressionPart, Template, TemplatePart } from './ast.ts';
import { ExpressionSyntaxError } from './errors.ts';
import type { ExpressionLimits } from './limits.ts';
import { resolveLimits } from './limits.ts';
import { ExpressionParser, checkLength } from './parser.ts';

/** Which dialect a template is written in. */
export type TemplateSyntax = 'wdl' | 'policy';

/** Options of {@link parseTemplate}. */
export interface TemplateOptions {
  /** `wdl` (default): workflow definitions. `policy`: connector policy template parameters. */
  readonly syntax?: TemplateSyntax;
  readonly limits?: Partial<ExpressionLimits>;
}

/**
 * Parses a string value into a {@link Template}. Throws {@link ExpressionSyntaxError} naming the
 * position and what was expected.
 *
 * WDL: a value starting with `@@` is literal (minus one `@`); a value starting with `@` (not `@{`)
 * is one whole-value expression; otherwise `@{expr}` segments are interpolated and `@@{` is a
 * literal `@{`. Everything else, including `a@b.com`, is literal.
 *
 * Policy: as WDL, and in addition `@name(args)` anywhere in the text is an embedded call (no member
 * access after a call with arguments, so `@connectionParameters('host').example.com` reads the
 * host, then literal text), `{@expr}` is a substitution, and a value that is exactly one such
 * call or path (`@body().access_token`, `@Request.OriginalHTTPMethod`) is a whole-value expression.
 */
export function parseTemplate(text: string, options?: TemplateOptions): Template {
  const limits = resolveLimits(options?.limits);
  checkLength(text, limits);
  if (text.startsWith('@@')) return { kind: 'literal', value: text.slice(1) };
  return options?.syntax === 'policy' ? parsePolicyTemplate(text, limits) : parseWdlTemplate(text, limits);
}

function parseWdlTemplate(text: string, limits: ExpressionLimits): Template {
  if (text.startsWith('@') && text.charCodeAt(1) !== 123) {
    const parser = new ExpressionParser(text, { limits, policy: false, start: 1 });
    parser.skipSpaces();
    const expression = parser.parseExpression();
    parser.skipSpaces();
    if (!parser.atEnd()) parser.fail("the end of the expression (a value starting with '@' is one expression; use @{…} to mix text and expressions)");
    return { kind: 'expression', expression, source: text.slice(1).trim() };
  }
  return interpolate(text, { limits, policy: false });
}

function parsePolicyTemplate(text: string, limits: ExpressionLimits): Template {
  const template = interpolate(text, { limits, policy: true });
  if (template.kind !== 'interpolated' || template.parts.length !== 1) return template;
  const [only] = template.parts;
  if (only?.kind === 'expression' && only.form === 'call') return { kind: 'expression', expression: only.expression, source: only.source };
  return template;
}

/** Scans text for embedded expressions; returns a literal when there are none. */
function interpolate(text: string, settings: { readonly limits: ExpressionLimits; readonly policy: boolean }): Template {
  const { limits, policy } = settings;
  const parts: TemplatePart[] = [];
  let literal = '';
  let i = 0;
  const flush = (): void => {
    if (literal !== '') parts.push({ kind: 'text', value: literal });
    literal = '';
  };
  const add = (found: { readonly part: ExpressionPart; readonly end: number }): number => {
    parts.push(found.part);
    return found.end;
  };
  let brace = policy ? text.indexOf('{@') : -1;
  while (i < text.length) {
    const at = text.indexOf('@', i);
    if (brace >= 0 && brace < i) brace = text.indexOf('{@', i);
    const next = brace >= 0 && (at < 0 || brace < at) ? brace : at;
    if (next < 0) {
      literal += text.slice(i);
      break;
    }
    literal += text.slice(i, next);
    if (next === brace) {
      flush();
      i = add(embedded(text, { limits, policy, start: next, expressionStart: next + 2, form: 'brace' }));
      continue;
    }
    const following = text.charCodeAt(next + 1);
    if (following === 64) {
      // @@: `@@{` is a literal `@{`; in policy text `@@` is a literal `@`.
      if (text.charCodeAt(next + 2) === 123) {
        literal += '@{';
        i = next + 3;
      } else {
        literal += policy ? '@' : '@@';
        i = next + 2;
      }
      continue;
    }
    if (following === 123) {
      flush();
      i = add(embedded(text, { limits, policy, start: next, expressionStart: next + 2, form: 'interpolation' }));
      continue;
    }
    if (policy) {
      const probe = new ExpressionParser(text, { limits, policy, start: next + 1 });
      if (probe.atCall()) {
        flush();
        i = add(embedded(text, { limits, policy, start: next, expressionStart: next + 1, form: 'call' }));
        continue;
      }
      const whole = next === 0 && probe.atIdentifier() ? wholePath(text, limits) : undefined;
      if (whole !== undefined) {
        parts.push({ kind: 'expression', expression: whole, form: 'call', offset: 0, source: text.slice(1) });
        i = text.length;
        continue;
      }
    }
    literal += '@';
    i = next + 1;
  }
  flush();
  if (parts.every((part) => part.kind === 'text')) return { kind: 'literal', value: parts.map((part) => (part.kind === 'text' ? part.value : '')).join('') };
  return { kind: 'interpolated', parts };
}

/**
 * A name-rooted path (`@Request.OriginalHTTPMethod`) that spans the whole text, else undefined:
 * `@example.com is my address` stays literal text.
 */
function wholePath(text: string, limits: ExpressionLimits): Expression | undefined {
  const parser = new ExpressionParser(text, { limits, policy: true, start: 1 });
  try {
    const expression = parser.parseExpression();
    return parser.atEnd() ? expression : undefined;
  } catch (error) {
    if (error instanceof ExpressionSyntaxError) return undefined; // not a path, so literal text
    throw error;
  }
}

interface EmbeddedSpec {
  readonly limits: ExpressionLimits;
  readonly policy: boolean;
  /** Offset of the `@` or `{` that opens the part. */
  readonly start: number;
  readonly expressionStart: number;
  readonly form: ExpressionPart['form'];
}

/** Parses one embedded expression; returns it and the offset after it. */
function embedded(text: string, spec: EmbeddedSpec): { readonly part: ExpressionPart; readonly end: number } {
  const parser = new ExpressionParser(text, { limits: spec.limits, policy: spec.policy, start: spec.expressionStart });
  if (spec.form !== 'call') parser.skipSpaces();
  const from = parser.pos;
  const expression = parser.parseExpression();
  const to = parser.pos;
  if (spec.form !== 'call') {
    parser.skipSpaces();
    if (text.charCodeAt(parser.pos) !== 125) parser.fail(`'}' to close the ${spec.form === 'brace' ? '{@…}' : '@{…}'} that starts at offset ${spec.start}`);
    parser.pos++;
  }
  return { part: { kind: 'expression', expression, form: spec.form, offset: spec.start, source: text.slice(from, to) }, end: parser.pos };
}
