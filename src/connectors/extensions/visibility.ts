/** `x-ms-visibility` values. */
import type { Visibility } from '../model/operation.ts';

const VISIBILITIES: ReadonlySet<string> = new Set(['important', 'advanced', 'internal', 'none']);

/**
 * Normalizes an `x-ms-visibility` value: case-insensitive, and the empty string (1,152 uses in
 * published connectors) means `none`. Anything else is undefined (kept raw; validation warns).
 */
export function readVisibility(value: unknown): Visibility | undefined {
  if (typeof value !== 'string') return undefined;
  const lower = value.trim().toLowerCase();
  if (lower === '') return 'none';
  return isVisibility(lower) ? lower : undefined;
}

function isVisibility(value: string): value is Visibility {
  return VISIBILITIES.has(value);
}

/** The accepted values, for messages. */
export const VISIBILITY_VALUES: readonly Visibility[] = ['important', 'advanced', 'internal', 'none'];
