/**
 * Authorization code + PKCE + state (T-O1, T-O2). `beginAuthorization` stores only the SHA-256 of a
 * random state, bound to the principal and connection, single use, expiring after 10 minutes;
 * `completeAuthorization` consumes it atomically before anything else and refuses missing,
 * unknown, expired, replayed or other-principal states.
 */
import { createHash } from 'node:crypto';
import { newId, PlugboardError, UserInputError } from '../../core/index.ts';
import { OAuthErrorCode, redactSecrets } from './errors.ts';
import type { TokenSet } from './ports.ts';
import type { OAuthRuntime } from './runtime.ts';
import { buildAuthorizationUrl, exchangeAuthorizationCode, newAuthorizationSecrets, validateCallback } from './token-endpoint.ts';

/** Inputs of `beginAuthorization`. */
export interface BeginAuthorizationInput {
  readonly environmentId: string;
  /** The signed-in principal; only they can complete this authorization. */
  readonly principalId: string;
  readonly connectionId: string;
  /** Plugboard's OAuth callback URL, exactly as registered at the provider. */
  readonly redirectUri: string;
}

/** Where to send the user's browser, and until when the sign-in can be completed. */
export interface BeginAuthorizationResult {
  readonly authorizationUrl: string;
  readonly expiresAt: number;
}

/** Inputs of `completeAuthorization`: the principal of the callback request and its query. */
export interface CompleteAuthorizationInput {
  readonly principalId: string;
  /** The callback's query (`code`, `state`, `iss`, or `error`, `error_description`). */
  readonly query: URLSearchParams | Readonly<Record<string, string | undefined>>;
}

/** A completed authorization. The tokens are already stored; the lead sets the connection `connected`. */
export interface CompletedAuthorization {
  readonly connectionId: string;
  readonly environmentId: string;
  readonly tokens: TokenSet;
  /** Who signed in at the provider, when it said (ID token); show it so users notice a foreign account (T-O4). */
  readonly account: TokenSet['idTokenClaims'];
}

/** What the state record's opaque payload holds. */
interface StatePayload {
  readonly v: 1;
  readonly codeVerifier: string;
  readonly redirectUri: string;
}

/** The hash stored for a state: the state itself never reaches storage. */
export function hashState(state: string): string {
  return createHash('sha256').update(state, 'utf8').digest('hex');
}

function parsePayload(payload: string): StatePayload | undefined {
  try {
    const value: unknown = JSON.parse(payload);
    if (value === null || typeof value !== 'object') return undefined;
    const record: Readonly<Record<string, unknown>> = Object.fromEntries(Object.entries(value));
    const { codeVerifier, redirectUri } = record;
    if (record['v'] !== 1 || typeof codeVerifier !== 'string' || typeof redirectUri !== 'string') return undefined;
    return { v: 1, codeVerifier, redirectUri };
  } catch {
    // a payload that does not parse is treated like an unknown state
    return undefined;
  }
}

function stateInvalid(): PlugboardError {
  return new UserInputError(
    'the OAuth sign-in link is unknown, expired (it is valid for 10 minutes) or was already used — start connecting again from Plugboard',
    { code: OAuthErrorCode.StateInvalid },
  );
}

function toSearchParams(query: CompleteAuthorizationInput['query']): URLSearchParams {
  if (query instanceof URLSearchParams) return new URLSearchParams(query);
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value !== undefined) params.set(name, value);
  return params;
}

/** Starts a sign-in: stores the hashed state and returns the provider URL to redirect the browser to. */
export async function beginAuthorization(runtime: OAuthRuntime, input: BeginAuthorizationInput): Promise<BeginAuthorizationResult> {
  if (!URL.canParse(input.redirectUri)) {
    throw new UserInputError('the OAuth redirect URI must be an absolute URL — configure Plugboard\'s public URL', { code: OAuthErrorCode.OptionsInvalid });
  }
  const { context, provider } = await runtime.loadConnection(input.connectionId, input.redirectUri);
  if (context.environmentId !== input.environmentId) {
    throw new PlugboardError(`connection \`${input.connectionId}\` does not exist in environment \`${input.environmentId}\``, {
      code: OAuthErrorCode.ConnectionNotFound,
      kind: 'not-found',
    });
  }
  if (provider.grantType === 'client_credentials') {
    throw new UserInputError(
      `connection \`${input.connectionId}\` gets app-only tokens with the client credentials grant; there is no sign-in — use it directly`,
      { code: OAuthErrorCode.SignInNotApplicable },
    );
  }
  const { state, codeVerifier, codeChallenge } = await newAuthorizationSecrets();
  const now = runtime.options.clock.now();
  const expiresAt = now + runtime.options.stateTtlMs;
  const payload: StatePayload = { v: 1, codeVerifier, redirectUri: input.redirectUri };
  await runtime.options.states.create({
    id: newId(),
    stateHash: hashState(state),
    environmentId: input.environmentId,
    principalId: input.principalId,
    connectionId: input.connectionId,
    payload: JSON.stringify(payload),
    createdAt: now,
    expiresAt,
  });
  runtime.options.logger.info('oauth authorization started', { connectionId: input.connectionId, identityProvider: provider.identityProvider });
  return { authorizationUrl: buildAuthorizationUrl(provider, { state, codeChallenge, redirectUri: input.redirectUri }), expiresAt };
}

