/**
 * Http: one outbound request through the engine's guarded egress client (`ActionContext.http`).
 * Authentication `None`, `Basic` and `Raw` become an `Authorization` header; `retryPolicy` is
 * converted to milliseconds and passed to the client, which retries 408/429/5xx and connection
 * failures. A non-2xx answer fails the action with outputs `{ statusCode, headers, body }` and the
 * status's name as error code (`NotFound`), as Logic Apps reports it. Recorded inputs never hold
 * the password, the raw value or an `Authorization` header (they show `*sanitized*`).
 */
import { isRecord, toJsonText } from '../../../expressions/index.ts';
import { isPlugboardError } from '../../../core/index.ts';
import type { ActionExecutor, ActionInput, ActionOutcome, HttpActionRequest, HttpActionResponse, HttpRetryPolicy } from '../contract.ts';
import { parseIsoDuration } from '../../rules/iso-duration.ts';
import { ActionErrorCode, badInput } from '../errors.ts';
import { SANITIZED, headerMap, headerValue, sanitizedHeaders } from '../headers.ts';
import { httpStatusName } from '../http-status.ts';
import { describe, inputsRecord, memberOf } from '../inputs.ts';
import { DEFAULT_ACTION_LIMITS } from '../limits.ts';
import { wdlParseJson, wdlText } from '../wdl-text.ts';

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'TRACE'];
const SECOND = 1_000;
const DAY = 86_400_000;

