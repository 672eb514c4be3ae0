/** Header maps of the Http, Response, connector and Workflow actions: values written as text, null dropped. */
import { isRecord } from '../../expressions/index.ts';
import { badInput } from './errors.ts';
import type { InputLocation } from './errors.ts';
import { describe } from './inputs.ts';
import { wdlText } from './wdl-text.ts';

/** `headers` as name → text; `where` names the member for errors. */
export function headerMap(where: InputLocation, value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (value === undefined || value === null) return out;
  if (!isRecord(value)) throw badInput(where, `must be an object of header names and values (got ${describe(value)})`);
  for (const key of Object.keys(value)) {
    const item = value[key];
    if (item === undefined || item === null) continue;
    Object.defineProperty(out, key, { value: wdlText(item), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** The value of header `name` in any letter case, or undefined. */
export function headerValue(headers: Readonly<Record<string, string>>, name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const key of Object.keys(headers)) if (key.toLowerCase() === lower) return headers[key];
  return undefined;
}

/** What run history shows instead of a credential. */
export const SANITIZED = '*sanitized*';

/**
 * Request headers that carry credentials, in lower case: hidden in run history, and not sent on to
 * another origin by the Http trigger's `Location` polls.
 */
export const CREDENTIAL_HEADERS: ReadonlySet<string> = new Set(['authorization', 'proxy-authorization', 'cookie']);

/** Headers as run history shows them: the {@link CREDENTIAL_HEADERS} (any case) as `*sanitized*`. */
export function sanitizedHeaders(headers: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of Object.keys(headers)) Object.defineProperty(out, key, { value: CREDENTIAL_HEADERS.has(key.toLowerCase()) ? SANITIZED : headers[key], enumerable: true, writable: true, configurable: true });
  return out;
}
