/** Limits that keep a hostile or broken expression from using unbounded memory or stack. */

/** The limits of parsing and evaluation. */
export interface ExpressionLimits {
  /** Longest text `parseTemplate` / `parseExpression` accept (WDL documents 8,192 characters per expression). */
  readonly maxLength: number;
  /** Deepest nesting of calls, accesses and brackets. */
  readonly maxDepth: number;
  /** Longest string an interpolation may produce, and the largest serialised value it may embed. */
  readonly maxOutputLength: number;
}

/** The defaults: WDL's documented expression length, a nesting depth far above real use, 1 MiB of output. */
export const DEFAULT_EXPRESSION_LIMITS: ExpressionLimits = Object.freeze({
  maxLength: 8192,
  maxDepth: 100,
  maxOutputLength: 1_048_576,
});

/** The defaults overridden by `limits`, frozen. */
export function resolveLimits(limits: Partial<ExpressionLimits> | undefined): ExpressionLimits {
  return limits === undefined ? DEFAULT_EXPRESSION_LIMITS : Object.freeze({ ...DEFAULT_EXPRESSION_LIMITS, ...limits });
}
