/**
 * `DocuSign` preset: `<LoginUri>/oauth/auth` and `<LoginUri>/oauth/token`, where LoginUri is the
 * app registration's `loginUri` (`https://account-d.docusign.com` for developer/demo accounts), else
 * the connector's `customParameters.LoginUri`, else `https://account.docusign.com` (production).
 * DocuSign authenticates the integration key with HTTP Basic. The published connector asks for the
 * Power Platform pseudo-scope `all`; it becomes DocuSign's `signature extended` (`extended` keeps
 * refresh tokens alive across uses).
 */
import { customParameter } from '../template.ts';
import { fixedEndpoint } from './identity-provider.ts';
import type { IdentityProvider } from './identity-provider.ts';

/** Production and demo (developer sandbox) account servers. */
export const DOCUSIGN_LOGIN_URI = { production: 'https://account.docusign.com', demo: 'https://account-d.docusign.com' } as const;

/** DocuSign eSignature. */
export const docuSignProvider: IdentityProvider = {
  name: 'DocuSign',
  resolve(input) {
    const loginUri = (input.app.loginUri ?? customParameter(input.setting, 'LoginUri') ?? DOCUSIGN_LOGIN_URI.production).replace(/\/+$/, '');
    const scopes = input.scopes.length === 0 || (input.scopes.length === 1 && input.scopes[0] === 'all') ? ['signature', 'extended'] : input.scopes;
    const token = fixedEndpoint(`${loginUri}/oauth/token`);
    return {
      authorization: fixedEndpoint(`${loginUri}/oauth/auth`),
      token,
      refresh: token,
      scopes,
      scopeDelimiter: ' ',
      defaultAuthMethod: 'client_secret_basic',
      supportsClientCredentials: false,
    };
  },
};
