/**
 * Authorization code + PKCE + state against a real oidc-provider on loopback (T-O1, T-O2, T-O4):
 * the sign-in a user does when connecting, and every way a callback must be refused.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { generateRandomCodeVerifier } from 'oauth4webapi';
import { isPlugboardError } from '../../src/core/index.ts';
import { OAuthErrorCode } from '../../src/connections/oauth/index.ts';
import type { OAuthStateRepository } from '../../src/connections/oauth/index.ts';
import { ACCOUNTS, REDIRECT_URI, startLoopbackProvider, WEB_CLIENT } from './loopback-provider.ts';
import type { LoopbackProvider } from './loopback-provider.ts';
import { connect, ENVIRONMENT, loopbackApp, loopbackConnection } from './loopback-setup.ts';
import { createHarness } from './oauth-kit.ts';
import type { OAuthHarness } from './oauth-kit.ts';

/** Asserts that `promise` rejects with a Plugboard error of `code` (and returns it). */
async function rejectsWithCode(promise: Promise<unknown>, code: string): Promise<Error> {
  let caught: unknown;
  try {
    await promise;
  } catch (error) {
    caught = error;
  }
  assert.ok(isPlugboardError(caught), `expected a PlugboardError ${code}, got ${String(caught)}`);
  assert.equal(caught.code, code, caught.message);
  return caught;
}

