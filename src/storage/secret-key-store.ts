/** The `secret_keys` table behind {@link SecretKeyStore}: master key versions and their check values. */
import type { Kysely, Selectable } from 'kysely';
import { NotFoundError, UserInputError } from '../core/index.ts';
import type { Clock } from '../core/index.ts';
import { StorageErrorCode } from './errors.ts';
import type { Database, SecretKeysTable } from './schema.ts';
import type { SecretKeyRecord, SecretKeyStore } from './store.ts';

const HEX = /^[0-9a-f]{32,128}$/;

/** Creates the master key version store over a migrated database. */
export function createSecretKeyStore(db: Kysely<Database>, clock: Clock): SecretKeyStore {
  return {
    async list() {
      const rows = await db.selectFrom('secret_keys').selectAll().orderBy('version').execute();
      return rows.map(toSecretKey);
    },

    async insert(version, checkValue) {
      if (!Number.isSafeInteger(version) || version < 1) {
        throw new UserInputError(`master key version ${String(version)} is invalid — versions are whole numbers from 1`, { code: StorageErrorCode.InvalidStoreInput });
      }
      if (typeof checkValue !== 'string' || !HEX.test(checkValue)) {
        throw new UserInputError('a key check value must be lower-case hex (32 to 128 characters)', { code: StorageErrorCode.InvalidStoreInput });
      }
      // No conflict target: a taken version and a taken check value both mean "someone registered first".
      const row = await db
        .insertInto('secret_keys')
        .values({ version, check_value: checkValue, created_at: clock.now(), retired_at: null })
        .onConflict((oc) => oc.doNothing())
        .returningAll()
        .executeTakeFirst();
      return row === undefined ? undefined : toSecretKey(row);
    },

    async retire(version) {
      const row = await db
        .updateTable('secret_keys')
        .set((eb) => ({ retired_at: eb.fn.coalesce('retired_at', eb.val(clock.now())) }))
        .where('version', '=', version)
        .returningAll()
        .executeTakeFirst();
      if (row === undefined) {
        throw new NotFoundError(`master key version ${version} does not exist`, { code: StorageErrorCode.SecretKeyNotFound, details: { version } });
      }
      return toSecretKey(row);
    },
  };
}

function toSecretKey(row: Selectable<SecretKeysTable>): SecretKeyRecord {
  return Object.freeze({ version: row.version, checkValue: row.check_value, createdAt: row.created_at, retiredAt: row.retired_at });
}
