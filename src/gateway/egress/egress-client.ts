/**
 * The one HTTP client every outbound call goes through (connector calls, HTTP actions, OAuth token
 * calls, webhook subscriptions). One pooled undici Agent per client; the SSRF guard runs in its
 * connector; redirects are followed here, hop by hop, so each hop is checked again.
 */
import { Agent } from 'undici';
import { lookup as dnsLookup } from 'node:dns/promises';
import { setTimeout as delay } from 'node:timers/promises';
import { isIP } from 'node:net';
import { isPlugboardError, systemClock } from '../../core/index.ts';
import type { Clock } from '../../core/index.ts';
import { createAddressPolicy } from './address-guard.ts';
import type { AddressPolicy, AddressPolicyOptions } from './address-guard.ts';
import { CollectingHandler } from './collecting-handler.ts';
import type { RawResponse } from './collecting-handler.ts';
import { EgressAbortedError, EgressDeniedError, EgressTimeoutError, EgressTooManyRedirectsError, configInvalid, requestInvalid } from './errors.ts';
import { createGuardedConnector } from './guarded-connector.ts';
import type { EgressLookup, ResolvedAddress } from './guarded-connector.ts';
import { ALWAYS_SENSITIVE, normalizeResponseHeaders, sanitizeRequestHeaders, withoutBodyHeaders, withoutHeaders } from './request-headers.ts';
import { DEFAULT_RETRY_POLICY, isRetryableStatus, parseRetryAfter, retryCount, retryDelay, validateRetryPolicy } from './retry-policy.ts';
import type { RetryPolicy } from './retry-policy.ts';

/** One outbound request. */
export interface EgressRequest {
  readonly method: string;
  /** Absolute `http:` or `https:` URL. Credentials in the URL (`user:pass@`) are refused. */
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | Uint8Array;
  /** Total time for one attempt, redirects included, in ms (default: the client's `totalTimeoutMs`). */
  readonly timeoutMs?: number;
  /** Overrides the client's retry policy for this request. */
  readonly retry?: RetryPolicy | 'none';
  /** Aborts the request and any retry wait. */
  readonly signal?: AbortSignal;
  /**
   * Marks a POST/PATCH as safe to repeat (e.g. it carries an idempotency key), so it is retried
   * after a connection broke mid-request too. GET, HEAD, OPTIONS, PUT, DELETE and TRACE always are.
   */
  readonly idempotent?: boolean;
  /** Redirect hops to follow (default: the client's `maxRedirects`); 0 returns the 3xx as is. */
  readonly maxRedirects?: number;
  /** More header names to drop on a cross-origin redirect (e.g. this connector's API-key header). */
  readonly sensitiveHeaders?: readonly string[];
}

/** The final response. Non-2xx statuses are responses, not errors; `attempts` counts sends. */
export interface EgressResponse {
  readonly status: number;
  /** Lower-case names; repeated headers joined with ", " (set-cookie too — use `setCookie`). */
  readonly headers: Readonly<Record<string, string>>;
  /** Each `Set-Cookie` value separately (they cannot be joined safely). */
  readonly setCookie: readonly string[];
  readonly body: Uint8Array;
  /** The URL of the last hop (after redirects). */
  readonly url: string;
  /** How many times the request was sent (1 + retries). */
  readonly attempts: number;
}

/** The shared outbound HTTP client. */
export interface EgressClient {
  send(request: EgressRequest): Promise<EgressResponse>;
  /** Closes pooled connections; in-flight requests finish first. */
  close(): Promise<void>;
  /** The options in force, after defaults. */
  readonly options: ResolvedEgressClientOptions;
}

