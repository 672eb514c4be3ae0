/** Options of the OAuth service, resolved once, and what its flows share. */
import { NotFoundError, silentLogger, systemClock, UserInputError } from '../../core/index.ts';
import type { Clock, Logger } from '../../core/index.ts';
import { OAuthErrorCode } from './errors.ts';
import type { HttpFetch, OAuthAppRecord, OAuthAppRepository, OAuthConnectionContext, OAuthConnectionSource, OAuthStateRepository, TokenStore } from './ports.ts';
import { identityProviderFor } from './providers/registry.ts';
import { identityProviderOf, oauthAppKeys, resolveOAuthProvider } from './resolve-provider.ts';
import type { ResolvedOAuthProvider } from './resolve-provider.ts';
import type { TokenEndpointOptions } from './token-endpoint.ts';

/** How long a `state` stays valid: 10 minutes (T-O1). */
export const DEFAULT_STATE_TTL_MS = 10 * 60 * 1000;

/** Tokens expiring within this window are refreshed before use: 60 seconds. */
export const DEFAULT_REFRESH_SKEW_MS = 60 * 1000;

/**
 * How long a process may hold a connection's refresh lease: 30 seconds. A crashed holder blocks the
 * connection's refresh for at most this long; the holder's token request is cut off before it.
 */
export const DEFAULT_REFRESH_LEASE_MS = 30 * 1000;

/** How often a process waiting for another one's refresh looks at the stored tokens: 200 ms. */
export const DEFAULT_REFRESH_POLL_MS = 200;

/** Waits `ms` milliseconds (injected, so tests run on a manual clock). */
export type Sleep = (ms: number) => Promise<void>;

const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Options of `createOAuthService`. */
export interface OAuthServiceOptions {
  readonly states: OAuthStateRepository;
  readonly apps: OAuthAppRepository;
  readonly tokens: TokenStore;
  readonly connections: OAuthConnectionSource;
  /** Every token endpoint call goes through it (pass the SSRF-guarded egress client). */
  readonly fetch: HttpFetch;
  readonly clock?: Clock;
  readonly logger?: Logger;
  /** Lifetime of a pending authorization; default {@link DEFAULT_STATE_TTL_MS}. */
  readonly stateTtlMs?: number;
  /** Refresh when the access token expires within this window; default {@link DEFAULT_REFRESH_SKEW_MS}. */
  readonly refreshSkewMs?: number;
  /** Accept `http:` endpoints. Only for loopback providers in development and tests; default false. */
  readonly allowInsecureRequests?: boolean;
  /** Lifetime of the cross-process refresh lease; default {@link DEFAULT_REFRESH_LEASE_MS}. */
  readonly refreshLeaseMs?: number;
  /** Poll interval while another process refreshes; default {@link DEFAULT_REFRESH_POLL_MS}, less than the lease. */
  readonly refreshPollMs?: number;
  /** Waits between polls; default a real timer. */
  readonly sleep?: Sleep;
}

/** {@link OAuthServiceOptions} with defaults applied, frozen. */
export interface ResolvedOAuthServiceOptions extends Required<Omit<OAuthServiceOptions, 'clock' | 'logger'>> {
  readonly clock: Clock;
  readonly logger: Logger;
}

function positiveMs(option: { readonly name: string; readonly value: number | undefined; readonly fallback: number; readonly max: number; readonly min?: number }): number {
  const { name, value, fallback, max, min = 1 } = option;
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new UserInputError(
      `OAuth option \`${name}\` must be a whole number of milliseconds between ${min} and ${max} (got ${String(value)})`,
      { code: OAuthErrorCode.OptionsInvalid },
    );
  }
  return value;
}

/** Applies defaults and checks the options once. */
export function resolveOAuthServiceOptions(options: OAuthServiceOptions): ResolvedOAuthServiceOptions {
  // At least a second: the holder's token request gets most of it.
  const refreshLeaseMs = positiveMs({ name: 'refreshLeaseMs', value: options.refreshLeaseMs, fallback: DEFAULT_REFRESH_LEASE_MS, max: 10 * 60 * 1000, min: 1000 });
  // A poll as long as the lease would only look after the lease has lapsed.
  const refreshPollMs = positiveMs({ name: 'refreshPollMs', value: options.refreshPollMs, fallback: DEFAULT_REFRESH_POLL_MS, max: Math.floor(refreshLeaseMs / 2) });
  return Object.freeze({
    states: options.states,
    apps: options.apps,
    tokens: options.tokens,
    connections: options.connections,
    fetch: options.fetch,
    clock: options.clock ?? systemClock,
    logger: options.logger ?? silentLogger,
    stateTtlMs: positiveMs({ name: 'stateTtlMs', value: options.stateTtlMs, fallback: DEFAULT_STATE_TTL_MS, max: 60 * 60 * 1000 }),
    refreshSkewMs: positiveMs({ name: 'refreshSkewMs', value: options.refreshSkewMs, fallback: DEFAULT_REFRESH_SKEW_MS, max: 60 * 60 * 1000 }),
    allowInsecureRequests: options.allowInsecureRequests ?? false,
    refreshLeaseMs,
    refreshPollMs,
    sleep: options.sleep ?? realSleep,
  });
}

/** A connection and the provider config resolved for it. */
export interface LoadedConnection {
  readonly context: OAuthConnectionContext;
  readonly provider: ResolvedOAuthProvider;
}

/** What the authorization and access-token flows share. */
export interface OAuthRuntime {
  readonly options: ResolvedOAuthServiceOptions;
  readonly endpoint: TokenEndpointOptions;
  /** Loads the connection, finds its app registration and resolves the provider. */
  loadConnection(connectionId: string, redirectUri?: string): Promise<LoadedConnection>;
}

/** Creates the shared runtime of one OAuth service. */
export function createOAuthRuntime(options: ResolvedOAuthServiceOptions): OAuthRuntime {
  const findApp = async (context: OAuthConnectionContext): Promise<OAuthAppRecord | undefined> => {
    const declared = identityProviderOf(context);
    const name = identityProviderFor(declared)?.name ?? declared;
    for (const key of oauthAppKeys(context.connectorName, name)) {
      const app = await options.apps.get(context.environmentId, key);
      if (app !== undefined) return app;
    }
    return undefined;
  };
  return {
    options,
    endpoint: Object.freeze({ fetch: options.fetch, clock: options.clock, allowInsecureRequests: options.allowInsecureRequests }),
    async loadConnection(connectionId, redirectUri) {
      const context = await options.connections.get(connectionId);
      if (context === undefined) {
        throw new NotFoundError(`connection \`${connectionId}\` does not exist — check the connection id`, { code: OAuthErrorCode.ConnectionNotFound, details: { connectionId } });
      }
      const app = await findApp(context);
      const provider = resolveOAuthProvider({
        context,
        app,
        ...(redirectUri === undefined ? {} : { redirectUri }),
        allowInsecureRequests: options.allowInsecureRequests,
      });
      return { context, provider };
    },
  };
}
