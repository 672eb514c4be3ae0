/**
 * `oauth2generic`: endpoints and extra parameters from templates with `{placeholders}`
 * (`authorizationUrlTemplate`, `authorizationUrlQueryStringTemplate`, `tokenUrlTemplate`,
 * `tokenUrlQueryStringTemplate`, `tokenBodyTemplate`, `refreshUrlTemplate`, `refreshBodyTemplate`,
 * `scopeListDelimiter`). Protocol parameters in the query and body templates (`client_id`, `state`,
 * `code`, `client_secret`, …) are always set by Plugboard through oauth4webapi; only the other pairs
 * (`access_type=offline`, `prompt=consent`, `audience=…`, `scope=…` in a token body) are sent as
 * extra parameters.
 */
import { RESERVED_AUTHORIZATION_PARAMETERS } from '../app-settings.ts';
import { customParameter, extraParameters } from '../template.ts';
import type { Endpoint, IdentityProvider } from './identity-provider.ts';
import { endpointFrom, oauth2Scheme } from './oauth2.ts';

const TOKEN_STANDARD = new Set(['code', 'grant_type', 'redirect_uri', 'client_id', 'client_secret', 'code_verifier']);
// `code` and `redirect_uri` appear in some published refresh templates (copied from the token body); a refresh never sends them.
const REFRESH_STANDARD = new Set(['refresh_token', 'grant_type', 'client_id', 'client_secret', 'redirect_uri', 'code', 'code_verifier']);

/** The generic, template-driven OAuth 2.0 provider. */
export const oauth2GenericProvider: IdentityProvider = {
  name: 'oauth2generic',
  resolve(input) {
    const { connector, setting } = input;
    const scheme = oauth2Scheme(input);
    const scopeDelimiter = customParameter(setting, 'scopeListDelimiter') ?? ' ';
    const scope = input.scope.with({ Scopes: input.scopes.join(scopeDelimiter) });
    const withScopes = { ...input, scope };

    let token: Endpoint | undefined = endpointFrom(withScopes, { key: 'tokenUrlTemplate', fallback: scheme?.tokenUrl });
    const tokenQuery = customParameter(setting, 'tokenUrlQueryStringTemplate');
    if (token !== undefined && tokenQuery !== undefined) {
      const rendered = scope.render(tokenQuery, `\`tokenUrlQueryStringTemplate\` of connector \`${connector}\``);
      const joiner = token.url.includes('?') ? '&' : '?';
      token = { url: `${token.url}${joiner}${rendered.text.replace(/^\?/, '')}`, taintedBy: [...token.taintedBy, ...rendered.taintedBy] };
    }
    const where = (key: string): string => `\`${key}\` of connector \`${connector}\``;
    return {
      authorization: endpointFrom(withScopes, { key: 'authorizationUrlTemplate', fallback: scheme?.authorizationUrl }),
      token,
      refresh: endpointFrom(withScopes, { key: 'refreshUrlTemplate' }) ?? token,
      scopes: input.scopes,
      scopeDelimiter,
      authorizationParameters: extraParameters(customParameter(setting, 'authorizationUrlQueryStringTemplate'), {
        standard: RESERVED_AUTHORIZATION_PARAMETERS,
        scope,
        where: where('authorizationUrlQueryStringTemplate'),
      }),
      tokenParameters: extraParameters(customParameter(setting, 'tokenBodyTemplate'), { standard: TOKEN_STANDARD, scope, where: where('tokenBodyTemplate') }),
      refreshParameters: extraParameters(customParameter(setting, 'refreshBodyTemplate'), { standard: REFRESH_STANDARD, scope, where: where('refreshBodyTemplate') }),
      defaultAuthMethod: 'client_secret_post',
      supportsClientCredentials: true,
    };
  },
};
