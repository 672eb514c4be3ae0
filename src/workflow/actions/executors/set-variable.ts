/** SetVariable: replaces a variable's value with one of the same type. */
import type { ActionExecutor } from '../contract.ts';
import { variableChange } from '../variable-inputs.ts';

/** `SetVariable` — `{ name, value }` (value required) → `outputs.body = { name, value }`. */
export const setVariableExecutor: ActionExecutor = {
  type: 'setvariable',
  async execute(action, context) {
    const { name, value } = variableChange(action, { context, valueRequired: true });
    context.variables.set(name, value);
    const declared = context.variables.declared(name);
    const change = { name: declared?.name ?? name, value };
    return { status: 'Succeeded', inputs: change, outputs: { body: change } };
  },
};
