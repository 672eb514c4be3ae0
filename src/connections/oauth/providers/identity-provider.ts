/**
 * One module per identity provider (`oauth2`, `oauth2generic`, `aad`, `DocuSign`, `facebook`), each
 * turning a connector's OAuth setting into endpoints and parameters. The resolver applies the app
 * registration's overrides and the checks common to all of them afterwards.
 */
import type { ConnectorDefinition, OAuthSettings } from '../../../connectors/index.ts';
import type { ClientAuthMethod, OAuthAppSettings, OAuthGrantType } from '../app-settings.ts';
import type { TemplateScope } from '../template.ts';

/** An endpoint URL and the free-text connection parameters it was built from. */
export interface Endpoint {
  readonly url: string;
  readonly taintedBy: readonly string[];
}

/** What a provider module gets. */
export interface IdentityProviderInput {
  /** The connector's name, for messages. */
  readonly connector: string;
  readonly setting: OAuthSettings;
  readonly definition: ConnectorDefinition;
  readonly app: OAuthAppSettings;
  /** Placeholder values (without `Scopes`: the provider adds it once it knows the scopes). */
  readonly scope: TemplateScope;
  /** The app registration's scopes, or else the connector's with placeholders filled. */
  readonly scopes: readonly string[];
  readonly grantType: OAuthGrantType;
}

/** What a provider module returns; missing endpoints may still come from the app registration. */
export interface IdentityProviderEndpoints {
  readonly authorization?: Endpoint;
  readonly token?: Endpoint;
  /** Defaults to the token endpoint. */
  readonly refresh?: Endpoint;
  readonly scopes: readonly string[];
  readonly scopeDelimiter: string;
  readonly authorizationParameters?: Readonly<Record<string, string>>;
  /** Extra body parameters of the authorization code exchange. */
  readonly tokenParameters?: Readonly<Record<string, string>>;
  readonly refreshParameters?: Readonly<Record<string, string>>;
  readonly clientCredentialsParameters?: Readonly<Record<string, string>>;
  /** Used unless the app registration sets `tokenEndpointAuthMethod`. */
  readonly defaultAuthMethod: ClientAuthMethod;
  /** False when the provider has no refresh tokens and no client credentials grant (Facebook). */
  readonly supportsClientCredentials: boolean;
}

/** One identity provider. */
export interface IdentityProvider {
  /** The `identityProvider` value, as the corpus spells it. */
  readonly name: string;
  resolve(input: IdentityProviderInput): IdentityProviderEndpoints;
}

/** An endpoint from fixed text (no connection values involved). */
export function fixedEndpoint(url: string): Endpoint {
  return { url, taintedBy: [] };
}
