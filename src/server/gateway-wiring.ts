/**
 * Puts the gateway together for the running server: one guarded egress client, the rate limiter,
 * the OAuth service (token calls through the same egress), the policy compiler, the custom-code
 * sandbox and the invoker, with adapters from the connection service and the catalog to the
 * gateway's ports.
 *
 * A connection resolved for a caller (permission checked, secrets decrypted) is reused for
 * {@link CONNECTION_CACHE_MS}: a change made through the connection API (new values, unsharing,
 * deletion) reaches calls within that time. Decrypted secrets stay in the cache no longer than that:
 * an unref'd timer drops each entry when it expires. A status the gateway records, and a connection
 * test, forget the connection at once.
 */
import type { Catalog } from '../catalog/index.ts';
import type { ConnectorDefinition } from '../connectors/index.ts';
import { createOAuthService, createOAuthStorage, effectiveParameters, OAUTH_TOKENS_KEY } from '../connections/index.ts';
import type { ConnectionService, ConnectionTester, OAuthAppStorage, OAuthConnectionSource, OAuthService, ResolvedConnection } from '../connections/index.ts';
import { systemClock } from '../core/index.ts';
import type { Clock, Logger } from '../core/index.ts';
import { compilePolicies, createCustomCodeResolver, createEgressClient, createInvoker, createRateLimiter, isUpstreamError } from '../gateway/index.ts';
import type { Caller, ConnectionAccess, ConnectorLookup, EgressClient, InvokeResult, Invoker, ResolvedConnector, UsableConnection } from '../gateway/index.ts';
import type { GatewayCallObserver } from '../observability/index.ts';
import type { Secrets } from '../secrets/index.ts';
import type { Store } from '../storage/index.ts';
import type { ResolvedConfig } from './config/config.ts';
import { egressFetch } from './egress-fetch.ts';
import { createEnvironmentNames } from './environment-names.ts';

/** The gateway parts the routes use. */
export interface GatewayWiring {
  readonly invoker: Invoker;
  readonly oauth: OAuthService;
  readonly oauthApps: OAuthAppStorage;
  readonly connectors: ConnectorLookup;
  readonly egress: EgressClient;
  /** Tests a connection by calling its connector's test operation (`x-ms-capabilities.testConnection`). */
  readonly tester: ConnectionTester;
  /** The OAuth redirect URI registered with identity providers. */
  readonly redirectUri: string;
  close(): Promise<void>;
}

/** Options of {@link createGatewayWiring}. */
export interface GatewayWiringOptions {
  readonly store: Store;
  readonly catalog: Catalog;
  readonly connections: ConnectionService;
  readonly secrets: Secrets;
  readonly config: Pick<ResolvedConfig, 'egress' | 'rateLimit' | 'publicUrl'>;
  readonly clock?: Clock;
  readonly logger?: Logger;
  /** For tests against a loopback identity provider: accept `http:` OAuth endpoints. */
  readonly allowInsecureOAuth?: boolean;
  /** Told when each invoker call ends (`/apim`, operation calls, dynamic lookups, connection tests, flow actions): the metrics. */
  readonly calls?: GatewayCallObserver;
}

/**
 * The strings the gateway masks in answers. Of the stored OAuth token set only the tokens are
 * secret: its type (`Bearer`), scope and account claims (sub, email, name) are not, and masking
 * them turned every mention of the signed-in account in an API's answer into `***`.
 */
function maskedSecrets(resolved: ResolvedConnection): readonly string[] {
  const tokens = resolved.parameterValues[OAUTH_TOKENS_KEY];
  if (typeof tokens !== 'object' || tokens === null) return resolved.secretValues;
  const { accessToken, refreshToken, tokenType, scope, idTokenClaims } = tokens as Readonly<Record<string, unknown>>;
  const shown = new Set([tokenType, scope, ...Object.values(typeof idTokenClaims === 'object' && idTokenClaims !== null ? idTokenClaims : {})]);
  return resolved.secretValues.filter((value) => !shown.has(value) || value === accessToken || value === refreshToken);
}

/** How long a looked-up connector definition is reused before the catalog is asked again. */
const CONNECTOR_CACHE_MS = 2000;

/** How long a connection resolved for a caller (decrypted secrets included) is reused. */
export const CONNECTION_CACHE_MS = 2000;

/** Most resolved connections kept at once; beyond it the oldest is dropped. */
const MAX_CACHED_CONNECTIONS = 10_000;

/** Resolved connections by caller and connection, oldest first, each kept for {@link CONNECTION_CACHE_MS}. */
interface ConnectionCache {
  get(lookup: { readonly environment: string; readonly caller: Caller; readonly connectionId: string }, load: () => Promise<UsableConnection>): Promise<UsableConnection>;
  /** Drops every entry of one connection (all callers). */
  forget(connectionId: string): void;
  clear(): void;
}

