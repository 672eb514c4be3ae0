/**
 * Checks the plain-data messages that cross the sandbox boundary: what a script passes to
 * `send`, what it returns, and what the host hands in. The host trusts nothing the guest built;
 * every field is checked here, and header names come out in lower case.
 */
import { Buffer } from 'node:buffer';
import type { ScriptRequest, ScriptResponse } from './script-types.ts';

/** A message from the script that does not have the required shape; the text says which field and how to fix it. */
export class ScriptMessageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScriptMessageError';
  }
}

/** A message body larger than the boundary allows. */
export class ScriptBodyTooLargeError extends Error {
  readonly bytes: number;
  constructor(message: string, bytes: number) {
    super(message);
    this.name = 'ScriptBodyTooLargeError';
    this.bytes = bytes;
  }
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const BAD_HEADER_VALUE = /[\r\n\0]/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'string' ? JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value) : typeof value;
}

/** Lower-cases header names and turns number/boolean values into strings; refuses anything else. */
export function readHeaders(value: unknown, where: string): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (!isRecord(value)) throw new ScriptMessageError(`${where}: \`headers\` must be an object of name → string, got ${describeValue(value)}`);
  const out: Record<string, string> = {};
  for (const [name, raw] of Object.entries(value)) {
    if (!TOKEN.test(name)) throw new ScriptMessageError(`${where}: header name ${JSON.stringify(name)} is not a valid HTTP header name`);
    if (raw === undefined || raw === null) continue;
    if (typeof raw !== 'string' && typeof raw !== 'number' && typeof raw !== 'boolean') {
      throw new ScriptMessageError(`${where}: header \`${name}\` must be a string, got ${describeValue(raw)}`);
    }
    const text = String(raw);
    if (BAD_HEADER_VALUE.test(text)) throw new ScriptMessageError(`${where}: header \`${name}\` contains a line break or NUL character — remove it`);
    out[name.toLowerCase()] = text;
  }
  return out;
}

/**
 * A body as text. Objects, arrays, numbers and booleans are serialised as JSON for convenience,
 * and `content-type: application/json` is set when no content type was given.
 */
function readBody(value: unknown, headers: Record<string, string>, where: string, maxBytes: number): string | null {
  if (value === undefined || value === null) return null;
  let text: string;
  if (typeof value === 'string') text = value;
  else {
    text = JSON.stringify(value);
    headers['content-type'] ??= 'application/json';
  }
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > maxBytes) throw new ScriptBodyTooLargeError(`${where}: the body is ${bytes} bytes, more than the sandbox passes`, bytes);
  return text;
}

/** The request a script passed to `send` (JSON text produced by the prelude). */
export function readSendRequest(json: string, maxBodyBytes: number): ScriptRequest {
  const where = 'send(request)';
  const value: unknown = JSON.parse(json);
  if (!isRecord(value)) throw new ScriptMessageError(`${where}: pass an object { method, url, headers, body }`);
  const method = value['method'] === undefined ? 'GET' : value['method'];
  if (typeof method !== 'string' || !TOKEN.test(method)) throw new ScriptMessageError(`${where}: \`method\` must be an HTTP method such as "GET" or "POST", got ${describeValue(method)}`);
  const url = value['url'];
  if (typeof url !== 'string') throw new ScriptMessageError(`${where}: \`url\` must be an absolute http(s) URL string, got ${describeValue(url)}`);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ScriptMessageError(`${where}: \`url\` ${describeValue(url)} is not an absolute URL — build it from request.url`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new ScriptMessageError(`${where}: \`url\` must use http or https, got ${JSON.stringify(parsed.protocol)}`);
  const headers = readHeaders(value['headers'], where);
  const body = readBody(value['body'], headers, where, maxBodyBytes);
  return { method: method.toUpperCase(), url, headers, body };
}

/** What the script's hook returned (already through JSON). */
export function readScriptResponse(value: unknown, maxBodyBytes: number): ScriptResponse {
  const where = 'the returned response';
  if (value === null) throw new ScriptMessageError(`the hook returned nothing — return \`await send(request)\` or an object { status, headers, body }`);
  if (!isRecord(value)) throw new ScriptMessageError(`${where} must be an object { status, headers, body }, got ${describeValue(value)}`);
  const status = value['status'];
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 200 || status > 599) {
    throw new ScriptMessageError(`${where}: \`status\` must be an integer HTTP status from 200 to 599, got ${describeValue(status)}`);
  }
  const headers = readHeaders(value['headers'], where);
  const body = readBody(value['body'], headers, where, maxBodyBytes);
  return { status, headers, body };
}

/** What the host's `send` answered; a wrong shape is a bug of the host, reported as such. */
export function readSendAnswer(value: ScriptResponse, maxBodyBytes: number): ScriptResponse {
  const where = 'the answer of send()';
  if (!isRecord(value) || typeof value.status !== 'number') throw new ScriptMessageError(`${where} is not { status, headers, body }`);
  const headers = readHeaders(value.headers, where);
  if (value.body !== null && typeof value.body !== 'string') throw new ScriptMessageError(`${where}: \`body\` must be a string or null`);
  const body = readBody(value.body, headers, where, maxBodyBytes);
  return { status: value.status, headers, body };
}

/** The request the gateway built, as the script will see it. */
export function requestForScript(request: ScriptRequest, maxBodyBytes: number): ScriptRequest {
  const headers = readHeaders(request.headers, 'the request');
  return { method: request.method.toUpperCase(), url: request.url, headers, body: readBody(request.body, headers, 'the request', maxBodyBytes) };
}
