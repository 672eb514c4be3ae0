/**
 * Schema version 5 on a database that version 4 wrote: viewers become users, and everything that
 * refers to a principal still does (SQLite rebuilds `principals` to change its CHECK constraint).
 * Runs on SQLite and, when reachable, on PostgreSQL in a schema of its own.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, describe, it } from 'node:test';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { UserInputError, errorMessage, systemClock } from '../core/index.ts';
import { allMigrations } from './migrations/all-migrations.ts';
import { migrate } from './migrations/migrator.ts';
import { openStore } from './open-store.ts';
import { describePostgresUrl } from './postgres/postgres-config.ts';
import type { Database } from './schema.ts';
import { createNodeSqliteDialect } from './sqlite/node-sqlite-dialect.ts';
import { wrapDatabaseSync } from './sqlite/node-sqlite-database.ts';
import type { Store, StoreDriver } from './store.ts';

const TOKEN_HASH = 'a'.repeat(64);
const AFTER_V4 = allMigrations.slice(4).map((m) => m.version);

/** Rows as a version-4 Plugboard wrote them: a viewer owning a token, a flow and a connection shared with an admin. */
async function seedVersion4(db: Kysely<Database>, driver: StoreDriver): Promise<void> {
  await migrate(db, { migrations: allMigrations.slice(0, 4), clock: systemClock, driver, lock: async () => undefined });
  await sql`insert into environments (id, name, display_name, created_at) values ('e1', 'kept', 'Kept', 1)`.execute(db);
  await sql`insert into principals (id, kind, name, role, created_at) values ('p-viewer', 'user', 'vera', 'viewer', 1), ('p-admin', 'user', 'ada', 'admin', 2)`.execute(db);
  await sql`insert into api_tokens (id, principal_id, name, token_hash, created_at) values ('t1', 'p-viewer', 'vera', ${TOKEN_HASH}, 1)`.execute(db);
  await sql`insert into flows (id, environment_id, name, owner_id, state, current_version, created_at, updated_at) values ('f1', 'e1', 'kept-flow', 'p-viewer', 'enabled', 1, 1, 1)`.execute(db);
  await sql`insert into flow_versions (flow_id, version, definition, connection_references, created_at) values ('f1', 1, '{}', '{}', 1)`.execute(db);
  await sql`insert into connections (id, environment_id, connector_name, display_name, owner_id, "values", secrets_revision, status, created_at, updated_at) values ('c1', 'e1', 'x', 'X', 'p-viewer', '{}', 0, 'connected', 1, 1)`.execute(db);
  await sql`insert into connection_shares (connection_id, principal_id, created_at) values ('c1', 'p-admin', 1)`.execute(db);
  await sql`insert into runs (id, flow_id, flow_version, environment_id, status, started_at) values ('r1', 'f1', 1, 'e1', 'Succeeded', 1)`.execute(db);
}

/** What version 5 must have kept and changed; `raw` runs a statement outside the store. */
async function checkUpgraded(store: Store, raw: (statement: string) => Promise<unknown>): Promise<void> {
  assert.deepEqual(store.migrations.appliedNow, AFTER_V4);
  assert.equal((await store.principals.get('p-viewer'))?.role, 'user');
  assert.equal((await store.principals.get('p-admin'))?.role, 'admin');
  const found = await store.apiTokens.findActiveByHash(TOKEN_HASH, Date.now());
  assert.equal(found?.principal.id, 'p-viewer');
  assert.equal(found?.principal.role, 'user');
  assert.equal((await store.flows.get('f1'))?.ownerId, 'p-viewer');
  assert.deepEqual((await store.connections.listShares('c1')).map((s) => s.principalId), ['p-admin']);
  assert.equal((await store.runs.get('r1'))?.startedBy, null, 'older runs name no starter');
  // The new tables refer to the rebuilt principals table.
  await store.flowMembers.put({ flowId: 'f1', principalId: 'p-admin', access: 'co-owner' });
  await store.environmentRoles.put({ environmentId: 'e1', principalId: 'p-viewer', role: 'maker' });
  assert.deepEqual((await store.flows.listVisibleTo('e1', 'p-admin')).map((f) => f.id), ['f1']);
  await assert.rejects(store.principals.create({ kind: 'user', name: 'late-viewer', role: JSON.parse('"viewer"') }), UserInputError);
  // The database itself refuses the old role and dangling references, as before.
  await assert.rejects(raw("insert into principals (id, kind, name, role, created_at) values ('p-x', 'user', 'x', 'viewer', 1)"));
  await assert.rejects(raw(`insert into api_tokens (id, principal_id, name, token_hash, created_at) values ('t-x', 'nobody', 'x', '${'b'.repeat(64)}', 1)`));
  await assert.rejects(raw("insert into flows (id, environment_id, name, owner_id, state, current_version, created_at, updated_at) values ('f-x', 'e1', 'x', 'nobody', 'enabled', 1, 1, 1)"));
}

describe('schema version 5 on a version-4 SQLite database', () => {
  const dir = mkdtempSync(join(tmpdir(), 'plugboard-identity-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('turns viewers into users and keeps every reference to a principal working', async () => {
    const file = join(dir, 'v4.db');
    const seeding = new Kysely<Database>({ dialect: createNodeSqliteDialect({ open: () => wrapDatabaseSync(new DatabaseSync(file, { enableForeignKeyConstraints: true })) }) });
    await seedVersion4(seeding, 'sqlite');
    await seeding.destroy();

    const store = await openStore({ driver: 'sqlite', file });
    const raw = new DatabaseSync(file, { enableForeignKeyConstraints: true, timeout: 5000 });
    try {
      await checkUpgraded(store, async (statement) => raw.exec(statement));
      assert.deepEqual(raw.prepare('PRAGMA foreign_key_check').all(), []);
    } finally {
      raw.close();
      await store.close();
    }
  });
});

const url = process.env['PLUGBOARD_TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const unreachable = await probe();

describe('schema version 5 on a version-4 PostgreSQL schema', () => {
  const schema = `plugboard_test_${randomBytes(6).toString('hex')}_v4`;
  const inCi = process.env['CI'] !== undefined && process.env['CI'] !== '';
  const skip = unreachable === undefined || inCi ? false : `PostgreSQL is unreachable at ${describePostgresUrl(url)} (${unreachable})`;

  after(async () => {
    if (unreachable !== undefined) return;
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query(`drop schema if exists ${schema} cascade`);
    } finally {
      await client.end();
    }
  });

  it('turns viewers into users and keeps every reference to a principal working', { skip }, async () => {
    assert.equal(unreachable, undefined, `PostgreSQL must be reachable in CI: ${unreachable ?? ''}`);
    const pool = new pg.Pool({ connectionString: url, max: 1, options: `-c search_path=${schema}` });
    const seeding = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    try {
      await sql`create schema ${sql.id(schema)}`.execute(seeding);
      await seedVersion4(seeding, 'postgres');
    } finally {
      await seeding.destroy();
    }

    const store = await openStore({ driver: 'postgres', url, schema });
    const client = new pg.Client({ connectionString: url, options: `-c search_path=${schema}` });
    await client.connect();
    try {
      await checkUpgraded(store, (statement) => client.query(statement));
    } finally {
      await client.end();
      await store.close();
    }
  });
});

async function probe(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.end();
    return undefined;
  } catch (error) {
    return errorMessage(error);
  }
}
