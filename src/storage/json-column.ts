/** JSON values in text columns: serialised on write, parsed on read, identical on both drivers. */
import { PlugboardError, UserInputError } from '../core/index.ts';
import { StorageErrorCode } from './errors.ts';

/** Serialises `value` for a JSON column; UserInputError if it is not representable as JSON. */
export function toJsonText(value: unknown, field: string): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (cause) {
    throw new UserInputError(`${field} is not serialisable as JSON (${String(cause)}) — pass plain objects, arrays and primitives without cycles or BigInt`, {
      code: StorageErrorCode.InvalidStoreInput,
      cause,
    });
  }
  if (text === undefined) {
    throw new UserInputError(`${field} is ${typeof value}, which has no JSON form — pass an object, array, string, number, boolean or null`, {
      code: StorageErrorCode.InvalidStoreInput,
    });
  }
  return text;
}

/** Parses a JSON column written by {@link toJsonText}. */
export function fromJsonText(text: string, field: string): unknown {
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new PlugboardError(`stored ${field} is not valid JSON — the row was written outside Plugboard or is corrupt`, {
      code: StorageErrorCode.CorruptRow,
      kind: 'unexpected',
      cause,
    });
  }
}

/** Parses a JSON column that must hold an array. */
export function fromJsonArrayText(text: string, field: string): readonly unknown[] {
  const value = fromJsonText(text, field);
  if (!Array.isArray(value)) {
    throw new PlugboardError(`stored ${field} is not a JSON array — the row was written outside Plugboard or is corrupt`, {
      code: StorageErrorCode.CorruptRow,
      kind: 'unexpected',
    });
  }
  return value;
}

/** Serialises a plain JSON object (not an array or primitive) for a JSON column. */
export function toJsonObjectText(value: unknown, field: string): string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new UserInputError(`${field} must be a JSON object — pass {} when there is nothing to store`, { code: StorageErrorCode.InvalidStoreInput });
  }
  return toJsonText(value, field);
}

/** Parses a JSON column that must hold an object. */
export function fromJsonObjectText(text: string, field: string): Readonly<Record<string, unknown>> {
  const value = fromJsonText(text, field);
  if (!isJsonObject(value)) {
    throw new PlugboardError(`stored ${field} is not a JSON object — the row was written outside Plugboard or is corrupt`, {
      code: StorageErrorCode.CorruptRow,
      kind: 'unexpected',
    });
  }
  return value;
}

function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
