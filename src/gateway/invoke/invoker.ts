/**
 * The invoker: one call of one connector operation through the whole chain —
 * caller → connection (permission) → custom code check → rate limit → request built from the
 * arguments → credentials → request policies → egress (or the sandboxed script) → response
 * policies → redaction → typed error for non-2xx → pagination.
 */
import type { ConnectorDefinition, Operation } from '../../connectors/index.ts';
import { NotFoundError, PlugboardError, UserInputError, isPlugboardError } from '../../core/index.ts';
import { UpstreamError } from '../errors.ts';
import { buildRequest } from './build-request.ts';
import type { OperationArguments } from './build-request.ts';
import { applyCredentials } from './credentials.ts';
import { decodeBody, encodeBody } from './encode-body.ts';
import { matchOperation } from './match-operation.ts';
import type { OperationMatch } from './match-operation.ts';
import { requestUrl } from './outgoing-request.ts';
import type { OutgoingRequest } from './outgoing-request.ts';
import type {
  AccessTokens,
  CallLimiter,
  Caller,
  ConnectionAccess,
  ConnectorLookup,
  ConnectorPolicies,
  CustomCodeHook,
  CustomCodeResolver,
  Egress,
  PolicyCompiler,
  PolicyStepContext,
  UsableConnection,
  WorkingResponse,
} from './ports.ts';
import { createRedactor } from './redact.ts';
import type { Redactor } from './redact.ts';

/** Options of {@link createInvoker}. */
export interface InvokerOptions {
  readonly connectors: ConnectorLookup;
  readonly connections: ConnectionAccess;
  readonly egress: Egress;
  readonly tokens?: AccessTokens;
  readonly limiter?: CallLimiter;
  readonly policies?: PolicyCompiler;
  readonly customCode?: CustomCodeResolver;
  /** Most pages `x-ms-pageable` follows before it stops (default 10). */
  readonly pageCap?: number;
  /** Builds the gateway URL a next-page link is rewritten to (updatenextlink). */
  readonly nextLinkUrl?: (target: { environment: string; connectionId: string; url: string }) => string;
}

/** A library call of one operation. */
export interface InvokeRequest {
  readonly environment: string;
  readonly caller: Caller;
  readonly connectionId: string;
  readonly operationId: string;
  readonly arguments?: OperationArguments;
  /** Follow `x-ms-pageable` next links (default true). */
  readonly followPages?: boolean;
  /** `none`: no retry by the egress client — the caller applies its own policy (a flow action's `retryPolicy`). */
  readonly retry?: 'none';
}

/** A raw HTTP request to `/apim/{connector}/{connectionId}/{path…}`. */
export interface RawInvokeRequest {
  readonly environment: string;
  readonly caller: Caller;
  readonly connectorName: string;
  readonly connectionId: string;
  readonly method: string;
  /** The operation path, e.g. `/items/42` (the base path may be included). */
  readonly path: string;
  readonly query: readonly (readonly [string, string])[];
  readonly headers: Readonly<Record<string, string>>;
  readonly body: unknown;
  /** As {@link InvokeRequest.retry}. */
  readonly retry?: 'none';
}

/** The answer of an operation. */
export interface InvokeResult {
  readonly operationId: string;
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: unknown;
  /** Pages fetched (1 unless the operation is pageable and next links were followed). */
  readonly pages: number;
}

/** The invoker. */
export interface Invoker {
  /** Calls `operationId` with argument values; throws UpstreamError for a non-2xx answer. */
  invoke(request: InvokeRequest): Promise<InvokeResult>;
  /** Calls the operation an HTTP request addresses; a non-2xx answer is returned, not thrown. */
  invokeRaw(request: RawInvokeRequest): Promise<InvokeResult>;
}

interface CompiledConnector {
  readonly key: string;
  readonly definition: ConnectorDefinition;
  readonly policies: ConnectorPolicies | undefined;
  readonly customCode: Map<string, CustomCodeHook>;
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'te', 'upgrade', 'proxy-authorization', 'proxy-authenticate', 'trailer', 'content-length', 'content-encoding']);
const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);

