/**
 * The OAuth flows' storage ports (`oauth/ports.ts`) over the real store, with everything secret
 * sealed by the secrets area: the `state` payload (PKCE verifier), app client secrets, and the
 * tokens, which live in the connection's own envelope under the key `token`, revisioned by the
 * connection's `secretsRevision` (compare-and-swap, so two processes refreshing at once cannot
 * both win). The refresh lease is the connection row's `refresh_lease_*` columns, so only one
 * process at a time redeems the refresh token.
 */
import { PlugboardError, UserInputError } from '../core/index.ts';
import type { Secrets } from '../secrets/index.ts';
import type { Store } from '../storage/index.ts';
import type { ConnectionService } from './connection-service.ts';
import type { OAuthAppRecord, OAuthAppRepository, OAuthStateRecord, OAuthStateRepository, TokenSet, TokenStore } from './oauth/index.ts';

/** The envelope entry that holds a connection's OAuth tokens. */
export const OAUTH_TOKENS_KEY = 'token';

/** Envelope purposes (part of the authenticated data, so values cannot be swapped between uses). */
const STATE_PURPOSE = 'oauth-state';
const CLIENT_SECRET_PURPOSE = 'oauth-client-secret';

/** {@link OAuthAppRepository} that can also register apps (admins configure them per environment). */
export interface OAuthAppStorage extends OAuthAppRepository {
  put(record: OAuthAppRecord): Promise<void>;
  delete(environmentId: string, key: string): Promise<boolean>;
}

/** The ports, ready for `createOAuthService` (plus `connections`, which the server builds from the catalog). */
export interface OAuthStorage {
  readonly states: OAuthStateRepository;
  readonly apps: OAuthAppStorage;
  readonly tokens: TokenStore;
}

/** Options of {@link createOAuthStorage}. */
export interface OAuthStorageOptions {
  readonly store: Pick<Store, 'oauthStates' | 'oauthApps' | 'connections'>;
  readonly secrets: Secrets;
  readonly connections: Pick<ConnectionService, 'readSecrets' | 'replaceSecrets' | 'setStatus'>;
  /** Reads a connection's status (to mark it connected again after a successful token write). */
  readonly statusOf: (connectionId: string) => Promise<string | undefined>;
}

/** Creates the ports. */
export function createOAuthStorage(options: OAuthStorageOptions): OAuthStorage {
  const { store, secrets, connections } = options;

  const states: OAuthStateRepository = {
    async create(record) {
      await store.oauthStates.create({
        stateHash: record.stateHash,
        environmentId: record.environmentId,
        principalId: record.principalId,
        connectionId: record.connectionId,
        payload: await secrets.seal(record.payload, { environmentId: record.environmentId, ownerId: record.stateHash, purpose: STATE_PURPOSE }),
        expiresAt: record.expiresAt,
      });
    },
    async consume(stateHash, nowMs) {
      const record = await store.oauthStates.consume(stateHash, nowMs);
      if (record === undefined) return undefined;
      if (record.connectionId === null) {
        throw new PlugboardError(`OAuth state ${record.id} has no connection — it was not created by the OAuth flows`, { code: 'OAuthStateInvalid' });
      }
      const result: OAuthStateRecord = {
        id: record.id,
        stateHash: record.stateHash,
        environmentId: record.environmentId,
        principalId: record.principalId,
        connectionId: record.connectionId,
        payload: await secrets.open(record.payload, { environmentId: record.environmentId, ownerId: record.stateHash, purpose: STATE_PURPOSE }),
        createdAt: record.createdAt,
        expiresAt: record.expiresAt,
        consumedAt: record.consumedAt,
      };
      return result;
    },
  };

  const apps: OAuthAppStorage = {
    async get(environmentId, key) {
      const app = await store.oauthApps.get(environmentId, key);
      if (app === undefined) return undefined;
      return {
        environmentId: app.environmentId,
        key: app.key,
        clientId: app.clientId,
        clientSecret: app.clientSecret === null ? null : await secrets.open(app.clientSecret, { environmentId, ownerId: key, purpose: CLIENT_SECRET_PURPOSE }),
        settings: { ...app.settings },
      };
    },
    async put(record) {
      await store.oauthApps.put({
        environmentId: record.environmentId,
        key: record.key,
        clientId: record.clientId,
        clientSecret: record.clientSecret === null ? null : await secrets.seal(record.clientSecret, { environmentId: record.environmentId, ownerId: record.key, purpose: CLIENT_SECRET_PURPOSE }),
        settings: record.settings,
      });
    },
    delete: (environmentId, key) => store.oauthApps.delete(environmentId, key),
  };

  const tokens: TokenStore = {
    async read(connectionId) {
      const { revision, values } = await connections.readSecrets(connectionId);
      return { tokens: asTokenSet(values[OAUTH_TOKENS_KEY]), revision };
    },
    async compareAndSwap(connectionId, expectedRevision, next) {
      const { revision, values } = await connections.readSecrets(connectionId);
      if (revision !== expectedRevision) return false;
      const merged: Record<string, unknown> = { ...values };
      if (next === undefined) delete merged[OAUTH_TOKENS_KEY];
      else merged[OAUTH_TOKENS_KEY] = next;
      const won = await connections.replaceSecrets(connectionId, expectedRevision, merged);
      // Fresh tokens mean the sign-in (or refresh) worked: the connection is usable again.
      if (won && next !== undefined && (await options.statusOf(connectionId)) !== 'connected') await connections.setStatus(connectionId, 'connected', null);
      return won;
    },
    markUnauthenticated: (connectionId, reason) => connections.setStatus(connectionId, 'unauthenticated', reason),
    acquireRefreshLease: (connectionId, lease) => store.connections.acquireRefreshLease(connectionId, lease),
    async releaseRefreshLease(connectionId, holder) {
      await store.connections.releaseRefreshLease(connectionId, holder);
    },
  };

  return Object.freeze({ states, apps, tokens });
}

function asTokenSet(value: unknown): TokenSet | undefined {
  if (value === undefined) return undefined;
  if (!isRecord(value) || typeof value['accessToken'] !== 'string') {
    throw new UserInputError('the stored OAuth tokens of a connection are malformed — sign in again to replace them', { code: 'OAuthTokensInvalid' });
  }
  const tokens: TokenSet = { accessToken: value['accessToken'] };
  const text = (key: string): string | undefined => (typeof value[key] === 'string' ? value[key] : undefined);
  const refreshToken = text('refreshToken');
  const tokenType = text('tokenType');
  const scope = text('scope');
  if (refreshToken !== undefined) tokens.refreshToken = refreshToken;
  if (tokenType !== undefined) tokens.tokenType = tokenType;
  if (scope !== undefined) tokens.scope = scope;
  if (typeof value['expiresAt'] === 'number') tokens.expiresAt = value['expiresAt'];
  const claims = value['idTokenClaims'];
  if (isRecord(claims)) {
    tokens.idTokenClaims = {};
    for (const key of ['sub', 'email', 'name'] as const) {
      const claim = claims[key];
      if (typeof claim === 'string') tokens.idTokenClaims[key] = claim;
    }
  }
  return tokens;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
