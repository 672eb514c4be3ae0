/** Documented Logic Apps limits the leaf actions enforce (wdl.md §10), overridable per engine. */

/** Limits of leaf actions and of the helpers for control actions. */
export interface ActionLimits {
  /** Variables per workflow run (250). */
  readonly maxVariables: number;
  /** Characters of one variable's content — a string's length, other values' JSON text (104,857,600). */
  readonly maxVariableChars: number;
  /** Items of an array variable (100,000). */
  readonly maxArrayVariableItems: number;
  /** Items a Foreach iterates (100,000). */
  readonly maxForeachItems: number;
  /**
   * Items of the `from` array of Query, Select, Join and Table. Logic Apps documents none (its
   * limits page points users to Query to filter arrays above the Foreach limit); we bound it with
   * the expression language's array limit so one action cannot run away.
   */
  readonly maxDataOperationItems: number;
  /** Cases of a Switch (25). */
  readonly maxSwitchCases: number;
  /** Characters of the Http action's `uri` (2 KB). */
  readonly maxHttpUriChars: number;
  /** Time for one outbound Http attempt in ms (120 s, Consumption). */
  readonly httpTimeoutMs: number;
  /**
   * Characters of JavaScriptCode's `code`: 100,000, the documented single-tenant (Standard) limit —
   * Plugboard is self-hosted, and Standard workflows ship longer code; set 1,024 for Consumption's.
   */
  readonly maxInlineCodeChars: number;
  /** JavaScriptCode's execution time in ms (5 s: Consumption's limit and the custom-code sandbox's; Standard allows 15 s). */
  readonly inlineCodeTimeoutMs: number;
  /** JavaScriptCode's sandbox heap in bytes (64 MiB, the custom-code sandbox's). */
  readonly inlineCodeMemoryBytes: number;
  /**
   * Bytes of `workflowContext` as JSON going into the sandbox, and of the returned value coming out
   * (8 MiB, the custom-code sandbox's body limit; Logic Apps documents 50 MB, which does not fit the heap).
   */
  readonly inlineCodeMaxDataBytes: number;
  /**
   * Longest time a Wait may wait, in ms (366 days: the longest documented run duration, ISE's;
   * Consumption runs end after 90). A longer one fails at once rather than never finishing.
   */
  readonly maxWaitMs: number;
}

/** Logic Apps' documented values (Consumption, multitenant). */
export const DEFAULT_ACTION_LIMITS: ActionLimits = Object.freeze({
  maxVariables: 250,
  maxVariableChars: 104_857_600,
  maxArrayVariableItems: 100_000,
  maxForeachItems: 100_000,
  maxDataOperationItems: 1_000_000,
  maxSwitchCases: 25,
  maxHttpUriChars: 2_048,
  httpTimeoutMs: 120_000,
  maxInlineCodeChars: 100_000,
  inlineCodeTimeoutMs: 5_000,
  inlineCodeMemoryBytes: 64 * 1024 * 1024,
  inlineCodeMaxDataBytes: 8 * 1024 * 1024,
  maxWaitMs: 366 * 24 * 60 * 60 * 1000,
});

/** The defaults overridden by `limits`, frozen. */
export function resolveActionLimits(limits?: Partial<ActionLimits>): ActionLimits {
  return limits === undefined ? DEFAULT_ACTION_LIMITS : Object.freeze({ ...DEFAULT_ACTION_LIMITS, ...limits });
}
