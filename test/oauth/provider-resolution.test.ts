/**
 * Identity provider resolution from REAL corpus connectors (read in place from ../shared) plus an
 * app registration and connection values: endpoints, scopes and extra parameters a user would see
 * in the sign-in URL, and the errors an admin or maker gets when something is missing.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isPlugboardError } from '../../src/core/index.ts';
import type { PlugboardError } from '../../src/core/index.ts';
import type { ConnectorDefinition } from '../../src/connectors/index.ts';
import { DOCUSIGN_LOGIN_URI, OAuthErrorCode, oauthAppKeys, resolveOAuthProvider, validateOAuthAppSettings } from '../../src/connections/oauth/index.ts';
import type { OAuthAppRecord, ResolvedOAuthProvider } from '../../src/connections/oauth/index.ts';
import { corpusDefinition, fixtureDefinition } from './oauth-kit.ts';

const ENV = 'env-1';
const SECRET = 'app-secret-value-1234';

function app(key: string, settings: Record<string, unknown> = {}): OAuthAppRecord {
  return { environmentId: ENV, key, clientId: `client-of-${key}`, clientSecret: SECRET, settings };
}

interface ResolveCase {
  readonly definition: ConnectorDefinition;
  readonly connectorName: string;
  readonly values?: Readonly<Record<string, string>>;
  readonly app?: OAuthAppRecord;
  readonly parameterSet?: string;
}

function resolve(c: ResolveCase): ResolvedOAuthProvider {
  return resolveOAuthProvider({
    context: {
      connectionId: 'conn-1',
      environmentId: ENV,
      connectorName: c.connectorName,
      definition: c.definition,
      values: c.values ?? {},
      ...(c.parameterSet === undefined ? {} : { parameterSet: c.parameterSet }),
    },
    app: c.app,
    redirectUri: 'https://plugboard.example/oauth/callback',
  });
}

function resolveError(c: ResolveCase): PlugboardError {
  try {
    resolve(c);
  } catch (error) {
    if (isPlugboardError(error)) return error;
    throw error;
  }
  assert.fail('expected resolution to fail');
}

describe('oauth2generic providers from the corpus', () => {
  const zoho = corpusDefinition('certified-connectors/Zoho Mail');

  it('fills Zoho Mail\'s `{CustomHost}` from the chosen region and keeps its extra parameters', () => {
    const p = resolve({ definition: zoho, connectorName: 'zoho-mail', values: { 'token:customHost': '.eu' }, app: app('zoho-mail') });
    assert.equal(p.identityProvider, 'oauth2generic');
    assert.equal(p.authorizationEndpoint, 'https://accounts.zoho.eu/oauth/v2/auth');
    assert.equal(p.tokenEndpoint, 'https://accounts.zoho.eu/oauth/v2/token');
    assert.equal(p.refreshEndpoint, 'https://accounts.zoho.eu/oauth/v2/token');
    assert.deepEqual(p.authorizationParameters, { access_type: 'offline', prompt: 'consent' });
    assert.deepEqual(p.tokenParameters, { scope: p.scopes.join(' ') });
    assert.deepEqual(p.refreshParameters, {});
    assert.equal(p.client.id, 'client-of-zoho-mail');
    assert.equal(p.client.authMethod, 'client_secret_post');
    assert.ok(p.scopes.includes('VirtualOffice.messages.ALL'));
  });

  it('refuses a Zoho region that is not one of the allowed values', () => {
    const error = resolveError({ definition: zoho, connectorName: 'zoho-mail', values: { 'token:customHost': '.evil.example' }, app: app('zoho-mail') });
    assert.equal(error.code, OAuthErrorCode.ParameterInvalid);
    assert.match(error.message, /`token:customHost`/);
    assert.match(error.message, /`\.eu`/);
  });

  it('names the missing `token:` parameter when a template placeholder has no value', () => {
    const error = resolveError({ definition: zoho, connectorName: 'zoho-mail', app: app('zoho-mail') });
    assert.equal(error.code, OAuthErrorCode.ParameterMissing);
    assert.match(error.message, /`token:CustomHost`/);
  });

  it('picks NetDocuments\' per-region domains through `additionalParameters.applicableWhen`', () => {
    const definition = corpusDefinition('certified-connectors/NetDocuments');
    const eu = resolve({ definition, connectorName: 'netdocuments', values: { 'token:apiRegion': 'EU' }, app: app('netdocuments') });
    assert.equal(eu.authorizationEndpoint, 'https://eu.netdocuments.com/neWeb2/OAuth.aspx');
    assert.equal(eu.tokenEndpoint, 'https://api.eu.netdocuments.com/v1/OAuth');
    assert.deepEqual(eu.authorizationParameters, { smallDisplay: 'Y' });
    // no region chosen: the US values apply (`oneOf: [null, "US"]`)
    const us = resolve({ definition, connectorName: 'netdocuments', app: app('netdocuments') });
    assert.equal(us.authorizationEndpoint, 'https://vault.netvoyage.com/neWeb2/OAuth.aspx');
  });

  it('reads SurveyMonkey\'s capitalised template keys and falls back to the token URL for refresh', () => {
    const p = resolve({ definition: corpusDefinition('certified-connectors/SurveyMonkey'), connectorName: 'surveymonkey', app: app('surveymonkey') });
    assert.equal(p.authorizationEndpoint, 'https://api.surveymonkey.net/oauth/authorize');
    assert.equal(p.tokenEndpoint, 'https://api.surveymonkey.net/oauth/token');
    assert.equal(p.refreshEndpoint, 'https://api.surveymonkey.net/oauth/token');
  });

  it('keeps the Azure AD connector\'s `response_mode` and `prompt` from its query template', () => {
    const p = resolve({ definition: corpusDefinition('certified-connectors/AzureAD'), connectorName: 'azuread', app: app('azuread') });
    assert.equal(p.authorizationEndpoint, 'https://login.microsoftonline.com/common/oauth2/v2.0/authorize');
    assert.deepEqual(p.authorizationParameters, { response_mode: 'query', prompt: 'login' });
    assert.deepEqual(p.scopes, ['Directory.ReadWrite.All', 'Group.ReadWrite.All', 'User.ReadWrite.All', 'offline_access']);
  });

  it('refuses to send the environment\'s client secret to a host built from free text (iObeya `{HostnamePrefix}`)', () => {
    const definition = corpusDefinition('certified-connectors/iObeya');
    const error = resolveError({ definition, connectorName: 'iobeya', values: { 'token:HostnamePrefix': 'attacker.example/x' }, app: app('iobeya') });
    assert.equal(error.code, OAuthErrorCode.EndpointUntrusted);
    assert.match(error.message, /`token:HostnamePrefix`/);
    assert.ok(!error.message.includes(SECRET));
  });

  it('lets a connection that brings its own client use a host it typed (iObeya with token:ClientId)', () => {
    const definition = corpusDefinition('certified-connectors/iObeya');
    const p = resolve({ definition, connectorName: 'iobeya', values: { 'token:HostnamePrefix': 'demo', 'token:ClientId': 'own-id', 'token:ClientSecret': 'own-secret' } });
    assert.equal(p.tokenEndpoint, 'https://demo.iobeya.com/s/oauth/token');
    assert.equal(p.client.source, 'connection');
    assert.equal(p.client.id, 'own-id');
  });

  it('lets an admin pin the token URL so the environment\'s client can be used', () => {
    const definition = corpusDefinition('certified-connectors/iObeya');
    const p = resolve({
      definition,
      connectorName: 'iobeya',
      values: { 'token:HostnamePrefix': 'demo' },
      app: app('iobeya', { tokenUrl: 'https://demo.iobeya.com/s/oauth/token' }),
    });
    assert.equal(p.refreshEndpoint, 'https://demo.iobeya.com/s/oauth/token');
    assert.equal(p.client.source, 'app-registration');
  });
});

describe('aad providers from the corpus', () => {
  it('uses v2 endpoints on the connector\'s authority and turns the resource into `/.default` (Emigo)', () => {
    const p = resolve({ definition: corpusDefinition('certified-connectors/Emigo'), connectorName: 'emigo', app: app('emigo') });
    assert.equal(p.identityProvider, 'aad');
    assert.equal(p.authorizationEndpoint, 'https://login.windows.net/common/oauth2/v2.0/authorize');
    assert.equal(p.tokenEndpoint, 'https://login.windows.net/common/oauth2/v2.0/token');
    assert.deepEqual(p.scopes, ['https://emigoapps.onmicrosoft.com/PowerPlatformConnectorEmigo/.default', 'offline_access']);
  });

  it('qualifies bare scopes with the resource (Microsoft Bookings, Microsoft 365 Lighthouse)', () => {
    const bookings = resolve({ definition: corpusDefinition('certified-connectors/Microsoft Bookings'), connectorName: 'bookings', app: app('bookings') });
    assert.deepEqual(bookings.scopes, ['https://outlook.office.com/Bookings.ReadWrite.All', 'https://outlook.office.com/Bookings.Read.All', 'offline_access']);
    const lighthouse = resolve({ definition: corpusDefinition('certified-connectors/Microsoft 365 Lighthouse'), connectorName: 'lighthouse', app: app('lighthouse') });
    assert.equal(lighthouse.authorizationEndpoint, 'https://login.microsoftonline.com/common/oauth2/v2.0/authorize');
    assert.ok(lighthouse.scopes.includes('https://graph.microsoft.com/User.Read'));
    assert.ok(lighthouse.scopes.includes('openid'));
    assert.equal(lighthouse.scopes.at(-1), 'offline_access');
  });

  it('takes the tenant from the connection\'s `token:TenantId`, unless the app registration pins one', () => {
    const definition = corpusDefinition('certified-connectors/MicrosoftGraphSecurity');
    const own = resolve({ definition, connectorName: 'graph-security', values: { 'token:TenantId': 'contoso.onmicrosoft.com' }, app: app('graph-security') });
    assert.equal(own.tokenEndpoint, 'https://login.windows.net/contoso.onmicrosoft.com/oauth2/v2.0/token');
    const pinned = resolve({
      definition,
      connectorName: 'graph-security',
      values: { 'token:TenantId': 'contoso.onmicrosoft.com' },
      app: app('graph-security', { tenantId: 'fabrikam.onmicrosoft.com', loginUri: 'https://login.microsoftonline.com' }),
    });
    assert.equal(pinned.tokenEndpoint, 'https://login.microsoftonline.com/fabrikam.onmicrosoft.com/oauth2/v2.0/token');
  });

  it('refuses a tenant value that is not a tenant id or domain', () => {
    const error = resolveError({
      definition: corpusDefinition('certified-connectors/MicrosoftGraphSecurity'),
      connectorName: 'graph-security',
      values: { 'token:TenantId': '../../evil' },
      app: app('graph-security'),
    });
    assert.equal(error.code, OAuthErrorCode.ParameterInvalid);
  });

  it('uses the v1 endpoints with a `resource` parameter when the app registration asks for v1', () => {
    const p = resolve({ definition: corpusDefinition('certified-connectors/AtBot'), connectorName: 'atbot', app: app('atbot', { aadVersion: 'v1' }) });
    assert.equal(p.authorizationEndpoint, 'https://login.windows.net/common/oauth2/authorize');
    assert.deepEqual(p.authorizationParameters, { resource: '6145b6dc-1ce4-43b1-a4b5-a19b8440096a' });
    assert.deepEqual(p.tokenParameters, { resource: '6145b6dc-1ce4-43b1-a4b5-a19b8440096a' });
    assert.deepEqual(p.scopes, []);
  });

  it('asks for a resource when the connector only has an unfilled placeholder (ISOPlanner `{{ resourceUri }}`)', () => {
    const definition = corpusDefinition('certified-connectors/ISOPlanner');
    const error = resolveError({ definition, connectorName: 'isoplanner', app: app('isoplanner') });
    assert.equal(error.code, OAuthErrorCode.ParameterMissing);
    assert.match(error.message, /resourceUri/);
    const fixed = resolve({ definition, connectorName: 'isoplanner', app: app('isoplanner', { resourceUri: 'api://isoplanner' }) });
    assert.deepEqual(fixed.scopes, ['api://isoplanner/.default', 'offline_access']);
  });

  it('uses the connection\'s own client and resource for Snowflake (token:clientId, token:resourceUri)', () => {
    const p = resolve({
      definition: corpusDefinition('certified-connectors/Snowflake v2'),
      connectorName: 'snowflake-v2',
      values: { 'token:clientId': 'snow-client', 'token:clientSecret': 'snow-secret', 'token:resourceUri': 'https://snowflake.example/resource' },
    });
    assert.equal(p.client.source, 'connection');
    assert.deepEqual(p.scopes, ['https://snowflake.example/resource/.default', 'offline_access']);
  });

  it('needs a specific tenant for the client credentials grant', () => {
    const definition = corpusDefinition('certified-connectors/Emigo');
    const error = resolveError({ definition, connectorName: 'emigo', app: app('emigo', { grantType: 'client_credentials' }) });
    assert.equal(error.code, OAuthErrorCode.ParameterMissing);
    assert.match(error.message, /tenantId/);
    const p = resolve({ definition, connectorName: 'emigo', app: app('emigo', { grantType: 'client_credentials', tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47' }) });
    assert.equal(p.authorizationEndpoint, undefined);
    assert.deepEqual(p.scopes, ['https://emigoapps.onmicrosoft.com/PowerPlatformConnectorEmigo/.default']);
  });

  it('refuses `aadcertificate` (Planner) and says what to use instead', () => {
    const error = resolveError({ definition: corpusDefinition('certified-connectors/Planner'), connectorName: 'planner', app: app('planner') });
    assert.equal(error.code, OAuthErrorCode.ProviderUnsupported);
    assert.equal(error.kind, 'user');
    assert.match(error.message, /certificate/);
    assert.match(error.message, /"identityProvider": "aad"/);
  });
});

describe('DocuSign, facebook and oauth2 providers', () => {
  const docusign = corpusDefinition('certified-connectors/DocuSign');

  it('says which app registration is missing, in which environment, and how to add it (DocuSign)', () => {
    const error = resolveError({ definition: docusign, connectorName: 'docusign' });
    assert.equal(error.code, OAuthErrorCode.AppNotRegistered);
    assert.match(error.message, /environment `env-1`/);
    assert.match(error.message, /key `docusign`/);
    assert.match(error.message, /`idp:DocuSign`/);
    assert.match(error.message, /redirect URI/);
    assert.deepEqual(oauthAppKeys('docusign', 'DocuSign'), ['docusign', 'idp:DocuSign']);
  });

  it('uses DocuSign\'s production account server with Basic client authentication', () => {
    const p = resolve({ definition: docusign, connectorName: 'docusign', app: app('docusign') });
    assert.equal(p.authorizationEndpoint, `${DOCUSIGN_LOGIN_URI.production}/oauth/auth`);
    assert.equal(p.tokenEndpoint, `${DOCUSIGN_LOGIN_URI.production}/oauth/token`);
    assert.equal(p.client.authMethod, 'client_secret_basic');
    assert.deepEqual(p.scopes, ['signature', 'extended']);
  });

  it('uses DocuSign\'s demo account server when the app registration says so', () => {
    const p = resolve({ definition: docusign, connectorName: 'docusign', app: app('docusign', { loginUri: DOCUSIGN_LOGIN_URI.demo }) });
    assert.equal(p.authorizationEndpoint, 'https://account-d.docusign.com/oauth/auth');
  });

  it('uses the Facebook Login and Graph endpoints for Instagram Professional', () => {
    const p = resolve({ definition: corpusDefinition('custom-connectors/Instagram Professional'), connectorName: 'instagram', app: app('idp:facebook', { graphApiVersion: 'v21.0' }) });
    assert.equal(p.authorizationEndpoint, 'https://www.facebook.com/v21.0/dialog/oauth');
    assert.equal(p.tokenEndpoint, 'https://graph.facebook.com/v21.0/oauth/access_token');
    assert.equal(p.scopeDelimiter, ',');
  });

  it('reads oauth2 endpoints from capitalised customParameters (RamQuest)', () => {
    const p = resolve({ definition: corpusDefinition('certified-connectors/RamQuest Actions - UAT'), connectorName: 'ramquest', app: app('ramquest') });
    assert.equal(p.authorizationEndpoint, 'https://sm.uat.ortitletech.com/auth/realms/supermarket/protocol/openid-connect/auth');
    assert.equal(p.refreshEndpoint, 'https://sm.uat.ortitletech.com/auth/realms/supermarket/protocol/openid-connect/token');
  });

  it('reads oauth2 endpoints from a chosen connection parameter set (LawVu Canada)', () => {
    const p = resolve({ definition: corpusDefinition('certified-connectors/LawVu'), connectorName: 'lawvu', parameterSet: 'oauthCAN', app: app('lawvu') });
    assert.equal(p.tokenEndpoint, 'https://can.public-api.lawvu.com/account-apis/v1/auth/token');
  });

  it('falls back to the definition\'s securityDefinitions for oauth2 endpoints', () => {
    const p = resolve({ definition: fixtureDefinition('oauth2-security-definitions'), connectorName: 'items', app: app('items') });
    assert.equal(p.authorizationEndpoint, 'https://auth.example.com/oauth/authorize');
    assert.equal(p.tokenEndpoint, 'https://auth.example.com/oauth/token');
    assert.deepEqual(p.scopes, ['items.read']);
  });

  it('asks an admin for endpoints when the connector defines none (CopilotForFinanceCommunications)', () => {
    const definition = corpusDefinition('custom-connectors/CopilotForFinanceCommunications');
    const error = resolveError({ definition, connectorName: 'copilot-finance', app: app('copilot-finance') });
    assert.equal(error.code, OAuthErrorCode.EndpointInvalid);
    assert.match(error.message, /`tokenUrl`/);
    const p = resolve({
      definition,
      connectorName: 'copilot-finance',
      app: app('copilot-finance', { authorizationUrl: 'https://login.example.com/authorize', tokenUrl: 'https://login.example.com/token' }),
    });
    assert.equal(p.tokenEndpoint, 'https://login.example.com/token');
  });

  it('refuses http endpoints unless insecure requests are allowed', () => {
    const definition = fixtureDefinition('oauth2-security-definitions');
    const error = resolveError({ definition, connectorName: 'items', app: app('items', { tokenUrl: 'http://auth.example.com/token' }) });
    assert.equal(error.code, OAuthErrorCode.EndpointInvalid);
    assert.match(error.message, /https/);
  });
});

describe('OAuth app registration settings', () => {
  it('lists unknown and invalid settings with where they are', () => {
    const issues = validateOAuthAppSettings({ tenantld: 'contoso', grantType: 'password', scopes: 'a b', authorizationParameters: { state: 'x' } });
    assert.deepEqual(
      issues.map((i) => [i.code, i.path]),
      [
        ['oauth-app-setting-unknown', '/settings/tenantld'],
        ['oauth-app-setting-invalid', '/settings/grantType'],
        ['oauth-app-setting-invalid', '/settings/scopes'],
        ['oauth-app-setting-invalid', '/settings/authorizationParameters'],
      ],
    );
    assert.match(issues[0]?.message ?? '', /`tenantId`/);
  });

  it('accepts every documented setting', () => {
    assert.deepEqual(
      validateOAuthAppSettings({
        grantType: 'authorization_code',
        tokenEndpointAuthMethod: 'client_secret_basic',
        scopes: ['a'],
        authorizationUrl: 'https://x.example/a',
        tokenUrl: 'https://x.example/t',
        refreshUrl: 'https://x.example/r',
        issuer: 'https://x.example',
        authorizationParameters: { prompt: 'consent' },
        tenantId: 'contoso.onmicrosoft.com',
        loginUri: 'https://login.microsoftonline.com',
        resourceUri: 'https://graph.microsoft.com',
        aadVersion: 'v2',
        graphApiVersion: 'v23.0',
      }),
      [],
    );
  });

  it('refuses to resolve with invalid settings, naming the registration and environment', () => {
    const error = resolveError({ definition: corpusDefinition('certified-connectors/Emigo'), connectorName: 'emigo', app: app('emigo', { tenantld: 'x' }) });
    assert.equal(error.code, OAuthErrorCode.AppSettingsInvalid);
    assert.match(error.message, /`emigo` in environment `env-1`/);
  });

  it('never prints the client secret of a resolved provider', () => {
    const p = resolve({ definition: corpusDefinition('certified-connectors/Emigo'), connectorName: 'emigo', app: app('emigo') });
    assert.equal(p.client.secret?.reveal(), SECRET);
    assert.ok(!JSON.stringify(p).includes(SECRET));
    assert.ok(!String(p.client.secret).includes(SECRET));
  });
});
