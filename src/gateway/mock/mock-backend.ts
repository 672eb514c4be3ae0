/**
 * The mock backend of one connector definition, as a node:http request handler: routes a request
 * to an operation (as the backend sees it after request policies), checks it, and answers a
 * schema-valid response. Webhook subscriptions get a `Location` under `/__mock/subscriptions/`
 * that accepts DELETE. Every request is recorded, with credentials redacted.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ConnectorDefinition, Operation } from '../../connectors/index.ts';
import { silentLogger } from '../../core/index.ts';
import type { Logger } from '../../core/index.ts';
import { checkRequest } from './check-request.ts';
import type { CheckedRequest, MockProblem, MockRequest } from './check-request.ts';
import { createValueGenerator } from './generate-value.ts';
import { isRecord } from './json.ts';
import { PAGE_PARAMETER, buildAnswer, isSubscription } from './mock-response.ts';
import type { MockAnswer } from './mock-response.ts';
import { compareFit, compileRoute, declaredView, matchRoutes } from './route-table.ts';
import type { BackendView, BackendViewOf, Route, RouteMatch } from './route-table.ts';
import { createSchemaValidator } from './schema-validator.ts';

/** Options of {@link createMockBackend}. */
export interface MockBackendOptions {
  /** What the backend sees of each operation after request policies; default: the operation as declared. */
  readonly backendView?: BackendViewOf;
  /** The mock's origin (`http://127.0.0.1:1234`) for `Location` headers and next links; default: from the `Host` header. */
  readonly origin?: () => string | undefined;
  readonly logger?: Logger;
  /** Seed of generated values. Default 1. */
  readonly seed?: number;
  /** Larger request bodies are refused with 413. Default 16 MiB. */
  readonly maxBodyBytes?: number;
  /** Called with each request once it is answered (e.g. to print a request log). */
  readonly onRequest?: (record: MockRequestRecord) => void;
  /** Calls policies make by themselves (setvaluefromurl) and the values their answers must carry. */
  readonly auxiliaryRoutes?: readonly AuxiliaryRoute[];
}

/**
 * A call a policy makes by itself (setvaluefromurl fetches a token or an ETag) and the values its
 * answer must carry. When the route is also an operation, the operation answers and the values
 * are added to its JSON body (Planner reads `@odata.etag`, which the task schema does not
 * declare); otherwise the answer is these values (Cradl AI's `POST /oauth2/token` → `access_token`).
 */
export interface AuxiliaryRoute {
  readonly method: string;
  /** Relative to the base path; may carry a query the request must have (`/oauth2/token?grant_type=client_credentials`). */
  readonly path: string;
  /** Top-level properties of the JSON answer, e.g. `{ "access_token": "mock-token" }`. */
  readonly values: Readonly<Record<string, unknown>>;
}

/** One request the mock received. Credential values are replaced by `[redacted]`. */
export interface MockRequestRecord {
  readonly method: string;
  /** The path as received (no query). */
  readonly path: string;
  readonly query: Readonly<Record<string, readonly string[]>>;
  /** Lower-case names. */
  readonly headers: Readonly<Record<string, string>>;
  /** JSON value, text, or form fields (file parts as `{filename, size}`); undefined without a body. */
  readonly body?: unknown;
  /** The operation the request was routed to. */
  readonly operationId?: string;
  /** The path prefix before the operation's path (`/api/v2`), `''` when none. */
  readonly prefix?: string;
  readonly status: number;
  readonly problems: readonly MockProblem[];
}

/** A webhook subscription the mock accepted. */
export interface MockSubscription {
  readonly id: string;
  readonly operationId: string;
  /** Absolute URL answered in `Location`; DELETE on it ends the subscription. */
  readonly location: string;
  /** The callback URL found in the subscribe body (at the `x-ms-notification-url` property). */
  readonly callbackUrl?: string;
  readonly active: boolean;
}

/** One operation the mock serves. */
export interface MockRoute {
  readonly method: string;
  /** Base path + the path the backend sees. */
  readonly path: string;
  readonly operationId: string;
  readonly role: 'action' | 'webhook subscription' | 'polling trigger';
}

