/**
 * Value-based redaction: a backend that echoes the request (headers, query, body) must not hand a
 * connection's secret back to a caller who may only use the connection. Every occurrence of a
 * secret, in plain, base64 and URL-encoded form, becomes `***`.
 */

const MIN_SECRET_LENGTH = 4;
const MASK = '***';

/** A redactor for a set of secret strings; `redact` returns a copy with every occurrence masked. */
export interface Redactor {
  readonly active: boolean;
  redactText(text: string): string;
  redact<T>(value: T): T;
}

/** Builds a redactor for `secrets` (short or empty strings are ignored: they would mask ordinary text). */
export function createRedactor(secrets: readonly string[]): Redactor {
  const needles = new Set<string>();
  for (const secret of secrets) {
    if (secret.length < MIN_SECRET_LENGTH) continue;
    needles.add(secret);
    needles.add(Buffer.from(secret).toString('base64'));
    needles.add(Buffer.from(secret).toString('base64').replace(/=+$/, ''));
    needles.add(encodeURIComponent(secret));
    needles.add(JSON.stringify(secret).slice(1, -1));
  }
  const ordered = [...needles].filter((needle) => needle.length >= MIN_SECRET_LENGTH).sort((a, b) => b.length - a.length);
  const redactText = (text: string): string => {
    let result = text;
    for (const needle of ordered) if (result.includes(needle)) result = result.split(needle).join(MASK);
    return result;
  };
  const holds = (text: string): boolean => ordered.some((needle) => text.includes(needle));
  // Most answers hold no secret: they are checked without being copied, and copied only when one does.
  const redact = <T>(value: T): T => (ordered.length === 0 || !containsSecret(value, holds, 0) ? value : (redactValue(value, redactText, 0) as T));
  return { active: ordered.length > 0, redactText, redact };
}

/** True when a string, or a key or string anywhere inside (to the depth {@link redactValue} walks), holds a needle. */
function containsSecret(value: unknown, holds: (text: string) => boolean, depth: number): boolean {
  if (typeof value === 'string') return holds(value);
  if (depth > 64 || typeof value !== 'object' || value === null || value instanceof Uint8Array) return false;
  if (Array.isArray(value)) return value.some((item) => containsSecret(item, holds, depth + 1));
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    if (holds(key) || containsSecret((value as Record<string, unknown>)[key], holds, depth + 1)) return true;
  }
  return false;
}

function redactValue(value: unknown, redactText: (text: string) => string, depth: number): unknown {
  if (typeof value === 'string') return redactText(value);
  if (depth > 64 || typeof value !== 'object' || value === null) return value;
  if (value instanceof Uint8Array) return value;
  if (Array.isArray(value)) return value.map((item) => redactValue(item, redactText, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) out[redactText(key)] = redactValue(item, redactText, depth + 1);
  return out;
}