describe('OAuth authorization code flow with PKCE and state', () => {
  let idp: LoopbackProvider;
  before(async () => {
    idp = await startLoopbackProvider();
  });
  after(async () => {
    await idp.close();
  });

  function harnessFor(connectionIds: readonly string[], wrapStates?: (states: OAuthStateRepository) => OAuthStateRepository): OAuthHarness {
    return createHarness({
      apps: [loopbackApp(idp)],
      connections: connectionIds.map((id) => loopbackConnection(idp, { id })),
      ...(wrapStates === undefined ? {} : { wrapStates }),
    });
  }

  async function begin(harness: OAuthHarness, request: { readonly connectionId: string; readonly principalId?: string }): Promise<URL> {
    const { connectionId, principalId = 'principal-alice' } = request;
    const { authorizationUrl } = await harness.service.beginAuthorization({ environmentId: ENVIRONMENT, principalId, connectionId, redirectUri: REDIRECT_URI });
    return new URL(authorizationUrl);
  }

  it('sends every authorization request with an S256 code challenge and never plain', async () => {
    const harness = harnessFor(['c1']);
    const url = await begin(harness, { connectionId: 'c1' });
    assert.equal(url.origin + url.pathname, `${idp.issuer}/auth`);
    assert.equal(url.searchParams.get('code_challenge_method'), 'S256');
    assert.match(url.searchParams.get('code_challenge') ?? '', /^[A-Za-z0-9_-]{43}$/);
    assert.equal(url.searchParams.get('client_id'), WEB_CLIENT.clientId);
    assert.equal(url.searchParams.get('redirect_uri'), REDIRECT_URI);
    assert.equal(url.searchParams.get('scope'), 'openid email profile offline_access');
    // from the connector's authorizationUrlQueryStringTemplate
    assert.equal(url.searchParams.get('prompt'), 'consent');
    assert.match(url.searchParams.get('state') ?? '', /^[A-Za-z0-9_-]{43}$/);
  });

  it('connects end to end: tokens are stored and the signed-in account is reported', async () => {
    const harness = harnessFor(['c1']);
    const completed = await connect(harness, idp, { connectionId: 'c1' });
    assert.equal(completed.connectionId, 'c1');
    assert.equal(completed.environmentId, ENVIRONMENT);
    assert.ok(completed.tokens.accessToken.length > 10);
    assert.ok(completed.tokens.refreshToken !== undefined);
    assert.equal(completed.tokens.expiresAt, harness.clock.now() + 3600 * 1000);
    assert.deepEqual(completed.account, { sub: 'alice', email: ACCOUNTS['alice']?.email, name: ACCOUNTS['alice']?.name });
    const stored = harness.tokens.entry('c1');
    assert.deepEqual(stored.tokens, completed.tokens);
    assert.equal(stored.unauthenticated, undefined);
    assert.equal(harness.http.count('authorization_code'), 1);
    const access = await harness.service.getAccessToken('c1');
    assert.equal(access.accessToken, completed.tokens.accessToken);
    assert.equal(access.tokenType, 'Bearer');
  });

  it('stores only a hash of the state, never the state itself', async () => {
    const created: string[] = [];
    const harness = harnessFor(['c1'], (states) => ({
      async create(record) {
        created.push(JSON.stringify(record));
        await states.create(record);
      },
      consume: (hash, now) => states.consume(hash, now),
    }));
    const url = await begin(harness, { connectionId: 'c1' });
    const state = url.searchParams.get('state') ?? '';
    assert.equal(created.length, 1);
    assert.ok(!(created[0] ?? '').includes(state), 'the stored record must not contain the state');
  });

  it('refuses the code when the PKCE verifier does not match (the provider checks it)', async () => {
    const harness = harnessFor(['c1'], (states) => ({
      create: (record) => states.create(record),
      async consume(hash, now) {
        const record = await states.consume(hash, now);
        if (record === undefined) return undefined;
        // an attacker who steals the code but not the verifier
        return { ...record, payload: JSON.stringify({ ...JSON.parse(record.payload), codeVerifier: generateRandomCodeVerifier() }) };
      },
    }));
    const url = await begin(harness, { connectionId: 'c1' });
    const query = await idp.signIn(url.href, { accountId: 'alice' });
    await rejectsWithCode(harness.service.completeAuthorization({ principalId: 'principal-alice', query }), OAuthErrorCode.CodeExchangeFailed);
    assert.equal(harness.tokens.entry('c1').tokens, undefined);
  });

  it('reports a denied consent (access_denied) cleanly and leaves the connection unchanged', async () => {
    const harness = harnessFor(['c1']);
    const url = await begin(harness, { connectionId: 'c1' });
    const query = await idp.signIn(url.href, { accountId: 'alice', decision: 'deny' });
    assert.equal(query.get('error'), 'access_denied');
    const error = await rejectsWithCode(harness.service.completeAuthorization({ principalId: 'principal-alice', query }), OAuthErrorCode.AuthorizationDenied);
    assert.match(error.message, /cancelled or access was denied/);
    assert.equal(harness.tokens.entry('c1').tokens, undefined);
    assert.equal(harness.http.requests.length, 0, 'no token request after a denial');
  });

  it('refuses a callback without state', async () => {
    const harness = harnessFor(['c1']);
    const url = await begin(harness, { connectionId: 'c1' });
    const query = await idp.signIn(url.href, { accountId: 'alice' });
    query.delete('state');
    await rejectsWithCode(harness.service.completeAuthorization({ principalId: 'principal-alice', query }), OAuthErrorCode.StateMissing);
    assert.equal(harness.tokens.entry('c1').tokens, undefined);
  });

  it('refuses a forged state', async () => {
    const harness = harnessFor(['c1']);
    const url = await begin(harness, { connectionId: 'c1' });
    const query = await idp.signIn(url.href, { accountId: 'alice' });
    query.set('state', randomBytes(32).toString('base64url'));
    await rejectsWithCode(harness.service.completeAuthorization({ principalId: 'principal-alice', query }), OAuthErrorCode.StateInvalid);
    assert.equal(harness.tokens.entry('c1').tokens, undefined);
  });

  it('refuses a state started by another principal, and burns it (code injection, T-O4)', async () => {
    const harness = harnessFor(['c1']);
    // Mallory starts a sign-in to her own account and sends the callback link to Alice.
    const url = await begin(harness, { connectionId: 'c1', principalId: 'principal-mallory' });
    const query = await idp.signIn(url.href, { accountId: 'mallory' });
    const error = await rejectsWithCode(harness.service.completeAuthorization({ principalId: 'principal-alice', query }), OAuthErrorCode.StateWrongPrincipal);
    assert.ok(isPlugboardError(error) && error.kind === 'forbidden');
    assert.equal(harness.tokens.entry('c1').tokens, undefined);
    // the state was single use even for its owner
    await rejectsWithCode(harness.service.completeAuthorization({ principalId: 'principal-mallory', query }), OAuthErrorCode.StateInvalid);
  });

  it('refuses a state older than 10 minutes', async () => {
    const harness = harnessFor(['c1']);
    const url = await begin(harness, { connectionId: 'c1' });
    const query = await idp.signIn(url.href, { accountId: 'alice' });
    harness.clock.advance(10 * 60 * 1000);
    await rejectsWithCode(harness.service.completeAuthorization({ principalId: 'principal-alice', query }), OAuthErrorCode.StateInvalid);
    assert.equal(harness.tokens.entry('c1').tokens, undefined);
  });

  it('accepts a state just inside its 10 minutes', async () => {
    const harness = harnessFor(['c1']);
    const url = await begin(harness, { connectionId: 'c1' });
    const query = await idp.signIn(url.href, { accountId: 'alice' });
    harness.clock.advance(10 * 60 * 1000 - 1);
    const completed = await harness.service.completeAuthorization({ principalId: 'principal-alice', query });
    assert.equal(completed.connectionId, 'c1');
  });

  it('refuses a replayed callback and keeps the tokens of the first one', async () => {
    const harness = harnessFor(['c1']);
    const url = await begin(harness, { connectionId: 'c1' });
    const query = await idp.signIn(url.href, { accountId: 'alice' });
    const first = await harness.service.completeAuthorization({ principalId: 'principal-alice', query });
    const revision = harness.tokens.entry('c1').revision;
    await rejectsWithCode(harness.service.completeAuthorization({ principalId: 'principal-alice', query }), OAuthErrorCode.StateInvalid);
    assert.equal(harness.tokens.entry('c1').revision, revision);
    assert.deepEqual(harness.tokens.entry('c1').tokens, first.tokens);
    assert.equal(harness.http.count('authorization_code'), 1, 'the replay never reached the token endpoint');
  });

  it('refuses a callback whose `iss` is not the configured issuer (mix-up defence)', async () => {
    const harness = harnessFor(['c1']);
    const url = await begin(harness, { connectionId: 'c1' });
    const query = await idp.signIn(url.href, { accountId: 'alice' });
    query.set('iss', 'https://attacker.example');
    await rejectsWithCode(harness.service.completeAuthorization({ principalId: 'principal-alice', query }), OAuthErrorCode.AuthorizationFailed);
    assert.equal(harness.tokens.entry('c1').tokens, undefined);
  });

  it('connects with the connection\'s own client (token:clientId) and reports the account without a configured issuer', async () => {
    const harness = createHarness({
      connections: [loopbackConnection(idp, { id: 'byo', values: { 'token:clientId': WEB_CLIENT.clientId, 'token:clientSecret': WEB_CLIENT.clientSecret } })],
    });
    const provider = await harness.service.resolveProvider('byo');
    assert.equal(provider.client.source, 'connection');
    assert.equal(provider.tokenEndpoint, `${idp.issuer}/token`);
    const completed = await connect(harness, idp, { connectionId: 'byo' });
    assert.equal(completed.account?.sub, 'alice');
    assert.equal(completed.account?.email, ACCOUNTS['alice']?.email);
  });

  it('refuses to start a sign-in for a connection of another environment', async () => {
    const harness = harnessFor(['c1']);
    await rejectsWithCode(
      harness.service.beginAuthorization({ environmentId: 'env-other', principalId: 'principal-alice', connectionId: 'c1', redirectUri: REDIRECT_URI }),
      OAuthErrorCode.ConnectionNotFound,
    );
  });
});