/** Creates the invoker. */
export function createInvoker(options: InvokerOptions): Invoker {
  const compiled = new Map<string, CompiledConnector>();
  const pageCap = options.pageCap ?? 10;
  // Per secrets list of a resolved connection (the connection lookup reuses it for a moment, and
  // building the needles is a measurable part of a call); held weakly, so it goes with the connection.
  const redactors = new WeakMap<readonly string[], Redactor>();

  /** The redactor of `base` plus `extra` (the credentials a call put on the wire). */
  function redactorFor(base: readonly string[], extra: readonly string[]): Redactor {
    if (!extra.every((secret) => base.includes(secret))) return createRedactor([...base, ...extra]);
    let redactor = redactors.get(base);
    if (redactor === undefined) {
      redactor = createRedactor(base);
      redactors.set(base, redactor);
    }
    return redactor;
  }

  async function connectorFor(environment: string, name: string): Promise<CompiledConnector> {
    const resolved = await options.connectors.resolve(environment, name);
    const cached = compiled.get(resolved.key);
    if (cached !== undefined) return cached;
    const entry: CompiledConnector = {
      key: resolved.key,
      definition: resolved.definition,
      policies: options.policies?.(resolved.definition),
      customCode: new Map(),
    };
    if (compiled.size > 500) compiled.clear();
    compiled.set(resolved.key, entry);
    return entry;
  }

  function customCodeOf(connector: CompiledConnector, operationId: string): CustomCodeHook {
    if (options.customCode === undefined) return { kind: 'none' };
    let hook = connector.customCode.get(operationId);
    if (hook === undefined) {
      hook = options.customCode(connector.definition, operationId);
      connector.customCode.set(operationId, hook);
    }
    return hook;
  }

  async function run(
    environment: string,
    connection: UsableConnection,
    connector: CompiledConnector,
    operation: Operation,
    args: OperationArguments,
    original: PolicyStepContext['originalRequest'],
    followPages: boolean,
    retry: 'none' | undefined,
  ): Promise<InvokeResult> {
    const hook = customCodeOf(connector, operation.operationId);
    if (hook.kind === 'unsupported') throw hook.error;
    options.limiter?.acquire(connection.id);

    const definition = connector.definition;
    const built = buildRequest(definition, operation, args);
    let accessToken = connection.usesOAuth ? await tokenFor(connection, false) : undefined;
    let request = built.request;
    let redactor = redactorFor(connection.secrets, applyCredentials(definition, request, { parameters: connection.parameters, accessToken }));

    const context: PolicyStepContext = {
      operationId: operation.operationId,
      originalMethod: request.method,
      pathParameters: built.pathParameters,
      connectionParameters: connection.parameters,
      originalRequest: original,
      send: async (auxiliary) => {
        const copy: OutgoingRequest = { ...auxiliary, headers: { ...auxiliary.headers }, query: [...auxiliary.query] };
        if (copy.baseUrl === '') copy.baseUrl = request.baseUrl;
        applyCredentials(definition, copy, { parameters: connection.parameters, accessToken });
        const answer = await sendRaw(copy, true, retry);
        return { status: answer.status, headers: answer.headers, body: decodeBody(answer.body, answer.headers['content-type']) };
      },
      rewriteNextLink: (url) => options.nextLinkUrl?.({ environment, connectionId: connection.id, url }) ?? url,
    };

    if (connector.policies !== undefined) request = await connector.policies.applyRequest(operation.operationId, request, context);
    if (request.baseUrl === '') {
      throw new UserInputError(
        `connector \`${connection.connectorName}\` has no host, and no dynamichosturl policy set one for \`${operation.operationId}\` — add \`host\` to the definition or a dynamichosturl policy template`,
        { code: 'ConnectorHostMissing', details: { operationId: operation.operationId } },
      );
    }

    let answer = await send(request, hook);
    if (answer.status === 401 && connection.usesOAuth && options.tokens !== undefined) {
      // An access token the backend refuses may have been revoked early: refresh once and retry.
      const rejected = accessToken;
      accessToken = await tokenFor(connection, true, rejected);
      if (accessToken !== undefined) {
        request.headers['authorization'] = `Bearer ${accessToken}`;
        // The renewed token is a secret of this call too: an echoing backend must not hand it back.
        redactor = createRedactor([...connection.secrets, ...(rejected === undefined ? [] : [rejected]), accessToken]);
        answer = await send(request, hook);
      }
    }

    let response: WorkingResponse = { status: answer.status, headers: answer.headers, body: decodeBody(answer.body, answer.headers['content-type']) };
    if (connector.policies !== undefined) {
      let after = await connector.policies.applyResponse(operation.operationId, response, context);
      if ((after.status < 200 || after.status >= 300) && connector.policies.applyFailure !== undefined) {
        const failed = await connector.policies.applyFailure(operation.operationId, after, context);
        after = { ...failed, connectionUnauthenticated: failed.connectionUnauthenticated === true || after.connectionUnauthenticated === true };
      }
      if (after.connectionUnauthenticated === true) {
        await options.connections.setStatus(connection.id, 'unauthenticated', `the backend answered ${after.status} to \`${operation.operationId}\``);
      }
      response = after;
    }
    if (answer.status === 401 && connection.usesOAuth) {
      await options.connections.setStatus(connection.id, 'unauthenticated', `the backend refused the access token (401) for \`${operation.operationId}\``);
    }

    let pages = 1;
    if (followPages && response.status >= 200 && response.status < 300 && operation.pageable?.nextLinkName) {
      pages = await followNextLinks(operation.pageable.nextLinkName, response, request, hook);
    }
    const result: InvokeResult = {
      operationId: operation.operationId,
      status: response.status,
      headers: redactHeaders(response.headers, redactor),
      body: redactor.active ? redactor.redact(response.body) : response.body,
      pages,
    };
    return result;

    async function send(outgoing: OutgoingRequest, codeHook: CustomCodeHook) {
      if (codeHook.kind !== 'sandbox') return sendRaw(outgoing, IDEMPOTENT.has(outgoing.method), retry);
      const wire = onTheWire(outgoing);
      const scriptAnswer = await codeHook.run({
        operationId: operation.operationId,
        request: {
          method: outgoing.method,
          url: wire.url,
          headers: wire.headers,
          body: wire.body === undefined ? null : typeof wire.body === 'string' ? wire.body : Buffer.from(wire.body).toString('utf8'),
        },
        send: async (message, limits) => {
          // The script's remaining time and cancellation bound its backend calls too.
          const reply = await options.egress.send({
            method: message.method.toUpperCase(),
            url: message.url,
            headers: lowerCaseKeys(message.headers),
            body: message.body ?? undefined,
            idempotent: IDEMPOTENT.has(message.method.toUpperCase()),
            ...(retry === undefined ? {} : { retry }),
            ...(limits?.timeoutMs === undefined ? {} : { timeoutMs: limits.timeoutMs }),
            ...(limits?.signal === undefined ? {} : { signal: limits.signal }),
          });
          return { status: reply.status, headers: reply.headers, body: new TextDecoder().decode(reply.body) };
        },
      });
      return {
        status: scriptAnswer.status,
        headers: lowerCaseKeys(scriptAnswer.headers),
        body: scriptAnswer.body === null ? new Uint8Array() : new TextEncoder().encode(scriptAnswer.body),
        url: requestUrl(outgoing),
      };
    }

    async function followNextLinks(nextLinkName: string, first: WorkingResponse, lastRequest: OutgoingRequest, codeHook: CustomCodeHook): Promise<number> {
      let count = 1;
      let page = first.body;
      const items = arrayOf(page);
      if (items === undefined) return 1;
      const origin = new URL(requestUrl(lastRequest)).origin;
      while (count < pageCap) {
        const next = nextLinkOf(page, nextLinkName);
        if (next === undefined) break;
        let target: URL;
        try {
          target = new URL(next, requestUrl(lastRequest));
        } catch {
          break;
        }
        const headers: Record<string, string> = { accept: lastRequest.headers['accept'] ?? 'application/json' };
        // Credentials go only back to the backend they belong to.
        if (target.origin === origin) {
          for (const name of ['authorization', ...Object.keys(lastRequest.headers).filter((header) => header.startsWith('x-'))]) {
            const value = lastRequest.headers[name];
            if (value !== undefined) headers[name] = value;
          }
        }
        const nextAnswer = await send({ method: 'GET', baseUrl: target.origin, path: `${target.pathname}${target.search}`, query: [], headers, body: undefined }, codeHook);
        if (nextAnswer.status < 200 || nextAnswer.status >= 300) break;
        page = decodeBody(nextAnswer.body, nextAnswer.headers['content-type']);
        const more = arrayOf(page);
        if (more === undefined) break;
        items.push(...more);
        count++;
      }
      if (typeof first.body === 'object' && first.body !== null && !Array.isArray(first.body)) {
        const merged: Record<string, unknown> = { ...(first.body as Record<string, unknown>), value: items };
        const remaining = nextLinkOf(page, nextLinkName);
        if (remaining === undefined) delete merged[nextLinkName];
        else merged[nextLinkName] = remaining;
        first.body = merged;
      }
      return count;
    }
  }

  async function sendRaw(request: OutgoingRequest, idempotent: boolean, retry: 'none' | undefined) {
    const wire = onTheWire(request);
    return options.egress.send({ method: request.method, url: wire.url, headers: wire.headers, body: wire.body, idempotent, ...(retry === undefined ? {} : { retry }) });
  }

  async function tokenFor(connection: UsableConnection, forceRefresh: boolean, rejectedAccessToken?: string): Promise<string | undefined> {
    if (!connection.usesOAuth) return undefined;
    if (options.tokens === undefined) {
      throw new PlugboardError('this server has no OAuth client configured, so OAuth connections cannot be used', { code: 'OAuthNotConfigured', kind: 'operational' });
    }
    return options.tokens.getAccessToken(connection.id, { forceRefresh, ...(rejectedAccessToken === undefined ? {} : { rejectedAccessToken }) });
  }

  async function invoke(request: InvokeRequest): Promise<InvokeResult> {
    const connection = await options.connections.resolveForUse(request.environment, request.caller, request.connectionId);
    const connector = await connectorFor(request.environment, connection.connectorName);
    const operation = connector.definition.operations.find((candidate) => candidate.operationId === request.operationId);
    if (operation === undefined) throw operationNotFound(connection.connectorName, request.operationId, connector.definition);
    const args = request.arguments ?? {};
    const result = await run(request.environment, connection, connector, operation, args, { headers: {}, query: [], body: bodyArgument(operation, args) }, request.followPages ?? true, request.retry);
    if (result.status < 200 || result.status >= 300) {
      throw new UpstreamError({ operationId: operation.operationId, status: result.status, headers: result.headers, body: result.body });
    }
    return result;
  }

  async function invokeRaw(request: RawInvokeRequest): Promise<InvokeResult> {
    const connection = await options.connections.resolveForUse(request.environment, request.caller, request.connectionId);
    if (connection.connectorName !== request.connectorName) {
      throw new UserInputError(
        `connection \`${request.connectionId}\` belongs to connector \`${connection.connectorName}\`, not \`${request.connectorName}\` — use /apim/${connection.connectorName}/${request.connectionId}/…`,
        { code: 'ConnectionConnectorMismatch' },
      );
    }
    const connector = await connectorFor(request.environment, connection.connectorName);
    const match = matchOperation(connector.definition, request.method, request.path);
    if (match === undefined) {
      throw new NotFoundError(`connector \`${connection.connectorName}\` has no operation for ${request.method.toUpperCase()} ${request.path} — see GET /api/environments/${request.environment}/connectors/${connection.connectorName}/operations`, {
        code: 'OperationNotFound',
      });
    }
    const original = { headers: lowerCaseKeys(request.headers), query: request.query, body: request.body };
    return run(request.environment, connection, connector, match.operation, argumentsFromHttp(match, original), original, true, request.retry);
  }

  return { invoke, invokeRaw };
}

