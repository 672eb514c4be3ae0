/**
 * The ports the OAuth service needs. The lead wires real storage behind them (encrypting what must
 * be encrypted); `memory/` holds in-memory implementations with the same semantics for tests.
 */
import type { ConnectorDefinition } from '../../connectors/index.ts';

/** One pending authorization: a hashed, single-use, expiring `state` bound to a principal. */
export interface OAuthStateRecord {
  id: string;
  /** SHA-256 (hex) of the `state` sent to the provider; the state itself is never stored. */
  stateHash: string;
  environmentId: string;
  principalId: string;
  connectionId: string;
  /** Opaque to storage: the serialized PKCE verifier, redirect URI, …; the lead encrypts it. */
  payload: string;
  createdAt: number;
  expiresAt: number;
  consumedAt: number | null;
}

/** Pending authorizations. */
export interface OAuthStateRepository {
  create(record: Omit<OAuthStateRecord, 'consumedAt'>): Promise<void>;
  /** Atomic single use: undefined when missing, expired (`expiresAt <= nowMs`) or already consumed. */
  consume(stateHash: string, nowMs: number): Promise<OAuthStateRecord | undefined>;
}

/** An environment's registration of an OAuth client (app) at a provider. */
export interface OAuthAppRecord {
  environmentId: string;
  /** The connector's catalog name, or `idp:<identityProvider>` for an environment-wide app (see README). */
  key: string;
  clientId: string;
  /** Plaintext here; the lead's storage encrypts it. Null for public clients. */
  clientSecret: string | null;
  /** Per-registration options, checked by `validateOAuthAppSettings` (see README for the keys). */
  settings: Record<string, unknown>;
}

/** OAuth app registrations. */
export interface OAuthAppRepository {
  get(environmentId: string, key: string): Promise<OAuthAppRecord | undefined>;
}

/** The tokens of one connection. */
export interface TokenSet {
  accessToken: string;
  refreshToken?: string;
  /** Epoch milliseconds; absent when the provider gave no `expires_in`. */
  expiresAt?: number;
  tokenType?: string;
  scope?: string;
  /** Who signed in (from the ID token), so the UI can show the connected account (T-O4). */
  idTokenClaims?: { sub?: string; email?: string; name?: string };
}

/**
 * A request for a connection's refresh lease. Times come from the caller's clock: processes that
 * share a store need synchronized clocks (a skew lengthens or shortens the lease by that much).
 */
export interface TokenRefreshLease {
  /** Who asks: one id per OAuth service instance (i.e. per process). */
  readonly holder: string;
  /** The caller's current time (epoch ms); a lease that ends at or before it is free. */
  readonly nowMs: number;
  /** When the lease lapses unless released first (epoch ms, after `nowMs`). */
  readonly untilMs: number;
}

/**
 * The stored tokens of a connection, with a revision for compare-and-swap, and a lease so that
 * only one process at a time redeems the connection's refresh token.
 */
export interface TokenStore {
  /** `revision` changes on every successful write; a connection without tokens has some revision too. */
  read(connectionId: string): Promise<{ tokens: TokenSet | undefined; revision: number }>;
  /** Writes only when the stored revision is still `expectedRevision`; false when another writer won. */
  compareAndSwap(connectionId: string, expectedRevision: number, tokens: TokenSet | undefined): Promise<boolean>;
  /** Flags the connection as needing re-authorization; never deletes it or its settings. */
  markUnauthenticated(connectionId: string, reason: string): Promise<void>;
  /**
   * Atomically takes the refresh lease when it is free, lapsed, or already `lease.holder`'s
   * (extending it); of concurrent callers exactly one gets true. False when someone else holds it
   * (or the connection does not exist).
   */
  acquireRefreshLease(connectionId: string, lease: TokenRefreshLease): Promise<boolean>;
  /** Frees the lease if `holder` still holds it; a lapsed lease another holder took over stays theirs. */
  releaseRefreshLease(connectionId: string, holder: string): Promise<void>;
}

/** Every call to a token endpoint goes through this (the lead passes the SSRF-guarded egress client). */
export type HttpFetch = typeof fetch;

/** What the OAuth service needs to know about a connection to reach its provider. */
export interface OAuthConnectionContext {
  readonly connectionId: string;
  readonly environmentId: string;
  /** The connector's catalog name; the key of its OAuth app registration. */
  readonly connectorName: string;
  readonly definition: ConnectorDefinition;
  /** The chosen `connectionParameterSets` value, for connectors that have sets. */
  readonly parameterSet?: string;
  /** The `oauthSetting` parameter to use; default: the only one (normally `token`). */
  readonly parameterName?: string;
  /** The connection's parameter values by name, e.g. `{ 'token:TenantId': 'contoso.onmicrosoft.com' }`. */
  readonly values: Readonly<Record<string, string>>;
}

/** Looks connections up for the OAuth service. */
export interface OAuthConnectionSource {
  get(connectionId: string): Promise<OAuthConnectionContext | undefined>;
}
