/**
 * Version 5: roles per environment and flow access.
 *
 * - The role `viewer` becomes `user` (stored rows included). The role lives in a CHECK constraint
 *   of `principals`: PostgreSQL drops and re-adds it; SQLite cannot change a CHECK constraint, so
 *   the table is rebuilt (see {@link rebuildPrincipalsOnSqlite}).
 * - `environment_roles`: a principal's role in one environment; without a row, its default role
 *   (`principals.role`) applies there.
 * - `flow_members`: co-owners and run-only users of a flow (its owner stays `flows.owner_id`).
 * - `runs.started_by`: the principal who started a run by hand (null for triggers, child flows and
 *   runs older than this version), so that run-only users see the runs they started.
 */
import { sql } from 'kysely';
import type { SchemaModule } from 'kysely';
import type { Migration, MigrationContext } from './migration.ts';

/** Renames the role, then creates `environment_roles` and `flow_members` and adds `runs.started_by`. */
export const migration0005Identity: Migration = {
  version: 5,
  name: 'identity',
  async up(ctx) {
    const { schema } = ctx;
    if (ctx.driver === 'sqlite') await rebuildPrincipalsOnSqlite(ctx);
    else await renameViewerOnPostgres(ctx);

    await schema
      .createTable('environment_roles')
      .addColumn('environment_id', 'text', (c) => c.notNull().references('environments.id'))
      .addColumn('principal_id', 'text', (c) => c.notNull().references('principals.id'))
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('environment_roles_pkey', ['environment_id', 'principal_id'])
      .addCheckConstraint('environment_roles_role_check', sql`role in ('admin', 'maker', 'user')`)
      .execute();
    await schema.createIndex('environment_roles_principal_idx').on('environment_roles').column('principal_id').execute();

    await schema
      .createTable('flow_members')
      .addColumn('flow_id', 'text', (c) => c.notNull().references('flows.id'))
      .addColumn('principal_id', 'text', (c) => c.notNull().references('principals.id'))
      .addColumn('access', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('flow_members_pkey', ['flow_id', 'principal_id'])
      .addCheckConstraint('flow_members_access_check', sql`access in ('co-owner', 'run-only')`)
      .execute();
    // Listing the flows a principal may see starts from the principal.
    await schema.createIndex('flow_members_principal_idx').on('flow_members').column('principal_id').execute();

    await schema.alterTable('runs').addColumn('started_by', 'text', (c) => c.references('principals.id')).execute();
    // A run-only user's run listing: their runs of one flow, newest first.
    await schema.createIndex('runs_flow_started_by_idx').on('runs').columns(['flow_id', 'started_by', 'started_at']).execute();
  },
};

async function renameViewerOnPostgres({ schema, executor }: MigrationContext): Promise<void> {
  await schema.alterTable('principals').dropConstraint('principals_role_check').execute();
  await sql`update principals set role = 'user' where role = 'viewer'`.execute(executor);
  await schema.alterTable('principals').addCheckConstraint('principals_role_check', sql`role in ('admin', 'maker', 'user')`).execute();
}

/**
 * SQLite keeps CHECK constraints in the table's CREATE statement, which only a rebuild changes
 * (`writable_schema` is refused in Node's defensive mode). Dropping a table that other tables
 * reference would fail the foreign keys, and `PRAGMA foreign_keys` cannot change inside the
 * migration's transaction; so the checks are deferred to the commit, and the rows are inserted
 * into the new `principals` only after it has its final name: each insert then settles the
 * deferred violations of the rows that reference it, and the commit finds none left.
 */
async function rebuildPrincipalsOnSqlite({ schema, executor }: MigrationContext): Promise<void> {
  await sql`PRAGMA defer_foreign_keys = ON`.execute(executor);
  await sql`create table principals_v4_copy as select * from principals`.execute(executor);
  await createPrincipalsTable(schema, 'principals_next');
  await sql`drop table principals`.execute(executor);
  await sql`alter table principals_next rename to principals`.execute(executor);
  await sql`
    insert into principals (id, kind, name, email, role, disabled_at, created_at)
    select id, kind, name, email, case role when 'viewer' then 'user' else role end, disabled_at, created_at
    from principals_v4_copy
  `.execute(executor);
  await sql`drop table principals_v4_copy`.execute(executor);
}

/** `principals` as version 1 created it, with the new role list. */
async function createPrincipalsTable(schema: SchemaModule, name: string): Promise<void> {
  await schema
    .createTable(name)
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('email', 'text')
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('disabled_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addCheckConstraint('principals_kind_check', sql`kind in ('user', 'service-account')`)
    .addCheckConstraint('principals_role_check', sql`role in ('admin', 'maker', 'user')`)
    .execute();
}
