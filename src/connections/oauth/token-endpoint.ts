/**
 * Protocol work through oauth4webapi: the authorization URL (PKCE S256, always), the code exchange,
 * the refresh and the client credentials grant, each sent through the injected fetch. Provider
 * failures become typed errors; no message carries a token, code, verifier or client secret.
 */
import * as oauth from 'oauth4webapi';
import { isPlugboardError, PlugboardError } from '../../core/index.ts';
import type { Clock } from '../../core/index.ts';
import { OAuthErrorCode, redactSecrets } from './errors.ts';
import type { HttpFetch, TokenSet } from './ports.ts';
import type { ResolvedOAuthProvider } from './resolve-provider.ts';

/** Transport options of every token endpoint call. */
export interface TokenEndpointOptions {
  readonly fetch: HttpFetch;
  readonly clock: Clock;
  /** Allow `http:` endpoints (loopback test providers only). */
  readonly allowInsecureRequests: boolean;
}

/** Which call failed: decides how an OAuth error is classified. */
export type TokenCallPhase = 'authorization_code' | 'refresh_token' | 'client_credentials';

/** A token endpoint call: which provider, over which transport. */
export interface TokenCall {
  readonly provider: ResolvedOAuthProvider;
  readonly transport: TokenEndpointOptions;
  /** Aborts the request (a refresh must not outlive its lease); an abort counts as the provider being unreachable. */
  readonly signal?: AbortSignal;
}

/** A token endpoint failure; `oauthError` is the provider's `error` code (e.g. `invalid_grant`). */
export class TokenEndpointError extends PlugboardError {
  readonly oauthError: string | undefined;

  constructor(message: string, options: { code: string; kind: 'user' | 'operational'; retryable: boolean; oauthError: string | undefined; status: number | undefined }) {
    super(message, {
      code: options.code,
      kind: options.kind,
      retryable: options.retryable,
      details: { ...(options.oauthError === undefined ? {} : { oauthError: options.oauthError }), ...(options.status === undefined ? {} : { status: options.status }) },
    });
    this.name = 'TokenEndpointError';
    this.oauthError = options.oauthError;
  }
}

/** The fetch itself failed (DNS, connect, TLS, timeout): the provider could not be reached. */
class NetworkFailure extends Error {
  constructor(cause: unknown) {
    super('the token endpoint could not be reached', { cause });
    this.name = 'NetworkFailure';
  }
}

/** Builds the authorization request URL: the provider's extra parameters, then the protocol ones Plugboard always sets. */
export function buildAuthorizationUrl(provider: ResolvedOAuthProvider, request: { readonly state: string; readonly codeChallenge: string; readonly redirectUri: string }): string {
  if (provider.authorizationEndpoint === undefined) throw new Error('buildAuthorizationUrl needs an authorization endpoint');
  const url = new URL(provider.authorizationEndpoint);
  for (const [name, value] of Object.entries(provider.authorizationParameters)) url.searchParams.set(name, value);
  url.searchParams.set('client_id', provider.client.id);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('redirect_uri', request.redirectUri);
  if (provider.scopes.length > 0) url.searchParams.set('scope', provider.scopes.join(provider.scopeDelimiter));
  else url.searchParams.delete('scope');
  url.searchParams.set('state', request.state);
  url.searchParams.set('code_challenge', request.codeChallenge);
  url.searchParams.set('code_challenge_method', 'S256');
  return url.href;
}

function authorizationServer(provider: ResolvedOAuthProvider, tokenEndpoint: string): oauth.AuthorizationServer {
  // oauth4webapi needs an issuer; without a configured one, nothing is compared against it (iss and id_token are set aside).
  return { issuer: provider.issuer ?? new URL(tokenEndpoint).origin, token_endpoint: tokenEndpoint, authorization_endpoint: provider.authorizationEndpoint };
}

function clientAuth(provider: ResolvedOAuthProvider): oauth.ClientAuth {
  const secret = provider.client.secret?.reveal() ?? '';
  switch (provider.client.authMethod) {
    case 'client_secret_basic':
      return oauth.ClientSecretBasic(secret);
    case 'client_secret_post':
      return oauth.ClientSecretPost(secret);
    case 'none':
      return oauth.None();
  }
}

/** One attempt of a call, and what it observed (for classification and the ID token set aside). */
interface Attempt extends TokenCall {
  readonly phase: TokenCallPhase;
  /** Values to redact from any provider text quoted in an error. */
  readonly secrets: readonly (string | undefined)[];
  status: number | undefined;
  idToken: string | undefined;
}

