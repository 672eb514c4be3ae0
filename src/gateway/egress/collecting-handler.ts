/**
 * An undici dispatch handler that buffers one response with a size cap. Used instead of undici's
 * `request()` stream API: the body is collected anyway, and skipping the Readable keeps the hot
 * path lean. It can be failed from outside (total timeout, caller abort) at any moment, before or
 * after undici handed it a controller; failing aborts the request, which closes the socket.
 */
import type { Dispatcher } from 'undici';
import type { IncomingHttpHeaders } from 'node:http';
import { isPlugboardError } from '../../core/index.ts';
import { EgressConnectionError, EgressTimeoutError, ResponseTooLargeError, requestInvalid } from './errors.ts';

/** What one HTTP exchange (one hop) produced. */
export interface RawResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Uint8Array;
}

/** Facts the error messages and the retry decision need. */
export interface HopInfo {
  readonly method: string;
  /** `scheme://host:port` only: paths and queries may carry secrets. */
  readonly origin: string;
  readonly maxBytes: number;
  /** When true, a redirect response's body is drained (up to a small cap) rather than kept. */
  readonly drainRedirects: boolean;
  readonly headersTimeoutMs: number;
  readonly bodyTimeoutMs: number;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const DRAIN_LIMIT = 64 * 1024;
const EMPTY = new Uint8Array(0);

/** Network errors after which sending again can help. */
const TRANSIENT = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EHOSTDOWN',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_RES_CONTENT_LENGTH_MISMATCH',
]);

