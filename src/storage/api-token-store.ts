/** The `api_tokens` table behind {@link ApiTokenStore}. Only sha-256 hashes are stored. */
import type { Kysely, Selectable } from 'kysely';
import { ConflictError, NotFoundError, UserInputError, newId } from '../core/index.ts';
import type { Clock } from '../core/index.ts';
import { StorageErrorCode } from './errors.ts';
import { requireEpochMs, requireName } from './input-checks.ts';
import { toPrincipal } from './principal-store.ts';
import type { ApiTokensTable, Database } from './schema.ts';
import type { ApiTokenRecord, ApiTokenStore } from './store.ts';

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** Creates the API token store over a migrated database. */
export function createApiTokenStore(db: Kysely<Database>, clock: Clock): ApiTokenStore {
  return {
    async create(input) {
      requireTokenHash(input.tokenHash);
      requireName(input.name, 'token name');
      if (input.expiresAt !== undefined) requireEpochMs(input.expiresAt, 'token expiresAt');
      // Principals are never deleted, so checking first cannot race with a delete.
      const principal = await db.selectFrom('principals').select('id').where('id', '=', input.principalId).executeTakeFirst();
      if (principal === undefined) {
        throw new NotFoundError(`principal ${input.principalId} does not exist — create the principal before its tokens`, {
          code: StorageErrorCode.PrincipalNotFound,
          details: { id: input.principalId },
        });
      }
      const row = await db
        .insertInto('api_tokens')
        .values({
          id: newId(),
          principal_id: input.principalId,
          name: input.name,
          token_hash: input.tokenHash,
          created_at: clock.now(),
          expires_at: input.expiresAt ?? null,
          revoked_at: null,
          last_used_at: null,
        })
        .onConflict((oc) => oc.column('token_hash').doNothing())
        .returningAll()
        .executeTakeFirst();
      if (row === undefined) {
        throw new ConflictError('a token with this hash already exists — generate a new random token', {
          code: StorageErrorCode.ApiTokenExists,
        });
      }
      return toApiToken(row);
    },

    async findActiveByHash(tokenHash, nowMs) {
      requireTokenHash(tokenHash);
      requireEpochMs(nowMs, 'nowMs');
      const row = await db
        .selectFrom('api_tokens')
        .innerJoin('principals', 'principals.id', 'api_tokens.principal_id')
        .selectAll('api_tokens')
        .select([
          'principals.kind as p_kind',
          'principals.name as p_name',
          'principals.email as p_email',
          'principals.role as p_role',
          'principals.disabled_at as p_disabled_at',
          'principals.created_at as p_created_at',
        ])
        .where('api_tokens.token_hash', '=', tokenHash)
        .where('api_tokens.revoked_at', 'is', null)
        .where((eb) => eb.or([eb('api_tokens.expires_at', 'is', null), eb('api_tokens.expires_at', '>', nowMs)]))
        .where('principals.disabled_at', 'is', null)
        .executeTakeFirst();
      if (row === undefined) return undefined;
      const principal = toPrincipal({
        id: row.principal_id,
        kind: row.p_kind,
        name: row.p_name,
        email: row.p_email,
        role: row.p_role,
        disabled_at: row.p_disabled_at,
        created_at: row.p_created_at,
      });
      return Object.freeze({ token: toApiToken(row), principal });
    },

    async listForPrincipal(principalId) {
      const rows = await db
        .selectFrom('api_tokens')
        .selectAll()
        .where('principal_id', '=', principalId)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map(toApiToken);
    },

    async revoke(id) {
      // coalesce keeps the first revocation time when revoke is called again.
      const row = await db
        .updateTable('api_tokens')
        .set((eb) => ({ revoked_at: eb.fn.coalesce('revoked_at', eb.val(clock.now())) }))
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
      if (row === undefined) {
        throw new NotFoundError(`API token ${id} does not exist`, { code: StorageErrorCode.ApiTokenNotFound, details: { id } });
      }
      return toApiToken(row);
    },

    async count() {
      const row = await db
        .selectFrom('api_tokens')
        .select((eb) => eb.fn.countAll<number | string | bigint>().as('n'))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },

    async touchLastUsed(id, nowMs) {
      requireEpochMs(nowMs, 'nowMs');
      await db
        .updateTable('api_tokens')
        .set({ last_used_at: nowMs })
        .where('id', '=', id)
        .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', nowMs)]))
        .execute();
    },
  };
}

function requireTokenHash(tokenHash: string): void {
  if (typeof tokenHash !== 'string' || !SHA256_HEX.test(tokenHash)) {
    // Never echo the value: a caller passing the raw token by mistake must not get it logged.
    throw new UserInputError('tokenHash must be the lower-case sha-256 hex digest of the token (64 characters) — hash the token before storing or looking it up', {
      code: StorageErrorCode.InvalidStoreInput,
    });
  }
}

function toApiToken(row: Selectable<ApiTokensTable>): ApiTokenRecord {
  return Object.freeze({
    id: row.id,
    principalId: row.principal_id,
    name: row.name,
    tokenHash: row.token_hash,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
    lastUsedAt: row.last_used_at,
  });
}
