/**
 * Stable error codes of the OAuth part of `connections`. No error built here carries a secret:
 * client secrets, tokens, authorization codes and PKCE verifiers are never put in a message or in
 * `details`; text that comes from a provider is passed through {@link redactSecrets} first.
 */
import { PlugboardError } from '../../core/index.ts';

/** Every code an OAuth error can have. */
export const OAuthErrorCode = {
  /** The connector's identity provider cannot be used (e.g. `aadcertificate`) (kind `user`). */
  ProviderUnsupported: 'OAuthProviderUnsupported',
  /** The connector has no `oauthSetting` connection parameter (or not the one asked for) (kind `user`). */
  SettingNotFound: 'OAuthSettingNotFound',
  /** The environment has no OAuth app registration for the connector (kind `user`). */
  AppNotRegistered: 'OAuthAppNotRegistered',
  /** An OAuth app registration's `settings` are invalid; `details.issues` lists them (kind `user`). */
  AppSettingsInvalid: 'OAuthAppSettingsInvalid',
  /** A value the endpoints or scopes need (a `token:X` parameter, tenant, resource) is missing (kind `user`). */
  ParameterMissing: 'OAuthParameterMissing',
  /** A connection parameter value is not allowed (not in `allowedValues`, bad tenant id) (kind `user`). */
  ParameterInvalid: 'OAuthParameterInvalid',
  /** An `oauth2generic` template uses something Plugboard cannot honour (kind `user`). */
  TemplateUnsupported: 'OAuthTemplateUnsupported',
  /** An endpoint is missing, not a URL, or not https (kind `user`). */
  EndpointInvalid: 'OAuthEndpointInvalid',
  /** A token endpoint depends on a free-text connection value while the client secret is the environment's (kind `user`). */
  EndpointUntrusted: 'OAuthEndpointUntrusted',
  /** The callback carried no `state` (kind `user`). */
  StateMissing: 'OAuthStateMissing',
  /** The `state` is unknown, forged, expired or already used (kind `user`). */
  StateInvalid: 'OAuthStateInvalid',
  /** The `state` was issued to another principal (kind `forbidden`). */
  StateWrongPrincipal: 'OAuthStateWrongPrincipal',
  /** The user (or the provider on their behalf) declined: `error=access_denied` (kind `user`). */
  AuthorizationDenied: 'OAuthAuthorizationDenied',
  /** The provider answered the authorization request with another error, or without a code (kind `user`). */
  AuthorizationFailed: 'OAuthAuthorizationFailed',
  /** The token endpoint refused the authorization code (expired, reused, PKCE verifier mismatch) (kind `user`). */
  CodeExchangeFailed: 'OAuthCodeExchangeFailed',
  /** The connection's grant is gone (`invalid_grant`, no refresh token, never authorized); it is marked unauthenticated (kind `conflict`). */
  ReauthorizationRequired: 'OAuthReauthorizationRequired',
  /** The provider could not be reached or answered 5xx / 429 (kind `operational`, retryable). */
  ProviderUnavailable: 'OAuthProviderUnavailable',
  /** The provider rejected the client (`invalid_client`, `unauthorized_client`, 401) — an admin fixes the app registration (kind `operational`). */
  ClientRejected: 'OAuthClientRejected',
  /** The token endpoint answered with another OAuth error (kind `operational`). */
  TokenRequestFailed: 'OAuthTokenRequestFailed',
  /** The token endpoint's answer is not a valid token response (kind `operational`). */
  TokenResponseInvalid: 'OAuthTokenResponseInvalid',
  /** Another writer changed the stored tokens and left no usable access token (kind `conflict`, retryable). */
  TokenConflict: 'OAuthTokenConflict',
  /** Another process kept renewing the connection's tokens (holding its refresh lease) for too long (kind `operational`, retryable). */
  RefreshWaitTimeout: 'OAuthRefreshWaitTimeout',
  /** The connection gets tokens with the client credentials grant; there is nothing to sign in to (kind `user`). */
  SignInNotApplicable: 'OAuthSignInNotApplicable',
  /** An option of `createOAuthService` is invalid (kind `user`). */
  OptionsInvalid: 'OAuthOptionsInvalid',
  /** The connection does not exist (or is not in the environment asked for) (kind `not-found`). */
  ConnectionNotFound: 'OAuthConnectionNotFound',
} as const;

/** One of {@link OAuthErrorCode}'s values. */
export type OAuthErrorCode = (typeof OAuthErrorCode)[keyof typeof OAuthErrorCode];

/** The connection must be authorized again; raised after the connection was marked unauthenticated. */
export function reauthorizationRequired(connectionId: string, reason: string): PlugboardError {
  return new PlugboardError(
    `connection \`${connectionId}\` needs to be authorized again: ${reason} — open the connection and sign in again (the connection and its settings are kept)`,
    { code: OAuthErrorCode.ReauthorizationRequired, kind: 'conflict', retryable: false, details: { connectionId } },
  );
}

const REDACTED = '[redacted]';

/**
 * Replaces every occurrence of each secret (and its URL-encoded form) in provider-supplied text.
 * Providers sometimes echo request values in `error_description`; this keeps them out of errors.
 */
export function redactSecrets(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret === undefined || secret.length < 4) continue;
    out = out.split(secret).join(REDACTED);
    const encoded = encodeURIComponent(secret);
    if (encoded !== secret) out = out.split(encoded).join(REDACTED);
  }
  return out.length > 300 ? `${out.slice(0, 300)}…` : out;
}
