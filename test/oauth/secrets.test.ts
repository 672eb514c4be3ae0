/**
 * Secrets never appear in errors or logs (T-S2 for OAuth): client secret, access and refresh
 * tokens, authorization code and PKCE verifier, including when a provider echoes them back.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isPlugboardError } from '../../src/core/index.ts';
import { OAuthErrorCode } from '../../src/connections/oauth/index.ts';
import { REDIRECT_URI, startLoopbackProvider, WEB_CLIENT } from './loopback-provider.ts';
import type { LoopbackProvider } from './loopback-provider.ts';
import { connect, ENVIRONMENT, loopbackApp, loopbackConnection } from './loopback-setup.ts';
import { createHarness } from './oauth-kit.ts';

/** Everything an error exposes: message, code, details and the messages of its causes. */
function exposed(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && depth < 5; depth += 1) {
    if (current instanceof Error) {
      parts.push(current.message, String(current));
      if (isPlugboardError(current)) parts.push(current.code, JSON.stringify(current.details ?? {}));
      current = current.cause;
    } else {
      parts.push(String(current));
      current = undefined;
    }
  }
  return parts.join('\n');
}

async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  return assert.fail('expected a rejection');
}

function assertNoSecrets(text: string, secrets: Readonly<Record<string, string | undefined>>): void {
  for (const [name, value] of Object.entries(secrets)) {
    if (value === undefined) continue;
    assert.ok(!text.includes(value), `${name} leaked into: ${text.slice(0, 500)}`);
  }
}

describe('OAuth secrets stay out of errors and logs', () => {
  let idp: LoopbackProvider;
  before(async () => {
    idp = await startLoopbackProvider();
  });
  after(async () => {
    await idp.close();
  });

  it('keeps code, verifier and client secret out of a failed code exchange', async () => {
    const payloads: string[] = [];
    const harness = createHarness({
      apps: [loopbackApp(idp)],
      connections: [loopbackConnection(idp, { id: 'c1' })],
      wrapStates: (states) => ({
        async create(record) {
          payloads.push(record.payload);
          await states.create(record);
        },
        consume: (hash, now) => states.consume(hash, now),
      }),
    });
    const { authorizationUrl } = await harness.service.beginAuthorization({ environmentId: ENVIRONMENT, principalId: 'p', connectionId: 'c1', redirectUri: REDIRECT_URI });
    const query = await idp.signIn(authorizationUrl, { accountId: 'alice' });
    const code = query.get('code') ?? undefined;
    // the code is used once elsewhere, so Plugboard's exchange fails with invalid_grant
    harness.http.answerNext(() => Response.json({ error: 'invalid_grant', error_description: `code ${code ?? ''} was already used` }, { status: 400 }));
    const error = await caught(harness.service.completeAuthorization({ principalId: 'p', query }));
    assert.ok(isPlugboardError(error) && error.code === OAuthErrorCode.CodeExchangeFailed);
    const verifier = (JSON.parse(payloads[0] ?? '{}') as { codeVerifier?: string }).codeVerifier;
    assert.ok(verifier !== undefined && code !== undefined);
    const secrets = { code, verifier, clientSecret: WEB_CLIENT.clientSecret };
    assertNoSecrets(exposed(error), secrets);
    assert.match(exposed(error), /\[redacted\]/, 'the echoed code was redacted, not dropped silently');
    assertNoSecrets(harness.logger.lines.join('\n'), secrets);
  });

  it('keeps tokens out of refresh failures and of every log line', async () => {
    const harness = createHarness({ apps: [loopbackApp(idp)], connections: [loopbackConnection(idp, { id: 'c1' })] });
    const { tokens } = await connect(harness, idp, { connectionId: 'c1' });
    const secrets = { accessToken: tokens.accessToken, refreshToken: tokens.refreshToken, clientSecret: WEB_CLIENT.clientSecret };
    harness.clock.advance(2 * 3600 * 1000);

    harness.http.answerNext(() =>
      Response.json({ error: 'invalid_request', error_description: `refresh_token ${tokens.refreshToken ?? ''} with secret ${encodeURIComponent(WEB_CLIENT.clientSecret)}` }, { status: 400 }),
    );
    const echoed = await caught(harness.service.getAccessToken('c1'));
    assert.ok(isPlugboardError(echoed) && echoed.code === OAuthErrorCode.TokenRequestFailed);
    assertNoSecrets(exposed(echoed), secrets);

    harness.http.failNext(new TypeError(`connect ECONNREFUSED while sending refresh_token=${tokens.refreshToken ?? ''}`));
    const network = await caught(harness.service.getAccessToken('c1'));
    assert.ok(isPlugboardError(network) && network.code === OAuthErrorCode.ProviderUnavailable);
    assertNoSecrets(exposed(network), secrets);

    const renewed = await harness.service.getAccessToken('c1');
    await idp.revokeRefreshToken(harness.tokens.entry('c1').tokens?.refreshToken ?? '');
    harness.clock.advance(2 * 3600 * 1000);
    const revoked = await caught(harness.service.getAccessToken('c1'));
    assert.ok(isPlugboardError(revoked) && revoked.code === OAuthErrorCode.ReauthorizationRequired);
    assertNoSecrets(exposed(revoked), { ...secrets, renewed: renewed.accessToken, rotated: harness.tokens.entry('c1').tokens?.refreshToken });

    assert.ok(harness.logger.lines.length > 0, 'the flows did log');
    assertNoSecrets(harness.logger.lines.join('\n'), { ...secrets, renewed: renewed.accessToken });
  });

  it('keeps a wrong client secret out of the rejection', async () => {
    const wrong = 'wrong-secret-value-5678';
    const harness = createHarness({ apps: [loopbackApp(idp, { client: { clientId: WEB_CLIENT.clientId, clientSecret: wrong } })], connections: [loopbackConnection(idp, { id: 'c1' })] });
    const { authorizationUrl } = await harness.service.beginAuthorization({ environmentId: ENVIRONMENT, principalId: 'p', connectionId: 'c1', redirectUri: REDIRECT_URI });
    const query = await idp.signIn(authorizationUrl, { accountId: 'alice' });
    const error = await caught(harness.service.completeAuthorization({ principalId: 'p', query }));
    assert.ok(isPlugboardError(error) && error.code === OAuthErrorCode.ClientRejected, String(error));
    assertNoSecrets(exposed(error), { wrong, code: query.get('code') ?? undefined });
  });
});
