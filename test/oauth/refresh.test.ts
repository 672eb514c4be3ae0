/**
 * Access tokens and refresh against a real oidc-provider on loopback (T-F8, T-O5): refresh before
 * expiry, rotation, one refresh for many concurrent callers, revoked grants, network failures, and
 * two processes (two services over one token store) racing over one stored token: the refresh
 * lease, its takeover after a crash, and the fallbacks when a late request still arrives.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isPlugboardError } from '../../src/core/index.ts';
import { OAuthErrorCode } from '../../src/connections/oauth/index.ts';
import { startLoopbackProvider } from './loopback-provider.ts';
import type { LoopbackProvider } from './loopback-provider.ts';
import { connect, loopbackApp, loopbackConnection } from './loopback-setup.ts';
import { createControlledSleep, createHarness, createRecordingFetch } from './oauth-kit.ts';
import type { OAuthHarness } from './oauth-kit.ts';

const HOUR = 3600 * 1000;

async function rejectsWithCode(promise: Promise<unknown>, code: string): Promise<Error & { retryable?: boolean }> {
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

describe('OAuth access tokens and refresh', () => {
  let idp: LoopbackProvider;
  let idpNoRotation: LoopbackProvider;
  before(async () => {
    idp = await startLoopbackProvider({ rotateRefreshToken: true });
    idpNoRotation = await startLoopbackProvider({ rotateRefreshToken: false });
  });
  after(async () => {
    await idp.close();
    await idpNoRotation.close();
  });

  async function connected(provider: LoopbackProvider = idp, options: { readonly sleep?: (ms: number) => Promise<void>; readonly refreshLeaseMs?: number } = {}): Promise<OAuthHarness> {
    const harness = createHarness({ apps: [loopbackApp(provider)], connections: [loopbackConnection(provider, { id: 'c1' })], ...options });
    await connect(harness, provider, { connectionId: 'c1' });
    return harness;
  }

  it('uses the stored token while it is valid, without calling the provider', async () => {
    const harness = await connected();
    const stored = harness.tokens.entry('c1').tokens;
    harness.clock.advance(HOUR - 2 * 60 * 1000);
    const access = await harness.service.getAccessToken('c1');
    assert.equal(access.accessToken, stored?.accessToken);
    assert.equal(harness.http.count('refresh_token'), 0);
  });

  it('refreshes a token that expires within the 60 s skew, before it is used', async () => {
    const harness = await connected();
    const before = harness.tokens.entry('c1');
    harness.clock.advance(HOUR - 30 * 1000);
    const access = await harness.service.getAccessToken('c1');
    assert.equal(harness.http.count('refresh_token'), 1);
    assert.notEqual(access.accessToken, before.tokens?.accessToken);
    const after = harness.tokens.entry('c1');
    assert.equal(after.revision, before.revision + 1);
    assert.equal(after.tokens?.accessToken, access.accessToken);
    assert.equal(after.tokens?.expiresAt, harness.clock.now() + HOUR);
    // the account shown for the connection survives the refresh
    assert.equal(after.tokens?.idTokenClaims?.sub, 'alice');
  });

  it('stores the rotated refresh token, and the next refresh works with it', async () => {
    const harness = await connected();
    const first = harness.tokens.entry('c1').tokens;
    harness.clock.advance(2 * HOUR);
    await harness.service.getAccessToken('c1');
    const second = harness.tokens.entry('c1').tokens;
    assert.ok(second?.refreshToken !== undefined);
    assert.notEqual(second.refreshToken, first?.refreshToken, 'the provider rotated the refresh token');
    harness.clock.advance(2 * HOUR);
    const third = await harness.service.getAccessToken('c1');
    assert.equal(harness.http.count('refresh_token'), 2);
    assert.equal(harness.http.requests.at(-1)?.body.get('refresh_token'), second.refreshToken, 'the second refresh used the rotated token');
    assert.equal(harness.tokens.entry('c1').tokens?.accessToken, third.accessToken);
    assert.equal(harness.tokens.entry('c1').unauthenticated, undefined);
  });

  it('keeps the refresh token when the provider does not rotate it', async () => {
    const harness = await connected(idpNoRotation);
    const first = harness.tokens.entry('c1').tokens;
    harness.clock.advance(2 * HOUR);
    await harness.service.getAccessToken('c1');
    assert.equal(harness.tokens.entry('c1').tokens?.refreshToken, first?.refreshToken);
  });

  for (const callers of [2, 20]) {
    it(`refreshes an expired token once when ${callers} calls race`, async () => {
      const harness = await connected();
      harness.clock.advance(2 * HOUR);
      const results = await Promise.all(Array.from({ length: callers }, () => harness.service.getAccessToken('c1')));
      assert.equal(harness.http.count('refresh_token'), 1);
      const stored = harness.tokens.entry('c1').tokens;
      for (const result of results) assert.equal(result.accessToken, stored?.accessToken);
      assert.equal(harness.tokens.entry('c1').unauthenticated, undefined);
    });
  }

  it('marks the connection unauthenticated with OAuthReauthorizationRequired when the refresh token was revoked, and keeps it', async () => {
    const harness = await connected();
    const stored = harness.tokens.entry('c1').tokens;
    await idp.revokeRefreshToken(stored?.refreshToken ?? '');
    harness.clock.advance(2 * HOUR);
    const error = await rejectsWithCode(harness.service.getAccessToken('c1'), OAuthErrorCode.ReauthorizationRequired);
    assert.equal(error.retryable, false);
    assert.match(error.message, /authorized again/);
    const entry = harness.tokens.entry('c1');
    assert.ok(entry.unauthenticated !== undefined, 'the connection is marked unauthenticated');
    assert.deepEqual(entry.tokens, stored, 'nothing is deleted');
    // signing in again reconnects it
    await connect(harness, idp, { connectionId: 'c1' });
    assert.equal(harness.tokens.entry('c1').unauthenticated, undefined);
    await harness.service.getAccessToken('c1');
  });

  it('reports a network failure as retryable and does not mark the connection', async () => {
    const harness = await connected();
    const before = harness.tokens.entry('c1');
    harness.clock.advance(2 * HOUR);
    harness.http.failNext(new TypeError('fetch failed'));
    const error = await rejectsWithCode(harness.service.getAccessToken('c1'), OAuthErrorCode.ProviderUnavailable);
    assert.equal(error.retryable, true);
    assert.equal(harness.tokens.entry('c1').unauthenticated, undefined);
    assert.equal(harness.tokens.entry('c1').revision, before.revision);
    assert.equal(harness.tokens.entry('c1').refreshLease, undefined, 'a failed refresh releases the lease');
    // the next call succeeds with the same refresh token
    await harness.service.getAccessToken('c1');
    assert.equal(harness.tokens.entry('c1').revision, before.revision + 1);
  });

  // The timeout turns a request that is never cut off into a failure instead of a hang.
  it('gives up on a token request that would outlive the refresh lease, as retryable, and releases the lease', { timeout: 10_000 }, async () => {
    const harness = await connected(idp, { refreshLeaseMs: 1_000 });
    const before = harness.tokens.entry('c1');
    harness.clock.advance(2 * HOUR);
    harness.http.hangNext();
    const error = await rejectsWithCode(harness.service.getAccessToken('c1'), OAuthErrorCode.ProviderUnavailable);
    assert.equal(error.retryable, true);
    const after = harness.tokens.entry('c1');
    assert.equal(after.refreshLease, undefined);
    assert.equal(after.revision, before.revision);
    assert.equal(after.unauthenticated, undefined);
    // the abandoned request never reached the provider, so the refresh token still works
    await harness.service.getAccessToken('c1');
    assert.equal(harness.tokens.entry('c1').revision, before.revision + 1);
  });

  it('reports a provider 503 as retryable and does not mark the connection', async () => {
    const harness = await connected();
    harness.clock.advance(2 * HOUR);
    harness.http.answerNext(() => new Response('upstream down', { status: 503 }));
    const error = await rejectsWithCode(harness.service.getAccessToken('c1'), OAuthErrorCode.ProviderUnavailable);
    assert.equal(error.retryable, true);
    assert.equal(harness.tokens.entry('c1').unauthenticated, undefined);
  });

  it('accepts a form-encoded token answer without `token_type`, as some providers send', async () => {
    const harness = await connected();
    harness.clock.advance(2 * HOUR);
    harness.http.answerNext(
      () => new Response('access_token=form-access-token-1&expires_in=600&refresh_token=form-refresh-token-1', { status: 200, headers: { 'content-type': 'application/x-www-form-urlencoded' } }),
    );
    const access = await harness.service.getAccessToken('c1');
    assert.deepEqual(access, { accessToken: 'form-access-token-1', tokenType: 'Bearer', expiresAt: harness.clock.now() + 600 * 1000 });
    assert.equal(harness.tokens.entry('c1').tokens?.refreshToken, 'form-refresh-token-1');
  });

  it('renews once after a 401 and returns the stored token to later callers holding the refused one', async () => {
    const harness = await connected();
    const refused = harness.tokens.entry('c1').tokens?.accessToken ?? '';
    const renewed = await harness.service.onUnauthorized('c1', refused);
    assert.notEqual(renewed.accessToken, refused);
    assert.equal(harness.http.count('refresh_token'), 1);
    // another call that saw the same 401 gets the new token without a second refresh
    const again = await harness.service.onUnauthorized('c1', refused);
    assert.equal(again.accessToken, renewed.accessToken);
    assert.equal(harness.http.count('refresh_token'), 1);
  });

  it('lets a second process wait for the first one’s refresh instead of redeeming the same refresh token', async () => {
    const waits = createControlledSleep();
    const harness = await connected(idp, { sleep: waits.sleep });
    harness.clock.advance(2 * HOUR);
    const otherHttp = createRecordingFetch();
    const other = harness.sibling(otherHttp);
    const held = harness.http.holdNext();
    const firstCall = harness.service.getAccessToken('c1');
    await held.reached;
    assert.ok(harness.tokens.entry('c1').refreshLease !== undefined, 'the first process holds the refresh lease while it calls the provider');
    const secondCall = other.getAccessToken('c1');
    await waits.waiting(secondCall);
    held.release();
    const first = await firstCall;
    waits.wake();
    const second = await secondCall;
    assert.equal(second.accessToken, first.accessToken);
    assert.equal(harness.http.count('refresh_token'), 1);
    assert.equal(otherHttp.requests.length, 0, 'the waiting process never called the token endpoint');
    assert.equal(harness.tokens.entry('c1').refreshLease, undefined, 'the lease is released after storing');
    // the grant survived (no refresh token was used twice): the next refresh works, from either process
    harness.clock.advance(2 * HOUR);
    const later = await other.getAccessToken('c1');
    assert.notEqual(later.accessToken, first.accessToken);
    assert.equal(otherHttp.requests[0]?.status, 200);
    assert.equal(harness.tokens.entry('c1').unauthenticated, undefined);
  });

  it('refreshes once when 20 calls spread over two processes race for an expired token', async () => {
    const harness = await connected();
    harness.clock.advance(2 * HOUR);
    const otherHttp = createRecordingFetch();
    const other = harness.sibling(otherHttp);
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? harness.service : other).getAccessToken('c1')));
    assert.equal(harness.http.count('refresh_token') + otherHttp.count('refresh_token'), 1);
    const stored = harness.tokens.entry('c1').tokens;
    for (const result of results) assert.equal(result.accessToken, stored?.accessToken);
    assert.equal(harness.tokens.entry('c1').unauthenticated, undefined);
    assert.equal(harness.tokens.entry('c1').refreshLease, undefined);
  });

  it('takes over the refresh lease of a process that crashed while holding it, once the lease lapses', async () => {
    const waits = createControlledSleep();
    const harness = await connected(idp, { sleep: waits.sleep });
    harness.clock.advance(2 * HOUR);
    const taken = await harness.tokens.acquireRefreshLease('c1', { holder: 'crashed-process', nowMs: harness.clock.now(), untilMs: harness.clock.now() + 30_000 });
    assert.equal(taken, true);
    const call = harness.service.getAccessToken('c1');
    await waits.waiting(call);
    harness.clock.advance(29_000);
    waits.wake();
    await waits.waiting(call);
    assert.equal(harness.http.count('refresh_token'), 0, 'no refresh while the lease is still held');
    harness.clock.advance(1_000);
    waits.wake();
    const access = await call;
    assert.equal(harness.http.count('refresh_token'), 1);
    assert.equal(harness.tokens.entry('c1').tokens?.accessToken, access.accessToken);
    assert.equal(harness.tokens.entry('c1').refreshLease, undefined);
  });

  it('gives up with a retryable OAuthRefreshWaitTimeout when another process never lets go of the lease', async () => {
    const harness = await connected(idp, { sleep: async (ms) => harness.clock.advance(ms) });
    harness.clock.advance(2 * HOUR);
    // a holder that keeps renewing its lease without ever storing tokens
    const keepHolding = async (): Promise<void> => {
      await harness.tokens.acquireRefreshLease('c1', { holder: 'stuck-process', nowMs: harness.clock.now(), untilMs: harness.clock.now() + 30_000 });
    };
    await keepHolding();
    const original = harness.tokens.read.bind(harness.tokens);
    harness.tokens.read = async (id) => {
      await keepHolding();
      return original(id);
    };
    const error = await rejectsWithCode(harness.service.getAccessToken('c1'), OAuthErrorCode.RefreshWaitTimeout);
    assert.equal(error.retryable, true);
    assert.equal(harness.http.count('refresh_token'), 0, 'the token endpoint was never called');
    assert.equal(harness.tokens.entry('c1').unauthenticated, undefined);
  });

  it('uses the tokens stored by the process that took over when its own late request finds the refresh token rotated', async () => {
    const waits = createControlledSleep();
    const harness = await connected(idp, { sleep: waits.sleep });
    harness.clock.advance(2 * HOUR);
    const slowHttp = createRecordingFetch();
    const slow = harness.sibling(slowHttp);
    const held = slowHttp.holdNext();
    const slowCall = slow.getAccessToken('c1');
    await held.reached;
    // the slow process's request hangs past its lease; this process takes over and refreshes
    const fastCall = harness.service.getAccessToken('c1');
    await waits.waiting(fastCall);
    harness.clock.advance(30_000);
    waits.wake();
    const fast = await fastCall;
    held.release();
    // the slow request arrives with the rotated-away refresh token: invalid_grant, and the stored tokens win
    const late = await slowCall;
    assert.equal(late.accessToken, fast.accessToken);
    assert.equal(harness.http.count('refresh_token'), 1);
    assert.equal(slowHttp.count('refresh_token'), 1);
    assert.equal(slowHttp.requests[0]?.status, 400, 'the provider refused the already-rotated refresh token');
    assert.equal(harness.tokens.entry('c1').unauthenticated, undefined, 'a lost race is not a broken connection');
    assert.equal(harness.tokens.entry('c1').tokens?.accessToken, fast.accessToken);
    assert.equal(harness.tokens.entry('c1').refreshLease, undefined, 'no lease is left behind');
  });

  it('returns the stored token instead of its own when its compare-and-swap loses', async () => {
    const waits = createControlledSleep();
    const harness = await connected(idpNoRotation, { sleep: waits.sleep });
    harness.clock.advance(2 * HOUR);
    const slowHttp = createRecordingFetch();
    const slow = harness.sibling(slowHttp);
    const held = slowHttp.holdNext();
    const slowCall = slow.getAccessToken('c1');
    await held.reached;
    const fastCall = harness.service.getAccessToken('c1');
    await waits.waiting(fastCall);
    harness.clock.advance(30_000);
    waits.wake();
    const fast = await fastCall;
    const revision = harness.tokens.entry('c1').revision;
    held.release();
    const late = await slowCall;
    assert.equal(slowHttp.count('refresh_token'), 1, 'the slow process did refresh');
    assert.equal(slowHttp.requests[0]?.status, 200);
    assert.equal(late.accessToken, fast.accessToken, 'but it returns what was stored first');
    assert.equal(harness.tokens.entry('c1').revision, revision, 'and does not overwrite it');
  });

  it('does not refresh again in a second process that reads after the first one stored', async () => {
    const harness = await connected();
    harness.clock.advance(2 * HOUR);
    const otherHttp = createRecordingFetch();
    const other = harness.sibling(otherHttp);
    const first = await harness.service.getAccessToken('c1');
    const second = await other.getAccessToken('c1');
    assert.equal(second.accessToken, first.accessToken);
    assert.equal(otherHttp.requests.length, 0);
  });

  it('asks for a new sign-in when a connection was never authorized, without calling the provider', async () => {
    const harness = createHarness({ apps: [loopbackApp(idp)], connections: [loopbackConnection(idp, { id: 'fresh' })] });
    await rejectsWithCode(harness.service.getAccessToken('fresh'), OAuthErrorCode.ReauthorizationRequired);
    assert.equal(harness.http.requests.length, 0);
  });

  it('reports an unknown connection as not found', async () => {
    const harness = createHarness();
    await rejectsWithCode(harness.service.getAccessToken('missing'), OAuthErrorCode.ConnectionNotFound);
  });
});