/** A mock backend: its request handler and what it has seen. */
export interface MockBackend {
  readonly handler: (request: IncomingMessage, response: ServerResponse) => void;
  /** Live list, oldest first. */
  readonly requests: readonly MockRequestRecord[];
  /** Live list, oldest first. */
  readonly subscriptions: readonly MockSubscription[];
  readonly routes: readonly MockRoute[];
}

const SUBSCRIPTIONS_PATH = '/__mock/subscriptions/';
const DEFAULT_MAX_BODY = 16 * 1024 * 1024;
const SECRET_NAME = /key|token|secret|password|passwd|signature|credential|auth|cookie|session/i;

/** `/` and `` become ``; a leading slash is added and a trailing one dropped. */
function normalizeBasePath(basePath: string | undefined): string {
  const trimmed = (basePath ?? '').trim();
  if (trimmed === '' || trimmed === '/') return '';
  const withSlash = trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
  return withSlash.endsWith('/') ? withSlash.slice(0, -1) : withSlash;
}

function roleOf(operation: Operation): MockRoute['role'] {
  if (isSubscription(operation)) return 'webhook subscription';
  return operation.kind === 'trigger' ? 'polling trigger' : 'action';
}

/** An operation and how the backend sees it. */
interface OperationTarget {
  readonly operation: Operation;
  readonly view: BackendView;
}

/** Where a request went and what it was answered. */
interface Routed {
  readonly answer: MockAnswer;
  readonly operationId?: string;
  readonly prefix?: string;
  readonly checked?: CheckedRequest;
}

/** Reads a JSON pointer (`/notification/url`) inside a value. */
function atPointer(value: unknown, pointer: string): unknown {
  let current = value;
  for (const raw of pointer.split('/').slice(1)) {
    const token = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(current)) current = current[Number(token)];
    else if (isRecord(current) && Object.hasOwn(current, token)) current = current[token];
    else return undefined;
  }
  return current;
}