/** Finishes a sign-in from the provider's redirect: checks the state, exchanges the code, stores the tokens. */
export async function completeAuthorization(runtime: OAuthRuntime, input: CompleteAuthorizationInput): Promise<CompletedAuthorization> {
  const query = toSearchParams(input.query);
  const state = query.get('state');
  if (state === null || state === '') {
    throw new UserInputError(
      'the OAuth callback has no `state` parameter, so it cannot be matched to a sign-in Plugboard started — start connecting again from Plugboard',
      { code: OAuthErrorCode.StateMissing },
    );
  }
  const { options } = runtime;
  // Consumed first, whatever follows: a state is good for exactly one callback.
  const record = await options.states.consume(hashState(state), options.clock.now());
  if (record === undefined) throw stateInvalid();
  if (record.principalId !== input.principalId) {
    options.logger.warn('oauth callback from another principal refused', { connectionId: record.connectionId });
    throw new PlugboardError('this OAuth sign-in was started by another user, so it cannot be completed here — start connecting again from your own account', {
      code: OAuthErrorCode.StateWrongPrincipal,
      kind: 'forbidden',
    });
  }
  const payload = parsePayload(record.payload);
  if (payload === undefined) throw stateInvalid();
  const { context, provider } = await runtime.loadConnection(record.connectionId, payload.redirectUri);
  if (context.environmentId !== record.environmentId) throw stateInvalid();

  const callback = validateCallback(provider, query);
  if (!callback.ok) {
    const secrets = [provider.client.secret?.reveal(), payload.codeVerifier, state];
    if (callback.error === 'access_denied') {
      throw new UserInputError(
        `the sign-in at identity provider \`${provider.identityProvider}\` was cancelled or access was denied — connection \`${record.connectionId}\` was not changed; connect again to grant access`,
        { code: OAuthErrorCode.AuthorizationDenied, details: { connectionId: record.connectionId, oauthError: 'access_denied' } },
      );
    }
    const description = callback.description === undefined ? '' : `: ${redactSecrets(callback.description, secrets)}`;
    throw new UserInputError(
      `identity provider \`${provider.identityProvider}\` answered the sign-in with \`${redactSecrets(callback.error, secrets)}\`${description} — connection \`${record.connectionId}\` was not changed`,
      { code: OAuthErrorCode.AuthorizationFailed, details: { connectionId: record.connectionId, oauthError: callback.error } },
    );
  }
  if ((callback.parameters.get('code') ?? '') === '') {
    throw new UserInputError(
      `identity provider \`${provider.identityProvider}\` redirected back without an authorization code — connect again`,
      { code: OAuthErrorCode.AuthorizationFailed, details: { connectionId: record.connectionId } },
    );
  }

  const tokens = await exchangeAuthorizationCode(
    { provider, transport: runtime.endpoint },
    { parameters: callback.parameters, redirectUri: payload.redirectUri, codeVerifier: payload.codeVerifier },
  );
  // A fresh consent replaces whatever is stored, even if a refresh wrote in between.
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const { revision } = await options.tokens.read(record.connectionId);
    if (await options.tokens.compareAndSwap(record.connectionId, revision, tokens)) {
      options.logger.info('oauth authorization completed', { connectionId: record.connectionId, identityProvider: provider.identityProvider });
      return { connectionId: record.connectionId, environmentId: record.environmentId, tokens, account: tokens.idTokenClaims };
    }
  }
  throw new PlugboardError(`the tokens of connection \`${record.connectionId}\` kept changing while saving the sign-in — connect again`, {
    code: OAuthErrorCode.TokenConflict,
    kind: 'conflict',
    retryable: true,
  });
}
