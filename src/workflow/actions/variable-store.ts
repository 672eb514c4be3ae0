/**
 * The variables of one run: declared once by InitializeVariable with a type, then read and changed
 * by the variable actions. Names are compared ignoring case (as `variables('name')` looks them
 * up). Values are type-checked on every write and bounded by the documented limits.
 */
import { isRecord } from '../../expressions/index.ts';
import { ActionError, ActionErrorCode } from './errors.ts';
import type { ActionLimits } from './limits.ts';
import { DEFAULT_ACTION_LIMITS } from './limits.ts';

/** The documented variable types. */
export type VariableType = 'Boolean' | 'Integer' | 'Float' | 'String' | 'Array' | 'Object';

/** Every variable type, in documentation order. */
export const VARIABLE_TYPES: readonly VariableType[] = Object.freeze(['Boolean', 'Integer', 'Float', 'String', 'Array', 'Object']);

/** A variable as the store keeps it (and as the engine persists it). */
export interface DeclaredVariable {
  /** The name as first declared. */
  readonly name: string;
  readonly type: VariableType;
  readonly value: unknown;
}

/** The typed variables of one run. */
export interface VariableStore {
  /** The variable named `name` (ignoring case), or undefined. */
  declared(name: string): DeclaredVariable | undefined;
  /** The value of `name`; throws `VariableNotFound` when it was never initialized. */
  get(name: string): unknown;
  /** Declares a variable; throws `VariableAlreadyExists`, `InvalidVariableType` or `VariableLimitExceeded`. */
  declare(variable: DeclaredVariable): void;
  /** Replaces the value; throws `VariableNotFound`, `InvalidVariableType` or `VariableLimitExceeded`. */
  set(name: string, value: unknown): void;
  /** Appends one item to an Array variable without copying it (AppendToArrayVariable in a 100,000-item loop). */
  append(name: string, item: unknown): void;
  /** name → value, live, for `ExpressionContext.variables` (expression results are copies). */
  values(): Readonly<Record<string, unknown>>;
  /** Every variable, for persisting the run. */
  toJSON(): DeclaredVariable[];
}

/** Options of {@link createVariableStore}. */
export interface VariableStoreOptions {
  /** Variables restored from a persisted run. */
  readonly variables?: readonly DeclaredVariable[];
  readonly limits?: ActionLimits;
}

interface Slot {
  readonly name: string;
  readonly type: VariableType;
  value: unknown;
  /** Size of the value in characters (string length, else JSON text length), kept up to date by append. */
  chars: number;
}

/** Creates an in-memory {@link VariableStore}. */
export function createVariableStore(options: VariableStoreOptions = {}): VariableStore {
  const limits = options.limits ?? DEFAULT_ACTION_LIMITS;
  const slots = new Map<string, Slot>();
  const record: Record<string, unknown> = {};

  const slotOf = (name: string): Slot => {
    const slot = slots.get(name.toLowerCase());
    if (slot === undefined) {
      throw new ActionError(`the variable '${name}' is not initialized — add an InitializeVariable action for it at the top level of the workflow, before this action runs`, {
        code: ActionErrorCode.VariableNotFound,
        details: { variable: name },
      });
    }
    return slot;
  };

  const write = (slot: Slot, value: unknown): void => {
    slot.value = value;
    Object.defineProperty(record, slot.name, { value, enumerable: true, writable: true, configurable: true });
  };

  const store: VariableStore = {
    declared(name) {
      const slot = slots.get(name.toLowerCase());
      return slot === undefined ? undefined : { name: slot.name, type: slot.type, value: slot.value };
    },
    get(name) {
      return slotOf(name).value;
    },
    declare({ name, type, value }) {
      if (typeof name !== 'string' || name.trim() === '') {
        throw new ActionError('a variable needs a non-empty `name`', { code: ActionErrorCode.BadRequest });
      }
      const existing = slots.get(name.toLowerCase());
      if (existing !== undefined) {
        throw new ActionError(`the variable '${name}' is already initialized${existing.name === name ? '' : ` (as '${existing.name}'; names ignore case)`} — initialize each variable once and change it with SetVariable`, {
          code: ActionErrorCode.VariableAlreadyExists,
          details: { variable: name },
        });
      }
      if (slots.size >= limits.maxVariables) {
        throw new ActionError(`cannot initialize the variable '${name}': a workflow run has at most ${limits.maxVariables} variables`, { code: ActionErrorCode.VariableLimitExceeded, details: { variable: name } });
      }
      checkType({ name, type, value });
      const chars = checkSize({ name, type, value }, limits);
      const slot: Slot = { name, type, value: undefined, chars };
      slots.set(name.toLowerCase(), slot);
      write(slot, copyOf(value));
    },
    set(name, value) {
      const slot = slotOf(name);
      checkType({ name: slot.name, type: slot.type, value });
      slot.chars = checkSize({ name: slot.name, type: slot.type, value }, limits);
      write(slot, copyOf(value));
    },
    append(name, item) {
      const slot = slotOf(name);
      if (slot.type !== 'Array') {
        throw new ActionError(`the variable '${slot.name}' is of type '${slot.type}'; AppendToArrayVariable only works on variables of type 'Array' — use AppendToStringVariable for a String`, {
          code: ActionErrorCode.InvalidVariableType,
          details: { variable: slot.name, type: slot.type },
        });
      }
      const current = Array.isArray(slot.value) ? slot.value : [];
      if (current.length + 1 > limits.maxArrayVariableItems) {
        throw new ActionError(`cannot append to the variable '${slot.name}': an array variable holds at most ${limits.maxArrayVariableItems} items`, { code: ActionErrorCode.VariableLimitExceeded, details: { variable: slot.name } });
      }
      const added = measure(item, limits.maxVariableChars) + 1;
      if (slot.chars + added > limits.maxVariableChars) throw tooLarge(slot.name, limits);
      current.push(copyOf(item));
      slot.chars += added;
      if (current !== slot.value) write(slot, current);
    },
    values() {
      return record;
    },
    toJSON() {
      return [...slots.values()].map((slot) => ({ name: slot.name, type: slot.type, value: copyOf(slot.value) }));
    },
  };

  for (const variable of options.variables ?? []) store.declare(variable);
  return store;
}