/** Creates the mock backend of `definition`. */
export function createMockBackend(definition: ConnectorDefinition, options: MockBackendOptions = {}): MockBackend {
  const viewOf = options.backendView ?? declaredView;
  const logger = options.logger ?? silentLogger;
  const seed = options.seed ?? 1;
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY;
  const basePath = normalizeBasePath(definition.basePath);
  const routes: Route<OperationTarget>[] = definition.operations.map((operation, index) => {
    const view = viewOf(operation);
    return compileRoute({ operation, view }, view, index);
  });
  const auxiliary: Route<AuxiliaryRoute>[] = (options.auxiliaryRoutes ?? []).map((entry, index) => compileRoute(entry, entry, index));
  const validator = createSchemaValidator(definition.schemaDefinitions);
  const generator = createValueGenerator({ definitions: definition.schemaDefinitions, direction: 'response' });
  const requests: MockRequestRecord[] = [];
  const subscriptions: MockSubscription[] = [];

  const secretHeaders = new Set(['authorization', 'proxy-authorization', 'cookie']);
  const secretQuery = new Set<string>();
  for (const scheme of definition.securityDefinitions) {
    if (scheme.type !== 'apiKey') continue;
    if (scheme.in === 'header') secretHeaders.add(scheme.parameterName.toLowerCase());
    else secretQuery.add(scheme.parameterName.toLowerCase());
  }
  const isSecretHeader = (name: string): boolean => secretHeaders.has(name.toLowerCase()) || SECRET_NAME.test(name);
  const isCredentialQuery = (name: string): boolean => secretQuery.has(name.toLowerCase());
  const isSecretQuery = (name: string): boolean => isCredentialQuery(name) || SECRET_NAME.test(name);

  function record(entry: MockRequestRecord): void {
    requests.push(entry);
    options.onRequest?.(entry);
  }

  function redactedHeaders(request: IncomingMessage): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) {
      if (value === undefined) continue;
      out[name] = isSecretHeader(name) ? '[redacted]' : Array.isArray(value) ? value.join(', ') : value;
    }
    return out;
  }

  function redactedQuery(query: URLSearchParams): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    for (const [name, value] of query) {
      const list = Object.hasOwn(out, name) ? (out[name] ?? []) : [];
      list.push(isSecretQuery(name) ? '[redacted]' : value);
      Object.defineProperty(out, name, { value: list, enumerable: true, writable: true, configurable: true });
    }
    return out;
  }

  function originOf(request: IncomingMessage): string {
    return options.origin?.() ?? `http://${request.headers.host ?? '127.0.0.1'}`;
  }

  async function route(request: IncomingMessage, mockRequest: MockRequest): Promise<Routed> {
    // A next link the mock gave out is followed with GET, also for a POST operation (Power
    // Automate pagination does so): a page request may match any method, and carries no body.
    const followingPage = mockRequest.query.has(PAGE_PARAMETER);
    let matches = matchRoutes(routes, mockRequest, { basePath });
    if (matches.length === 0 && followingPage) matches = matchRoutes(routes, mockRequest, { basePath, anyMethod: true });
    const auxiliaryMatch = matchRoutes(auxiliary, mockRequest, { basePath })[0];
    const best = matches[0];
    if (best === undefined && auxiliaryMatch !== undefined) return { answer: jsonAnswer(200, auxiliaryMatch.route.target.values), prefix: auxiliaryMatch.prefix };
    if (best === undefined) {
      const sameMethod = routes.filter((candidate) => candidate.method === mockRequest.method).length;
      return {
        answer: jsonAnswer(404, {
          error: {
            code: 'MockRouteNotFound',
            message: `no operation of "${definition.info.title}" matches ${mockRequest.method} ${mockRequest.path} — ${sameMethod} operation(s) use ${mockRequest.method}; the mock serves the routes listed here`,
            method: mockRequest.method,
            path: mockRequest.path,
            routes: publicRoutes.map((r) => `${r.method} ${r.path}`),
          },
        }),
      };
    }
    const candidates = matches.filter((candidate) => compareFit(candidate, best) === 0);
    let chosen: { match: RouteMatch<OperationTarget>; checked: CheckedRequest } | undefined;
    for (const candidate of candidates) {
      const checked = await checkRequest(mockRequest, {
        operation: candidate.route.target.operation,
        view: candidate.route.target.view,
        params: candidate.params,
        definition,
        validator,
        logger,
        checkBody: !followingPage,
      });
      if (checked.problems.length === 0) {
        chosen = { match: candidate, checked };
        break;
      }
      chosen ??= { match: candidate, checked };
    }
    if (chosen === undefined) throw new Error('route candidates vanished');
    const { match, checked } = chosen;
    const { operation } = match.route.target;
    const routed = { operationId: operation.operationId, prefix: match.prefix, checked };
    if (checked.problems.length > 0) {
      return {
        ...routed,
        answer: jsonAnswer(400, {
          error: {
            code: 'MockRequestInvalid',
            operationId: operation.operationId,
            message: `the request does not satisfy operation \`${operation.operationId}\` (${checked.problems.length} problem(s))`,
            problems: checked.problems,
          },
        }),
      };
    }
    const origin = originOf(request);
    let location: string | undefined;
    if (isSubscription(operation)) {
      const id = `sub-${subscriptions.length + 1}`;
      location = `${origin}${SUBSCRIPTIONS_PATH}${id}`;
      const callback = operation.callbackUrl === undefined ? undefined : atPointer(checked.body, operation.callbackUrl.bodyPath);
      subscriptions.push({ id, operationId: operation.operationId, location, callbackUrl: typeof callback === 'string' ? callback : undefined, active: true });
    }
    const extraValues = auxiliaryMatch?.route.target.values;
    const answer = buildAnswer(operation, { origin, path: mockRequest.path, query: mockRequest.query, location, extraValues }, { generator, validator, logger, seed, isCredentialQuery });
    return { ...routed, answer };
  }

  function subscriptionAnswer(method: string, path: string): MockAnswer {
    const id = decodeSafely(path.slice(SUBSCRIPTIONS_PATH.length));
    const index = subscriptions.findIndex((subscription) => subscription.id === id);
    const subscription = subscriptions[index];
    if (subscription === undefined || !subscription.active) {
      return jsonAnswer(404, { error: { code: 'MockSubscriptionNotFound', message: `no active subscription \`${id}\` — it was never created or is already deleted` } });
    }
    if (method === 'DELETE') {
      subscriptions[index] = { ...subscription, active: false };
      return { status: 204, headers: {}, body: undefined };
    }
    if (method === 'GET') return jsonAnswer(200, subscription);
    return jsonAnswer(405, { error: { code: 'MockMethodNotAllowed', message: `${method} is not supported on a subscription — use DELETE to unsubscribe` } });
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const method = (request.method ?? 'GET').toUpperCase();
    const url = requestTarget(request.url ?? '/');
    const base = { method, path: url.pathname, query: redactedQuery(url.searchParams), headers: redactedHeaders(request) };
    const body = await readBody(request, maxBodyBytes);
    if (body === undefined) {
      const answer = jsonAnswer(413, { error: { code: 'MockBodyTooLarge', message: `the request body is larger than ${maxBodyBytes} bytes` } });
      record({ ...base, status: answer.status, problems: [] });
      writeAnswer(response, answer, method);
      return;
    }
    if (url.pathname.startsWith(SUBSCRIPTIONS_PATH)) {
      const answer = subscriptionAnswer(method, url.pathname);
      record({ ...base, status: answer.status, problems: [] });
      writeAnswer(response, answer, method);
      return;
    }
    const mockRequest: MockRequest = { method, path: url.pathname, query: url.searchParams, headers: request.headers, body };
    const { answer, operationId, prefix, checked } = await route(request, mockRequest);
    record({ ...base, body: checked?.body, operationId, prefix, status: answer.status, problems: checked?.problems ?? [] });
    writeAnswer(response, answer, method);
  }

  const publicRoutes: MockRoute[] = routes.map((r) => ({ method: r.method, path: `${basePath}${r.template}`, operationId: r.target.operation.operationId, role: roleOf(r.target.operation) }));

  return {
    handler(request, response) {
      handle(request, response).catch((error: unknown) => {
        logger.error('mock: request failed', { reason: error instanceof Error ? error.message : String(error) });
        if (!response.headersSent) writeAnswer(response, jsonAnswer(500, { error: { code: 'MockInternalError', message: 'the mock backend failed on this request; see its log' } }), 'GET');
        else response.destroy();
      });
    },
    requests,
    subscriptions,
    routes: publicRoutes,
  };
}

