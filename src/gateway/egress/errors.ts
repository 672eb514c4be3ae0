/**
 * Errors raised by the egress client. Messages name the destination by origin or host only: a URL's
 * path and query may carry API keys, so they never appear in an error.
 */
import { PlugboardError, UserInputError } from '../../core/index.ts';

/** Stable error codes of the egress client. */
export const EgressErrorCode = {
  /** The destination address, host or scheme is not allowed (kind `forbidden`). */
  EgressDenied: 'EgressDenied',
  /** A connect, headers, body-idle or total timeout fired (kind `operational`, retryable). */
  EgressTimeout: 'EgressTimeout',
  /** The response body is larger than the configured cap (kind `operational`). */
  ResponseTooLarge: 'ResponseTooLarge',
  /** The connection failed: refused, reset, DNS or TLS failure (kind `operational`). */
  EgressConnectionFailed: 'EgressConnectionFailed',
  /** The upstream redirected more often than allowed (kind `operational`). */
  EgressTooManyRedirects: 'EgressTooManyRedirects',
  /** The caller's signal aborted the request (kind `operational`). */
  EgressAborted: 'EgressAborted',
  /** The request itself is malformed: URL, method or headers (kind `user`). */
  EgressRequestInvalid: 'EgressRequestInvalid',
  /** An egress option (allow-list entry, timeout, retry policy) is invalid (kind `user`). */
  EgressConfigInvalid: 'EgressConfigInvalid',
} as const;

/** One of {@link EgressErrorCode}'s values. */
export type EgressErrorCode = (typeof EgressErrorCode)[keyof typeof EgressErrorCode];

/** The SSRF guard refused a destination. Never retryable: the same address would be refused again. */
export class EgressDeniedError extends PlugboardError {
  constructor(message: string, details: Readonly<Record<string, unknown>>) {
    super(message, { code: EgressErrorCode.EgressDenied, kind: 'forbidden', retryable: false, details });
    this.name = 'EgressDeniedError';
  }
}

/** Which timeout fired. */
export type EgressTimeoutPhase = 'connect' | 'headers' | 'body' | 'total';

/** A timeout fired; the socket has been closed. Retryable. */
export class EgressTimeoutError extends PlugboardError {
  constructor(message: string, details: Readonly<Record<string, unknown>> & { readonly phase: EgressTimeoutPhase }, cause?: unknown) {
    super(message, { code: EgressErrorCode.EgressTimeout, kind: 'operational', retryable: true, details, cause });
    this.name = 'EgressTimeoutError';
  }
}

/** The response body exceeded the size cap; reading stopped as soon as that was known. */
export class ResponseTooLargeError extends PlugboardError {
  constructor(message: string, details: Readonly<Record<string, unknown>>) {
    super(message, { code: EgressErrorCode.ResponseTooLarge, kind: 'operational', retryable: false, details });
    this.name = 'ResponseTooLargeError';
  }
}

/** The connection could not be made or broke mid-exchange. `retryable` tells whether trying again can help. */
export class EgressConnectionError extends PlugboardError {
  constructor(message: string, options: { readonly retryable: boolean; readonly details: Readonly<Record<string, unknown>>; readonly cause?: unknown }) {
    super(message, { code: EgressErrorCode.EgressConnectionFailed, kind: 'operational', retryable: options.retryable, details: options.details, cause: options.cause });
    this.name = 'EgressConnectionError';
  }
}

/** The upstream kept redirecting past the hop limit. */
export class EgressTooManyRedirectsError extends PlugboardError {
  constructor(message: string, details: Readonly<Record<string, unknown>>) {
    super(message, { code: EgressErrorCode.EgressTooManyRedirects, kind: 'operational', retryable: false, details });
    this.name = 'EgressTooManyRedirectsError';
  }
}

/** The caller's `signal` aborted the request (during a request or a retry wait). */
export class EgressAbortedError extends PlugboardError {
  constructor(message: string, details: Readonly<Record<string, unknown>>, cause?: unknown) {
    super(message, { code: EgressErrorCode.EgressAborted, kind: 'operational', retryable: false, details, cause });
    this.name = 'EgressAbortedError';
  }
}

/** A malformed request (URL, method, headers) — the caller's fault. */
export function requestInvalid(message: string, details: Readonly<Record<string, unknown>> = {}): UserInputError {
  return new UserInputError(message, { code: EgressErrorCode.EgressRequestInvalid, details });
}

/** An invalid egress option — stops client creation with a message naming the option. */
export function configInvalid(message: string, details: Readonly<Record<string, unknown>> = {}): UserInputError {
  return new UserInputError(message, { code: EgressErrorCode.EgressConfigInvalid, details });
}
