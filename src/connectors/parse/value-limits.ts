import type { ParseLimits } from './limits.ts';

/** What an iterative walk over a parsed JSON value found. */
export interface ValueReport {
  /** The first limit the value breaks, if any. */
  readonly exceeded: 'too-deep' | 'string-too-long' | undefined;
  /** Number of object members in the value (stops counting once a limit is exceeded). */
  readonly members: number;
}

/**
 * Checks a value produced by `JSON.parse` against the depth and string limits without recursion
 * (V8's JSON.parse accepts 100,000-deep nesting, and recursive consumers downstream would not),
 * and counts object members so the caller can tell whether duplicate keys were collapsed.
 */
export function inspectValue(value: unknown, limits: Pick<ParseLimits, 'maxDepth' | 'maxStringLength'>): ValueReport {
  const values: unknown[] = [value];
  const depths: number[] = [0];
  let members = 0;
  while (values.length > 0) {
    const current = values.pop();
    const depth = depths.pop() ?? 0;
    if (typeof current === 'string') {
      if (current.length > limits.maxStringLength) return { exceeded: 'string-too-long', members };
      continue;
    }
    if (current === null || typeof current !== 'object') continue;
    const childDepth = depth + 1;
    if (childDepth > limits.maxDepth) return { exceeded: 'too-deep', members };
    if (Array.isArray(current)) {
      for (const item of current) {
        if (item !== null && typeof item === 'object') {
          values.push(item);
          depths.push(childDepth);
        } else if (typeof item === 'string' && item.length > limits.maxStringLength) return { exceeded: 'string-too-long', members };
      }
      continue;
    }
    const record = current as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      members++;
      if (key.length > limits.maxStringLength) return { exceeded: 'string-too-long', members };
      const item = record[key];
      if (item !== null && typeof item === 'object') {
        values.push(item);
        depths.push(childDepth);
      } else if (typeof item === 'string' && item.length > limits.maxStringLength) return { exceeded: 'string-too-long', members };
    }
  }
  return { exceeded: undefined, members };
}
