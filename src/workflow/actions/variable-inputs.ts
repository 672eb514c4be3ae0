/** The `{ name, value }` inputs shared by SetVariable, Increment/Decrement and the Append actions. */
import type { ActionContext, ActionInput } from './contract.ts';
import { badInput } from './errors.ts';
import { inputsRecord, memberOf } from './inputs.ts';

/** Evaluated `{ name, value }`; `value` is undefined when absent. */
export interface VariableChange {
  readonly name: string;
  readonly value: unknown;
}

/** Reads `{ name, value }`; `valueRequired` makes a missing value a `BadRequest`. */
export function variableChange(action: ActionInput, read: { readonly context: ActionContext; readonly valueRequired: boolean }): VariableChange {
  const { context, valueRequired } = read;
  const inputs = inputsRecord(action, { value: context.evaluate(action.inputs), expected: '`name` and `value`' });
  const name = memberOf(inputs, 'name');
  if (typeof name !== 'string' || name.trim() === '') throw badInput({ action: action.name, input: 'name' }, 'is required — the name of an initialized variable');
  const value = memberOf(inputs, 'value');
  if (valueRequired && value === undefined) throw badInput({ action: action.name, input: 'value' }, 'is required — this action has no default value');
  return { name, value };
}
