/** Opens a {@link Store} on PostgreSQL through a `pg` pool. */
import { createHash } from 'node:crypto';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { PlugboardError, errorMessage } from '../../core/index.ts';
import type { Clock, Logger } from '../../core/index.ts';
import { StorageErrorCode } from '../errors.ts';
import { createKyselyStore } from '../kysely-store.ts';
import { allMigrations } from '../migrations/all-migrations.ts';
import { migrate } from '../migrations/migrator.ts';
import type { Database } from '../schema.ts';
import type { Store } from '../store.ts';
import { createTransactionScope } from '../transaction-scope.ts';
import { describePostgresUrl } from './postgres-config.ts';

/** Options of {@link openPostgresStore}. */
export interface PostgresStoreOptions {
  /** `postgres://user:password@host:port/database`. */
  readonly url: string;
  /** A schema for all tables, created if missing and set as `search_path` on every connection. */
  readonly schema?: string;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Pool size; defaults to 10. */
  readonly maxConnections?: number;
}

/** Opens a pool, creates the schema if asked, and migrates. */
export async function openPostgresStore(options: PostgresStoreOptions): Promise<Store> {
  const where = describePostgresUrl(options.url);
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.maxConnections ?? 10,
    types: int8AsNumber(),
    // A startup parameter rather than a SET after connect: every pooled connection has it before its first query.
    ...(options.schema === undefined ? {} : { options: `-c search_path=${options.schema}` }),
  });
  // Without a listener, an idle connection dropped by the server would crash the process.
  pool.on('error', (error) => options.logger.warn('an idle PostgreSQL connection failed; the pool replaces it', { where, error: errorMessage(error) }));

  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  try {
    await checkReachable(pool, where);
    const lock = advisoryLock(options.schema ?? 'default');
    if (options.schema !== undefined) {
      const schema = options.schema;
      // Concurrent CREATE SCHEMA IF NOT EXISTS can still fail on the catalog's unique index, hence the lock.
      await db.transaction().execute(async (trx) => {
        await lock(trx);
        await sql`create schema if not exists ${sql.id(schema)}`.execute(trx);
      });
    }
    const migrations = await migrate(db, { migrations: allMigrations, clock: options.clock, driver: 'postgres', lock });
    return createKyselyStore(db, { driver: 'postgres', clock: options.clock, migrations, logger: options.logger, transactionScope: createTransactionScope() });
  } catch (error) {
    await db.destroy();
    throw error;
  }
}

async function checkReachable(pool: pg.Pool, where: string): Promise<void> {
  try {
    const client = await pool.connect();
    client.release();
  } catch (cause) {
    throw new PlugboardError(`cannot connect to PostgreSQL at ${where}: ${errorMessage(cause)} — check that PostgreSQL is running and that the database URL (PLUGBOARD_DATABASE_URL) is right`, {
      code: StorageErrorCode.DatabaseUnavailable,
      kind: 'operational',
      retryable: true,
      cause,
    });
  }
}

/**
 * A transaction-scoped advisory lock that serialises migrators of one schema across processes.
 * The key is derived from the schema name so parallel test schemas do not wait for each other.
 */
function advisoryLock(schema: string): (executor: Kysely<Database>) => Promise<void> {
  const key = createHash('sha256').update(`plugboard-migrations:${schema}`).digest().readBigInt64BE(0).toString();
  return async (executor) => {
    await sql`select pg_advisory_xact_lock(${key}::bigint)`.execute(executor);
  };
}

/**
 * Timestamps are epoch ms in int8 columns and COUNT returns int8; pg returns int8 as a string by
 * default. Epoch ms and row counts are far below 2^53, so Number is exact. Set per pool, not via
 * the global `pg.types`, so other pg users in the process are unaffected.
 */
function int8AsNumber(): pg.TypeOverrides {
  const types = new pg.TypeOverrides();
  types.setTypeParser(pg.types.builtins.INT8, (text: string) => Number(text));
  return types;
}
