/** The `oauth_apps` table behind {@link OAuthAppStore}. */
import type { Kysely, Selectable } from 'kysely';
import { NotFoundError, newId } from '../core/index.ts';
import type { Clock } from '../core/index.ts';
import { compareCodeUnits } from './compare-code-units.ts';
import { StorageErrorCode } from './errors.ts';
import { requireName } from './input-checks.ts';
import { fromJsonObjectText, toJsonObjectText } from './json-column.ts';
import type { Database, OAuthAppsTable } from './schema.ts';
import type { OAuthAppRecord, OAuthAppStore } from './store.ts';

/** Creates the OAuth app store over a migrated database. */
export function createOAuthAppStore(db: Kysely<Database>, clock: Clock): OAuthAppStore {
  return {
    async put(input) {
      requireName(input.key, 'OAuth app key');
      requireName(input.clientId, 'OAuth app clientId');
      const settings = toJsonObjectText(input.settings, `OAuth app "${input.key}" settings`);
      return db.transaction().execute(async (trx) => {
        const environment = await trx.selectFrom('environments').select('id').where('id', '=', input.environmentId).executeTakeFirst();
        if (environment === undefined) {
          throw new NotFoundError(`environment ${input.environmentId} does not exist`, {
            code: StorageErrorCode.EnvironmentNotFound,
            details: { id: input.environmentId },
          });
        }
        const now = clock.now();
        const row = await trx
          .insertInto('oauth_apps')
          .values({
            id: newId(),
            environment_id: input.environmentId,
            key: input.key,
            client_id: input.clientId,
            client_secret: input.clientSecret,
            settings,
            created_at: now,
            updated_at: now,
          })
          // An upsert keeps the row's id and created_at, so references to the app survive a reconfiguration.
          .onConflict((oc) =>
            oc.columns(['environment_id', 'key']).doUpdateSet({ client_id: input.clientId, client_secret: input.clientSecret, settings, updated_at: now }),
          )
          .returningAll()
          .executeTakeFirstOrThrow();
        return toOAuthApp(row);
      });
    },

    async get(environmentId, key) {
      const row = await db.selectFrom('oauth_apps').selectAll().where('environment_id', '=', environmentId).where('key', '=', key).executeTakeFirst();
      return row === undefined ? undefined : toOAuthApp(row);
    },

    async list(environmentId) {
      const rows = await db.selectFrom('oauth_apps').selectAll().where('environment_id', '=', environmentId).execute();
      return rows.map(toOAuthApp).sort((a, b) => compareCodeUnits(a.key, b.key));
    },

    async delete(environmentId, key) {
      const row = await db.deleteFrom('oauth_apps').where('environment_id', '=', environmentId).where('key', '=', key).returning('id').executeTakeFirst();
      return row !== undefined;
    },
  };
}

function toOAuthApp(row: Selectable<OAuthAppsTable>): OAuthAppRecord {
  return Object.freeze({
    id: row.id,
    environmentId: row.environment_id,
    key: row.key,
    clientId: row.client_id,
    clientSecret: row.client_secret,
    settings: Object.freeze(fromJsonObjectText(row.settings, `OAuth app ${row.id} settings`)),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  });
}
