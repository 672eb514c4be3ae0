/** Runs the Store conformance suite on a SQLite file, plus SQLite-only behaviour. */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { Kysely } from 'kysely';
import { PlugboardError, systemClock } from '../core/index.ts';
import { allMigrations } from './migrations/all-migrations.ts';

/** Every migration version, in order (the stores under test apply them all). */
const ALL_VERSIONS = allMigrations.map((m) => m.version);
import { migrate } from './migrations/migrator.ts';
import type { Database } from './schema.ts';
import { createNodeSqliteDialect } from './sqlite/node-sqlite-dialect.ts';
import { wrapDatabaseSync } from './sqlite/node-sqlite-database.ts';
import { openStore } from './open-store.ts';
import { defineBlobPlacementTest, defineStoreSuite } from './store.suite.ts';
import { defineTriggerStateSuite } from './trigger-state-store.suite.ts';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'plugboard-sqlite-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const newFile = (): string => join(dir, `db-${(files += 1)}.db`);

const suiteFile = newFile();
defineStoreSuite('SQLite file store', () => openStore({ driver: 'sqlite', file: suiteFile }));
defineTriggerStateSuite('SQLite file store', () => openStore({ driver: 'sqlite', file: suiteFile }));

describe('SQLite store', () => {
  it('keeps one row per migration across reopen, in WAL mode', async () => {
    const file = newFile();
    const first = await openStore({ driver: 'sqlite', file });
    assert.deepEqual(first.migrations.appliedNow, ALL_VERSIONS);
    await first.close();
    const second = await openStore({ driver: 'sqlite', file });
    assert.deepEqual(second.migrations.appliedNow, []);
    await second.close();

    const raw = new DatabaseSync(file, { readOnly: true });
    try {
      assert.deepEqual(raw.prepare('select version, name from plugboard_migrations').all().map((r) => ({ ...r })), [
        { version: 1, name: 'initial' },
        { version: 2, name: 'connections-and-secrets' },
        { version: 3, name: 'connection-refresh-lease' },
        { version: 4, name: 'flows-runs-and-jobs' },
        { version: 5, name: 'identity' },
        { version: 6, name: 'triggers' },
      ]);
      assert.equal(raw.prepare('PRAGMA journal_mode').get()?.['journal_mode'], 'wal');
    } finally {
      raw.close();
    }
  });

  it('migrates once when four stores in one process open the same new file at once', async () => {
    const file = newFile();
    const stores = await Promise.all(Array.from({ length: 4 }, () => openStore({ driver: 'sqlite', file })));
    try {
      assert.deepEqual(stores.map((s) => s.migrations.appliedNow.length).sort(), [0, 0, 0, ALL_VERSIONS.length]);
      const ids = await Promise.all(stores.map(async (s) => (await s.environments.getByName('default'))?.id));
      assert.equal(new Set(ids).size, 1);
      const env = await stores[0]!.environments.create({ name: 'shared' });
      // Interleaved writes through different instances must neither deadlock nor duplicate.
      const puts = await Promise.all(
        stores.map((s, i) =>
          s.connectors.putVersion({ environmentId: env.id, name: 'c', title: 'C', builtin: false, sourceKind: 'folder', contentHash: `h${i}`, definition: { i }, issues: [] }),
        ),
      );
      assert.deepEqual(puts.map((p) => p.version.version).sort(), [1, 2, 3, 4]);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });

  it('migrates once when four processes open the same new file at once', async () => {
    const file = newFile();
    const fixture = join(import.meta.dirname, 'open-store-child.fixture.ts');
    const startAt = String(Date.now() + 1500);
    const outputs = await Promise.all(
      Array.from({ length: 4 }, () => run(process.execPath, ['--disable-warning=ExperimentalWarning', fixture, file, startAt], { timeout: 30_000 })),
    );
    const reports: unknown[] = outputs.map((o) => JSON.parse(o.stdout));
    const applied = reports.map((r) => (isChildReport(r) ? r.appliedNow.length : -1));
    assert.deepEqual(applied.sort(), [0, 0, 0, ALL_VERSIONS.length], `unexpected child reports: ${JSON.stringify(reports)}`);
    assert.equal(new Set(reports.map((r) => isChildReport(r) && r.defaultEnvironmentId)).size, 1);
  });

  it('upgrades a version-1 database to the newest version, keeping its rows', async () => {
    const file = newFile();
    const raw = new DatabaseSync(file);
    const db = new Kysely<Database>({ dialect: createNodeSqliteDialect({ open: () => wrapDatabaseSync(raw) }) });
    await migrate(db, { migrations: allMigrations.slice(0, 1), clock: systemClock, driver: 'sqlite', lock: async () => undefined });
    raw.prepare("insert into environments (id, name, display_name, created_at) values ('e1', 'kept', 'Kept', 1)").run();
    await db.destroy();

    const store = await openStore({ driver: 'sqlite', file });
    try {
      assert.deepEqual(store.migrations.appliedNow, ALL_VERSIONS.slice(1));
      const env = await store.environments.getByName('kept');
      assert.equal(env?.id, 'e1');
      const owner = await store.principals.create({ kind: 'user', name: 'upgraded', role: 'maker' });
      const created = await store.connections.create({ environmentId: 'e1', connectorName: 'c', displayName: 'C', ownerId: owner.id, values: {}, status: 'connected' });
      assert.equal((await store.connections.get(created.id))?.environmentId, 'e1');
    } finally {
      await store.close();
    }
  });

  it('upgrades a version-2 database with connections: their refresh leases start free', async () => {
    const file = newFile();
    const raw = new DatabaseSync(file);
    const db = new Kysely<Database>({ dialect: createNodeSqliteDialect({ open: () => wrapDatabaseSync(raw) }) });
    await migrate(db, { migrations: allMigrations.slice(0, 2), clock: systemClock, driver: 'sqlite', lock: async () => undefined });
    raw.prepare("insert into environments (id, name, display_name, created_at) values ('e1', 'kept', 'Kept', 1)").run();
    raw.prepare("insert into principals (id, kind, name, role, created_at) values ('p1', 'user', 'old-owner', 'maker', 1)").run();
    raw
      .prepare("insert into connections (id, environment_id, connector_name, display_name, owner_id, \"values\", secrets_revision, status, created_at, updated_at) values ('c1', 'e1', 'x', 'X', 'p1', '{}', 4, 'connected', 1, 1)")
      .run();
    await db.destroy();

    const store = await openStore({ driver: 'sqlite', file });
    try {
      assert.deepEqual(store.migrations.appliedNow, ALL_VERSIONS.slice(2));
      assert.equal((await store.connections.get('c1'))?.secretsRevision, 4);
      const now = Date.now();
      assert.equal(await store.connections.acquireRefreshLease('c1', { holder: 'a', nowMs: now, untilMs: now + 1_000 }), true);
      assert.equal(await store.connections.acquireRefreshLease('c1', { holder: 'b', nowMs: now, untilMs: now + 1_000 }), false);
    } finally {
      await store.close();
    }
  });

  const blobFile = newFile();
  defineBlobPlacementTest('stores values above 64 KiB in run_blobs, apart from their row', () => openStore({ driver: 'sqlite', file: blobFile }), async (text, parameters) => {
    const raw = new DatabaseSync(blobFile, { readOnly: true });
    try {
      return raw.prepare(text).all(...parameters).map((row) => ({ ...row }));
    } finally {
      raw.close();
    }
  });

  it('refuses to open a database migrated by a newer Plugboard', async () => {
    const file = newFile();
    await (await openStore({ driver: 'sqlite', file })).close();
    const raw = new DatabaseSync(file);
    raw.prepare("insert into plugboard_migrations (version, name, applied_at) values (99, 'future', 0)").run();
    raw.close();
    await assert.rejects(openStore({ driver: 'sqlite', file }), (error: unknown) => {
      assert.ok(error instanceof PlugboardError);
      assert.equal(error.code, 'SchemaTooNew');
      assert.match(error.message, /version 99/);
      return true;
    });
  });

  it('reports a file in a missing directory as DatabaseUnavailable naming the file', async () => {
    const file = join(dir, 'missing', 'sub', 'x.db');
    await assert.rejects(openStore({ driver: 'sqlite', file }), (error: unknown) => {
      assert.ok(error instanceof PlugboardError);
      assert.equal(error.code, 'DatabaseUnavailable');
      assert.equal(error.kind, 'operational');
      assert.ok(error.message.includes(file));
      return true;
    });
  });

  it('gives every in-memory store its own database', async () => {
    const a = await openStore({ driver: 'sqlite', memory: true });
    const b = await openStore({ driver: 'sqlite', memory: true });
    try {
      assert.deepEqual(a.migrations.appliedNow, ALL_VERSIONS);
      assert.deepEqual(b.migrations.appliedNow, ALL_VERSIONS);
      const envA = await a.environments.create({ name: 'only-in-a' });
      assert.equal(await b.environments.getByName('only-in-a'), undefined);
      const put = await a.connectors.putVersion({ environmentId: envA.id, name: 'm', title: 'M', builtin: true, sourceKind: 'folder', contentHash: 'h', definition: [], issues: [] });
      assert.equal(put.connector.builtin, true);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('refuses an empty file path with a UserInputError pointing at memory mode', async () => {
    await assert.rejects(openStore({ driver: 'sqlite', file: '' }), /memory: true/);
  });
});

/** The line open-store-child.fixture.ts prints. */
function isChildReport(value: unknown): value is { appliedNow: readonly number[]; defaultEnvironmentId: string } {
  return (
    typeof value === 'object' &&
    value !== null &&
    'appliedNow' in value &&
    Array.isArray(value.appliedNow) &&
    'defaultEnvironmentId' in value &&
    typeof value.defaultEnvironmentId === 'string'
  );
}