function startAttempt(call: TokenCall, what: { readonly phase: TokenCallPhase; readonly secrets: readonly (string | undefined)[] }): Attempt {
  const { phase, secrets } = what;
  return { ...call, phase, secrets: [call.provider.client.secret?.reveal(), ...secrets], status: undefined, idToken: undefined };
}

/**
 * Wraps the injected fetch: marks network failures, and normalizes a 200 answer so oauth4webapi
 * accepts common deviations (form-encoded bodies, missing `token_type`); when no issuer is
 * configured the `id_token` is set aside, because its `iss` cannot be checked.
 */
function recordingFetch(attempt: Attempt) {
  const { provider, transport } = attempt;
  return async (url: string, init: oauth.CustomFetchOptions<'POST', URLSearchParams>): Promise<Response> => {
    let response: Response;
    let text: string | undefined;
    try {
      response = await transport.fetch(url, init);
      attempt.status = response.status;
      // Only a 200 is normalized; error answers go to oauth4webapi untouched.
      if (response.status === 200) text = await response.text();
    } catch (error) {
      // Our own abort (the refresh lease is running out) means "no answer in time", whoever reports it.
      if (attempt.signal?.aborted === true) throw new NetworkFailure(error);
      // The egress client's own refusals (blocked address, size cap) are typed already; keep them.
      if (isPlugboardError(error)) throw error;
      throw new NetworkFailure(error);
    }
    if (text === undefined) return response;
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = /^[\w.~%+-]+=/.test(text.trim()) ? Object.fromEntries(new URLSearchParams(text.trim())) : text;
    }
    if (body !== null && typeof body === 'object' && !Array.isArray(body)) {
      const fields: Record<string, unknown> = { ...body };
      if (typeof fields['expires_in'] === 'string' && /^\d+$/.test(fields['expires_in'])) fields['expires_in'] = Number(fields['expires_in']);
      if (fields['token_type'] === undefined && typeof fields['access_token'] === 'string') fields['token_type'] = 'bearer';
      if (provider.issuer === undefined && typeof fields['id_token'] === 'string') {
        attempt.idToken = fields['id_token'];
        delete fields['id_token'];
      }
      return new Response(JSON.stringify(fields), { status: 200, headers: { 'content-type': 'application/json' } });
    }
    return new Response(text, { status: 200, headers: response.headers });
  };
}

function statusOfNonConform(error: oauth.OperationProcessingError): number | undefined {
  return error.cause instanceof Response ? error.cause.status : undefined;
}

/** Turns whatever a token call threw into a typed, secret-free error. */
function classify(error: unknown, attempt: Attempt): PlugboardError {
  const { provider, phase, secrets } = attempt;
  if (isPlugboardError(error)) return error;
  const host = URL.canParse(provider.tokenEndpoint) ? new URL(provider.tokenEndpoint).host : provider.tokenEndpoint;
  const who = `the token endpoint of identity provider \`${provider.identityProvider}\` (${host})`;
  if (error instanceof NetworkFailure) {
    return new TokenEndpointError(`${who} could not be reached — try again later`, {
      code: OAuthErrorCode.ProviderUnavailable,
      kind: 'operational',
      retryable: true,
      oauthError: undefined,
      status: undefined,
    });
  }
  let status = attempt.status;
  let oauthError: string | undefined;
  let description = '';
  if (error instanceof oauth.ResponseBodyError) {
    status = error.status;
    oauthError = error.error;
    description = error.error_description === undefined ? '' : `: ${redactSecrets(error.error_description, secrets)}`;
  } else if (error instanceof oauth.WWWAuthenticateChallengeError) {
    status = error.status;
  } else if (error instanceof oauth.OperationProcessingError && error.code === oauth.RESPONSE_IS_NOT_CONFORM) {
    status = statusOfNonConform(error) ?? status;
  } else if (error instanceof oauth.OperationProcessingError || error instanceof oauth.UnsupportedOperationError) {
    return new TokenEndpointError(`${who} sent an invalid token response (${redactSecrets(error.message, secrets)})`, {
      code: OAuthErrorCode.TokenResponseInvalid,
      kind: 'operational',
      retryable: false,
      oauthError: undefined,
      status,
    });
  } else {
    // Not a provider answer: a bug in Plugboard or oauth4webapi. Keep it visible without leaking request data.
    return new PlugboardError(`calling ${who} failed unexpectedly: ${error instanceof Error ? error.name : 'unknown error'}`, { code: 'InternalError', kind: 'unexpected' });
  }
  const said = oauthError === undefined ? `answered HTTP ${status ?? '?'}` : `answered \`${oauthError}\`${description}`;
  if ((status !== undefined && (status >= 500 || status === 429)) || oauthError === 'temporarily_unavailable' || oauthError === 'server_error') {
    return new TokenEndpointError(`${who} ${said} — try again later`, { code: OAuthErrorCode.ProviderUnavailable, kind: 'operational', retryable: true, oauthError, status });
  }
  if (oauthError === 'invalid_client' || oauthError === 'unauthorized_client' || status === 401) {
    const fix =
      provider.client.source === 'connection'
        ? 'check the connection parameters `token:clientId` and `token:clientSecret`'
        : `an admin checks the client id, secret and allowed grants of OAuth app registration \`${provider.client.appKey ?? ''}\``;
    return new TokenEndpointError(`${who} rejected the OAuth client (${said}) — ${fix}`, { code: OAuthErrorCode.ClientRejected, kind: 'operational', retryable: false, oauthError, status });
  }
  if (oauthError === 'invalid_grant' && phase === 'authorization_code') {
    return new TokenEndpointError(`${who} refused the authorization code (${said}); it may have expired or been used already — start the sign-in again`, {
      code: OAuthErrorCode.CodeExchangeFailed,
      kind: 'user',
      retryable: false,
      oauthError,
      status,
    });
  }
  return new TokenEndpointError(`${who} ${said}`, { code: OAuthErrorCode.TokenRequestFailed, kind: 'operational', retryable: false, oauthError, status });
}

