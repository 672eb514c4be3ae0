/**
 * {@link SealedValueStore}: every column that holds an envelope of the secrets area, paged by row
 * id, so master key rotation can re-wrap them all without knowing the tables.
 */
import type { Kysely } from 'kysely';
import { UserInputError } from '../core/index.ts';
import { StorageErrorCode } from './errors.ts';
import type { Database } from './schema.ts';
import type { SealedColumn, SealedValue, SealedValueStore } from './store.ts';

/** The envelope columns, in the order rotation visits them. */
export const SEALED_COLUMNS: readonly SealedColumn[] = ['connections.secrets', 'oauth_apps.client_secret', 'oauth_states.payload', 'flow_keys.sealed_key'];

/** Creates the envelope column view over a migrated database. */
export function createSealedValueStore(db: Kysely<Database>): SealedValueStore {
  return {
    columns: SEALED_COLUMNS,

    async page(column, { afterRowId, limit }) {
      if (!Number.isSafeInteger(limit) || limit < 1) {
        throw new UserInputError(`page limit ${String(limit)} is invalid — use a whole number from 1`, { code: StorageErrorCode.InvalidStoreInput });
      }
      const rows = await selectPage(db, column, afterRowId, limit);
      return rows.map((row): SealedValue => Object.freeze({ column, rowId: row.id, value: row.value }));
    },

    async replace(current, next) {
      // Compare-and-swap on the envelope itself: a concurrent real change (e.g. an OAuth refresh)
      // wins, and the next rotation pass sees the new envelope.
      const { column, rowId, value: expected } = current;
      switch (column) {
        case 'connections.secrets': {
          const row = await db.updateTable('connections').set({ secrets: next }).where('id', '=', rowId).where('secrets', '=', expected).returning('id').executeTakeFirst();
          return row !== undefined;
        }
        case 'oauth_apps.client_secret': {
          const row = await db
            .updateTable('oauth_apps')
            .set({ client_secret: next })
            .where('id', '=', rowId)
            .where('client_secret', '=', expected)
            .returning('id')
            .executeTakeFirst();
          return row !== undefined;
        }
        case 'oauth_states.payload': {
          const row = await db.updateTable('oauth_states').set({ payload: next }).where('id', '=', rowId).where('payload', '=', expected).returning('id').executeTakeFirst();
          return row !== undefined;
        }
        case 'flow_keys.sealed_key': {
          const row = await db
            .updateTable('flow_keys')
            .set({ sealed_key: next })
            .where('flow_id', '=', rowId)
            .where('sealed_key', '=', expected)
            .returning('flow_id')
            .executeTakeFirst();
          return row !== undefined;
        }
        default:
          throw unknownColumn(column);
      }
    },
  };
}

async function selectPage(db: Kysely<Database>, column: SealedColumn, afterRowId: string | null, limit: number): Promise<ReadonlyArray<{ id: string; value: string }>> {
  // Ordered and compared by the database's own collation on both sides, so the keyset never skips a row.
  switch (column) {
    case 'connections.secrets': {
      const rows = await db
        .selectFrom('connections')
        .select(['id', 'secrets'])
        .where('secrets', 'is not', null)
        .$if(afterRowId !== null, (q) => q.where('id', '>', afterRowId ?? ''))
        .orderBy('id')
        .limit(limit)
        .execute();
      return rows.flatMap((r) => (r.secrets === null ? [] : [{ id: r.id, value: r.secrets }]));
    }
    case 'oauth_apps.client_secret': {
      const rows = await db
        .selectFrom('oauth_apps')
        .select(['id', 'client_secret'])
        .where('client_secret', 'is not', null)
        .$if(afterRowId !== null, (q) => q.where('id', '>', afterRowId ?? ''))
        .orderBy('id')
        .limit(limit)
        .execute();
      return rows.flatMap((r) => (r.client_secret === null ? [] : [{ id: r.id, value: r.client_secret }]));
    }
    case 'oauth_states.payload': {
      const rows = await db
        .selectFrom('oauth_states')
        .select(['id', 'payload'])
        .$if(afterRowId !== null, (q) => q.where('id', '>', afterRowId ?? ''))
        .orderBy('id')
        .limit(limit)
        .execute();
      return rows.map((r) => ({ id: r.id, value: r.payload }));
    }
    case 'flow_keys.sealed_key': {
      const rows = await db
        .selectFrom('flow_keys')
        .select(['flow_id', 'sealed_key'])
        .$if(afterRowId !== null, (q) => q.where('flow_id', '>', afterRowId ?? ''))
        .orderBy('flow_id')
        .limit(limit)
        .execute();
      return rows.map((r) => ({ id: r.flow_id, value: r.sealed_key }));
    }
    default:
      throw unknownColumn(column);
  }
}

function unknownColumn(column: never): UserInputError {
  return new UserInputError(`"${String(column)}" is not an envelope column — use one of ${SEALED_COLUMNS.join(', ')}`, { code: StorageErrorCode.InvalidStoreInput });
}
