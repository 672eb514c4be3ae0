/**
 * Runs the Store conformance suite on PostgreSQL, in a schema of its own that is dropped at the
 * end. Without a reachable server the suite is skipped with the reason, except under CI
 * (`CI` set), where it fails: the PostgreSQL suites must run in CI.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, describe, it } from 'node:test';
import pg from 'pg';
import { PlugboardError, UserInputError, errorMessage } from '../core/index.ts';
import { allMigrations } from './migrations/all-migrations.ts';
import { openStore } from './open-store.ts';

const ALL_VERSIONS = allMigrations.map((m) => m.version);
import { describePostgresUrl } from './postgres/postgres-config.ts';
import { defineBlobPlacementTest, defineStoreSuite } from './store.suite.ts';
import { defineTriggerStateSuite } from './trigger-state-store.suite.ts';

const url = process.env['PLUGBOARD_TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const runId = randomBytes(6).toString('hex');
const suiteSchema = `plugboard_test_${runId}`;
const raceSchema = `plugboard_test_${runId}_race`;

const unreachable = await probe();

if (unreachable !== undefined) {
  const reason = `PostgreSQL is unreachable at ${describePostgresUrl(url)} (${unreachable}) — start it with: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start, or set PLUGBOARD_TEST_DATABASE_URL`;
  if (process.env['CI'] !== undefined && process.env['CI'] !== '') {
    it('PostgreSQL store suite needs a reachable PostgreSQL in CI', () => {
      assert.fail(reason);
    });
  } else {
    it('PostgreSQL store suite', { skip: reason }, () => undefined);
  }
} else {
  after(async () => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      for (const schema of [suiteSchema, raceSchema]) await client.query(`drop schema if exists ${schema} cascade`);
    } finally {
      await client.end();
    }
  });

  defineStoreSuite('PostgreSQL store', () => openStore({ driver: 'postgres', url, schema: suiteSchema }));
  defineTriggerStateSuite('PostgreSQL store', () => openStore({ driver: 'postgres', url, schema: suiteSchema }));

  describe('PostgreSQL store', () => {
    it('migrates a new schema once when four stores open it at once', async () => {
      const stores = await Promise.all(Array.from({ length: 4 }, () => openStore({ driver: 'postgres', url, schema: raceSchema })));
      try {
        assert.deepEqual(stores.map((s) => s.migrations.appliedNow.length).sort(), [0, 0, 0, ALL_VERSIONS.length]);
        assert.ok(stores.every((s) => s.driver === 'postgres'));
        const ids = await Promise.all(stores.map(async (s) => (await s.environments.getByName('default'))?.id));
        assert.equal(new Set(ids).size, 1);
      } finally {
        await Promise.all(stores.map((s) => s.close()));
      }
    });

    it('keeps its tables in the configured schema', async () => {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        const result = await client.query<{ table_name: string }>(
          'select table_name from information_schema.tables where table_schema = $1 order by table_name',
          [suiteSchema],
        );
        assert.deepEqual(result.rows.map((r) => r.table_name), [
          'api_tokens',
          'connection_shares',
          'connections',
          'connector_versions',
          'connectors',
          'environment_roles',
          'environments',
          'flow_keys',
          'flow_members',
          'flow_versions',
          'flows',
          'jobs',
          'oauth_apps',
          'oauth_states',
          'plugboard_migrations',
          'principals',
          'run_actions',
          'run_blobs',
          'runs',
          'secret_keys',
          'trigger_states',
        ]);
      } finally {
        await client.end();
      }
    });

    defineBlobPlacementTest('stores values above 64 KiB in run_blobs, apart from their row', () => openStore({ driver: 'postgres', url, schema: suiteSchema }), async (text, parameters) => {
      const client = new pg.Client({ connectionString: url, options: `-c search_path=${suiteSchema}` });
      await client.connect();
      try {
        let n = 0;
        const result = await client.query(text.replace(/\?/g, () => `$${(n += 1)}`), [...parameters]);
        return result.rows;
      } finally {
        await client.end();
      }
    });

    it('reports an unreachable server as DatabaseUnavailable without revealing the password', async () => {
      await assert.rejects(openStore({ driver: 'postgres', url: 'postgres://plugboard:s3cret-pw@127.0.0.1:1/nowhere' }), (error: unknown) => {
        assert.ok(error instanceof PlugboardError);
        assert.equal(error.code, 'DatabaseUnavailable');
        assert.equal(error.retryable, true);
        assert.match(error.message, /127\.0\.0\.1:1\/nowhere/);
        assert.doesNotMatch(error.message, /s3cret-pw/);
        return true;
      });
    });

    it('refuses a schema name that would need quoting', async () => {
      await assert.rejects(openStore({ driver: 'postgres', url, schema: 'Bad-Name; drop' }), UserInputError);
    });
  });
}

/** Undefined when PostgreSQL answers, else why not. */
async function probe(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
  } catch (error) {
    // ECONNREFUSED on several addresses arrives as an AggregateError with an empty message.
    return errorMessage(error) || (error instanceof AggregateError ? error.errors.map(errorMessage).join('; ') : String(error));
  }
  try {
    await client.query('select 1');
    return undefined;
  } finally {
    await client.end();
  }
}
