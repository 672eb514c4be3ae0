/** The `environment_roles` table behind {@link EnvironmentRoleStore}: a principal's role in one environment. */
import type { Kysely, Selectable } from 'kysely';
import { NotFoundError } from '../core/index.ts';
import type { Clock } from '../core/index.ts';
import { atomically } from './atomically.ts';
import { StorageErrorCode } from './errors.ts';
import { requireOneOf, storedOneOf } from './input-checks.ts';
import { PRINCIPAL_ROLES } from './principal-store.ts';
import type { Database, EnvironmentRolesTable } from './schema.ts';
import type { EnvironmentRoleRecord, EnvironmentRoleStore } from './store.ts';

/** Creates the environment role store over a migrated database. */
export function createEnvironmentRoleStore(db: Kysely<Database>, clock: Clock): EnvironmentRoleStore {
  return {
    async put(input) {
      requireOneOf(input.role, PRINCIPAL_ROLES, 'environment role');
      return atomically(db, async (trx) => {
        // Principals and environments are never deleted, so checking first cannot race with a delete.
        const environment = await trx.selectFrom('environments').select('id').where('id', '=', input.environmentId).executeTakeFirst();
        if (environment === undefined) {
          throw new NotFoundError(`environment ${input.environmentId} does not exist`, { code: StorageErrorCode.EnvironmentNotFound, details: { id: input.environmentId } });
        }
        const principal = await trx.selectFrom('principals').select('id').where('id', '=', input.principalId).executeTakeFirst();
        if (principal === undefined) {
          throw new NotFoundError(`principal ${input.principalId} does not exist`, { code: StorageErrorCode.PrincipalNotFound, details: { id: input.principalId } });
        }
        const now = clock.now();
        const row = await trx
          .insertInto('environment_roles')
          .values({ environment_id: input.environmentId, principal_id: input.principalId, role: input.role, created_at: now, updated_at: now })
          .onConflict((oc) => oc.columns(['environment_id', 'principal_id']).doUpdateSet({ role: input.role, updated_at: now }))
          .returningAll()
          .executeTakeFirstOrThrow();
        return toRole(row);
      });
    },

    async get(environmentId, principalId) {
      const row = await db.selectFrom('environment_roles').selectAll().where('environment_id', '=', environmentId).where('principal_id', '=', principalId).executeTakeFirst();
      return row === undefined ? undefined : toRole(row);
    },

    async list(environmentId) {
      const rows = await db.selectFrom('environment_roles').selectAll().where('environment_id', '=', environmentId).orderBy('created_at').orderBy('principal_id').execute();
      return rows.map(toRole);
    },

    async delete(environmentId, principalId) {
      const row = await db
        .deleteFrom('environment_roles')
        .where('environment_id', '=', environmentId)
        .where('principal_id', '=', principalId)
        .returning('principal_id')
        .executeTakeFirst();
      return row !== undefined;
    },
  };
}

function toRole(row: Selectable<EnvironmentRolesTable>): EnvironmentRoleRecord {
  return Object.freeze({
    environmentId: row.environment_id,
    principalId: row.principal_id,
    role: storedOneOf(row.role, PRINCIPAL_ROLES, `role of principal ${row.principal_id} in environment ${row.environment_id}`),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  });
}