/** Waits `ms`; rejects when `signal` aborts. Injected so retries run on a manual clock in tests. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** Options of {@link createEgressClient} (`allow`/`allowMetadata` are the `egress.allow` config). */
export interface EgressClientOptions extends AddressPolicyOptions {
  /** Header names dropped on cross-origin redirects, besides Authorization, Cookie, Proxy-Authorization. */
  readonly sensitiveHeaders?: readonly string[];
  /** Default 5. */
  readonly maxRedirects?: number;
  /** Default 10 s (DNS lookup included). */
  readonly connectTimeoutMs?: number;
  /** Time from sending to the response headers; default 120 s. */
  readonly headersTimeoutMs?: number;
  /** Longest pause between two body chunks; default 60 s. */
  readonly bodyIdleTimeoutMs?: number;
  /** Total time for one attempt, redirects included; default 120 s (the Logic Apps HTTP action limit). */
  readonly totalTimeoutMs?: number;
  /** Response body cap; default 100 MiB (Logic Apps' message size limit is of that order). */
  readonly maxResponseBytes?: number;
  /** Request header cap (names + values); default 64 KiB. */
  readonly maxRequestHeaderBytes?: number;
  /** Default: the Logic Apps default policy (exponential, 4 retries). */
  readonly retry?: RetryPolicy | 'none';
  /** Longest `Retry-After` wait honoured; longer values are capped to it. Default 120 s. */
  readonly maxRetryAfterMs?: number;
  /** Sockets per origin; default unlimited. */
  readonly connectionsPerOrigin?: number;
  /** Extra trusted CA certificates (PEM). */
  readonly ca?: string | readonly string[];
  readonly clock?: Clock;
  readonly sleep?: Sleep;
  /** Returns [0, 1); jitter of exponential retries. Default Math.random. */
  readonly random?: () => number;
  /** DNS resolution; default the system resolver (`dns.lookup`, all addresses). */
  readonly lookup?: EgressLookup;
}

/** {@link EgressClientOptions} after defaults and validation. */
export interface ResolvedEgressClientOptions {
  readonly allow: readonly string[];
  readonly allowMetadata: boolean;
  readonly sensitiveHeaders: readonly string[];
  readonly maxRedirects: number;
  readonly connectTimeoutMs: number;
  readonly headersTimeoutMs: number;
  readonly bodyIdleTimeoutMs: number;
  readonly totalTimeoutMs: number;
  readonly maxResponseBytes: number;
  readonly maxRequestHeaderBytes: number;
  readonly retry: RetryPolicy | 'none';
  readonly maxRetryAfterMs: number;
  readonly connectionsPerOrigin: number | undefined;
}

const IDEMPOTENT_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE']);
const METHOD = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

const defaultLookup: EgressLookup = async (hostname) => {
  const answers = await dnsLookup(hostname, { all: true, order: 'verbatim' });
  return answers.map((answer): ResolvedAddress => ({ address: answer.address, family: answer.family === 6 ? 6 : 4 }));
};

const defaultSleep: Sleep = (ms, signal) => delay(ms, undefined, signal === undefined ? undefined : { signal });

function positive(value: number | undefined, fallback: number, name: string, allowZero = false): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) {
    throw configInvalid(`egress ${name} must be a ${allowZero ? 'non-negative' : 'positive'} number (got ${String(value)})`, { option: name });
  }
  return value;
}