/** URL, headers and encoded body of a request (a form's encoding decides its content type). */
function onTheWire(request: OutgoingRequest): { url: string; headers: Record<string, string>; body: string | Uint8Array | undefined } {
  const encoded = encodeBody(request.body, request.headers['content-type']);
  const headers = { ...request.headers };
  if (encoded?.contentType !== undefined) headers['content-type'] = encoded.contentType;
  return { url: requestUrl(request), headers, body: encoded?.data };
}

/** Argument values from an HTTP request (headers lower-cased): path from the match, query and headers by name, the body. */
function argumentsFromHttp(match: OperationMatch, request: PolicyStepContext['originalRequest']): Record<string, unknown> {
  const { operation, pathParameters } = match;
  const args: Record<string, unknown> = {};
  const headers = request.headers;
  for (const parameter of operation.parameters) {
    switch (parameter.in) {
      case 'path':
        if (pathParameters[parameter.name] !== undefined) args[parameter.name] = pathParameters[parameter.name];
        break;
      case 'query': {
        const values = request.query.filter(([name]) => name === parameter.name).map(([, value]) => value);
        if (values.length > 0) args[parameter.name] = parameter.type === 'array' && parameter.collectionFormat === 'multi' ? values : values[0];
        break;
      }
      case 'header': {
        const value = headers[parameter.name.toLowerCase()];
        if (value !== undefined) args[parameter.name] = value;
        break;
      }
      case 'body':
        if (request.body !== undefined) args[parameter.name] = request.body;
        break;
      case 'formData': {
        const body = request.body;
        if (typeof body === 'object' && body !== null && Object.hasOwn(body, parameter.name)) args[parameter.name] = (body as Record<string, unknown>)[parameter.name];
        break;
      }
      default:
        break;
    }
  }
  return args;
}

