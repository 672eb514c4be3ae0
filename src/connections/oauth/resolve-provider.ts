/**
 * Connector OAuth setting + the environment's app registration + the connection's values →
 * one frozen {@link ResolvedOAuthProvider}: endpoints, client, scopes and extra parameters. Pure:
 * the service looks the app registration up and hands it in.
 */
import { PlugboardError, UserInputError } from '../../core/index.ts';
import type { OAuthSettings } from '../../connectors/index.ts';
import { readOAuthAppSettings } from './app-settings.ts';
import type { ClientAuthMethod, OAuthGrantType } from './app-settings.ts';
import { OAuthErrorCode } from './errors.ts';
import { findOAuthSetting } from './oauth-setting.ts';
import type { OAuthAppRecord, OAuthConnectionContext } from './ports.ts';
import type { Endpoint } from './providers/identity-provider.ts';
import { identityProviderFor, SUPPORTED_IDENTITY_PROVIDERS } from './providers/registry.ts';
import { RedactedSecret } from './redacted-secret.ts';
import { createTemplateScope, customParameter, lookupInsensitive } from './template.ts';

/** The client Plugboard authenticates as. */
export interface ResolvedOAuthClient {
  readonly id: string;
  /** Never printed: `RedactedSecret` shows `[redacted]` in logs and JSON. */
  readonly secret: RedactedSecret | undefined;
  readonly authMethod: ClientAuthMethod;
  /** Where id and secret came from: the environment's app registration, or the connection's own `token:clientId`. */
  readonly source: 'app-registration' | 'connection';
  /** The app registration key used, when `source` is `app-registration`. */
  readonly appKey?: string;
}

/** Everything needed to talk to one connection's authorization server. */
export interface ResolvedOAuthProvider {
  /** As the registry names it: `oauth2`, `oauth2generic`, `aad`, `DocuSign`, `facebook`. */
  readonly identityProvider: string;
  /** The connector's `oauthSetting` parameter (normally `token`). */
  readonly parameterName: string;
  readonly grantType: OAuthGrantType;
  /** Set only by the app registration; enables ID token validation and the `iss` check. */
  readonly issuer: string | undefined;
  /** Undefined only for client credentials. */
  readonly authorizationEndpoint: string | undefined;
  readonly tokenEndpoint: string;
  readonly refreshEndpoint: string;
  readonly client: ResolvedOAuthClient;
  readonly scopes: readonly string[];
  readonly scopeDelimiter: string;
  readonly authorizationParameters: Readonly<Record<string, string>>;
  readonly tokenParameters: Readonly<Record<string, string>>;
  readonly refreshParameters: Readonly<Record<string, string>>;
  readonly clientCredentialsParameters: Readonly<Record<string, string>>;
}

/** Inputs of {@link resolveOAuthProvider}. */
export interface ResolveOAuthProviderInput {
  readonly context: OAuthConnectionContext;
  /** The app registration found (see {@link oauthAppKeys}), if any. */
  readonly app: OAuthAppRecord | undefined;
  /** Plugboard's callback URL, for `{RedirectUrl}` in templates. */
  readonly redirectUri?: string;
  /** Allow `http:` endpoints (loopback test providers). Default false: endpoints must be https. */
  readonly allowInsecureRequests?: boolean;
}

/** The app registration keys consulted, in order: the connector's own, then the environment-wide one for its identity provider. */
export function oauthAppKeys(connectorName: string, identityProvider: string): readonly string[] {
  return [connectorName, `idp:${identityProvider}`];
}

/** The identity provider named by a connection's OAuth setting (for choosing app registration keys). */
export function identityProviderOf(context: OAuthConnectionContext): string {
  const { setting } = findOAuthSetting(context.definition, { connector: context.connectorName, parameterSet: context.parameterSet, parameterName: context.parameterName });
  return setting.identityProvider ?? '';
}

