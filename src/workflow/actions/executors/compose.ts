/** Compose: the output is the evaluated inputs, of any type. */
import type { ActionExecutor } from '../contract.ts';

/** `Compose` — `outputs('X')` is the evaluated `inputs` (wdl.md §4). */
export const composeExecutor: ActionExecutor = {
  type: 'compose',
  async execute(action, context) {
    const value = context.evaluate(action.inputs);
    return { status: 'Succeeded', inputs: value, outputs: value };
  },
};
