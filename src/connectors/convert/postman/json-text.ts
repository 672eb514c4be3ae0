/** Parsing JSON text found in Postman bodies and saved responses. */

/** The parsed value, or `ok: false` when the text is not JSON. */
export type ParsedJson = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly reason: string };

/**
 * Parses JSON text, first quoting bare `{{variable}}` placeholders (Postman substitutes them before
 * sending, so `"count": {{count}}` is valid in a collection but not JSON).
 */
export function parseJsonText(text: string): ParsedJson {
  const quoted = text.replace(/("(?:[^"\\]|\\.)*")|\{\{([^{}]+)\}\}/g, (whole, literal: string | undefined) => (literal === undefined ? JSON.stringify(whole) : literal));
  try {
    return { ok: true, value: JSON.parse(quoted) };
  } catch (error) {
    // Not JSON is an expected outcome here; the caller reports it with the body's pointer.
    return { ok: false, reason: error instanceof Error ? error.message : String(error) };
  }
}