function createConnectionCache(clock: Clock): ConnectionCache {
  // Promises, so concurrent first calls share one lookup; a failed lookup is not kept.
  const entries = new Map<string, { readonly at: number; readonly connectionId: string; readonly value: Promise<UsableConnection> }>();
  let timer: ReturnType<typeof setTimeout> | undefined;

  function sweep(): void {
    const now = clock.now();
    for (const [key, entry] of entries) {
      if (entries.size <= MAX_CACHED_CONNECTIONS && now - entry.at < CONNECTION_CACHE_MS) break;
      entries.delete(key);
    }
  }

  /** Wakes up when the oldest entry expires, so decrypted secrets do not outlive it by more than a moment. */
  function schedule(): void {
    if (timer !== undefined) return;
    const oldest = entries.values().next();
    if (oldest.done === true) return;
    timer = setTimeout(
      () => {
        timer = undefined;
        sweep();
        schedule();
      },
      Math.max(10, oldest.value.at + CONNECTION_CACHE_MS - clock.now()),
    );
    timer.unref();
  }

  return {
    get({ environment, caller, connectionId }, load) {
      const key = `${environment}\u0000${caller.principalId}\u0000${caller.role}\u0000${connectionId}`;
      const hit = entries.get(key);
      if (hit !== undefined && clock.now() - hit.at < CONNECTION_CACHE_MS) return hit.value;
      entries.delete(key);
      const value = load();
      const entry = { at: clock.now(), connectionId, value };
      entries.set(key, entry);
      value.catch(() => {
        if (entries.get(key) === entry) entries.delete(key);
      });
      sweep();
      schedule();
      return value;
    },
    forget(connectionId) {
      for (const [key, entry] of entries) if (entry.connectionId === connectionId) entries.delete(key);
    },
    clear() {
      entries.clear();
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
    },
  };
}

/** Most connection → connector names remembered for the call metrics; past it the map starts over. */
const MAX_CONNECTOR_NAMES = 10_000;

/**
 * Reports every call of `inner` to `observer`: the backend's status (an UpstreamError's status for
 * operation calls that throw on a non-2xx answer), or `error` when no answer came back. The
 * connector label is the one of the connection as resolved — never the `/apim` URL's segment,
 * which the caller chooses — and `unknown` when the connection could not be resolved.
 */
function observedInvoker({ inner, observer, connectorOf, clock }: { inner: Invoker; observer: GatewayCallObserver; connectorOf: (connectionId: string) => string | undefined; clock: Clock }): Invoker {
  async function observe(connectionId: string, call: () => Promise<InvokeResult>): Promise<InvokeResult> {
    const started = clock.now();
    let status: number | 'error' = 'error';
    try {
      const result = await call();
      status = result.status;
      return result;
    } catch (error) {
      if (isUpstreamError(error)) status = error.status;
      throw error;
    } finally {
      observer.gatewayCall({ connector: connectorOf(connectionId) ?? 'unknown', status, durationMs: clock.now() - started });
    }
  }
  return {
    invoke: (request) => observe(request.connectionId, () => inner.invoke(request)),
    invokeRaw: (request) => observe(request.connectionId, () => inner.invokeRaw(request)),
  };
}

/** The guarded egress client with the configured allow-list, timeout and size cap (server and CLI). */
export function createConfiguredEgress(config: Pick<ResolvedConfig, 'egress'>, clock: Clock = systemClock): EgressClient {
  return createEgressClient({
    allow: config.egress.allow,
    allowMetadata: config.egress.allowMetadata,
    totalTimeoutMs: config.egress.timeoutMs,
    headersTimeoutMs: config.egress.timeoutMs,
    maxResponseBytes: config.egress.maxResponseBytes,
    clock,
  });
}

