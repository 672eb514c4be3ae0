/**
 * Logical comparison functions: and, equals, greater, greaterOrEquals, if, less, lessOrEquals,
 * not, or. `and`, `or` and `if` short-circuit: an argument not needed is never evaluated.
 */
import type { CallContext } from '../evaluate.ts';
import { kindName, wdlCompare, wdlEquals } from '../values.ts';
import { definer, functionError } from './arguments.ts';
import type { Arguments } from './arguments.ts';
import type { FunctionFamily, FunctionRuntime } from './runtime.ts';

function condition(value: unknown, where: { readonly call: CallContext; readonly position: number }): boolean {
  if (typeof value === 'boolean') return value;
  throw functionError(where.call, { message: `argument ${where.position} must be a boolean (an expression such as equals(…)), not ${kindName(value)}` });
}

function compare(args: Arguments): number {
  return args.guard(() => wdlCompare(args.raw(0), args.raw(1)));
}

/** The functions of this family. */
export function logicalFunctions(runtime: FunctionRuntime): FunctionFamily {
  const { fn, lazy } = definer(runtime);
  return {
    and: lazy([1, Infinity], (args, call) => {
      for (const [i, arg] of args.entries()) if (!condition(arg(), { call, position: i + 1 })) return false;
      return true;
    }),
    or: lazy([1, Infinity], (args, call) => {
      for (const [i, arg] of args.entries()) if (condition(arg(), { call, position: i + 1 })) return true;
      return false;
    }),
    if: lazy([3, 3], (args, call) => {
      const [test, whenTrue, whenFalse] = args;
      if (test === undefined || whenTrue === undefined || whenFalse === undefined) return null;
      return condition(test(), { call, position: 1 }) ? whenTrue() : whenFalse();
    }),
    not: fn([1, 1], (args) => !args.boolean(0, 'expression')),
    equals: fn([2, 2], (args) => {
      return args.guard(() => wdlEquals(args.raw(0), args.raw(1)));
    }),
    greater: fn([2, 2], (args) => compare(args) > 0),
    greaterOrEquals: fn([2, 2], (args) => compare(args) >= 0),
    less: fn([2, 2], (args) => compare(args) < 0),
    lessOrEquals: fn([2, 2], (args) => compare(args) <= 0),
  };
}
