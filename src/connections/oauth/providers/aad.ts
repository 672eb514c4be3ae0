/**
 * `aad` (Microsoft Entra ID). Authority from the app registration's `loginUri`, else the
 * connector's `customParameters.loginUri`, else `https://login.microsoftonline.com`. Tenant from
 * the app registration's `tenantId` (an admin pins single-tenant apps), else the connection's
 * `token:TenantId`, else `customParameters.tenantId`, else `common`. Resource from the connection's
 * `token:resourceUri`, the app registration's `resourceUri`, `customParameters.resourceUri`, or
 * `properties.AzureActiveDirectoryResourceId`, skipping unfilled placeholders like `<resource-id>`.
 *
 * Endpoints are v2 by default: v2 serves every resource (the token version follows the resource's
 * manifest, not the endpoint) and takes scopes, so a resource becomes `<resource>/.default` and bare
 * scopes become `<resource>/<scope>`; `offline_access` is added for a refresh token. The app
 * registration's `aadVersion: 'v1'` uses the legacy endpoints with a `resource` parameter instead.
 */
import { UserInputError } from '../../../core/index.ts';
import { OAuthErrorCode } from '../errors.ts';
import { customParameter, lookupInsensitive } from '../template.ts';
import type { TemplateScope } from '../template.ts';
import { fixedEndpoint } from './identity-provider.ts';
import type { IdentityProvider, IdentityProviderInput } from './identity-provider.ts';

/** The authority used when neither the app registration nor the connector names one. */
export const DEFAULT_AAD_LOGIN_URI = 'https://login.microsoftonline.com';

const OIDC_SCOPES = new Set(['openid', 'profile', 'email', 'offline_access']);
const SHARED_TENANTS = new Set(['common', 'organizations', 'consumers']);
const TENANT = /^[A-Za-z0-9][A-Za-z0-9.-]*$/;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A resource value that is real, not a publisher's unfilled placeholder (`<resource-id>`, `[[RESOURCE_URI]]`, `@@id@@`). */
function usableResource(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  return /^(https?|api):\/\/[^\s<>{}[\]]+$/i.test(trimmed) || GUID.test(trimmed) ? trimmed : undefined;
}

/** Renders a value that may hold a placeholder; undefined when the placeholder has no value. */
function optionalRender(scope: TemplateScope, template: { readonly text: string | undefined; readonly where: string }): string | undefined {
  const { text, where } = template;
  if (text === undefined) return undefined;
  if (!/\{[A-Za-z0-9_.:-]+\}/.test(text)) return text;
  const names = [...text.matchAll(/\{([A-Za-z0-9_.:-]+)\}/g)].map((m) => m[1] ?? '');
  if (names.some((name) => scope.lookup(name) === undefined)) return undefined;
  return scope.render(text, where).text;
}

function tenantOf(input: IdentityProviderInput): string {
  if (input.app.tenantId !== undefined) return input.app.tenantId;
  const fromConnection = input.scope.connectionValue('TenantId');
  if (fromConnection !== undefined) {
    if (!TENANT.test(fromConnection.value)) {
      throw new UserInputError(
        `connection parameter \`${fromConnection.parameter}\` must be a tenant id (GUID) or a domain name like \`contoso.onmicrosoft.com\``,
        { code: OAuthErrorCode.ParameterInvalid, details: { parameter: fromConnection.parameter } },
      );
    }
    return fromConnection.value;
  }
  return customParameter(input.setting, 'tenantId') ?? 'common';
}

function resourceOf(input: IdentityProviderInput): string | undefined {
  const where = `the resource of connector \`${input.connector}\``;
  const property = lookupInsensitive(input.setting.properties, 'AzureActiveDirectoryResourceId')?.value;
  return (
    usableResource(input.scope.connectionValue('resourceUri')?.value) ??
    usableResource(input.app.resourceUri) ??
    usableResource(optionalRender(input.scope, { text: customParameter(input.setting, 'resourceUri'), where })) ??
    usableResource(optionalRender(input.scope, { text: typeof property === 'string' ? property : undefined, where }))
  );
}

function missingResource(connector: string): Error {
  return new UserInputError(
    `connector \`${connector}\` (identity provider \`aad\`) names no usable resource or scopes — set \`resourceUri\` (e.g. \`https://graph.microsoft.com\`) in the app registration or the connection parameter \`token:resourceUri\``,
    { code: OAuthErrorCode.ParameterMissing },
  );
}

/** v2 scopes: bare scopes qualified with the resource, `.default` when only OIDC scopes are left. */
function v2Scopes(input: IdentityProviderInput, resource: string | undefined): string[] {
  const base = resource?.replace(/\/+$/, '');
  if (input.grantType === 'client_credentials') {
    const qualified = input.scopes.flatMap((s) => s.split(/\s+/)).find((s) => s.endsWith('/.default'));
    if (qualified !== undefined) return [qualified];
    if (base === undefined) throw missingResource(input.connector);
    return [`${base}/.default`];
  }
  const scopes: string[] = [];
  for (const scope of input.scopes.flatMap((s) => s.split(/\s+/)).filter((s) => s !== '')) {
    if (OIDC_SCOPES.has(scope.toLowerCase()) || scope.includes('/') || base === undefined) scopes.push(scope);
    else scopes.push(`${base}/${scope}`);
  }
  if (!scopes.some((s) => !OIDC_SCOPES.has(s.toLowerCase()))) {
    if (base === undefined) throw missingResource(input.connector);
    scopes.push(`${base}/.default`);
  }
  if (!scopes.some((s) => s.toLowerCase() === 'offline_access')) scopes.push('offline_access');
  return [...new Set(scopes)];
}

/** Microsoft Entra ID (Azure AD). */
export const aadProvider: IdentityProvider = {
  name: 'aad',
  resolve(input) {
    const loginUri = (input.app.loginUri ?? customParameter(input.setting, 'loginUri') ?? DEFAULT_AAD_LOGIN_URI).replace(/\/+$/, '');
    const tenant = tenantOf(input);
    if (input.grantType === 'client_credentials' && SHARED_TENANTS.has(tenant.toLowerCase())) {
      throw new UserInputError(
        `connector \`${input.connector}\`: the client credentials grant needs a specific tenant, not \`${tenant}\` — set \`tenantId\` in the app registration`,
        { code: OAuthErrorCode.ParameterMissing },
      );
    }
    const resource = resourceOf(input);
    const base = `${loginUri}/${encodeURIComponent(tenant)}/oauth2`;
    if (input.app.aadVersion === 'v1') {
      if (resource === undefined) throw missingResource(input.connector);
      const withResource = Object.freeze({ resource });
      const token = fixedEndpoint(`${base}/token`);
      return {
        authorization: fixedEndpoint(`${base}/authorize`),
        token,
        refresh: token,
        scopes: [],
        scopeDelimiter: ' ',
        authorizationParameters: withResource,
        tokenParameters: withResource,
        refreshParameters: withResource,
        clientCredentialsParameters: withResource,
        defaultAuthMethod: 'client_secret_post',
        supportsClientCredentials: true,
      };
    }
    const token = fixedEndpoint(`${base}/v2.0/token`);
    return {
      authorization: fixedEndpoint(`${base}/v2.0/authorize`),
      token,
      refresh: token,
      scopes: v2Scopes(input, resource),
      scopeDelimiter: ' ',
      defaultAuthMethod: 'client_secret_post',
      supportsClientCredentials: true,
    };
  },
};
