/**
 * Access tokens for calls (T-F8, T-O5). A token expiring within the skew is renewed; concurrent
 * callers of one connection share one renewal (single flight, in process), and across processes
 * only the holder of the connection's refresh lease calls the token endpoint — the others wait
 * for the tokens it stores. The result is stored with compare-and-swap. When the swap loses, or
 * the provider refuses a refresh token that was rotated meanwhile (a lost response, a holder
 * whose lease lapsed), the stored tokens are read again before giving up. `invalid_grant` marks
 * the connection unauthenticated (never deletes it); network and 5xx failures are retryable and
 * mark nothing.
 */
import { newId, PlugboardError } from '../../core/index.ts';
import { OAuthErrorCode, reauthorizationRequired } from './errors.ts';
import type { TokenSet } from './ports.ts';
import type { ResolvedOAuthProvider } from './resolve-provider.ts';
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

/**
 * Share of the lease the token request may take; the rest is left for storing the result, so the
 * request never outlives the lease and another process never redeems the same refresh token while
 * this one still waits for the answer.
 */
const REQUEST_SHARE_OF_LEASE = 0.75;

/** Creates the access-token source of one OAuth service (one single-flight table and lease holder id per process). */
export function createAccessTokenSource(runtime: OAuthRuntime): AccessTokenSource {
  const { options } = runtime;
  const store = options.tokens;
  const inFlight = new Map<string, Promise<TokenSet>>();
  /** This source's name on refresh leases: unique per process (and per service instance). */
  const holder = newId();

  const isFresh = (tokens: TokenSet): boolean => tokens.expiresAt === undefined || tokens.expiresAt - options.refreshSkewMs > options.clock.now();

  /** True when `tokens` can be used instead of renewing: fresh, and not the token the API just refused. */
  const usable = (tokens: TokenSet | undefined, request: GetAccessTokenOptions): boolean => {
    if (tokens === undefined || !isFresh(tokens)) return false;
    if (request.forceRefresh !== true) return true;
    return request.rejectedAccessToken !== undefined && tokens.accessToken !== request.rejectedAccessToken;
  };

  /** Tokens someone else stored after we read revision `seen` — a renewal we can use instead of ours. */
  const renewedSince = (stored: { tokens: TokenSet | undefined; revision: number }, seen: number): TokenSet | undefined =>
    stored.revision !== seen && stored.tokens !== undefined && isFresh(stored.tokens) ? stored.tokens : undefined;

  const tryLease = (connectionId: string): Promise<boolean> => {
    const nowMs = options.clock.now();
    return store.acquireRefreshLease(connectionId, { holder, nowMs, untilMs: nowMs + options.refreshLeaseMs });
  };

  /**
   * Takes the connection's refresh lease (→ undefined), or, while another process holds it, polls
   * the store until that process has stored new tokens (→ those) or its lease is free or lapsed
   * (→ taken). Waits at most two lease lifetimes: enough for a lapse plus a takeover by another
   * waiter, with some clock skew between processes.
   */
  async function leaseOrRenewed(connectionId: string, seen: number): Promise<TokenSet | undefined> {
    if (await tryLease(connectionId)) return undefined;
    options.logger.debug('oauth tokens being renewed by another process; waiting', { connectionId });
    const deadline = options.clock.now() + 2 * options.refreshLeaseMs;
    for (;;) {
      await options.sleep(options.refreshPollMs);
      const renewed = renewedSince(await store.read(connectionId), seen);
      if (renewed !== undefined) return renewed;
      if (await tryLease(connectionId)) return undefined;
      if (options.clock.now() >= deadline) {
        throw new PlugboardError(
          `another Plugboard process has been renewing the OAuth tokens of connection \`${connectionId}\` for over ${Math.round((2 * options.refreshLeaseMs) / 1000)} s without storing new ones — try again; if it persists, check that the processes' clocks agree`,
          { code: OAuthErrorCode.RefreshWaitTimeout, kind: 'operational', retryable: true, details: { connectionId } },
        );
      }
    }
  }

  /** Calls the token endpoint with the current tokens and stores the result; only under the lease. */
  async function redeem(connectionId: string, call: { readonly provider: ResolvedOAuthProvider; readonly stored: { tokens: TokenSet | undefined; revision: number } }): Promise<TokenSet> {
    const { provider } = call;
    const { tokens, revision } = call.stored;
    const signal = AbortSignal.timeout(Math.floor(options.refreshLeaseMs * REQUEST_SHARE_OF_LEASE));
    const tokenCall = { provider, transport: runtime.endpoint, signal };

    let next: TokenSet;
    if (provider.grantType === 'client_credentials') {
      next = await clientCredentialsTokens(tokenCall);
    } else {
      if (tokens === undefined) throw reauthorizationRequired(connectionId, 'it has not been authorized yet');
      const { refreshToken } = tokens;
      if (refreshToken === undefined) {
        await store.markUnauthenticated(connectionId, 'access token expired; the provider issued no refresh token');
        throw reauthorizationRequired(connectionId, `its access token expired and identity provider \`${provider.identityProvider}\` issued no refresh token`);
      }
      try {
        next = await refreshTokens(tokenCall, { ...tokens, refreshToken });
      } catch (error) {
        if (!(error instanceof TokenEndpointError && error.oauthError === 'invalid_grant')) throw error;
        // Our refresh token may have been rotated by a writer that stored the result (a holder whose lease lapsed): use that.
        const renewed = renewedSince(await store.read(connectionId), revision);
        if (renewed !== undefined) return renewed;
        await store.markUnauthenticated(connectionId, 'the provider refused the refresh token (invalid_grant)');
        options.logger.warn('oauth refresh token refused; connection marked unauthenticated', { connectionId, identityProvider: provider.identityProvider });
        throw reauthorizationRequired(connectionId, `identity provider \`${provider.identityProvider}\` no longer accepts its refresh token (access was revoked, or the grant expired)`);
      }
    }

    if (await store.compareAndSwap(connectionId, revision, next)) {
      options.logger.info('oauth tokens renewed', { connectionId, identityProvider: provider.identityProvider, grantType: provider.grantType });
      return next;
    }
    // Lost the race (a sign-in, or a holder whose lease lapsed): whoever wrote first holds the current tokens (and, with rotation, the live refresh token).
    const after = await store.read(connectionId);
    if (after.tokens !== undefined && isFresh(after.tokens)) return after.tokens;
    throw new PlugboardError(`the tokens of connection \`${connectionId}\` were changed by another writer while renewing them — try again`, {
      code: OAuthErrorCode.TokenConflict,
      kind: 'conflict',
      retryable: true,
      details: { connectionId },
    });
  }

  async function renew(connectionId: string, request: GetAccessTokenOptions): Promise<TokenSet> {
    const seen = await store.read(connectionId);
    // Another process (or an earlier flight) may have renewed since the caller looked.
    if (seen.tokens !== undefined && usable(seen.tokens, request)) return seen.tokens;
    const { provider } = await runtime.loadConnection(connectionId);

    const renewed = await leaseOrRenewed(connectionId, seen.revision);
    if (renewed !== undefined) return renewed;
    try {
      // Read again under the lease: the previous holder may have stored (and rotated the refresh token) just before we took it.
      const stored = await store.read(connectionId);
      const current = renewedSince(stored, seen.revision) ?? (usable(stored.tokens, request) ? stored.tokens : undefined);
      if (current !== undefined) return current;
      return await redeem(connectionId, { provider, stored });
    } finally {
      await releaseLease(connectionId);
    }
  }

  /** Frees the lease; if that fails (database down) it lapses on its own, so the renewal's outcome stands. */
  async function releaseLease(connectionId: string): Promise<void> {
    try {
      await store.releaseRefreshLease(connectionId, holder);
    } catch (error) {
      options.logger.warn('could not release the oauth refresh lease; it lapses on its own', {
        connectionId,
        leaseMs: options.refreshLeaseMs,
        error: error instanceof Error ? error.name : 'unknown',
      });
    }
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
