/** AppendToArrayVariable: adds one item at the end of an Array variable. */
import type { ActionExecutor } from '../contract.ts';
import { badInput } from '../errors.ts';
import { variableChange } from '../variable-inputs.ts';

/**
 * `AppendToArrayVariable` — `{ name, value }`. Logic Apps refuses null and arrays ("The value
 * cannot be null. The action type 'AppendToArrayVariable' only supports values of types 'Float,
 * Integer, String, Boolean, Object'."); so do we.
 */
export const appendToArrayVariableExecutor: ActionExecutor = {
  type: 'appendtoarrayvariable',
  async execute(action, context) {
    const { name, value } = variableChange(action, { context, valueRequired: true });
    if (value === null) throw badInput({ action: action.name, input: 'value' }, "cannot be null — AppendToArrayVariable only supports values of types 'Float, Integer, String, Boolean, Object' (guard with coalesce() or a condition)");
    if (Array.isArray(value)) throw badInput({ action: action.name, input: 'value' }, "is an array — AppendToArrayVariable appends one item of type 'Float, Integer, String, Boolean, Object'; to add several, loop over them or use union()/concat() with SetVariable");
    context.variables.append(name, value);
    return { status: 'Succeeded', inputs: { name: context.variables.declared(name)?.name ?? name, value } };
  },
};
