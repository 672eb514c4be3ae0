/** IncrementVariable: adds `value` (default 1) to an Integer or Float variable. */
import type { ActionExecutor } from '../contract.ts';
import { numericVariableExecutor } from '../numeric-variable.ts';

/** `IncrementVariable` — `{ name, value? }`. */
export const incrementVariableExecutor: ActionExecutor = numericVariableExecutor({ type: 'incrementvariable', sign: 1 });
