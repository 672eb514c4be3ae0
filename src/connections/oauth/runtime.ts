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
}

/** {@link OAuthServiceOptions} with defaults applied, frozen. */
export interface ResolvedOAuthServiceOptions extends Required<Omit<OAuthServiceOptions, 'clock' | 'logger'>> {
  readonly clock: Clock;
  readonly logger: Logger;
}

function positiveMs(option: { readonly name: string; readonly value: number | undefined; readonly fallback: number; readonly max: number }): number {
  const { name, value, fallback, max } = option;
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value <= 0 || value > max) {
    throw new UserInputError(
      `OAuth option \`${name}\` must be a whole number of milliseconds between 1 and ${max} (got ${String(value)})`,
      { code: OAuthErrorCode.OptionsInvalid },
    );
  }
  return value;
}

/** Applies defaults and checks the options once. */
export function resolveOAuthServiceOptions(options: OAuthServiceOptions): ResolvedOAuthServiceOptions {
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
