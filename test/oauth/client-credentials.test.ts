/** The client credentials grant against a real oidc-provider on loopback: app-only tokens, no sign-in. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isPlugboardError } from '../../src/core/index.ts';
import { OAuthErrorCode } from '../../src/connections/oauth/index.ts';
import { REDIRECT_URI, SERVICE_CLIENT, startLoopbackProvider } from './loopback-provider.ts';
import type { LoopbackProvider } from './loopback-provider.ts';
import { ENVIRONMENT, loopbackApp, loopbackConnection } from './loopback-setup.ts';
import { createHarness } from './oauth-kit.ts';
import type { OAuthHarness } from './oauth-kit.ts';

const HOUR = 3600 * 1000;

describe('OAuth client credentials grant', () => {
  let idp: LoopbackProvider;
  before(async () => {
    idp = await startLoopbackProvider();
  });
  after(async () => {
    await idp.close();
  });

  function serviceHarness(clientSecret: string = SERVICE_CLIENT.clientSecret): OAuthHarness {
    return createHarness({
      apps: [loopbackApp(idp, { settings: { grantType: 'client_credentials', scopes: [] }, client: { clientId: SERVICE_CLIENT.clientId, clientSecret } })],
      connections: [loopbackConnection(idp, { id: 'svc' })],
    });
  }

  it('gets an app-only token on first use and stores it', async () => {
    const harness = serviceHarness();
    const access = await harness.service.getAccessToken('svc');
    assert.equal(harness.http.count('client_credentials'), 1);
    assert.equal(harness.http.requests[0]?.body.get('client_id'), SERVICE_CLIENT.clientId);
    const stored = harness.tokens.entry('svc').tokens;
    assert.equal(stored?.accessToken, access.accessToken);
    assert.equal(stored?.refreshToken, undefined);
    assert.equal(stored?.expiresAt, harness.clock.now() + HOUR);
  });

  it('reuses the token until it expires, then gets a new one', async () => {
    const harness = serviceHarness();
    const first = await harness.service.getAccessToken('svc');
    harness.clock.advance(HOUR / 2);
    assert.equal((await harness.service.getAccessToken('svc')).accessToken, first.accessToken);
    assert.equal(harness.http.count('client_credentials'), 1);
    harness.clock.advance(HOUR);
    const second = await harness.service.getAccessToken('svc');
    assert.notEqual(second.accessToken, first.accessToken);
    assert.equal(harness.http.count('client_credentials'), 2);
  });

  it('asks for one token when many calls start at once', async () => {
    const harness = serviceHarness();
    const results = await Promise.all(Array.from({ length: 10 }, () => harness.service.getAccessToken('svc')));
    assert.equal(harness.http.count('client_credentials'), 1);
    assert.equal(new Set(results.map((r) => r.accessToken)).size, 1);
  });

  it('has no sign-in to start', async () => {
    const harness = serviceHarness();
    let caught: unknown;
    try {
      await harness.service.beginAuthorization({ environmentId: ENVIRONMENT, principalId: 'p', connectionId: 'svc', redirectUri: REDIRECT_URI });
    } catch (error) {
      caught = error;
    }
    assert.ok(isPlugboardError(caught) && caught.code === OAuthErrorCode.SignInNotApplicable);
  });

  it('reports a wrong client secret as a rejected client, not as a broken connection', async () => {
    const harness = serviceHarness('not-the-secret');
    let caught: unknown;
    try {
      await harness.service.getAccessToken('svc');
    } catch (error) {
      caught = error;
    }
    assert.ok(isPlugboardError(caught), String(caught));
    assert.equal(caught.code, OAuthErrorCode.ClientRejected, caught.message);
    assert.equal(caught.retryable, false);
    assert.match(caught.message, /app registration `loopback-idp`/);
    assert.equal(harness.tokens.entry('svc').unauthenticated, undefined);
  });
});