function unsupported(connector: string, identityProvider: string): PlugboardError {
  if (identityProvider.toLowerCase() === 'aadcertificate') {
    return new UserInputError(
      `connector \`${connector}\` signs in with identity provider \`aadcertificate\` (Microsoft first-party certificate authentication), which Plugboard does not support — register your own Microsoft Entra ID app with a client secret, and use a copy of the connector whose \`token\` parameter has \`"identityProvider": "aad"\` (same \`loginUri\` and \`resourceUri\`)`,
      { code: OAuthErrorCode.ProviderUnsupported, details: { identityProvider } },
    );
  }
  return new UserInputError(
    identityProvider === ''
      ? `connector \`${connector}\` has an OAuth parameter without \`identityProvider\` — set one of ${SUPPORTED_IDENTITY_PROVIDERS.map((p) => `\`${p}\``).join(', ')}`
      : `connector \`${connector}\` uses identity provider \`${identityProvider}\`, which Plugboard does not support — supported: ${SUPPORTED_IDENTITY_PROVIDERS.map((p) => `\`${p}\``).join(', ')}`,
    { code: OAuthErrorCode.ProviderUnsupported, details: { identityProvider } },
  );
}

/** What {@link checkedEndpoint} checks an endpoint as. */
interface EndpointCheck {
  readonly what: string;
  readonly connector: string;
  readonly insecure: boolean;
  readonly settingName: string;
}

function checkedEndpoint(endpoint: Endpoint | undefined, options: EndpointCheck): Endpoint {
  const { what } = options;
  const fix = `set \`${options.settingName}\` in the app registration`;
  if (endpoint === undefined) {
    throw new UserInputError(`connector \`${options.connector}\` defines no ${what} — ${fix}`, { code: OAuthErrorCode.EndpointInvalid });
  }
  if (!URL.canParse(endpoint.url)) {
    throw new UserInputError(
      `the ${what} of connector \`${options.connector}\` is not an absolute URL — check the connection parameters it is built from, or ${fix}`,
      { code: OAuthErrorCode.EndpointInvalid, details: { dependsOn: endpoint.taintedBy } },
    );
  }
  const { protocol } = new URL(endpoint.url);
  if (protocol !== 'https:' && !(options.insecure && protocol === 'http:')) {
    throw new UserInputError(
      `the ${what} of connector \`${options.connector}\` must use https (it uses \`${protocol}\`) — ${fix} with an https URL`,
      { code: OAuthErrorCode.EndpointInvalid },
    );
  }
  return endpoint;
}

function grantTypeOf(fromApp: OAuthGrantType | undefined, setting: OAuthSettings): OAuthGrantType {
  if (fromApp !== undefined) return fromApp;
  const declared = customParameter(setting, 'grantType')?.toLowerCase();
  return declared === 'client_credentials' ? 'client_credentials' : 'authorization_code';
}

