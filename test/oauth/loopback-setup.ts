/** Shared setup of the tests that run against the loopback oidc-provider. */
import type { CompletedAuthorization, OAuthAppRecord, OAuthConnectionContext } from '../../src/connections/oauth/index.ts';
import type { LoopbackProvider } from './loopback-provider.ts';
import { REDIRECT_URI, WEB_CLIENT } from './loopback-provider.ts';
import { fixtureDefinition } from './oauth-kit.ts';
import type { OAuthHarness } from './oauth-kit.ts';

/** The environment every loopback test uses. */
export const ENVIRONMENT = 'env-test';

/** The catalog name of the loopback fixture connector (its app registration key). */
export const CONNECTOR = 'loopback-idp';

const definition = fixtureDefinition(CONNECTOR);

/** A connection of the loopback fixture connector pointing at `idp`. */
export function loopbackConnection(idp: LoopbackProvider, connection: { readonly id: string; readonly values?: Readonly<Record<string, string>> }): OAuthConnectionContext {
  const { id: connectionId, values = {} } = connection;
  return { connectionId, environmentId: ENVIRONMENT, connectorName: CONNECTOR, definition, values: { 'token:IdpBase': idp.issuer, ...values } };
}

/**
 * The environment's app registration for the loopback connector: the web client, with the token
 * URL pinned by the admin (the template builds it from a free-text connection value) and the issuer
 * configured, so ID tokens and the `iss` response parameter are checked.
 */
export function loopbackApp(
  idp: LoopbackProvider,
  options: { readonly settings?: Readonly<Record<string, unknown>>; readonly client?: { readonly clientId: string; readonly clientSecret: string | null } } = {},
): OAuthAppRecord {
  const { settings = {}, client = WEB_CLIENT } = options;
  return {
    environmentId: ENVIRONMENT,
    key: CONNECTOR,
    clientId: client.clientId,
    clientSecret: client.clientSecret,
    settings: { tokenUrl: `${idp.issuer}/token`, issuer: idp.issuer, ...settings },
  };
}

/** Begins, signs in at the provider as `accountId`, and completes: a user connecting a connection. */
export async function connect(
  harness: OAuthHarness,
  idp: LoopbackProvider,
  options: { readonly connectionId: string; readonly principalId?: string; readonly accountId?: string },
): Promise<CompletedAuthorization> {
  const principalId = options.principalId ?? 'principal-alice';
  const { authorizationUrl } = await harness.service.beginAuthorization({ environmentId: ENVIRONMENT, principalId, connectionId: options.connectionId, redirectUri: REDIRECT_URI });
  const query = await idp.signIn(authorizationUrl, { accountId: options.accountId ?? 'alice' });
  return harness.service.completeAuthorization({ principalId, query });
}