function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  const code = (error as { code: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

/** What went wrong and what to do, for a connection failure. */
function describeFailure(code: string | undefined, error: Error): string {
  switch (code) {
    case 'ECONNREFUSED':
      return `the connection was refused (${error.message}) — check that the service runs and the host and port are right`;
    case 'ENOTFOUND':
      return `the host name does not resolve (${error.message}) — check the host name in the URL or connector settings`;
    case 'EAI_AGAIN':
      return `DNS did not answer (${error.message}) — a temporary resolver problem; the call can be retried`;
    default:
      if (code !== undefined && TRANSIENT.has(code)) {
        return `the connection broke (${code}: ${error.message}) — the network or the upstream dropped it; the call can be retried`;
      }
      if (code !== undefined && /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO|HOSTNAME|ALTNAME/i.test(code)) {
        return `the TLS handshake failed (${code}: ${error.message}) — the upstream's certificate is not trusted or does not match the host; fix the certificate or add its CA to the egress ca option`;
      }
      return `the connection failed (${code ?? 'unknown'}: ${error.message}) — not retried; check the upstream and the network path`;
  }
}

/** Buffers one response; settle with {@link promise}. */
export class CollectingHandler implements Dispatcher.DispatchHandler {
  readonly promise: Promise<RawResponse>;
  readonly #info: HopInfo;
  #resolve!: (value: RawResponse) => void;
  #reject!: (reason: Error) => void;
  #controller: Dispatcher.DispatchController | undefined;
  #pendingAbort: Error | undefined;
  #settled = false;
  #status = 0;
  #headers: IncomingHttpHeaders = {};
  #chunks: Buffer[] = [];
  #size = 0;
  #draining = false;

  constructor(info: HopInfo) {
    this.#info = info;
    this.promise = new Promise<RawResponse>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
  }

  /** True once undici started sending the request on a connected socket. */
  get requestSent(): boolean {
    return this.#controller !== undefined;
  }

  /** Fails the exchange from outside (timeout, abort); closes the socket if one is in use. */
  fail(error: Error): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#reject(error);
    if (this.#controller !== undefined) this.#controller.abort(error);
    else this.#pendingAbort = error;
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    if (this.#pendingAbort !== undefined) {
      controller.abort(this.#pendingAbort);
      return;
    }
    this.#controller = controller;
  }

  onResponseStart(controller: Dispatcher.DispatchController, statusCode: number, headers: IncomingHttpHeaders): void {
    if (statusCode < 200 || this.#settled) return;
    this.#status = statusCode;
    this.#headers = headers;
    if (this.#info.drainRedirects && REDIRECTS.has(statusCode) && headers['location'] !== undefined) {
      this.#draining = true;
      return;
    }
    const announced = headers['content-length'];
    if (this.#info.method !== 'HEAD' && typeof announced === 'string' && Number(announced) > this.#info.maxBytes) {
      this.#tooLarge(controller, Number(announced));
    }
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.#settled) return;
    this.#size += chunk.length;
    if (this.#draining) {
      // A redirect's body is never used: drain a little to keep the socket reusable, then cut.
      if (this.#size > DRAIN_LIMIT) {
        this.#finish(EMPTY);
        controller.abort(new Error('redirect body discarded'));
      }
      return;
    }
    if (this.#size > this.#info.maxBytes) {
      this.#tooLarge(controller, this.#size);
      return;
    }
    this.#chunks.push(chunk);
  }

  onResponseEnd(): void {
    if (this.#settled) return;
    const chunks = this.#chunks;
    this.#finish(this.#draining || chunks.length === 0 ? EMPTY : chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, this.#size));
  }

  onResponseError(_controller: Dispatcher.DispatchController | undefined, error: Error): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#chunks = [];
    this.#reject(this.#translate(error));
  }

  #finish(body: Uint8Array): void {
    this.#settled = true;
    this.#chunks = [];
    this.#resolve({ status: this.#status, headers: this.#headers, body });
  }

  #tooLarge(controller: Dispatcher.DispatchController, size: number): void {
    const { origin, method, maxBytes } = this.#info;
    this.fail(
      new ResponseTooLargeError(
        `response from ${method} ${origin} is larger than the ${maxBytes}-byte cap (${size} bytes${size === this.#size ? ' read so far' : ' announced'}) — ask for less data (paging, filters) or raise egress maxResponseBytes`,
        { origin, maxBytes, bytes: size },
      ),
    );
    if (!controller.aborted) controller.abort(new Error('response too large'));
  }

  /** Maps undici and socket errors to egress errors; our own errors pass through. */
  #translate(error: Error): Error {
    if (isPlugboardError(error)) return error;
    const { origin, method } = this.#info;
    const code = errorCode(error);
    const requestSent = this.requestSent;
    if (code === 'UND_ERR_CONNECT_TIMEOUT') {
      return new EgressTimeoutError(
        `${method} ${origin}: connecting timed out — the host is unreachable or not accepting connections (DNS included); check the host, or raise egress connectTimeoutMs`,
        { phase: 'connect', origin, requestSent: false },
        error,
      );
    }
    if (code === 'UND_ERR_HEADERS_TIMEOUT') {
      return new EgressTimeoutError(
        `${method} ${origin}: no response headers within ${this.#info.headersTimeoutMs} ms (headers timeout) — the upstream is slow or hanging; the socket was closed`,
        { phase: 'headers', origin, timeoutMs: this.#info.headersTimeoutMs, requestSent },
        error,
      );
    }
    if (code === 'UND_ERR_BODY_TIMEOUT') {
      return new EgressTimeoutError(
        `${method} ${origin}: the response body stalled for ${this.#info.bodyTimeoutMs} ms (body idle timeout) — the upstream stopped sending; the socket was closed`,
        { phase: 'body', origin, timeoutMs: this.#info.bodyTimeoutMs, requestSent },
        error,
      );
    }
    if (code === 'UND_ERR_INVALID_ARG' || code === 'UND_ERR_NOT_SUPPORTED') {
      return requestInvalid(`${method} ${origin}: the request is invalid: ${error.message}`, { origin });
    }
    const retryable = code !== undefined && TRANSIENT.has(code);
    return new EgressConnectionError(`${method} ${origin}: ${describeFailure(code, error)}`, {
      retryable,
      details: { origin, cause: code ?? 'unknown', requestSent },
      cause: error,
    });
  }
}