/** The documented type named by `text` (`Integer`, `integer`, `INTEGER`, …), or undefined. */
export function parseVariableType(text: unknown): VariableType | undefined {
  if (typeof text !== 'string') return undefined;
  const lower = text.trim().toLowerCase();
  return VARIABLE_TYPES.find((type) => type.toLowerCase() === lower);
}

/** The variable type a value has (`Integer` for whole numbers), or `Null`. */
export function typeOfValue(value: unknown): VariableType | 'Null' {
  if (value === null || value === undefined) return 'Null';
  if (typeof value === 'boolean') return 'Boolean';
  if (typeof value === 'bigint') return 'Integer';
  if (typeof value === 'number') return Number.isInteger(value) ? 'Integer' : 'Float';
  if (typeof value === 'string') return 'String';
  if (Array.isArray(value)) return 'Array';
  return 'Object';
}

/** True when `value` may be stored in a variable of `type` (null fits every type: "no value yet"). */
export function fitsVariableType(type: VariableType, value: unknown): boolean {
  const actual = typeOfValue(value);
  if (actual === 'Null') return true;
  if (type === 'Float') return actual === 'Float' || actual === 'Integer';
  return actual === type;
}

function checkType({ name, type, value }: DeclaredVariable): void {
  if (fitsVariableType(type, value)) return;
  throw new ActionError(`the variable '${name}' of type '${type}' cannot be initialized or updated with a value of type '${typeOfValue(value)}' — give it a ${type} value (convert with ${conversionHint(type)})`, {
    code: ActionErrorCode.InvalidVariableType,
    details: { variable: name, type, valueType: typeOfValue(value) },
  });
}

function conversionHint(type: VariableType): string {
  switch (type) {
    case 'Boolean':
      return 'bool()';
    case 'Integer':
      return 'int()';
    case 'Float':
      return 'float()';
    case 'String':
      return 'string()';
    case 'Array':
      return 'createArray() or array()';
    case 'Object':
      return 'json()';
  }
}

function checkSize({ name, type, value }: DeclaredVariable, limits: ActionLimits): number {
  if (type === 'Array' && Array.isArray(value) && value.length > limits.maxArrayVariableItems) {
    throw new ActionError(`the variable '${name}' would hold ${value.length} items; an array variable holds at most ${limits.maxArrayVariableItems}`, { code: ActionErrorCode.VariableLimitExceeded, details: { variable: name } });
  }
  const chars = typeof value === 'string' ? value.length : measure(value, limits.maxVariableChars);
  if (chars > limits.maxVariableChars) throw tooLarge(name, limits);
  return chars;
}

function tooLarge(name: string, limits: ActionLimits): ActionError {
  return new ActionError(`the variable '${name}' would exceed ${limits.maxVariableChars} characters, the largest content a variable holds`, { code: ActionErrorCode.VariableLimitExceeded, details: { variable: name } });
}

/** Length of the value's JSON text (strings: their length), counting stops once above `cap`. */
export function measure(value: unknown, cap: number): number {
  let total = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0 && total <= cap) {
    const item = stack.pop();
    if (typeof item === 'string') total += item.length + 2;
    else if (typeof item === 'number' || typeof item === 'bigint' || typeof item === 'boolean') total += String(item).length;
    else if (item === null || item === undefined) total += 4;
    else if (Array.isArray(item)) {
      total += 1 + item.length;
      for (const element of item) stack.push(element);
    } else if (isRecord(item)) {
      const keys = Object.keys(item);
      total += 1 + keys.length;
      for (const key of keys) {
        total += key.length + 3;
        stack.push(item[key]);
      }
    }
  }
  return total;
}

function copyOf(value: unknown): unknown {
  return value === null || typeof value !== 'object' ? value : structuredClone(value);
}
