/** Increment and Decrement: add a number to an Integer or Float variable (default 1). */
import type { ActionContext, ActionExecutor, ActionInput, ActionOutcome } from './contract.ts';
import { ActionError, ActionErrorCode, badInput } from './errors.ts';
import { describe } from './inputs.ts';
import { variableChange } from './variable-inputs.ts';

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** An executor that adds `sign × value` to the variable named in the inputs; outputs `{ body: { name, value: new value } }`. */
export function numericVariableExecutor(options: { readonly type: string; readonly sign: 1 | -1 }): ActionExecutor {
  return { type: options.type, execute: async (action, context) => changeNumericVariable(action, { context, sign: options.sign }) };
}

function changeNumericVariable(action: ActionInput, change: { readonly context: ActionContext; readonly sign: 1 | -1 }): ActionOutcome {
  const { context, sign } = change;
  const requested = variableChange(action, { context, valueRequired: false });
  const amount = requested.value === undefined || requested.value === null ? 1 : requested.value;
  if (typeof amount !== 'number' && typeof amount !== 'bigint') throw badInput({ action: action.name, input: 'value' }, `must be a number (got ${describe(amount)}) — convert text with int() or float()`);
  const declared = context.variables.declared(requested.name);
  // Reading through get() gives the store's VariableNotFound error for an undeclared name.
  const current = context.variables.get(requested.name);
  const type = declared?.type;
  const verb = sign === 1 ? 'incremented' : 'decremented';
  if (type !== 'Integer' && type !== 'Float') {
    throw new ActionError(`action '${action.name}': the variable '${requested.name}' is of type '${type ?? 'unknown'}' and cannot be ${verb} — only Integer and Float variables can`, {
      code: ActionErrorCode.InvalidVariableType,
      details: { action: action.name, variable: requested.name, type },
    });
  }
  const base = current === null || current === undefined ? 0 : current;
  if (typeof base !== 'number' && typeof base !== 'bigint') throw new ActionError(`action '${action.name}': the variable '${requested.name}' does not hold a number`, { code: ActionErrorCode.InvalidVariableType });
  let next: number | bigint;
  if (type === 'Integer') {
    if (typeof amount === 'number' && !Number.isInteger(amount)) {
      throw new ActionError(`action '${action.name}': the Integer variable '${requested.name}' cannot be ${verb} by a Float — use a whole number, or make the variable a Float`, {
        code: ActionErrorCode.InvalidVariableType,
        details: { action: action.name, variable: requested.name, type },
      });
    }
    const exact = BigInt(base) + BigInt(sign) * BigInt(amount);
    if (exact < INT64_MIN || exact > INT64_MAX) {
      throw new ActionError(`action '${action.name}': the Integer variable '${requested.name}' would overflow a 64-bit integer`, { code: ActionErrorCode.VariableLimitExceeded, details: { action: action.name, variable: requested.name } });
    }
    next = exact >= BigInt(Number.MIN_SAFE_INTEGER) && exact <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(exact) : exact;
  } else {
    next = Number(base) + sign * Number(amount);
  }
  context.variables.set(requested.name, next);
  const name = declared?.name ?? requested.name;
  return { status: 'Succeeded', inputs: { name, value: amount }, outputs: { body: { name, value: next } } };
}