function bodyArgument(operation: Operation, args: OperationArguments): unknown {
  const parameter = operation.parameters.find((candidate) => candidate.in === 'body');
  return parameter === undefined ? undefined : args[parameter.name];
}

function operationNotFound(connectorName: string, operationId: string, definition: ConnectorDefinition): NotFoundError {
  const lower = operationId.toLowerCase();
  const similar = definition.operations.map((operation) => operation.operationId).filter((id) => id.toLowerCase().includes(lower) || lower.includes(id.toLowerCase())).slice(0, 5);
  const hint = similar.length > 0 ? ` — did you mean ${similar.map((id) => `\`${id}\``).join(', ')}?` : ' — list the operations with GET …/connectors/{name}/operations';
  return new NotFoundError(`connector \`${connectorName}\` has no operation \`${operationId}\`${hint}`, { code: 'OperationNotFound', details: { operationId } });
}

// The two helpers below run on every call: `for…in` over header records (plain objects) allocates no entry arrays.
function redactHeaders(headers: Readonly<Record<string, string>>, redactor: Redactor): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined || HOP_BY_HOP.has(name)) continue;
    out[name] = redactor.active ? redactor.redactText(value) : value;
  }
  return out;
}

function lowerCaseKeys(headers: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name in headers) {
    const value = headers[name];
    if (value !== undefined) out[name.toLowerCase()] = value;
  }
  return out;
}

function arrayOf(page: unknown): unknown[] | undefined {
  if (Array.isArray(page)) return [...page];
  if (typeof page === 'object' && page !== null && Array.isArray((page as Record<string, unknown>)['value'])) return [...((page as Record<string, unknown>)['value'] as unknown[])];
  return undefined;
}

function nextLinkOf(page: unknown, nextLinkName: string): string | undefined {
  if (typeof page !== 'object' || page === null || Array.isArray(page)) return undefined;
  const value = (page as Record<string, unknown>)[nextLinkName];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** True when `error` is the typed error of a non-2xx backend answer. */
export function isUpstreamError(error: unknown): error is UpstreamError {
  return isPlugboardError(error) && error.code === 'UpstreamError';
}