/** Resolves and validates options once; throws EgressConfigInvalid naming the bad option. */
export function resolveEgressClientOptions(options: EgressClientOptions = {}): ResolvedEgressClientOptions {
  const maxRedirects = positive(options.maxRedirects, 5, 'maxRedirects', true);
  if (!Number.isInteger(maxRedirects)) throw configInvalid(`egress maxRedirects must be an integer (got ${maxRedirects})`, { option: 'maxRedirects' });
  const connections = options.connectionsPerOrigin;
  if (connections !== undefined && (!Number.isInteger(connections) || connections < 1)) {
    throw configInvalid(`egress connectionsPerOrigin must be a positive integer (got ${connections})`, { option: 'connectionsPerOrigin' });
  }
  return Object.freeze({
    allow: Object.freeze([...(options.allow ?? [])]),
    allowMetadata: options.allowMetadata === true,
    sensitiveHeaders: Object.freeze([...ALWAYS_SENSITIVE, ...(options.sensitiveHeaders ?? []).map((name) => name.toLowerCase())]),
    maxRedirects,
    connectTimeoutMs: positive(options.connectTimeoutMs, 10_000, 'connectTimeoutMs'),
    headersTimeoutMs: positive(options.headersTimeoutMs, 120_000, 'headersTimeoutMs'),
    bodyIdleTimeoutMs: positive(options.bodyIdleTimeoutMs, 60_000, 'bodyIdleTimeoutMs'),
    totalTimeoutMs: positive(options.totalTimeoutMs, 120_000, 'totalTimeoutMs'),
    maxResponseBytes: positive(options.maxResponseBytes, 100 * 1024 * 1024, 'maxResponseBytes', true),
    maxRequestHeaderBytes: positive(options.maxRequestHeaderBytes, 64 * 1024, 'maxRequestHeaderBytes'),
    retry: validateRetryPolicy(options.retry ?? DEFAULT_RETRY_POLICY),
    maxRetryAfterMs: positive(options.maxRetryAfterMs, 120_000, 'maxRetryAfterMs', true),
    connectionsPerOrigin: connections,
  });
}

/** What one attempt is doing, so its timer or the caller's signal can stop it at any hop. */
interface AttemptState {
  current: CollectingHandler | undefined;
  /** Set when the attempt was stopped; later hops of the same attempt must not start. */
  failure: Error | undefined;
}

/** One hop of an attempt. */
interface HopInput {
  readonly url: URL;
  readonly method: string;
  readonly headers: Record<string, string>;
  readonly body: string | Uint8Array | undefined;
  readonly drainRedirects: boolean;
  readonly timeoutMs: number;
  readonly state: AttemptState;
}

/** One attempt: the request as sanitised once, and the state its timer and signal act on. */
interface AttemptInput {
  readonly request: EgressRequest;
  readonly first: URL;
  readonly headers: Record<string, string>;
  readonly state: AttemptState;
}

/** The checks made on every URL before it is dialled (the connector repeats the address check). */
function checkUrl(url: URL, policy: AddressPolicy): void {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new EgressDeniedError(`egress to a ${url.protocol} URL refused: only http: and https: URLs may be called — use an http(s) endpoint`, {
      scheme: url.protocol,
      rule: 'scheme',
    });
  }
  const host = url.hostname;
  const literal = host.startsWith('[') ? host.slice(1, -1) : host;
  if (isIP(literal) !== 0) {
    const denied = policy.check(host, literal);
    if (denied !== undefined) throw denied;
  } else {
    const denied = policy.checkName(host);
    if (denied !== undefined) throw denied;
  }
  if (url.username !== '' || url.password !== '') {
    throw requestInvalid(`the URL for ${url.host} contains credentials (user@host) — send them in an Authorization header instead`, { host: url.host });
  }
}

function parseUrl(text: string): URL {
  if (typeof text !== 'string' || !URL.canParse(text)) {
    throw requestInvalid('the request URL is not a valid absolute URL — give scheme, host and path, e.g. "https://api.example.com/items"');
  }
  return new URL(text);
}