/** Builds the gateway. */
export function createGatewayWiring(options: GatewayWiringOptions): GatewayWiring {
  const { store, catalog, connections, secrets, config } = options;
  const clock = options.clock ?? systemClock;
  const egress = createConfiguredEgress(config, clock);
  const limiter = createRateLimiter({ limit: config.rateLimit.calls, windowMs: config.rateLimit.windowMs, clock });

  const cache = new Map<string, { readonly at: number; readonly resolved: ResolvedConnector }>();
  const connectors: ConnectorLookup = {
    async resolve(environment, name) {
      const cacheKey = `${environment}\u0000${name}`;
      const hit = cache.get(cacheKey);
      if (hit !== undefined && clock.now() - hit.at < CONNECTOR_CACHE_MS) return hit.resolved;
      const detail = await catalog.show(environment, name);
      const key = `${detail.connector.id}@${detail.version.version}`;
      const resolved = hit !== undefined && hit.resolved.key === key ? hit.resolved : { key, definition: detail.definition };
      if (cache.size > 1000) cache.clear();
      cache.set(cacheKey, { at: clock.now(), resolved });
      return resolved;
    },
  };

  const environmentName = createEnvironmentNames(store);

  function usesOAuth(definition: ConnectorDefinition, connectorName: string, parameterSet: string | null): boolean {
    const { parameters } = effectiveParameters(definition.connection, { connectorName, parameterSet });
    if (parameters.some((parameter) => parameter.type === 'oauthSetting')) return true;
    // A definition whose only scheme is OAuth and that asks the user for no secret signs in with OAuth.
    return parameters.every((parameter) => parameter.type !== 'securestring') && definition.securityDefinitions.some((scheme) => scheme.type === 'oauth2') && definition.securityDefinitions.every((scheme) => scheme.type !== 'basic');
  }

  const resolvedConnections = createConnectionCache(clock);
  // A connection never changes connector: the call metrics label calls with it (no secret, no id).
  const connectorNames = new Map<string, string>();
  const access: ConnectionAccess = {
    resolveForUse(environment, caller, connectionId) {
      return resolvedConnections.get({ environment, caller, connectionId }, async () => {
        const resolved = await connections.resolveForUse(environment, { id: caller.principalId, role: caller.role }, connectionId);
        if (options.calls !== undefined && !connectorNames.has(resolved.id)) {
          if (connectorNames.size >= MAX_CONNECTOR_NAMES) connectorNames.clear();
          connectorNames.set(resolved.id, resolved.connectorName);
        }
        const { definition } = await connectors.resolve(environment, resolved.connectorName);
        return {
          id: resolved.id,
          environmentId: resolved.environmentId,
          connectorName: resolved.connectorName,
          status: resolved.status,
          parameters: resolved.parameterValues,
          secrets: maskedSecrets(resolved),
          usesOAuth: usesOAuth(definition, resolved.connectorName, resolved.connection.parameterSet),
        };
      });
    },
    async setStatus(connectionId, status, lastError) {
      await connections.setStatus(connectionId, status, lastError);
      // After the write: a call resolving the connection meanwhile may have cached the old record.
      resolvedConnections.forget(connectionId);
    },
  };

  const oauthSource: OAuthConnectionSource = {
    async get(connectionId) {
      const record = await store.connections.get(connectionId);
      if (record === undefined) return undefined;
      const environment = await environmentName(record.environmentId);
      const { definition } = await connectors.resolve(environment, record.connectorName);
      const { values: secretValues } = await connections.readSecrets(connectionId);
      const values: Record<string, string> = {};
      for (const [name, value] of [...Object.entries(record.values), ...Object.entries(secretValues)]) {
        if (typeof value === 'string') values[name] = value;
      }
      return {
        connectionId,
        environmentId: record.environmentId,
        connectorName: record.connectorName,
        definition,
        ...(record.parameterSet === null ? {} : { parameterSet: record.parameterSet }),
        values,
      };
    },
  };

  const storage = createOAuthStorage({
    store,
    secrets,
    connections,
    statusOf: async (connectionId) => (await store.connections.get(connectionId))?.status,
  });
  const oauth = createOAuthService({
    states: storage.states,
    apps: storage.apps,
    tokens: storage.tokens,
    connections: oauthSource,
    fetch: egressFetch(egress),
    clock,
    ...(options.logger === undefined ? {} : { logger: options.logger }),
    allowInsecureRequests: options.allowInsecureOAuth === true,
  });

  const plainInvoker = createInvoker({
    connectors,
    connections: access,
    egress,
    limiter: { acquire: (key) => limiter.takeOrThrow(key, `connection ${key}`) },
    tokens: {
      getAccessToken: async (connectionId, tokenOptions) => (await oauth.getAccessToken(connectionId, tokenOptions ?? {})).accessToken,
    },
    policies: compilePolicies,
    customCode: createCustomCodeResolver(),
    nextLinkUrl: ({ url }) => url,
  });
  const invoker = options.calls === undefined ? plainInvoker : observedInvoker({ inner: plainInvoker, observer: options.calls, connectorOf: (connectionId) => connectorNames.get(connectionId), clock });

  const tester: ConnectionTester = async ({ environment, connection }) => {
    const { definition } = await connectors.resolve(environment, connection.connectorName);
    const operationId = definition.definitionCapabilities?.testConnection?.operationId;
    if (operationId === undefined) {
      // No test operation (x-ms-capabilities.testConnection): the values passed validation, which is all we can check.
      return { status: 'connected' };
    }
    const parameters = definition.definitionCapabilities?.testConnection?.parameters ?? {};
    // The test must see the connection as stored now (values just changed are what it checks).
    resolvedConnections.forget(connection.id);
    try {
      await invoker.invoke({ environment, caller: { principalId: connection.connection.ownerId, role: 'admin' }, connectionId: connection.id, operationId, arguments: parameters });
      return { status: 'connected' };
    } catch (error) {
      const status = (error as { details?: { status?: unknown } }).details?.status;
      return {
        status: status === 401 || status === 403 ? 'unauthenticated' : 'error',
        message: error instanceof Error ? error.message : String(error),
      };
    }
  };

  return {
    invoker,
    oauth,
    oauthApps: storage.apps,
    connectors,
    egress,
    tester,
    redirectUri: `${config.publicUrl}/api/oauth/callback`,
    async close() {
      resolvedConnections.clear();
      await egress.close();
    },
  };
}
