/** The identity providers Plugboard supports, by `identityProvider` value (matched case-insensitively). */
import { aadProvider } from './aad.ts';
import { docuSignProvider } from './docusign.ts';
import { facebookProvider } from './facebook.ts';
import type { IdentityProvider } from './identity-provider.ts';
import { oauth2Provider } from './oauth2.ts';
import { oauth2GenericProvider } from './oauth2generic.ts';

const PROVIDERS: readonly IdentityProvider[] = [oauth2Provider, oauth2GenericProvider, aadProvider, docuSignProvider, facebookProvider];

/** The names of the supported identity providers. */
export const SUPPORTED_IDENTITY_PROVIDERS: readonly string[] = PROVIDERS.map((p) => p.name);

/** The provider module for an `identityProvider` value, if Plugboard supports it. */
export function identityProviderFor(name: string): IdentityProvider | undefined {
  const lower = name.toLowerCase();
  return PROVIDERS.find((p) => p.name.toLowerCase() === lower);
}
