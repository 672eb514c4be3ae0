/** The `oauth_states` table behind {@link OAuthStateStore}: single-use, expiring authorization states. */
import type { Kysely, Selectable } from 'kysely';
import { ConflictError, NotFoundError, UserInputError, newId } from '../core/index.ts';
import type { Clock } from '../core/index.ts';
import { StorageErrorCode } from './errors.ts';
import { requireEpochMs, requireName } from './input-checks.ts';
import type { Database, OAuthStatesTable } from './schema.ts';
import type { OAuthStateRecord, OAuthStateStore } from './store.ts';

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** Creates the OAuth state store over a migrated database. */
export function createOAuthStateStore(db: Kysely<Database>, clock: Clock): OAuthStateStore {
  return {
    async create(input) {
      requireStateHash(input.stateHash);
      requireEpochMs(input.expiresAt, 'OAuth state expiresAt');
      requireName(input.payload, 'OAuth state payload');
      return db.transaction().execute(async (trx) => {
        const references: ReadonlyArray<readonly ['environments' | 'principals' | 'connections', string, string]> = [
          ['environments', input.environmentId, StorageErrorCode.EnvironmentNotFound],
          ['principals', input.principalId, StorageErrorCode.PrincipalNotFound],
          ...(input.connectionId === null ? [] : [['connections', input.connectionId, StorageErrorCode.ConnectionNotFound] as const]),
        ];
        for (const [table, id, code] of references) {
          const found = await trx.selectFrom(table).select('id').where('id', '=', id).executeTakeFirst();
          if (found === undefined) throw new NotFoundError(`${table.replace(/s$/, '')} ${id} does not exist`, { code, details: { id } });
        }
        const row = await trx
          .insertInto('oauth_states')
          .values({
            id: newId(),
            state_hash: input.stateHash,
            environment_id: input.environmentId,
            principal_id: input.principalId,
            connection_id: input.connectionId,
            payload: input.payload,
            created_at: clock.now(),
            expires_at: input.expiresAt,
            consumed_at: null,
          })
          .onConflict((oc) => oc.column('state_hash').doNothing())
          .returningAll()
          .executeTakeFirst();
        if (row === undefined) {
          throw new ConflictError('an OAuth state with this hash already exists — generate a new random state', { code: StorageErrorCode.OAuthStateExists });
        }
        return toOAuthState(row);
      });
    },

    async consume(stateHash, nowMs) {
      requireStateHash(stateHash);
      requireEpochMs(nowMs, 'nowMs');
      // One conditional UPDATE: the database serialises concurrent callers on the row, and only
      // the first still sees `consumed_at is null`.
      const row = await db
        .updateTable('oauth_states')
        .set({ consumed_at: nowMs })
        .where('state_hash', '=', stateHash)
        .where('consumed_at', 'is', null)
        .where('expires_at', '>', nowMs)
        .returningAll()
        .executeTakeFirst();
      return row === undefined ? undefined : toOAuthState(row);
    },

    async deleteExpired(nowMs) {
      requireEpochMs(nowMs, 'nowMs');
      const rows = await db.deleteFrom('oauth_states').where('expires_at', '<', nowMs).returning('id').execute();
      return rows.length;
    },
  };
}

function requireStateHash(stateHash: string): void {
  if (typeof stateHash !== 'string' || !SHA256_HEX.test(stateHash)) {
    // Never echo the value: a caller passing the raw state by mistake must not get it logged.
    throw new UserInputError('stateHash must be the lower-case sha-256 hex digest of the OAuth state (64 characters) — hash the state before storing or looking it up', {
      code: StorageErrorCode.InvalidStoreInput,
    });
  }
}

function toOAuthState(row: Selectable<OAuthStatesTable>): OAuthStateRecord {
  return Object.freeze({
    id: row.id,
    stateHash: row.state_hash,
    environmentId: row.environment_id,
    principalId: row.principal_id,
    connectionId: row.connection_id,
    payload: row.payload,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    consumedAt: row.consumed_at,
  });
}
