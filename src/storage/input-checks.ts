/** Checks on values passed to store methods, so bad input fails with a message instead of a SQL error. */
import { PlugboardError, UserInputError } from '../core/index.ts';
import { StorageErrorCode } from './errors.ts';

/** Throws unless `value` is a non-empty string without leading or trailing whitespace. */
export function requireName(value: string, field: string): void {
  if (typeof value !== 'string' || value.length === 0 || value.trim() !== value) {
    throw new UserInputError(`${field} ${JSON.stringify(value)} is invalid — use a non-empty string without leading or trailing spaces`, {
      code: StorageErrorCode.InvalidStoreInput,
    });
  }
}

/** Throws unless `value` is one of `allowed`. */
export function requireOneOf<T extends string>(value: string, allowed: readonly T[], field: string): asserts value is T {
  if (!allowed.some((a) => a === value)) {
    throw new UserInputError(`${field} ${JSON.stringify(value)} is invalid — use one of ${allowed.map((a) => `"${a}"`).join(', ')}`, {
      code: StorageErrorCode.InvalidStoreInput,
    });
  }
}

/** Throws unless `value` is an epoch-milliseconds integer. */
export function requireEpochMs(value: number, field: string): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new UserInputError(`${field} ${String(value)} is invalid — use epoch milliseconds (a non-negative integer, e.g. Date.now())`, {
      code: StorageErrorCode.InvalidStoreInput,
    });
  }
}

/** Returns a value read from the database if it is one of `allowed`; CorruptRow otherwise (the row was written outside Plugboard). */
export function storedOneOf<T extends string>(value: string, allowed: readonly T[], what: string): T {
  const found = allowed.find((a) => a === value);
  if (found === undefined) {
    throw new PlugboardError(`${what} is "${value}", which the schema does not allow — the row was written outside Plugboard or is corrupt`, {
      code: StorageErrorCode.CorruptRow,
    });
  }
  return found;
}