function stringClaim(claims: Readonly<Record<string, unknown>>, name: string): string | undefined {
  const value = claims[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function identityOf(claims: Readonly<Record<string, unknown>> | undefined): TokenSet['idTokenClaims'] {
  if (claims === undefined) return undefined;
  const username = stringClaim(claims, 'preferred_username');
  const email = stringClaim(claims, 'email') ?? (username?.includes('@') === true ? username : undefined);
  const identity = { sub: stringClaim(claims, 'sub'), email, name: stringClaim(claims, 'name') };
  const present = Object.fromEntries(Object.entries(identity).filter(([, v]) => v !== undefined));
  return Object.keys(present).length === 0 ? undefined : present;
}

/**
 * Display-only claims of an ID token whose issuer cannot be checked (no `issuer` configured). It came
 * straight from the token endpoint over TLS; it is still ignored unless it names this client.
 */
function unverifiedIdentity(idToken: string, clientId: string): TokenSet['idTokenClaims'] {
  const payload = idToken.split('.')[1];
  if (payload === undefined) return undefined;
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    if (claims === null || typeof claims !== 'object' || Array.isArray(claims)) return undefined;
    const record: Readonly<Record<string, unknown>> = Object.fromEntries(Object.entries(claims));
    const aud = record['aud'];
    const audiences = Array.isArray(aud) ? aud : [aud];
    return audiences.includes(clientId) ? identityOf(record) : undefined;
  } catch {
    // a malformed ID token only costs the display of the account; the tokens themselves are fine
    return undefined;
  }
}

function toTokenSet(response: oauth.TokenEndpointResponse, options: { now: number; previousRefreshToken?: string; identity: TokenSet['idTokenClaims'] }): TokenSet {
  const tokens: TokenSet = { accessToken: response.access_token, tokenType: response.token_type };
  const refreshToken = response.refresh_token ?? options.previousRefreshToken;
  if (refreshToken !== undefined) tokens.refreshToken = refreshToken;
  if (typeof response.expires_in === 'number') tokens.expiresAt = options.now + response.expires_in * 1000;
  if (response.scope !== undefined) tokens.scope = response.scope;
  if (options.identity !== undefined) tokens.idTokenClaims = options.identity;
  return tokens;
}

function requestOptions(attempt: Attempt, additionalParameters: Readonly<Record<string, string>>) {
  return {
    [oauth.customFetch]: recordingFetch(attempt),
    [oauth.allowInsecureRequests]: attempt.transport.allowInsecureRequests,
    additionalParameters: { ...additionalParameters },
    ...(attempt.signal === undefined ? {} : { signal: attempt.signal }),
  };
}

/** The result of checking the provider's redirect: the code, or the provider's error. */
export type CallbackResult = { readonly ok: true; readonly parameters: URLSearchParams } | { readonly ok: false; readonly error: string; readonly description: string | undefined };

/** Checks the callback parameters (RFC 9207 `iss` when an issuer is configured); state was checked by the caller. */
export function validateCallback(provider: ResolvedOAuthProvider, query: URLSearchParams): CallbackResult {
  const parameters = new URLSearchParams(query);
  if (provider.issuer === undefined) parameters.delete('iss');
  try {
    return { ok: true, parameters: oauth.validateAuthResponse(authorizationServer(provider, provider.tokenEndpoint), { client_id: provider.client.id }, parameters, oauth.skipStateCheck) };
  } catch (error) {
    if (error instanceof oauth.AuthorizationResponseError) return { ok: false, error: error.error, description: error.error_description };
    if (error instanceof oauth.OperationProcessingError) return { ok: false, error: 'invalid_response', description: error.message };
    throw error;
  }
}

/** Exchanges an authorization code (with its PKCE verifier) for tokens. */
export async function exchangeAuthorizationCode(
  call: TokenCall,
  request: { readonly parameters: URLSearchParams; readonly redirectUri: string; readonly codeVerifier: string },
): Promise<TokenSet> {
  const { provider } = call;
  const as = authorizationServer(provider, provider.tokenEndpoint);
  const client: oauth.Client = { client_id: provider.client.id };
  const attempt = startAttempt(call, { phase: 'authorization_code', secrets: [request.codeVerifier, request.parameters.get('code') ?? undefined] });
  try {
    const response = await oauth.authorizationCodeGrantRequest(as, client, clientAuth(provider), request.parameters, request.redirectUri, request.codeVerifier, requestOptions(attempt, provider.tokenParameters));
    const result = await oauth.processAuthorizationCodeResponse(as, client, response);
    const identity = attempt.idToken !== undefined ? unverifiedIdentity(attempt.idToken, provider.client.id) : identityOf(oauth.getValidatedIdTokenClaims(result));
    return toTokenSet(result, { now: call.transport.clock.now(), identity });
  } catch (error) {
    throw classify(error, attempt);
  }
}

/** Redeems a refresh token; a response without a new refresh token keeps the old one (no rotation). */
export async function refreshTokens(call: TokenCall, previous: TokenSet & { readonly refreshToken: string }): Promise<TokenSet> {
  const { provider } = call;
  const as = authorizationServer(provider, provider.refreshEndpoint);
  const client: oauth.Client = { client_id: provider.client.id };
  const attempt = startAttempt(call, { phase: 'refresh_token', secrets: [previous.refreshToken, previous.accessToken] });
  try {
    const response = await oauth.refreshTokenGrantRequest(as, client, clientAuth(provider), previous.refreshToken, requestOptions(attempt, provider.refreshParameters));
    const result = await oauth.processRefreshTokenResponse(as, client, response);
    const fresh = attempt.idToken !== undefined ? unverifiedIdentity(attempt.idToken, provider.client.id) : identityOf(oauth.getValidatedIdTokenClaims(result));
    return toTokenSet(result, { now: call.transport.clock.now(), previousRefreshToken: previous.refreshToken, identity: fresh ?? previous.idTokenClaims });
  } catch (error) {
    throw classify(error, attempt);
  }
}

/** Gets an app-only token with the client credentials grant. */
export async function clientCredentialsTokens(call: TokenCall): Promise<TokenSet> {
  const { provider } = call;
  const as = authorizationServer(provider, provider.tokenEndpoint);
  const client: oauth.Client = { client_id: provider.client.id };
  const attempt = startAttempt(call, { phase: 'client_credentials', secrets: [] });
  const parameters: Record<string, string> = { ...provider.clientCredentialsParameters };
  if (provider.scopes.length > 0) parameters['scope'] = provider.scopes.join(provider.scopeDelimiter);
  try {
    const response = await oauth.clientCredentialsGrantRequest(as, client, clientAuth(provider), parameters, requestOptions(attempt, {}));
    const result = await oauth.processClientCredentialsResponse(as, client, response);
    return toTokenSet(result, { now: call.transport.clock.now(), identity: undefined });
  } catch (error) {
    throw classify(error, attempt);
  }
}

/** A fresh PKCE pair and state (oauth4webapi's 32-byte random values). */
export async function newAuthorizationSecrets(): Promise<{ readonly state: string; readonly codeVerifier: string; readonly codeChallenge: string }> {
  const codeVerifier = oauth.generateRandomCodeVerifier();
  return { state: oauth.generateRandomState(), codeVerifier, codeChallenge: await oauth.calculatePKCECodeChallenge(codeVerifier) };
}
