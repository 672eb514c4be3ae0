/**
 * The expression AST. Plain JSON data (no classes, no functions), so a parsed template can be
 * stored, sent over the API and compared with `deepEqual`. Every node carries `offset`: the
 * 0-based position in the text that was parsed, for error messages.
 */

/** A single-quoted string literal (`'it''s'` → `it's`). */
export interface StringLiteral {
  readonly kind: 'string';
  readonly value: string;
  readonly offset: number;
}

/** An integer or decimal literal, possibly negative (`-1`, `2.5`, `.3`). */
export interface NumberLiteral {
  readonly kind: 'number';
  readonly value: number;
  /**
   * Written as a float although its value is whole (`5.0`, `1e3`): WDL arithmetic keeps the
   * difference (`div(11, 5.0)` is 2.2). Absent for integers and for non-whole values.
   */
  readonly float?: true;
  readonly offset: number;
}

/** `true` / `false`. */
export interface BooleanLiteral {
  readonly kind: 'boolean';
  readonly value: boolean;
  readonly offset: number;
}

/** `null`. */
export interface NullLiteral {
  readonly kind: 'null';
  readonly offset: number;
}

/** A function call `name(arg, …)`; WDL function names are case-insensitive, so both spellings are kept. */
export interface CallExpression {
  readonly kind: 'call';
  /** The name as written (`ConnectionParameters`). */
  readonly name: string;
  /** The lower-cased name used for lookup (`connectionparameters`). */
  readonly lowerName: string;
  readonly args: readonly Expression[];
  readonly offset: number;
}

/** A bare name such as `Request` in `@Request.OriginalHTTPMethod`; the scope resolves it. */
export interface IdentifierExpression {
  readonly kind: 'identifier';
  readonly name: string;
  readonly offset: number;
}

/** `object.property`, or `object?.property` when `optional`. */
export interface MemberExpression {
  readonly kind: 'member';
  readonly object: Expression;
  readonly property: string;
  /** Written with `?`: a null object or a missing property yields null instead of an error. */
  readonly optional: boolean;
  readonly offset: number;
}

/** `object[index]` (`['key']`, `[0]`, `[expr]`), or `object?[index]` when `optional`. */
export interface IndexExpression {
  readonly kind: 'index';
  readonly object: Expression;
  readonly index: Expression;
  readonly optional: boolean;
  readonly offset: number;
}

/** Any expression node. */
export type Expression =
  | StringLiteral
  | NumberLiteral
  | BooleanLiteral
  | NullLiteral
  | CallExpression
  | IdentifierExpression
  | MemberExpression
  | IndexExpression;

/** Literal text inside a template. */
export interface TextPart {
  readonly kind: 'text';
  readonly value: string;
}

/**
 * How an expression was embedded in text: `@{expr}` (WDL interpolation), `@name(…)` written
 * straight into the text (policy templates: `https://@connectionParameters('host')/api`) or
 * `{@expr}` (policy templates: setproperty values such as `[{@body().payments}]`).
 */
export type EmbeddingForm = 'interpolation' | 'call' | 'brace';

/** An expression inside a template. */
export interface ExpressionPart {
  readonly kind: 'expression';
  readonly expression: Expression;
  readonly form: EmbeddingForm;
  /** Where the part starts in the template text (its `@` or `{`). */
  readonly offset: number;
  /** The expression as written, without its `@`, `@{…}` or `{@…}` wrapping (for messages and views). */
  readonly source: string;
}

/** One piece of an interpolated template. */
export type TemplatePart = TextPart | ExpressionPart;

/** A value taken literally (no `@`, or the `@@` escape). */
export interface LiteralTemplate {
  readonly kind: 'literal';
  readonly value: string;
}

/** A whole-value expression `@expr`: the result keeps its JSON type. */
export interface ExpressionTemplate {
  readonly kind: 'expression';
  readonly expression: Expression;
  /** The expression as written, without the leading `@`. */
  readonly source: string;
}

/** Text with embedded expressions: the result is always a string. */
export interface InterpolatedTemplate {
  readonly kind: 'interpolated';
  readonly parts: readonly TemplatePart[];
}

/** A JSON string value as WDL (or a policy template) reads it. */
export type Template = LiteralTemplate | ExpressionTemplate | InterpolatedTemplate;

/** One step of an access path: a property name or an array index. */
export type PathSegment = string | number;
