/** Applies pending migrations once, even when several processes start at the same time. */
import type { Kysely, Transaction } from 'kysely';
import { PlugboardError } from '../../core/index.ts';
import type { Clock } from '../../core/index.ts';
import { StorageErrorCode } from '../errors.ts';
import type { Database } from '../schema.ts';
import type { MigrationReport, StoreDriver } from '../store.ts';
import type { Migration } from './migration.ts';

/** Options of {@link migrate}. */
export interface MigrateOptions {
  readonly migrations: readonly Migration[];
  readonly clock: Clock;
  readonly driver: StoreDriver;
  /**
   * Runs first in the migration transaction and must block other migrators until it commits
   * (PostgreSQL: an advisory transaction lock; SQLite: nothing, its `BEGIN IMMEDIATE` already does).
   */
  readonly lock: (trx: Transaction<Database>) => Promise<void>;
}

/**
 * Brings the schema to the newest version in one transaction: all pending migrations commit
 * together or not at all, and a second starter waits for the lock, then finds nothing to do.
 */
export async function migrate(db: Kysely<Database>, options: MigrateOptions): Promise<MigrationReport> {
  const { migrations, clock, driver, lock } = options;
  checkSequence(migrations);
  const latestKnown = migrations.length;

  return db.transaction().execute(async (trx) => {
    await lock(trx);
    await trx.schema
      .createTable('plugboard_migrations')
      .ifNotExists()
      .addColumn('version', 'integer', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('applied_at', 'bigint', (c) => c.notNull())
      .execute();
    const rows = await trx.selectFrom('plugboard_migrations').select('version').orderBy('version').execute();
    const current = rows.reduce((max, row) => Math.max(max, row.version), 0);
    if (current > latestKnown) {
      throw new PlugboardError(
        `the database schema is at version ${current}, but this Plugboard knows versions up to ${latestKnown} — run a Plugboard at least as new as the one that migrated it`,
        { code: StorageErrorCode.SchemaTooNew, kind: 'operational', details: { current, latestKnown } },
      );
    }
    if (rows.length !== current) {
      throw new PlugboardError(`plugboard_migrations has gaps (${rows.map((r) => r.version).join(', ')}) — the table was edited by hand; restore it from a backup`, {
        code: StorageErrorCode.CorruptRow,
        kind: 'operational',
      });
    }
    const appliedNow: number[] = [];
    for (const migration of migrations.slice(current)) {
      await migration.up({ schema: trx.schema, executor: trx, driver });
      await trx.insertInto('plugboard_migrations').values({ version: migration.version, name: migration.name, applied_at: clock.now() }).execute();
      appliedNow.push(migration.version);
    }
    return Object.freeze({ version: latestKnown, appliedNow: Object.freeze(appliedNow) });
  });
}

/** Migration versions must be exactly 1..n in order; anything else is a programming error. */
function checkSequence(migrations: readonly Migration[]): void {
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new PlugboardError(`migration "${migration.name}" has version ${migration.version} at position ${index + 1} — versions must be 1, 2, 3… in order`, {
        code: StorageErrorCode.StoreInvariantBroken,
      });
    }
  });
}
