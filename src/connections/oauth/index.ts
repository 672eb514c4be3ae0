/**
 * OAuth 2.0 for connections: identity provider resolution (`oauth2`, `oauth2generic`, `aad`,
 * `DocuSign`, `facebook`), authorization code + PKCE + state, token refresh (single flight in the
 * process, a refresh lease across processes, compare-and-swap), and the client credentials grant.
 * The `connections` area re-exports what it needs from here; storage is reached only through the
 * ports below.
 */
export { createOAuthService } from './oauth-service.ts';
export type { OAuthService } from './oauth-service.ts';
export { DEFAULT_REFRESH_LEASE_MS, DEFAULT_REFRESH_POLL_MS, DEFAULT_REFRESH_SKEW_MS, DEFAULT_STATE_TTL_MS } from './runtime.ts';
export type { OAuthServiceOptions, ResolvedOAuthServiceOptions, Sleep } from './runtime.ts';
export type { BeginAuthorizationInput, BeginAuthorizationResult, CompleteAuthorizationInput, CompletedAuthorization } from './authorization-flow.ts';
export type { AccessToken, GetAccessTokenOptions } from './access-tokens.ts';
export type {
  HttpFetch,
  OAuthAppRecord,
  OAuthAppRepository,
  OAuthConnectionContext,
  OAuthConnectionSource,
  OAuthStateRecord,
  OAuthStateRepository,
  TokenRefreshLease,
  TokenSet,
  TokenStore,
} from './ports.ts';
export { createMemoryOAuthStateRepository } from './memory/memory-oauth-state-repository.ts';
export { createMemoryOAuthAppRepository } from './memory/memory-oauth-app-repository.ts';
export { createMemoryTokenStore } from './memory/memory-token-store.ts';
export type { MemoryRefreshLease, MemoryTokenEntry, MemoryTokenStore } from './memory/memory-token-store.ts';
export { oauthAppKeys, resolveOAuthProvider } from './resolve-provider.ts';
export type { ResolvedOAuthClient, ResolvedOAuthProvider, ResolveOAuthProviderInput } from './resolve-provider.ts';
export { findOAuthSetting } from './oauth-setting.ts';
export type { FoundOAuthSetting, OAuthSettingSelector } from './oauth-setting.ts';
export { SUPPORTED_IDENTITY_PROVIDERS } from './providers/registry.ts';
export { DEFAULT_AAD_LOGIN_URI } from './providers/aad.ts';
export { DOCUSIGN_LOGIN_URI } from './providers/docusign.ts';
export { DEFAULT_GRAPH_API_VERSION } from './providers/facebook.ts';
export { readOAuthAppSettings, validateOAuthAppSettings } from './app-settings.ts';
export type { AadEndpointVersion, ClientAuthMethod, OAuthAppSettings, OAuthGrantType, ReadOAuthAppSettings } from './app-settings.ts';
export { OAuthErrorCode } from './errors.ts';
export { TokenEndpointError } from './token-endpoint.ts';
export { RedactedSecret } from './redacted-secret.ts';
