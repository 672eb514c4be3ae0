import { UserInputError } from '../../core/index.ts';

/** Bounds that keep parsing of untrusted documents within predictable time and memory. */
export interface ParseLimits {
  /** Largest accepted input, in bytes, checked before decoding. */
  maxBytes: number;
  /** Deepest accepted nesting of objects/arrays (the root container is level 1). */
  maxDepth: number;
  /** Most alias expansions a YAML document may cause, counting nested ones (billion-laughs guard). */
  maxYamlAliases: number;
  /** Longest accepted string (keys and values), in UTF-16 code units. */
  maxStringLength: number;
}

/**
 * Defaults sized from the corpus (largest definition 1.1 MB, deepest nesting 27 levels, longest
 * string 14 KB): ample room for real connectors, while resource-exhaustion inputs are refused.
 */
export const defaultParseLimits: ParseLimits = Object.freeze({
  maxBytes: 16 * 1024 * 1024,
  maxDepth: 256,
  maxYamlAliases: 100,
  maxStringLength: 4 * 1024 * 1024,
});

/** Merges caller overrides over {@link defaultParseLimits}, validates them and freezes the result. */
export function resolveParseLimits(overrides: Partial<ParseLimits> | undefined): Readonly<ParseLimits> {
  const resolved: ParseLimits = { ...defaultParseLimits };
  for (const name of Object.keys(defaultParseLimits) as Array<keyof ParseLimits>) {
    const value = overrides?.[name];
    if (value === undefined) continue;
    if (!Number.isSafeInteger(value) || value < 1) {
      throw new UserInputError(`parse limit \`${name}\` must be a positive integer, got ${String(value)} — omit it to use the default ${defaultParseLimits[name]}`, {
        code: 'parse-limits-invalid',
      });
    }
    resolved[name] = value;
  }
  return Object.freeze(resolved);
}
