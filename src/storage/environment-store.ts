/** The `environments` table behind {@link EnvironmentStore}. */
import type { Kysely, Selectable } from 'kysely';
import { ConflictError, PlugboardError, newId } from '../core/index.ts';
import type { Clock } from '../core/index.ts';
import { compareCodeUnits } from './compare-code-units.ts';
import { StorageErrorCode } from './errors.ts';
import { requireName } from './input-checks.ts';
import type { Database, EnvironmentsTable } from './schema.ts';
import type { CreateEnvironmentInput, EnvironmentRecord, EnvironmentStore } from './store.ts';

/** Creates the environment store over a migrated database. */
export function createEnvironmentStore(db: Kysely<Database>, clock: Clock): EnvironmentStore {
  const getByName = async (name: string): Promise<EnvironmentRecord | undefined> => {
    const row = await db.selectFrom('environments').selectAll().where('name', '=', name).executeTakeFirst();
    return row === undefined ? undefined : toEnvironment(row);
  };

  /** Inserts unless the name exists; undefined when it did (no error-code sniffing per driver). */
  const insert = async (input: CreateEnvironmentInput): Promise<EnvironmentRecord | undefined> => {
    requireName(input.name, 'environment name');
    if (input.displayName !== undefined) requireName(input.displayName, 'environment display name');
    const row = await db
      .insertInto('environments')
      .values({ id: newId(), name: input.name, display_name: input.displayName ?? input.name, created_at: clock.now() })
      .onConflict((oc) => oc.column('name').doNothing())
      .returningAll()
      .executeTakeFirst();
    return row === undefined ? undefined : toEnvironment(row);
  };

  return {
    async list() {
      const rows = await db.selectFrom('environments').selectAll().execute();
      return rows.map(toEnvironment).sort((a, b) => compareCodeUnits(a.name, b.name));
    },
    getByName,
    async create(input) {
      const created = await insert(input);
      if (created === undefined) {
        throw new ConflictError(`environment "${input.name}" already exists — choose another name or use the existing one`, {
          code: StorageErrorCode.EnvironmentExists,
          details: { name: input.name },
        });
      }
      return created;
    },
    async ensure(name) {
      const created = await insert({ name });
      if (created !== undefined) return created;
      const existing = await getByName(name);
      // Environments are never deleted, so a name that conflicted on insert is readable now.
      if (existing === undefined) {
        throw new PlugboardError(`environment "${name}" conflicted on insert but cannot be read`, { code: StorageErrorCode.StoreInvariantBroken });
      }
      return existing;
    },
  };
}

function toEnvironment(row: Selectable<EnvironmentsTable>): EnvironmentRecord {
  return Object.freeze({ id: row.id, name: row.name, displayName: row.display_name, createdAt: row.created_at });
}
