/**
 * Math functions: add, div, max, min, mod, mul, rand, range, sub. Two integers give an integer
 * (64-bit, exact beyond 2^53; `div` truncates, `mod` takes the dividend's sign); a float makes
 * the result a float; decimals stay exact.
 */
import type { Numeric } from '../values.ts';
import { ValueError, compareNumeric, floatValue, fromNumeric, intValue, kindName, numericOf, toDecimal, toDouble } from '../values.ts';
import { definer } from './arguments.ts';
import type { Arguments } from './arguments.ts';
import type { FunctionFamily, FunctionRuntime } from './runtime.ts';

type Operation = 'add' | 'sub' | 'mul' | 'div' | 'mod';

function arithmetic(args: Arguments, operation: Operation): unknown {
  const a = args.number(0, operation === 'div' || operation === 'mod' ? 'dividend' : 'first number');
  const b = args.number(1, operation === 'div' || operation === 'mod' ? 'divisor' : 'second number');
  return args.guard(() => compute(operation, [a, b]));
}

function compute(operation: Operation, [a, b]: readonly [Numeric, Numeric]): unknown {
  if (a.kind === 'int' && b.kind === 'int') {
    const x = a.value;
    const y = b.value;
    if ((operation === 'div' || operation === 'mod') && y === 0n) throw new ValueError('division by zero');
    switch (operation) {
      case 'add':
        return intValue(x + y);
      case 'sub':
        return intValue(x - y);
      case 'mul':
        return intValue(x * y);
      case 'div':
        return intValue(x / y);
      case 'mod':
        return intValue(x % y);
    }
  }
  if (a.kind !== 'float' && b.kind !== 'float') {
    const x = toDecimal(a);
    const y = toDecimal(b);
    switch (operation) {
      case 'add':
        return x.add(y);
      case 'sub':
        return x.subtract(y);
      case 'mul':
        return x.multiply(y);
      case 'div':
        return x.divide(y);
      case 'mod':
        return x.remainder(y);
    }
  }
  const x = toDouble(a);
  const y = toDouble(b);
  if ((operation === 'div' || operation === 'mod') && y === 0) throw new ValueError('division by zero');
  switch (operation) {
    case 'add':
      return floatValue(x + y);
    case 'sub':
      return floatValue(x - y);
    case 'mul':
      return floatValue(x * y);
    case 'div':
      return floatValue(x / y);
    case 'mod':
      return floatValue(x % y);
  }
}

/** The numbers of max/min: several arguments, or one array. */
function numbersOf(args: Arguments): { readonly value: unknown; readonly numeric: Numeric }[] {
  const first = args.raw(0);
  const values = args.length === 1 && Array.isArray(first) ? first : args.values;
  if (values.length === 0) return args.fail('needs at least one number (the array is empty)');
  return values.map((value, i) => {
    const numeric = numericOf(value);
    if (numeric === undefined) return args.fail(`item ${i + 1} must be a number, not ${kindName(value)}`);
    return { value, numeric };
  });
}

/** The functions of this family. */
export function mathFunctions(runtime: FunctionRuntime): FunctionFamily {
  const { fn } = definer(runtime);
  return {
    add: fn([2, 2], (args) => arithmetic(args, 'add')),
    sub: fn([2, 2], (args) => arithmetic(args, 'sub')),
    mul: fn([2, 2], (args) => arithmetic(args, 'mul')),
    div: fn([2, 2], (args) => arithmetic(args, 'div')),
    mod: fn([2, 2], (args) => arithmetic(args, 'mod')),
    max: fn([1, Infinity], (args) => numbersOf(args).reduce((best, next) => (compareNumeric(next.numeric, best.numeric) > 0 ? next : best)).value),
    min: fn([1, Infinity], (args) => numbersOf(args).reduce((best, next) => (compareNumeric(next.numeric, best.numeric) < 0 ? next : best)).value),
    rand: fn([2, 2], (args) => {
      const min = args.integer(0, 'minValue');
      const max = args.integer(1, 'maxValue');
      if (min > max) args.fail('argument 1 (minValue) must not be greater than argument 2 (maxValue)');
      return min + Math.floor(runtime.random() * (max - min));
    }),
    range: fn([2, 2], (args) => {
      const start = args.integer(0, 'startIndex');
      const count = args.integer(1, 'count');
      if (count < 0 || count > 100_000) args.fail('argument 2 (count) must be between 0 and 100,000');
      if (start < -2_147_483_648 || start + count > 2_147_483_647) args.fail('startIndex + count must not exceed 2,147,483,647 (and startIndex must be a 32-bit integer)');
      args.producedArray(count);
      return Array.from({ length: count }, (_, i) => fromNumeric({ kind: 'int', value: BigInt(start + i) }));
    }),
  };
}
