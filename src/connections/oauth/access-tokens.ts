/**
 * Access tokens for calls (T-F8, T-O5). A token expiring within the skew is renewed; concurrent
 * callers of one connection share one renewal (single flight, in process), and the result is
 * stored with compare-and-swap. When the swap loses, or the provider refuses a refresh token that
 * another process already rotated, the stored tokens are read again instead of refreshing again or
 * giving up. `invalid_grant` marks the connection unauthenticated (never deletes it); network and
 * 5xx failures are retryable and mark nothing.
 */
import { PlugboardError } from '../../core/index.ts';
import { OAuthErrorCode, reauthorizationRequired } from './errors.ts';
import type { TokenSet } from './ports.ts';
import type { OAuthRuntime } from './runtime.ts';
import { clientCredentialsTokens, refreshTokens, TokenEndpointError } from './token-endpoint.ts';

/** A usable access token. */
export interface AccessToken {
  readonly accessToken: string;
  /** For the `Authorization` header, e.g. `Bearer`. */
  readonly tokenType: string;
  readonly expiresAt?: number;
}

/** Options of `getAccessToken`. */
export interface GetAccessTokenOptions {
  /** Renew even if the token looks valid (after the API answered 401). */
  readonly forceRefresh?: boolean;
  /** The token the API refused: if the stored one is already different, it is returned without renewing. */
  readonly rejectedAccessToken?: string;
}

/** Gets access tokens for connections, renewing them as needed. */
export interface AccessTokenSource {
  getAccessToken(connectionId: string, options?: GetAccessTokenOptions): Promise<AccessToken>;
}

function toAccessToken(tokens: TokenSet): AccessToken {
  const type = tokens.tokenType === undefined || tokens.tokenType.toLowerCase() === 'bearer' ? 'Bearer' : tokens.tokenType;
  return tokens.expiresAt === undefined ? { accessToken: tokens.accessToken, tokenType: type } : { accessToken: tokens.accessToken, tokenType: type, expiresAt: tokens.expiresAt };
}

/** Creates the access-token source of one OAuth service (one single-flight table per process). */
export function createAccessTokenSource(runtime: OAuthRuntime): AccessTokenSource {
  const { options } = runtime;
  const store = options.tokens;
  const inFlight = new Map<string, Promise<TokenSet>>();

  const isFresh = (tokens: TokenSet): boolean => tokens.expiresAt === undefined || tokens.expiresAt - options.refreshSkewMs > options.clock.now();

  /** True when `tokens` can be used instead of renewing: fresh, and not the token the API just refused. */
  const usable = (tokens: TokenSet | undefined, request: GetAccessTokenOptions): boolean => {
    if (tokens === undefined || !isFresh(tokens)) return false;
    if (request.forceRefresh !== true) return true;
    return request.rejectedAccessToken !== undefined && tokens.accessToken !== request.rejectedAccessToken;
  };

  async function renew(connectionId: string, request: GetAccessTokenOptions): Promise<TokenSet> {
    const { tokens, revision } = await store.read(connectionId);
    // Another process (or an earlier flight) may have renewed since the caller looked.
    if (tokens !== undefined && usable(tokens, request)) return tokens;
    const { provider } = await runtime.loadConnection(connectionId);

    let next: TokenSet;
    if (provider.grantType === 'client_credentials') {
      next = await clientCredentialsTokens({ provider, transport: runtime.endpoint });
    } else {
      if (tokens === undefined) throw reauthorizationRequired(connectionId, 'it has not been authorized yet');
      const { refreshToken } = tokens;
      if (refreshToken === undefined) {
        await store.markUnauthenticated(connectionId, 'access token expired; the provider issued no refresh token');
        throw reauthorizationRequired(connectionId, `its access token expired and identity provider \`${provider.identityProvider}\` issued no refresh token`);
      }
      try {
        next = await refreshTokens({ provider, transport: runtime.endpoint }, { ...tokens, refreshToken });
      } catch (error) {
        if (!(error instanceof TokenEndpointError && error.oauthError === 'invalid_grant')) throw error;
        // Our refresh token may have been rotated by another process that stored the result: use that.
        const again = await store.read(connectionId);
        if (again.revision !== revision && again.tokens !== undefined && usable(again.tokens, {})) return again.tokens;
        await store.markUnauthenticated(connectionId, 'the provider refused the refresh token (invalid_grant)');
        options.logger.warn('oauth refresh token refused; connection marked unauthenticated', { connectionId, identityProvider: provider.identityProvider });
        throw reauthorizationRequired(connectionId, `identity provider \`${provider.identityProvider}\` no longer accepts its refresh token (access was revoked, or the grant expired)`);
      }
    }

    if (await store.compareAndSwap(connectionId, revision, next)) {
      options.logger.info('oauth tokens renewed', { connectionId, identityProvider: provider.identityProvider, grantType: provider.grantType });
      return next;
    }
    // Lost the race: whoever wrote first holds the current tokens (and, with rotation, the live refresh token).
    const after = await store.read(connectionId);
    if (after.tokens !== undefined && isFresh(after.tokens)) return after.tokens;
    throw new PlugboardError(`the tokens of connection \`${connectionId}\` were changed by another writer while renewing them — try again`, {
      code: OAuthErrorCode.TokenConflict,
      kind: 'conflict',
      retryable: true,
      details: { connectionId },
    });
  }

  return {
    async getAccessToken(connectionId, request = {}) {
      if (request.forceRefresh !== true) {
        const { tokens } = await store.read(connectionId);
        if (tokens !== undefined && usable(tokens, request)) return toAccessToken(tokens);
      }
      let flight = inFlight.get(connectionId);
      if (flight === undefined) {
        const started = renew(connectionId, request).finally(() => {
          if (inFlight.get(connectionId) === started) inFlight.delete(connectionId);
        });
        inFlight.set(connectionId, started);
        flight = started;
      }
      return toAccessToken(await flight);
    },
  };
}
