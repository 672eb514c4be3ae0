/** The `principals` table behind {@link PrincipalStore}. */
import type { Kysely, Selectable } from 'kysely';
import { ConflictError, NotFoundError, PlugboardError, newId } from '../core/index.ts';
import type { Clock } from '../core/index.ts';
import { StorageErrorCode } from './errors.ts';
import { requireName, requireOneOf } from './input-checks.ts';
import type { Database, PrincipalsTable } from './schema.ts';
import type { PrincipalKind, PrincipalRecord, PrincipalRole, PrincipalStore } from './store.ts';

/** The principal kinds the schema accepts. */
export const PRINCIPAL_KINDS: readonly PrincipalKind[] = ['user', 'service-account'];
/** The roles the schema accepts (`viewer` was renamed `user` in schema version 5). */
export const PRINCIPAL_ROLES: readonly PrincipalRole[] = ['admin', 'maker', 'user'];

/** Creates the principal store over a migrated database. */
export function createPrincipalStore(db: Kysely<Database>, clock: Clock): PrincipalStore {
  const get = async (id: string): Promise<PrincipalRecord | undefined> => {
    const row = await db.selectFrom('principals').selectAll().where('id', '=', id).executeTakeFirst();
    return row === undefined ? undefined : toPrincipal(row);
  };

  return {
    async create(input) {
      requireOneOf(input.kind, PRINCIPAL_KINDS, 'principal kind');
      requireOneOf(input.role, PRINCIPAL_ROLES, 'principal role');
      requireName(input.name, 'principal name');
      if (input.email !== undefined) requireName(input.email, 'principal email');
      const row = await db
        .insertInto('principals')
        .values({
          id: newId(),
          kind: input.kind,
          name: input.name,
          email: input.email ?? null,
          role: input.role,
          disabled_at: null,
          created_at: clock.now(),
        })
        .onConflict((oc) => oc.column('name').doNothing())
        .returningAll()
        .executeTakeFirst();
      if (row === undefined) {
        throw new ConflictError(`principal "${input.name}" already exists — choose another name`, {
          code: StorageErrorCode.PrincipalExists,
          details: { name: input.name },
        });
      }
      return toPrincipal(row);
    },
    get,
    async list() {
      const rows = await db.selectFrom('principals').selectAll().orderBy('created_at').orderBy('id').execute();
      return rows.map(toPrincipal);
    },
    async disable(id) {
      // coalesce keeps the first disabling time when disable is called again.
      const row = await db
        .updateTable('principals')
        .set((eb) => ({ disabled_at: eb.fn.coalesce('disabled_at', eb.val(clock.now())) }))
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
      if (row === undefined) {
        throw new NotFoundError(`principal ${id} does not exist`, { code: StorageErrorCode.PrincipalNotFound, details: { id } });
      }
      return toPrincipal(row);
    },
  };
}

/** Maps a `principals` row (also used by the token store's join). */
export function toPrincipal(row: Selectable<PrincipalsTable>): PrincipalRecord {
  const { kind, role } = row;
  if (!isOneOf(kind, PRINCIPAL_KINDS) || !isOneOf(role, PRINCIPAL_ROLES)) {
    throw new PlugboardError(`principal ${row.id} has kind "${kind}" and role "${role}", which the schema does not allow`, {
      code: StorageErrorCode.CorruptRow,
    });
  }
  return Object.freeze({
    id: row.id,
    kind,
    name: row.name,
    email: row.email,
    role,
    disabledAt: row.disabled_at,
    createdAt: row.created_at,
  });
}

function isOneOf<T extends string>(value: string, allowed: readonly T[]): value is T {
  return allowed.some((a) => a === value);
}
