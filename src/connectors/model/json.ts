/**
 * Type guards and readers for untyped JSON read from connector files. The loader never trusts the
 * shape of a document: every access goes through one of these instead of a cast.
 */

/** A JSON object as parsed from a document (keys to arbitrary JSON values). */
export type JsonRecord = Readonly<Record<string, unknown>>;

/** True for a plain JSON object (not an array, not null). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The value when it is a JSON object, else undefined. */
export function asRecord(value: unknown): Record<string, unknown> | undefined {
  return isRecord(value) ? value : undefined;
}

/** The value when it is an array, else undefined. */
export function asArray(value: unknown): readonly unknown[] | undefined {
  return Array.isArray(value) ? value : undefined;
}

/** The value when it is a string, else undefined. */
export function asString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** The value when it is a finite number, else undefined. */
export function asNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** The strings of an array (non-strings skipped); undefined when the value is not an array. */
export function asStringArray(value: unknown): string[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const out: string[] = [];
  for (const item of value) if (typeof item === 'string') out.push(item);
  return out;
}

/**
 * Reads a boolean flag the way the platform does: `true`/`false` and the strings `"true"`/`"false"`
 * (any case) are accepted, because published connectors write `"required": "true"`.
 */
export function asFlag(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    const lower = value.trim().toLowerCase();
    if (lower === 'true') return true;
    if (lower === 'false') return false;
  }
  return undefined;
}

/**
 * The object, or undefined when it has no defined values (keeps optional bags out of the model
 * when empty). Model objects may carry keys whose value is `undefined`: JSON serialisation omits
 * them, and building objects without deleting keys keeps loading fast.
 */
export function nonEmpty<T extends object>(value: T): T | undefined {
  for (const key in value) if (Object.hasOwn(value, key) && value[key] !== undefined) return value;
  return undefined;
}
