/**
 * Splits a source object into the keys a normalizer consumed and the rest, so nothing is dropped
 * silently: unconsumed `x-*` keys become `extensions`, other unconsumed keys `unmodelled`.
 */
import { nonEmpty } from '../model/json.ts';

/** A source object and the keys consumed from it so far. */
export interface KeyReader {
  readonly raw: Readonly<Record<string, unknown>>;
  readonly taken: Set<string>;
}

/** Starts reading an object. */
export function keyReader(raw: Readonly<Record<string, unknown>>): KeyReader {
  return { raw, taken: new Set() };
}

/**
 * Reads one key through `read`. The key counts as consumed only when `read` accepts the value
 * (returns something other than undefined); a value that does not fit the model stays raw.
 */
export function take<T>(reader: KeyReader, key: string, read: (value: unknown) => T | undefined): T | undefined {
  const value = reader.raw[key];
  if (value === undefined) return undefined;
  const result = read(value);
  if (result !== undefined) reader.taken.add(key);
  return result;
}

/** Marks keys as consumed without reading them (e.g. keys handled elsewhere). */
export function skip(reader: KeyReader, ...keys: string[]): void {
  for (const key of keys) reader.taken.add(key);
}

/** Consumes the listed keys that are present and returns them verbatim (undefined when none are). */
export function takeVerbatim(reader: KeyReader, keys: readonly string[]): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    const value = reader.raw[key];
    if (value === undefined) continue;
    out[key] = value;
    reader.taken.add(key);
  }
  return nonEmpty(out);
}

/** The keys not consumed: `x-*` keys as `extensions`, others as `unmodelled` (each undefined when empty). */
export function leftovers(reader: KeyReader): { extensions?: Record<string, unknown>; unmodelled?: Record<string, unknown> } {
  let extensions: Record<string, unknown> | undefined;
  let unmodelled: Record<string, unknown> | undefined;
  for (const [key, value] of Object.entries(reader.raw)) {
    if (reader.taken.has(key) || value === undefined) continue;
    if (key.startsWith('x-') || key.startsWith('X-')) (extensions ??= {})[key] = value;
    else (unmodelled ??= {})[key] = value;
  }
  return { extensions, unmodelled };
}

/** Identity reader for `take` when any value is accepted verbatim. */
export function anyValue(value: unknown): unknown {
  return value;
}