/** Resolves the provider config of one connection; throws a typed error naming what to fix. */
export function resolveOAuthProvider(input: ResolveOAuthProviderInput): ResolvedOAuthProvider {
  const { context, app } = input;
  const connector = context.connectorName;
  const found = findOAuthSetting(context.definition, { connector, parameterSet: context.parameterSet, parameterName: context.parameterName });
  const { setting } = found;
  const declaredProvider = setting.identityProvider ?? '';
  const provider = identityProviderFor(declaredProvider);
  if (provider === undefined) throw unsupported(connector, declaredProvider);

  const read = readOAuthAppSettings(app?.settings ?? {});
  if (read.issues.length > 0) {
    throw new UserInputError(
      `OAuth app registration \`${app?.key ?? ''}\` in environment \`${context.environmentId}\` has invalid settings: ${read.issues.map((i) => i.message).join('; ')}`,
      { code: OAuthErrorCode.AppSettingsInvalid, details: { environmentId: context.environmentId, key: app?.key, issues: read.issues } },
    );
  }
  const appSettings = read.settings;

  // A connection that carries its own `token:clientId` (bring-your-own app) uses it; otherwise the environment's registration.
  const ownId = lookupInsensitive(context.values, 'token:clientId');
  const ownSecret = lookupInsensitive(context.values, 'token:clientSecret');
  let client: Omit<ResolvedOAuthClient, 'authMethod'>;
  if (ownId !== undefined && ownId.value !== '') {
    client = { id: ownId.value, secret: ownSecret === undefined || ownSecret.value === '' ? undefined : new RedactedSecret(ownSecret.value), source: 'connection' };
  } else if (app !== undefined) {
    client = { id: app.clientId, secret: app.clientSecret === null || app.clientSecret === '' ? undefined : new RedactedSecret(app.clientSecret), source: 'app-registration', appKey: app.key };
  } else {
    const [own, shared] = oauthAppKeys(connector, provider.name);
    throw new UserInputError(
      `environment \`${context.environmentId}\` has no OAuth app registration for connector \`${connector}\` (identity provider \`${provider.name}\`) — an admin registers the client id and secret issued by the provider under key \`${own}\` (or \`${shared}\` for every \`${provider.name}\` connector), with Plugboard's OAuth callback URL as the app's redirect URI`,
      { code: OAuthErrorCode.AppNotRegistered, details: { environmentId: context.environmentId, keys: [own, shared] } },
    );
  }

  const grantType = grantTypeOf(appSettings.grantType, setting);
  const builtins: Record<string, string> = { ClientId: client.id };
  if (input.redirectUri !== undefined) builtins['RedirectUrl'] = input.redirectUri;
  const scope = createTemplateScope({ setting, parameters: found.parameters, values: context.values, builtins });
  const scopes =
    appSettings.scopes ??
    setting.scopes.map((s) => scope.render(s, `scope \`${s}\` of connector \`${connector}\``).text.trim()).filter((s) => s !== '');

  const endpoints = provider.resolve({ connector, setting, definition: context.definition, app: appSettings, scope, scopes, grantType });
  if (grantType === 'client_credentials' && !endpoints.supportsClientCredentials) {
    throw new UserInputError(
      `identity provider \`${provider.name}\` has no client credentials grant — remove \`grantType\` from app registration \`${client.appKey ?? ''}\` in environment \`${context.environmentId}\``,
      { code: OAuthErrorCode.AppSettingsInvalid },
    );
  }
  const checks = { connector, insecure: input.allowInsecureRequests === true };
  const token = checkedEndpoint(appSettings.tokenUrl === undefined ? endpoints.token : { url: appSettings.tokenUrl, taintedBy: [] }, { ...checks, what: 'token URL', settingName: 'tokenUrl' });
  const refresh = checkedEndpoint(
    appSettings.refreshUrl !== undefined ? { url: appSettings.refreshUrl, taintedBy: [] } : appSettings.tokenUrl !== undefined ? token : (endpoints.refresh ?? token),
    { ...checks, what: 'refresh URL', settingName: 'refreshUrl' },
  );
  const authorization =
    grantType === 'authorization_code'
      ? checkedEndpoint(appSettings.authorizationUrl === undefined ? endpoints.authorization : { url: appSettings.authorizationUrl, taintedBy: [] }, {
          ...checks,
          what: 'authorization URL',
          settingName: 'authorizationUrl',
        })
      : undefined;

  // The environment's client secret must not go to a host a connection owner typed in.
  const tainted = [...new Set([...token.taintedBy, ...refresh.taintedBy])];
  if (client.source === 'app-registration' && client.secret !== undefined && tainted.length > 0) {
    throw new UserInputError(
      `the token URL of connector \`${connector}\` is built from the free-text connection parameter(s) ${tainted.map((t) => `\`${t}\``).join(', ')}, so a connection could send the environment's client secret to any host — an admin pins \`tokenUrl\` (and \`refreshUrl\`) in app registration \`${client.appKey ?? ''}\`, or each connection brings its own \`token:clientId\` and \`token:clientSecret\``,
      { code: OAuthErrorCode.EndpointUntrusted, details: { dependsOn: tainted } },
    );
  }

  const authMethod = appSettings.tokenEndpointAuthMethod ?? (client.secret === undefined ? 'none' : endpoints.defaultAuthMethod);
  if (authMethod !== 'none' && client.secret === undefined) {
    throw new UserInputError(
      client.source === 'connection'
        ? `connection parameter \`token:clientSecret\` is empty, but the provider needs a client secret (\`${authMethod}\`) — set it on the connection`
        : `OAuth app registration \`${client.appKey ?? ''}\` in environment \`${context.environmentId}\` has no client secret, but \`tokenEndpointAuthMethod\` is \`${authMethod}\` — set the secret, or \`tokenEndpointAuthMethod: 'none'\` for a public client`,
      { code: OAuthErrorCode.AppSettingsInvalid },
    );
  }

  return Object.freeze({
    identityProvider: provider.name,
    parameterName: found.parameter.name,
    grantType,
    issuer: appSettings.issuer,
    authorizationEndpoint: authorization?.url,
    tokenEndpoint: token.url,
    refreshEndpoint: refresh.url,
    client: Object.freeze({ ...client, authMethod }),
    scopes: Object.freeze([...endpoints.scopes]),
    scopeDelimiter: endpoints.scopeDelimiter,
    authorizationParameters: Object.freeze({ ...endpoints.authorizationParameters, ...appSettings.authorizationParameters }),
    tokenParameters: Object.freeze({ ...endpoints.tokenParameters }),
    refreshParameters: Object.freeze({ ...endpoints.refreshParameters }),
    clientCredentialsParameters: Object.freeze({ ...endpoints.clientCredentialsParameters }),
  });
}
