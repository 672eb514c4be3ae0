/**
 * First start: make sure an admin can call the API. With `PLUGBOARD_BOOTSTRAP_TOKEN` that token
 * is registered (idempotently); otherwise, when no token exists at all, one is generated and
 * returned so the caller can print it once. Only hashes are stored.
 */
import type { Clock } from '../core/index.ts';
import type { Store } from '../storage/index.ts';
import { generateToken, hashToken } from './tokens.ts';

/** The service account that owns tokens given through PLUGBOARD_BOOTSTRAP_TOKEN. */
const BOOTSTRAP_PRINCIPAL = 'bootstrap-admin';

/** What {@link ensureAdminToken} did. */
export type BootstrapOutcome =
  | { readonly kind: 'existing' }
  | { readonly kind: 'configured' }
  | { readonly kind: 'generated'; readonly token: string };

/** Ensures an admin token exists (see the module comment). */
export async function ensureAdminToken(store: Store, options: { readonly bootstrapToken: string | undefined; readonly clock: Clock }): Promise<BootstrapOutcome> {
  if (options.bootstrapToken !== undefined) {
    const hash = hashToken(options.bootstrapToken);
    if ((await store.apiTokens.findActiveByHash(hash, options.clock.now())) !== undefined) return { kind: 'existing' };
    // A changed bootstrap token is added to the same service account; older tokens stay valid
    // until revoked.
    const existing = (await store.principals.list()).find((p) => p.name === BOOTSTRAP_PRINCIPAL);
    const admin = existing ?? (await store.principals.create({ kind: 'service-account', name: BOOTSTRAP_PRINCIPAL, role: 'admin' }));
    await store.apiTokens.create({ principalId: admin.id, name: 'bootstrap (PLUGBOARD_BOOTSTRAP_TOKEN)', tokenHash: hash });
    return { kind: 'configured' };
  }
  if ((await store.apiTokens.count()) > 0) return { kind: 'existing' };
  const token = generateToken();
  const admin = (await store.principals.list()).find((p) => p.name === 'admin') ?? (await store.principals.create({ kind: 'user', name: 'admin', role: 'admin' }));
  await store.apiTokens.create({ principalId: admin.id, name: 'first-start admin token', tokenHash: hashToken(token) });
  return { kind: 'generated', token };
}