/** `Http` — `{ method, uri, headers?, queries?, body?, authentication?, retryPolicy? }` → `{ statusCode, headers, body }`. */
export const httpExecutor: ActionExecutor = {
  type: 'http',
  async execute(action, context) {
    const inputs = inputsRecord(action, { value: context.evaluate(action.inputs), expected: '`method` and `uri`' });
    const limits = context.limits ?? DEFAULT_ACTION_LIMITS;
    const methodValue = memberOf(inputs, 'method');
    const method = typeof methodValue === 'string' ? methodValue.trim().toUpperCase() : '';
    if (!METHODS.includes(method)) throw badInput({ action: action.name, input: 'method' }, `must be one of ${METHODS.join(', ')}${typeof methodValue === 'string' ? ` (got '${methodValue}')` : ''}`);
    const uri = memberOf(inputs, 'uri');
    if (typeof uri !== 'string' || uri === '') throw badInput({ action: action.name, input: 'uri' }, 'is required — the absolute http:// or https:// URL to call');
    if (uri.length > limits.maxHttpUriChars) throw badInput({ action: action.name, input: 'uri' }, `is ${uri.length} characters long; at most ${limits.maxHttpUriChars} are allowed — move data into the body`);
    let parsed: URL;
    try {
      parsed = new URL(uri);
    } catch {
      throw badInput({ action: action.name, input: 'uri' }, 'is not an absolute URL — write it as https://host/path');
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw badInput({ action: action.name, input: 'uri' }, `must use http or https (got ${parsed.protocol.slice(0, -1)})`);
    const headers = headerMap({ action: action.name, input: 'headers' }, memberOf(inputs, 'headers'));
    const queries = memberOf(inputs, 'queries');
    const url = withQueries(action, { uri, queries });
    const authentication = memberOf(inputs, 'authentication');
    const authorization = authorizationOf(action, authentication);
    if (authorization !== undefined) setHeader(headers, { name: 'Authorization', value: authorization });
    const bodyValue = memberOf(inputs, 'body');
    const body = requestBody(bodyValue, headers);
    const retryPolicy = memberOf(inputs, 'retryPolicy');
    const retry = retryOf(action, retryPolicy);

    const recorded = {
      method,
      uri,
      ...(Object.keys(headers).length === 0 ? {} : { headers: sanitizedHeaders(headers) }),
      ...(queries === undefined ? {} : { queries }),
      ...(bodyValue === undefined ? {} : { body: bodyValue }),
      ...(authentication === undefined ? {} : { authentication: sanitizedAuthentication(authentication) }),
      ...(retryPolicy === undefined ? {} : { retryPolicy }),
    };
    if (context.http === undefined) {
      return { status: 'Failed', inputs: recorded, error: { code: ActionErrorCode.HttpNotAvailable, message: `action '${action.name}': this engine has no outbound HTTP client, so Http actions cannot run here` } };
    }
    const request: HttpActionRequest = {
      method,
      url,
      headers,
      ...(body === undefined ? {} : { body }),
      timeoutMs: limits.httpTimeoutMs,
      ...(retry === undefined ? {} : { retry }),
      ...(context.signal === undefined ? {} : { signal: context.signal }),
    };
    let response: HttpActionResponse;
    try {
      response = await context.http(request);
    } catch (error) {
      if (context.signal?.aborted === true) return { status: 'Cancelled', inputs: recorded, error: { code: ActionErrorCode.Cancelled, message: `action '${action.name}' was cancelled while its HTTP request was in flight` } };
      return failedCall(action, { recorded, url: parsed, error });
    }
    const outputs = { statusCode: response.status, headers: { ...response.headers }, ...responseBody(response.body, response.headers) };
    if (response.status >= 200 && response.status <= 299) return { status: 'Succeeded', inputs: recorded, outputs };
    return {
      status: 'Failed',
      inputs: recorded,
      outputs,
      error: { code: httpStatusName(response.status) ?? ActionErrorCode.ActionFailed, message: `action '${action.name}': ${parsed.host} answered ${response.status}${httpStatusName(response.status) === undefined ? '' : ` (${httpStatusName(response.status)})`} — see the action's outputs for the response; add an action that runs after Failed to handle it` },
    };
  },
};

function failedCall(action: ActionInput, call: { readonly recorded: unknown; readonly url: URL; readonly error: unknown }): ActionOutcome {
  const { recorded, url, error } = call;
  // Egress errors name only the host (URLs may carry keys); other errors are summarised by type.
  const detail = isPlugboardError(error) ? error.message : error instanceof Error ? error.name : 'unknown error';
  return {
    status: 'Failed',
    inputs: recorded,
    error: { code: isPlugboardError(error) ? error.code : ActionErrorCode.ActionFailed, message: `action '${action.name}': the HTTP request to ${url.host} failed: ${detail}` },
  };
}

function setHeader(headers: Record<string, string>, header: { readonly name: string; readonly value: string }): void {
  const { name, value } = header;
  for (const key of Object.keys(headers)) if (key.toLowerCase() === name.toLowerCase()) delete headers[key];
  headers[name] = value;
}

function withQueries(action: ActionInput, request: { readonly uri: string; readonly queries: unknown }): string {
  const { uri, queries } = request;
  if (queries === undefined || queries === null) return uri;
  if (!isRecord(queries)) throw badInput({ action: action.name, input: 'queries' }, `must be an object of parameter names and values (got ${describe(queries)})`);
  const pairs: string[] = [];
  for (const key of Object.keys(queries)) {
    const value = queries[key];
    if (value === undefined || value === null) continue;
    pairs.push(`${encodeURIComponent(key)}=${encodeURIComponent(wdlText(value))}`);
  }
  if (pairs.length === 0) return uri;
  const hash = uri.indexOf('#');
  const base = hash === -1 ? uri : uri.slice(0, hash);
  const fragment = hash === -1 ? '' : uri.slice(hash);
  return `${base}${base.includes('?') ? (base.endsWith('?') || base.endsWith('&') ? '' : '&') : '?'}${pairs.join('&')}${fragment}`;
}

function authorizationOf(action: ActionInput, authentication: unknown): string | undefined {
  if (authentication === undefined || authentication === null) return undefined;
  if (!isRecord(authentication)) throw badInput({ action: action.name, input: 'authentication' }, `must be an object with a \`type\` (got ${describe(authentication)})`);
  const type = memberOf(authentication, 'type');
  const kind = typeof type === 'string' ? type.trim().toLowerCase() : '';
  if (kind === 'none') return undefined;
  if (kind === 'basic') {
    const username = memberOf(authentication, 'username');
    const password = memberOf(authentication, 'password');
    if (typeof username !== 'string' || username === '') throw badInput({ action: action.name, input: 'authentication.username' }, 'is required for Basic authentication');
    if (typeof password !== 'string') throw badInput({ action: action.name, input: 'authentication.password' }, 'is required for Basic authentication (a string; use a securestring parameter)');
    return `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
  }
  if (kind === 'raw') {
    const value = memberOf(authentication, 'value');
    if (typeof value !== 'string' || value === '') throw badInput({ action: action.name, input: 'authentication.value' }, 'is required for Raw authentication — the whole Authorization header value');
    return value;
  }
  throw badInput({ action: action.name, input: 'authentication.type' }, `${typeof type === 'string' ? `'${type}' ` : ''}is not supported here — use None, Basic or Raw (ActiveDirectoryOAuth, ClientCertificate and ManagedServiceIdentity need a connection instead)`);
}

function sanitizedAuthentication(authentication: unknown): unknown {
  if (!isRecord(authentication)) return authentication;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(authentication)) {
    const lower = key.toLowerCase();
    Object.defineProperty(out, key, { value: lower === 'password' || lower === 'value' || lower === 'secret' || lower === 'pfx' ? SANITIZED : authentication[key], enumerable: true, writable: true, configurable: true });
  }
  return out;
}


/** Serialises the body as Logic Apps sends it; sets a Content-Type when the body implies one. */
function requestBody(body: unknown, headers: Record<string, string>): string | Uint8Array | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return body;
  const defaultType = (type: string): void => {
    if (headerValue(headers, 'Content-Type') === undefined) headers['Content-Type'] = type;
  };
  if (isRecord(body) && Array.isArray(body['$formdata'])) {
    defaultType('application/x-www-form-urlencoded');
    return body['$formdata']
      .filter(isRecord)
      .map((pair) => `${encodeURIComponent(wdlText(pair['key']))}=${encodeURIComponent(wdlText(pair['value']))}`)
      .join('&');
  }
  if (isRecord(body) && typeof body['$content'] === 'string' && typeof body['$content-type'] === 'string') {
    defaultType(body['$content-type']);
    return Buffer.from(body['$content'], 'base64');
  }
  defaultType('application/json');
  return toJsonText(body);
}

/** The response body as a workflow sees it: JSON parsed, text as a string, other content as a binary envelope. */
function responseBody(body: Uint8Array | string, headers: Readonly<Record<string, string>>): { body?: unknown } {
  const contentType = headerValue(headers, 'Content-Type')?.toLowerCase() ?? '';
  const size = typeof body === 'string' ? body.length : body.byteLength;
  if (size === 0) return {};
  const mediaType = contentType.split(';')[0]?.trim() ?? '';
  const isJson = mediaType === 'application/json' || mediaType === 'text/json' || mediaType.endsWith('+json');
  const isText = isJson || mediaType.startsWith('text/') || mediaType.endsWith('+xml') || ['application/xml', 'application/javascript', 'application/x-www-form-urlencoded'].includes(mediaType);
  let text: string | undefined;
  if (typeof body === 'string') text = body;
  else if (isText || mediaType === '') text = decodeUtf8(body);
  if (text === undefined) {
    const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
    return { body: { '$content-type': contentType === '' ? 'application/octet-stream' : contentType, $content: bytes.toString('base64') } };
  }
  if (isJson) {
    try {
      return { body: wdlParseJson(text) };
    } catch {
      // A server that labels non-JSON as JSON: Logic Apps hands the text on unchanged.
      return { body: text };
    }
  }
  return { body: text };
}

function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

function retryOf(action: ActionInput, policy: unknown): HttpRetryPolicy | 'none' | undefined {
  if (policy === undefined || policy === null) return undefined;
  if (!isRecord(policy)) throw badInput({ action: action.name, input: 'retryPolicy' }, `must be an object with a \`type\` (got ${describe(policy)})`);
  const rawType = memberOf(policy, 'type');
  const type = typeof rawType === 'string' ? rawType.trim().toLowerCase() : '';
  if (type === 'none') return 'none';
  if (type === 'default' || type === '') return undefined;
  if (type !== 'fixed' && type !== 'exponential') throw badInput({ action: action.name, input: 'retryPolicy.type' }, `must be default, none, fixed or exponential${typeof rawType === 'string' ? ` (got '${rawType}')` : ''}`);
  const count = memberOf(policy, 'count');
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > 90) throw badInput({ action: action.name, input: 'retryPolicy.count' }, 'must be a whole number from 1 to 90');
  const interval = duration(action, { policy, name: 'interval' });
  if (interval === undefined) throw badInput({ action: action.name, input: 'retryPolicy.interval' }, 'is required — an ISO 8601 duration from PT5S to P1D, such as PT10S');
  if (type === 'fixed') return { type: 'fixed', count, interval };
  const minimumInterval = duration(action, { policy, name: 'minimumInterval' });
  const maximumInterval = duration(action, { policy, name: 'maximumInterval' });
  return { type: 'exponential', count, interval, ...(minimumInterval === undefined ? {} : { minimumInterval }), ...(maximumInterval === undefined ? {} : { maximumInterval }) };
}

/** A retry interval: an ISO 8601 duration within the documented PT5S … P1D. */
function duration(action: ActionInput, member: { readonly policy: Readonly<Record<string, unknown>>; readonly name: string }): number | undefined {
  const { policy, name } = member;
  const value = memberOf(policy, name);
  if (value === undefined || value === null) return undefined;
  const ms = typeof value === 'string' ? parseIsoDuration(value) : undefined;
  if (ms === undefined || ms < 5 * SECOND || ms > DAY) throw badInput({ action: action.name, input: `retryPolicy.${name}` }, `must be an ISO 8601 duration from PT5S to P1D, such as PT10S${typeof value === 'string' ? ` (got '${value}')` : ''}`);
  return ms;
}
