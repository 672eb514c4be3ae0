/** The array a Foreach iterates, checked as Logic Apps checks it. */
import { ActionError, ActionErrorCode } from './errors.ts';
import { describe } from './inputs.ts';
import type { ActionLimits } from './limits.ts';
import { DEFAULT_ACTION_LIMITS } from './limits.ts';

/**
 * The items of a Foreach from its evaluated `foreach` value. Throws `InvalidTemplate` when the
 * value is not an array (null included — Logic Apps: "The result must be a valid array") and
 * `LimitExceeded` above 100,000 items.
 */
export function foreachItems(value: unknown, limits: ActionLimits = DEFAULT_ACTION_LIMITS): readonly unknown[] {
  if (!Array.isArray(value)) {
    throw new ActionError(`the \`foreach\` expression evaluated to ${describe(value)}; it must be an array — check the path (e.g. @body('Get_items')?['value']) or guard a missing value with coalesce(…, createArray())`, {
      code: ActionErrorCode.InvalidTemplate,
      details: {},
    });
  }
  if (value.length > limits.maxForeachItems) {
    throw new ActionError(`the \`foreach\` array has ${value.length} items; a Foreach processes at most ${limits.maxForeachItems} — filter it first (Query) or split the work`, {
      code: ActionErrorCode.LimitExceeded,
      details: { items: value.length, limit: limits.maxForeachItems },
    });
  }
  return value;
}
