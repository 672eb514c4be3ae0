/** DecrementVariable: subtracts `value` (default 1) from an Integer or Float variable. */
import type { ActionExecutor } from '../contract.ts';
import { numericVariableExecutor } from '../numeric-variable.ts';

/** `DecrementVariable` — `{ name, value? }`. */
export const decrementVariableExecutor: ActionExecutor = numericVariableExecutor({ type: 'decrementvariable', sign: -1 });