/**
 * Path and query of a request target. Parsed by hand: `new URL('//items', base)` would read
 * `items` as a host, and a gateway joining a base URL ending in `/` sends such paths.
 */
function requestTarget(target: string): { pathname: string; searchParams: URLSearchParams } {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(target)) {
    const absolute = new URL(target);
    return { pathname: absolute.pathname, searchParams: absolute.searchParams };
  }
  const queryAt = target.indexOf('?');
  return {
    pathname: queryAt < 0 ? target : target.slice(0, queryAt),
    searchParams: new URLSearchParams(queryAt < 0 ? '' : target.slice(queryAt + 1)),
  };
}

function decodeSafely(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function jsonAnswer(status: number, value: unknown): MockAnswer {
  return { status, headers: { 'content-type': 'application/json; charset=utf-8' }, body: new TextEncoder().encode(JSON.stringify(value)), value };
}

function writeAnswer(response: ServerResponse, answer: MockAnswer, method: string): void {
  const headers: Record<string, string | number> = { ...answer.headers };
  if (answer.body !== undefined) headers['content-length'] = answer.body.length;
  response.writeHead(answer.status, headers);
  if (answer.body === undefined || method === 'HEAD' || answer.status === 204) response.end();
  else response.end(answer.body);
}

/** The request body, or undefined when it exceeds `limit` bytes. */
async function readBody(request: IncomingMessage, limit: number): Promise<Uint8Array | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  let tooLarge = false;
  for await (const chunk of request) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > limit) tooLarge = true;
    else chunks.push(buffer);
  }
  return tooLarge ? undefined : new Uint8Array(Buffer.concat(chunks));
}

