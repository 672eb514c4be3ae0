import type { ParseLimits } from './limits.ts';
import { parsedValue } from './parsed-document.ts';
import type { ParsedDocument } from './parsed-document.ts';
import type { SourceText } from './source-text.ts';
import { parseTolerantJson } from './tolerant-json.ts';
import { inspectValue } from './value-limits.ts';

/**
 * Parses JSON text. Strict documents take the fast path (`JSON.parse`, then an iterative limits
 * check); only when that fails, a limit is exceeded, or keys were duplicated does the slower
 * tolerant parser run — it repairs what it can and locates every problem by line and column.
 */
export function parseJsonDocument(source: SourceText, limits: Readonly<ParseLimits>): ParsedDocument {
  let value: unknown;
  try {
    value = JSON.parse(source.text);
  } catch {
    // Not strict JSON: JSON.parse cannot say where in terms a user can act on, nor repair.
    return parseTolerantJson(source, limits);
  }
  const report = inspectValue(value, limits);
  if (report.exceeded !== undefined || report.members !== countMembers(source.text)) return parseTolerantJson(source, limits);
  return parsedValue(value, []);
}

/**
 * Counts object members in strict JSON text: every ':' outside a string separates exactly one
 * name from its value. JSON.parse silently keeps the last of duplicate keys; a count above the
 * parsed value's member count reveals them at a fraction of the cost of a second full parse.
 */
function countMembers(text: string): number {
  let count = 0;
  let i = 0;
  for (;;) {
    const quote = text.indexOf('"', i);
    const end = quote === -1 ? text.length : quote;
    for (let k = i; k < end; k++) if (text.charCodeAt(k) === 58) count++;
    if (quote === -1) return count;
    i = closingQuote(text, quote) + 1;
  }
}

/** The index of the quote closing the string that opens at `open` (the text is known to be valid JSON). */
function closingQuote(text: string, open: number): number {
  let j = open;
  for (;;) {
    j = text.indexOf('"', j + 1);
    if (j === -1) return text.length;
    let backslashes = 0;
    while (text.charCodeAt(j - 1 - backslashes) === 92) backslashes++;
    if (backslashes % 2 === 0) return j;
  }
}
