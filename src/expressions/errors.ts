/** The two errors of the expression language: a text that does not parse, and an evaluation that fails. */
import { UserInputError } from '../core/index.ts';

/** Where in the parsed text a syntax error is. */
export interface SyntaxPosition {
  /** 0-based character offset. */
  readonly offset: number;
  /** 1-based line. */
  readonly line: number;
  /** 1-based column. */
  readonly column: number;
}

/** The text is not a valid expression or template; the message names the position and what was expected. */
export class ExpressionSyntaxError extends UserInputError {
  readonly position: SyntaxPosition;
  /** What the parser expected at `position` (e.g. `')'`, `an expression`). */
  readonly expected: string;

  constructor(message: string, options: { position: SyntaxPosition; expected: string }) {
    super(message, { code: 'ExpressionSyntax', details: { ...options.position, expected: options.expected } });
    this.name = 'ExpressionSyntaxError';
    this.position = options.position;
    this.expected = options.expected;
  }
}

/**
 * Why an evaluation failed, for callers that treat some failures as "no value" (policy body
 * transforms skip an element whose property is missing).
 */
export type EvaluationFailure =
  | 'unknown-function'
  | 'arity'
  | 'unknown-identifier'
  | 'missing-property'
  | 'null-access'
  | 'not-an-object'
  | 'index-out-of-range'
  | 'invalid-index'
  | 'limit'
  | 'function-failed'
  | 'invalid-argument'
  | 'not-found';

/** An expression could not be evaluated. Messages name types and names, never values (they may be secrets). */
export class ExpressionEvaluationError extends UserInputError {
  readonly reason: EvaluationFailure;
  /** 0-based offset of the failing node in the parsed text. */
  readonly offset: number;

  constructor(message: string, options: { reason: EvaluationFailure; offset: number; cause?: unknown }) {
    super(message, { code: 'ExpressionEvaluation', details: { reason: options.reason, offset: options.offset }, cause: options.cause });
    this.name = 'ExpressionEvaluationError';
    this.reason = options.reason;
    this.offset = options.offset;
  }
}

/** The 1-based line and column of an offset. */
export function positionOf(text: string, offset: number): SyntaxPosition {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { offset, line, column: offset - lineStart + 1 };
}