/** Creates the egress client. Validates options and builds one pooled undici Agent. */
export function createEgressClient(options: EgressClientOptions = {}): EgressClient {
  const resolved = resolveEgressClientOptions(options);
  const policy = createAddressPolicy({ allow: resolved.allow, allowMetadata: resolved.allowMetadata });
  const clock = options.clock ?? systemClock;
  const sleep = options.sleep ?? defaultSleep;
  const random = options.random ?? Math.random;
  const agent = new Agent({
    connect: createGuardedConnector({
      policy,
      lookup: options.lookup ?? defaultLookup,
      connectTimeoutMs: resolved.connectTimeoutMs,
      ...(options.ca === undefined ? {} : { ca: options.ca }),
    }),
    headersTimeout: resolved.headersTimeoutMs,
    bodyTimeout: resolved.bodyIdleTimeoutMs,
    ...(resolved.connectionsPerOrigin === undefined ? {} : { connections: resolved.connectionsPerOrigin }),
  });

  async function hop(input: HopInput): Promise<RawResponse> {
    const { url, method, headers, body, drainRedirects, timeoutMs, state } = input;
    if (state.failure !== undefined) throw state.failure;
    const headersTimeoutMs = Math.min(resolved.headersTimeoutMs, timeoutMs);
    const bodyTimeoutMs = Math.min(resolved.bodyIdleTimeoutMs, timeoutMs);
    const handler = new CollectingHandler({ method, origin: url.origin, maxBytes: resolved.maxResponseBytes, drainRedirects, headersTimeoutMs, bodyTimeoutMs });
    state.current = handler;
    agent.dispatch(
      {
        origin: url.origin,
        path: `${url.pathname}${url.search}`,
        method,
        headers,
        body: body ?? null,
        headersTimeout: headersTimeoutMs,
        bodyTimeout: bodyTimeoutMs,
      },
      handler,
    );
    return handler.promise;
  }

  /** One attempt: the request and its redirect hops, under one total timeout. */
  async function attempt(input: AttemptInput): Promise<RawResponse & { url: URL }> {
    const { request, first, headers, state } = input;
    const timeoutMs = request.timeoutMs ?? resolved.totalTimeoutMs;
    const maxRedirects = request.maxRedirects ?? resolved.maxRedirects;
    let url = first;
    let method = request.method.toUpperCase();
    let body = request.body;
    let hopHeaders = headers;
    const timer = setTimeout(() => {
      const sent = state.current?.requestSent ?? false;
      const error = new EgressTimeoutError(`${method} ${url.origin}: no complete response within ${timeoutMs} ms (total timeout) — the upstream is slow or hanging; the socket was closed`, {
        phase: 'total',
        origin: url.origin,
        timeoutMs,
        requestSent: sent,
      });
      state.failure ??= error;
      state.current?.fail(error);
    }, timeoutMs);
    try {
      for (let hops = 0; ; hops++) {
        const response = await hop({ url, method, headers: hopHeaders, body, drainRedirects: maxRedirects > 0, timeoutMs, state });
        const location = response.headers['location'];
        if (!REDIRECTS.has(response.status) || typeof location !== 'string' || maxRedirects === 0 || !URL.canParse(location, url.href)) {
          return { ...response, url };
        }
        if (hops >= maxRedirects) {
          throw new EgressTooManyRedirectsError(`${request.method.toUpperCase()} ${first.origin}: more than ${maxRedirects} redirects — the upstream redirects in a loop or too deep; call the final URL directly`, {
            origin: first.origin,
            maxRedirects,
          });
        }
        const next = new URL(location, url);
        checkUrl(next, policy);
        if (response.status === 303 ? method !== 'HEAD' : (response.status === 301 || response.status === 302) && method === 'POST') {
          method = 'GET';
          body = undefined;
          hopHeaders = withoutBodyHeaders(hopHeaders);
        }
        if (next.origin !== url.origin) {
          hopHeaders = withoutHeaders(hopHeaders, [...resolved.sensitiveHeaders, ...(request.sensitiveHeaders ?? []).map((name) => name.toLowerCase())]);
        }
        url = next;
      }
    } finally {
      clearTimeout(timer);
      state.current = undefined;
    }
  }

  async function send(request: EgressRequest): Promise<EgressResponse> {
    const first = parseUrl(request.url);
    if (typeof request.method !== 'string' || !METHOD.test(request.method) || request.method.toUpperCase() === 'CONNECT') {
      throw requestInvalid(`request method "${String(request.method).slice(0, 32)}" is not valid — use GET, POST, PUT, PATCH, DELETE, HEAD or OPTIONS`);
    }
    if (request.timeoutMs !== undefined && (!Number.isFinite(request.timeoutMs) || request.timeoutMs <= 0)) {
      throw requestInvalid(`request timeoutMs must be a positive number of milliseconds (got ${String(request.timeoutMs)})`);
    }
    if (request.maxRedirects !== undefined && (!Number.isInteger(request.maxRedirects) || request.maxRedirects < 0)) {
      throw requestInvalid(`request maxRedirects must be an integer ≥ 0 (got ${String(request.maxRedirects)})`);
    }
    checkUrl(first, policy);
    const headers = sanitizeRequestHeaders(request.headers ?? {}, resolved.maxRequestHeaderBytes);
    const policyInForce = request.retry === undefined ? resolved.retry : validateRetryPolicy(request.retry);
    const retries = retryCount(policyInForce);
    const repeatable = request.idempotent === true || IDEMPOTENT_METHODS.has(request.method.toUpperCase());
    const signal = request.signal;
    const aborted = (): EgressAbortedError =>
      new EgressAbortedError(`${request.method.toUpperCase()} ${first.origin}: aborted by the caller`, { origin: first.origin }, signal?.reason);
    let active: AttemptState | undefined;
    const onAbort = (): void => {
      if (active === undefined) return;
      const error = aborted();
      active.failure ??= error;
      active.current?.fail(error);
    };
    if (signal !== undefined) {
      if (signal.aborted) throw aborted();
      signal.addEventListener('abort', onAbort, { once: true });
    }
    let lastStatus: number | undefined;
    try {
      for (let attempts = 1; ; attempts++) {
        let wait: number;
        try {
          active = { current: undefined, failure: undefined };
          const response = await attempt({ request, first, headers, state: active });
          lastStatus = response.status;
          if (attempts > retries || policyInForce === 'none' || !isRetryableStatus(response.status)) {
            const { headers: responseHeaders, setCookie } = normalizeResponseHeaders(response.headers);
            return { status: response.status, headers: responseHeaders, setCookie, body: response.body, url: response.url.href, attempts };
          }
          const retryAfterHeader = response.headers['retry-after'];
          const retryAfter = parseRetryAfter(typeof retryAfterHeader === 'string' ? retryAfterHeader : undefined, clock.now());
          wait = retryAfter === undefined ? retryDelay(policyInForce, attempts, random) : Math.min(retryAfter, resolved.maxRetryAfterMs);
        } catch (error) {
          if (signal?.aborted === true) throw aborted();
          if (attempts > retries || policyInForce === 'none' || !canRetry(error, repeatable)) {
            throw withAttempts(error, attempts, lastStatus);
          }
          wait = retryDelay(policyInForce, attempts, random);
        }
        try {
          await sleep(wait, signal);
        } catch (error) {
          if (signal?.aborted === true) throw aborted();
          throw error;
        }
        if (signal?.aborted === true) throw aborted();
      }
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  return {
    send,
    close: () => agent.close(),
    options: resolved,
  };
}

/** A failed attempt may be retried when the error is transient and repeating the request is safe. */
function canRetry(error: unknown, repeatable: boolean): boolean {
  if (!isPlugboardError(error) || !error.retryable) return false;
  // A request that never left (refused, DNS, connect timeout) is safe to send again whatever its method.
  return repeatable || error.details?.['requestSent'] === false;
}

/**
 * Adds `attempts` and the last upstream status seen (if any) to a final error's details. The error
 * objects are created per attempt by this client, so amending them shares nothing with anyone;
 * `details` is readonly for consumers, hence defineProperty.
 */
function withAttempts(error: unknown, attempts: number, lastStatus: number | undefined): unknown {
  if (isPlugboardError(error)) {
    const details = { ...error.details, attempts, ...(lastStatus === undefined ? {} : { lastStatus }) };
    Object.defineProperty(error, 'details', { value: Object.freeze(details), enumerable: true, configurable: true, writable: false });
  }
  return error;
}
