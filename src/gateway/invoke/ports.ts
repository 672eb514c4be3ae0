/**
 * What the invoker needs from the rest of the product, as small interfaces. The server wires the
 * real connection service, OAuth client, policy chain, egress client and rate limiter; tests may
 * pass their own.
 */
import type { ConnectorDefinition } from '../../connectors/index.ts';
import type { OutgoingRequest } from './outgoing-request.ts';

/** Who is calling, as far as the gateway cares. */
export interface Caller {
  readonly principalId: string;
  readonly role: string;
}

/** A connection, resolved for use by a caller (permission already checked). */
export interface UsableConnection {
  readonly id: string;
  readonly environmentId: string;
  readonly connectorName: string;
  readonly status: string;
  /** Parameter values with secrets decrypted, keyed by parameter name (`api_key`, `token:TenantId` …). */
  readonly parameters: Readonly<Record<string, unknown>>;
  /** The secret values among them (securestring parameters, client secrets), masked if a backend echoes them. */
  readonly secrets: readonly string[];
  /** True when the connector authenticates with OAuth (the token comes from {@link AccessTokens}). */
  readonly usesOAuth: boolean;
}

/** Connection lookup and status updates. */
export interface ConnectionAccess {
  /** The connection, if `caller` may use it; NotFoundError / forbidden otherwise. */
  resolveForUse(environment: string, caller: Caller, connectionId: string): Promise<UsableConnection>;
  /** Records `unauthenticated` (or `error`) with the reason, e.g. after a 401 the policy maps. */
  setStatus(connectionId: string, status: 'connected' | 'error' | 'unauthenticated', lastError: string | null): Promise<void>;
}

/** OAuth access tokens of a connection. */
export interface AccessTokens {
  /** A valid access token, refreshed when it is about to expire (or when `forceRefresh`). */
  /**
   * `rejectedAccessToken`: the token the backend just refused — renewed only if it is still the
   * stored one, so a 401 right after another call's refresh does not refresh twice.
   */
  getAccessToken(connectionId: string, options?: { readonly forceRefresh?: boolean; readonly rejectedAccessToken?: string }): Promise<string>;
}

/** A connector definition, loaded once per version. */
export interface ResolvedConnector {
  /** Cache key: changes when a new version is imported. */
  readonly key: string;
  readonly definition: ConnectorDefinition;
}

/** Finds the latest definition of a connector in an environment. */
export interface ConnectorLookup {
  resolve(environment: string, connectorName: string): Promise<ResolvedConnector>;
}

/** One outgoing call as the egress client takes it. */
export interface EgressCall {
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body?: string | Uint8Array;
  /** True when repeating the call is safe (GET/HEAD/PUT/DELETE/OPTIONS, or declared so). */
  readonly idempotent?: boolean;
  /** Per-call limit, e.g. the time a custom-code script has left. */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

/** What the egress client answers. */
export interface EgressAnswer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: Uint8Array;
  readonly url: string;
}

/** The one HTTP client every outbound call goes through (SSRF guard, timeouts, size cap, retry). */
export interface Egress {
  send(call: EgressCall): Promise<EgressAnswer>;
}

/** Per-connection call budget. */
export interface CallLimiter {
  /** Takes one call from `key`'s budget, or throws a RateLimited error (HTTP 429 with Retry-After). */
  acquire(key: string): void;
}

/** A response while it moves through the chain. */
export interface WorkingResponse {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

/** What a request/response policy step sees besides the message. */
export interface PolicyStepContext {
  readonly operationId: string;
  readonly originalMethod: string;
  readonly pathParameters: Readonly<Record<string, string>>;
  readonly connectionParameters: Readonly<Record<string, unknown>>;
  readonly originalRequest: { readonly headers: Readonly<Record<string, string>>; readonly query: readonly (readonly [string, string])[]; readonly body: unknown };
  /** An auxiliary call through the gateway (credentials and egress included). */
  send(request: OutgoingRequest): Promise<WorkingResponse>;
  /** Turns a backend next-page link into one that comes back through the gateway. */
  rewriteNextLink(url: string): string;
}

/** The policy templates of one connector, compiled. */
export interface ConnectorPolicies {
  applyRequest(operationId: string, request: OutgoingRequest, context: PolicyStepContext): Promise<OutgoingRequest>;
  applyResponse(operationId: string, response: WorkingResponse, context: PolicyStepContext): Promise<WorkingResponse & { readonly connectionUnauthenticated?: boolean }>;
  /** The failure section (setheader on error answers); runs after the response section for non-2xx answers. */
  applyFailure?(operationId: string, response: WorkingResponse, context: PolicyStepContext): Promise<WorkingResponse & { readonly connectionUnauthenticated?: boolean }>;
}

/** Compiles a connector's policy templates (cached per connector version by the invoker). */
export type PolicyCompiler = (definition: ConnectorDefinition) => ConnectorPolicies;

/** Custom code of one operation: the sandboxed script, or an error saying it cannot run. */
export type CustomCodeHook =
  | { readonly kind: 'none' }
  | { readonly kind: 'unsupported'; readonly error: Error }
  | {
      readonly kind: 'sandbox';
      run(input: {
        readonly operationId: string;
        readonly request: ScriptMessage;
        send(request: ScriptMessage, options?: { readonly timeoutMs?: number; readonly signal?: AbortSignal }): Promise<ScriptAnswer>;
      }): Promise<ScriptAnswer>;
    };

/** A request as custom code sees it. */
export interface ScriptMessage {
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body: string | null;
}

/** A response as custom code returns it. */
export interface ScriptAnswer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string | null;
}

/** Finds the custom-code hook of an operation (cached per connector version by the invoker). */
export type CustomCodeResolver = (definition: ConnectorDefinition, operationId: string) => CustomCodeHook;
