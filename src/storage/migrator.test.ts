/** The migrator: ordering, atomicity and upgrades, on an in-memory SQLite database. */
import assert from 'node:assert/strict';
import { DatabaseSync } from 'node:sqlite';
import { describe, it } from 'node:test';
import { Kysely, sql } from 'kysely';
import { PlugboardError, createManualClock } from '../core/index.ts';
import { allMigrations } from './migrations/all-migrations.ts';
import type { Migration } from './migrations/migration.ts';
import { migrate } from './migrations/migrator.ts';
import type { Database } from './schema.ts';
import { createNodeSqliteDialect } from './sqlite/node-sqlite-dialect.ts';
import { wrapDatabaseSync } from './sqlite/node-sqlite-database.ts';

function memoryDb(): { db: Kysely<Database>; raw: DatabaseSync } {
  const raw = new DatabaseSync(':memory:');
  return { db: new Kysely<Database>({ dialect: createNodeSqliteDialect({ open: () => wrapDatabaseSync(raw) }) }), raw };
}

const clock = createManualClock(Date.UTC(2026, 0, 1));
const options = (migrations: readonly Migration[]) => ({ migrations, clock, driver: 'sqlite' as const, lock: async () => undefined });
const createTable = (version: number, table: string): Migration => ({
  version,
  name: `create-${table}`,
  async up({ schema }) {
    await schema.createTable(table).addColumn('id', 'text', (c) => c.primaryKey()).execute();
  },
});
const tables = (raw: DatabaseSync): string[] =>
  raw.prepare("select name from sqlite_master where type = 'table' order by name").all().map((r) => String(r['name']));

describe('migrate', () => {
  it('applies pending migrations in order and only those on the next run', async () => {
    const { db, raw } = memoryDb();
    try {
      const first = await migrate(db, options([createTable(1, 'a')]));
      assert.deepEqual(first, { version: 1, appliedNow: [1] });
      const second = await migrate(db, options([createTable(1, 'a'), createTable(2, 'b')]));
      assert.deepEqual(second, { version: 2, appliedNow: [2] });
      assert.deepEqual(await migrate(db, options([createTable(1, 'a'), createTable(2, 'b')])), { version: 2, appliedNow: [] });
      assert.deepEqual(tables(raw), ['a', 'b', 'plugboard_migrations']);
      const rows = raw.prepare('select version, name, applied_at from plugboard_migrations order by version').all().map((r) => ({ ...r }));
      assert.deepEqual(rows, [
        { version: 1, name: 'create-a', applied_at: clock.now() },
        { version: 2, name: 'create-b', applied_at: clock.now() },
      ]);
    } finally {
      await db.destroy();
    }
  });

  it('rolls back every migration of a run when one fails', async () => {
    const { db, raw } = memoryDb();
    try {
      const failing: Migration = {
        version: 2,
        name: 'broken',
        async up({ executor }) {
          await sql`insert into no_such_table values (1)`.execute(executor);
        },
      };
      await assert.rejects(migrate(db, options([createTable(1, 'a'), failing])), /no_such_table/);
      assert.deepEqual(tables(raw), [], 'nothing of the failed run may remain');
    } finally {
      await db.destroy();
    }
  });

  it('refuses migrations whose versions are not 1, 2, 3… in order', async () => {
    const { db, raw } = memoryDb();
    try {
      await assert.rejects(migrate(db, options([createTable(1, 'a'), createTable(3, 'c')])), (error: unknown) => {
        assert.ok(error instanceof PlugboardError);
        assert.equal(error.code, 'StoreInvariantBroken');
        assert.match(error.message, /create-c/);
        return true;
      });
      assert.deepEqual(tables(raw), []);
    } finally {
      await db.destroy();
    }
  });

  it('ships migrations numbered from 1 without gaps, with kebab-case names', () => {
    assert.ok(allMigrations.length > 0);
    allMigrations.forEach((m, i) => {
      assert.equal(m.version, i + 1);
      assert.match(m.name, /^[a-z0-9]+(-[a-z0-9]+)*$/);
    });
  });
});
