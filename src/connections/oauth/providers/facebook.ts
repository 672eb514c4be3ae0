/**
 * `facebook` preset: Facebook Login's `https://www.facebook.com/<version>/dialog/oauth` and the Graph
 * API's `https://graph.facebook.com/<version>/oauth/access_token`; version from the app registration's
 * `graphApiVersion` (default {@link DEFAULT_GRAPH_API_VERSION}). Facebook issues no refresh tokens:
 * when the (long-lived) user token expires, the connection needs a new sign-in.
 */
import { fixedEndpoint } from './identity-provider.ts';
import type { IdentityProvider } from './identity-provider.ts';

/** The Graph API version used when the app registration does not pin one. */
export const DEFAULT_GRAPH_API_VERSION = 'v23.0';

/** Facebook (Meta) Login. */
export const facebookProvider: IdentityProvider = {
  name: 'facebook',
  resolve(input) {
    const version = input.app.graphApiVersion ?? DEFAULT_GRAPH_API_VERSION;
    const token = fixedEndpoint(`https://graph.facebook.com/${version}/oauth/access_token`);
    return {
      authorization: fixedEndpoint(`https://www.facebook.com/${version}/dialog/oauth`),
      token,
      refresh: token,
      scopes: input.scopes,
      scopeDelimiter: ',',
      defaultAuthMethod: 'client_secret_post',
      supportsClientCredentials: false,
    };
  },
};
