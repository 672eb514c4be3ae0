/** The OAuth service of the `connections` area: sign-in, access tokens and provider resolution for connections. */
import { createAccessTokenSource } from './access-tokens.ts';
import type { AccessToken, GetAccessTokenOptions } from './access-tokens.ts';
import { beginAuthorization, completeAuthorization } from './authorization-flow.ts';
import type { BeginAuthorizationInput, BeginAuthorizationResult, CompleteAuthorizationInput, CompletedAuthorization } from './authorization-flow.ts';
import type { ResolvedOAuthProvider } from './resolve-provider.ts';
import { createOAuthRuntime, resolveOAuthServiceOptions } from './runtime.ts';
import type { OAuthServiceOptions } from './runtime.ts';

/** OAuth for connections. */
export interface OAuthService {
  /** Starts a sign-in; redirect the browser to `authorizationUrl`. */
  beginAuthorization(input: BeginAuthorizationInput): Promise<BeginAuthorizationResult>;
  /** Completes a sign-in from the provider's redirect and stores the tokens. */
  completeAuthorization(input: CompleteAuthorizationInput): Promise<CompletedAuthorization>;
  /** A valid access token, renewed when it expires within the skew (one renewal per connection at a time). */
  getAccessToken(connectionId: string, options?: GetAccessTokenOptions): Promise<AccessToken>;
  /** Called by the gateway after the API answered 401 with `rejectedAccessToken`: renews once and returns the new token. */
  onUnauthorized(connectionId: string, rejectedAccessToken?: string): Promise<AccessToken>;
  /** The resolved provider config of a connection (the client secret stays redacted), e.g. to show endpoints to an admin. */
  resolveProvider(connectionId: string, redirectUri?: string): Promise<ResolvedOAuthProvider>;
}

/** Creates the OAuth service; options are checked once here. */
export function createOAuthService(options: OAuthServiceOptions): OAuthService {
  const runtime = createOAuthRuntime(resolveOAuthServiceOptions(options));
  const access = createAccessTokenSource(runtime);
  return {
    beginAuthorization: (input) => beginAuthorization(runtime, input),
    completeAuthorization: (input) => completeAuthorization(runtime, input),
    getAccessToken: (connectionId, request) => access.getAccessToken(connectionId, request),
    onUnauthorized: (connectionId, rejectedAccessToken) =>
      access.getAccessToken(connectionId, rejectedAccessToken === undefined ? { forceRefresh: true } : { forceRefresh: true, rejectedAccessToken }),
    resolveProvider: async (connectionId, redirectUri) => (await runtime.loadConnection(connectionId, redirectUri)).provider,
  };
}
