/**
 * `oauth2`: endpoints from `customParameters` `authorizationUrl` / `tokenUrl` / `refreshUrl`
 * (`{"value": …}`), falling back to the definition's `securityDefinitions` oauth2 scheme.
 */
import type { OAuth2Scheme } from '../../../connectors/index.ts';
import { customParameter } from '../template.ts';
import type { Endpoint, IdentityProvider, IdentityProviderInput } from './identity-provider.ts';

/** The definition's oauth2 scheme that fits the grant (`accessCode`, or `application` for client credentials). */
export function oauth2Scheme(input: IdentityProviderInput): OAuth2Scheme | undefined {
  const schemes = input.definition.securityDefinitions.filter((s): s is OAuth2Scheme => s.type === 'oauth2');
  const preferred = input.grantType === 'client_credentials' ? 'application' : 'accessCode';
  return schemes.find((s) => s.flow === preferred) ?? schemes[0];
}

/** Renders an optional URL from a `customParameters` key or a fallback. */
export function endpointFrom(input: IdentityProviderInput, source: { readonly key: string; readonly fallback?: string | undefined }): Endpoint | undefined {
  const { key, fallback } = source;
  const template = customParameter(input.setting, key) ?? fallback;
  if (template === undefined || template.trim() === '') return undefined;
  const rendered = input.scope.render(template, `\`${key}\` of connector \`${input.connector}\``);
  return { url: rendered.text, taintedBy: rendered.taintedBy };
}

/** The generic OAuth 2.0 provider. */
export const oauth2Provider: IdentityProvider = {
  name: 'oauth2',
  resolve(input) {
    const scheme = oauth2Scheme(input);
    const token = endpointFrom(input, { key: 'tokenUrl', fallback: scheme?.tokenUrl });
    return {
      authorization: endpointFrom(input, { key: 'authorizationUrl', fallback: scheme?.authorizationUrl }),
      token,
      refresh: endpointFrom(input, { key: 'refreshUrl' }) ?? token,
      scopes: input.scopes,
      scopeDelimiter: ' ',
      defaultAuthMethod: 'client_secret_post',
      supportsClientCredentials: true,
    };
  },
};
