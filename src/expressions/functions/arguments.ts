/** Reading function arguments: type checks with errors that name the function, the argument and the types (never values). */
import type { CallContext, ExpressionFunction, LazyExpressionFunction } from '../evaluate.ts';
import { isRecord } from '../evaluate.ts';
import { CultureError, cultureOf } from '../dotnet/cultures.ts';
import type { Culture } from '../dotnet/cultures.ts';
import { DecimalError } from '../dotnet/decimal.ts';
import { ExpressionEvaluationError } from '../errors.ts';
import type { EvaluationFailure } from '../errors.ts';
import type { Numeric } from '../values.ts';
import { ValueError, contentBytes, isContent, kindName, numericOf, utf8, wdlText } from '../values.ts';
import type { FunctionRuntime } from './runtime.ts';

/** An evaluation error raised by a function, prefixed with the function's name and offset. */
export function functionError(call: CallContext, failure: { readonly message: string; readonly reason?: EvaluationFailure }): ExpressionEvaluationError {
  return new ExpressionEvaluationError(`function \`${call.name}\` (offset ${call.offset}): ${failure.message}`, { reason: failure.reason ?? 'invalid-argument', offset: call.offset });
}

/** How many arguments a function takes: `[min, max]`, `max` may be `Infinity`. */
export type Arity = readonly [number, number];

/** The arguments of one call, with the evaluation's runtime. */
export class Arguments {
  readonly values: readonly unknown[];
  readonly call: CallContext;
  readonly runtime: FunctionRuntime;

  constructor(values: readonly unknown[], where: { readonly call: CallContext; readonly runtime: FunctionRuntime }) {
    this.values = values;
    this.call = where.call;
    this.runtime = where.runtime;
  }

  get length(): number {
    return this.values.length;
  }

  /** True when argument `index` was given (and is not null). */
  has(index: number): boolean {
    return index < this.values.length && this.values[index] !== null;
  }

  raw(index: number): unknown {
    return this.values[index];
  }

  fail(message: string, reason: EvaluationFailure = 'invalid-argument'): never {
    throw functionError(this.call, { message, reason });
  }

  /** Runs `work`, turning the value helpers' errors into an argument error of this function. */
  guard<T>(work: () => T): T {
    try {
      return work();
    } catch (error) {
      if (error instanceof ValueError || error instanceof DecimalError) return this.fail(error.message);
      throw error;
    }
  }

  private wrongType(index: number, expected: { readonly label: string; readonly type: string }): never {
    return this.fail(`argument ${index + 1} (${expected.label}) must be ${expected.type}, not ${kindName(this.values[index])}`);
  }

  /** A string argument. */
  string(index: number, label: string): string {
    const value = this.values[index];
    if (typeof value === 'string') return value;
    return this.wrongType(index, { label, type: 'a string' });
  }

  /** A string, or the text of binary content (as .NET reads a stream as UTF-8). */
  text(index: number, label: string): string {
    const value = this.values[index];
    if (typeof value === 'string') return value;
    if (isContent(value) && typeof value.$content === 'string') return this.guard(() => utf8(contentBytes(value)));
    return this.wrongType(index, { label, type: 'a string' });
  }

  /** Any value as .NET writes it (`concat`, `join`), within the string limit. */
  written(value: unknown): string {
    try {
      return wdlText(value, this.runtime.limits.maxStringLength);
    } catch (error) {
      if (error instanceof ValueError) return this.fail(error.message, 'limit');
      throw error;
    }
  }

  /** An optional string argument; undefined when absent or null. */
  optionalString(index: number, label: string): string | undefined {
    return this.has(index) ? this.string(index, label) : undefined;
  }

  /** Any number. */
  number(index: number, label: string): Numeric {
    const numeric = numericOf(this.values[index]);
    if (numeric === undefined) return this.wrongType(index, { label, type: 'a number' });
    return numeric;
  }

  /** A whole number within JavaScript's safe range (a whole float such as `2.0` is accepted). */
  integer(index: number, label: string): number {
    const numeric = numericOf(this.values[index]);
    if (numeric === undefined) return this.wrongType(index, { label, type: 'an integer' });
    if (numeric.kind === 'int') {
      if (numeric.value > BigInt(Number.MAX_SAFE_INTEGER) || numeric.value < BigInt(Number.MIN_SAFE_INTEGER)) this.fail(`argument ${index + 1} (${label}) is too large`);
      return Number(numeric.value);
    }
    const value = numeric.kind === 'float' ? numeric.value : numeric.value.toNumber();
    if (!Number.isSafeInteger(value)) return this.wrongType(index, { label, type: 'an integer' });
    return value;
  }

  boolean(index: number, label: string): boolean {
    const value = this.values[index];
    if (typeof value === 'boolean') return value;
    return this.wrongType(index, { label, type: 'a boolean' });
  }

  array(index: number, label: string): readonly unknown[] {
    const value = this.values[index];
    if (Array.isArray(value)) return value;
    return this.wrongType(index, { label, type: 'an array' });
  }

  object(index: number, label: string): Readonly<Record<string, unknown>> {
    const value = this.values[index];
    if (isRecord(value)) return value;
    return this.wrongType(index, { label, type: 'an object' });
  }

  /** The culture of an optional locale argument (default en-US); an invalid locale is an argument error. */
  culture(index: number, label: string): Culture {
    const name = this.optionalString(index, label);
    try {
      return cultureOf(name);
    } catch (error) {
      if (error instanceof CultureError) return this.fail(`argument ${index + 1} (${label}): ${error.message}`);
      throw error;
    }
  }

  /** Checks a string result against the limits and charges it to the work budget. */
  producedString(length: number): void {
    if (length > this.runtime.limits.maxStringLength) this.fail(`the result would be ${length} characters long; at most ${this.runtime.limits.maxStringLength} are allowed`, 'limit');
    this.runtime.charge(length, this.call);
  }

  /** Checks an array result against the limits and charges it to the work budget. */
  producedArray(length: number): void {
    if (length > this.runtime.limits.maxArrayLength) this.fail(`the result would have ${length} items; at most ${this.runtime.limits.maxArrayLength} are allowed`, 'limit');
    this.runtime.charge(length, this.call);
  }
}

/** Makes the functions of a family: `fn` over evaluated arguments, `lazy` over argument thunks (short-circuiting). */
export function definer(runtime: FunctionRuntime): {
  fn(arity: Arity, body: (args: Arguments) => unknown): ExpressionFunction;
  lazy(arity: Arity, body: (args: readonly (() => unknown)[], call: CallContext) => unknown): LazyExpressionFunction;
} {
  return {
    fn: ([minArgs, maxArgs], body) => ({ minArgs, maxArgs, call: (values, call) => body(new Arguments(values, { call, runtime })) }),
    lazy: ([minArgs, maxArgs], body) => ({ minArgs, maxArgs, lazy: true, call: body }),
  };
}
