/**
 * The request the gateway builds from an operation and its arguments, before policies and
 * credentials. It is the policy chain's working copy, so policies edit it directly.
 */
import type { PolicyRequest } from '../../policies/index.ts';

/** One file part of a multipart/form-data body. */
export interface FilePart {
  readonly filename: string;
  readonly contentType: string;
  readonly data: Uint8Array;
}

/** A form body: `application/x-www-form-urlencoded` or `multipart/form-data`. */
export interface FormBody {
  readonly kind: 'form';
  readonly multipart: boolean;
  readonly fields: readonly (readonly [string, string | FilePart])[];
}

/** Raw bytes with their media type (a binary body parameter). */
export interface BinaryBody {
  readonly kind: 'binary';
  readonly contentType: string;
  readonly data: Uint8Array;
}

/**
 * The working copy of an outgoing call: the policy chain's request model, so policies edit it
 * directly. Its body is a JSON value or string, a {@link FormBody}, a {@link BinaryBody}, or undefined.
 */
export type OutgoingRequest = PolicyRequest;

/** Serialised URL of a request. */
export function requestUrl(request: Pick<OutgoingRequest, 'baseUrl' | 'path' | 'query'>): string {
  const base = request.baseUrl.endsWith('/') ? request.baseUrl.slice(0, -1) : request.baseUrl;
  const path = request.path === '' ? '' : request.path.startsWith('/') ? request.path : `/${request.path}`;
  if (request.query.length === 0) return `${base}${path}`;
  const search = request.query.map(([name, value]) => `${encodeQueryComponent(name)}=${encodeQueryComponent(value)}`).join('&');
  return `${base}${path}${path.includes('?') ? '&' : '?'}${search}`;
}

/** Percent-encodes a query name or value (RFC 3986 unreserved characters stay). */
export function encodeQueryComponent(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** True when the value is a {@link FormBody}. */
export function isFormBody(value: unknown): value is FormBody {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'form' && Array.isArray((value as { fields?: unknown }).fields);
}

/** True when the value is a {@link BinaryBody}. */
export function isBinaryBody(value: unknown): value is BinaryBody {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'binary' && (value as { data?: unknown }).data instanceof Uint8Array;
}
