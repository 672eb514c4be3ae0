/** Opens a {@link Store} on a SQLite file (or in memory) through `node:sqlite`. */
import { resolve } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { Kysely } from 'kysely';
import { PlugboardError, errorMessage } from '../../core/index.ts';
import type { Clock, Logger } from '../../core/index.ts';
import { StorageErrorCode } from '../errors.ts';
import { createKyselyStore } from '../kysely-store.ts';
import { allMigrations } from '../migrations/all-migrations.ts';
import { migrate } from '../migrations/migrator.ts';
import { createTransactionScope } from '../transaction-scope.ts';
import type { Database } from '../schema.ts';
import type { Store } from '../store.ts';
import { createNodeSqliteDialect } from './node-sqlite-dialect.ts';
import { wrapDatabaseSync } from './node-sqlite-database.ts';
import { leaseFileMutex } from './shared-file-mutex.ts';

/**
 * How long a statement waits for another process's write lock before failing with SQLITE_BUSY.
 * The wait blocks the thread (node:sqlite is synchronous), so it stays short; migrations and
 * catalog writes finish well within it.
 */
const BUSY_TIMEOUT_MS = 5000;

/** Options of {@link openSqliteStore}. */
export interface SqliteStoreOptions {
  /** A file path, or `:memory:` for a private in-memory database. */
  readonly file: string;
  readonly clock: Clock;
  readonly logger: Logger;
  /**
   * `PRAGMA synchronous` for a file database in WAL mode. `openStore` passes `normal` unless
   * configured otherwise (docs/adr/0003-sqlite-synchronous-normal.md); only a direct caller that
   * leaves it out gets `full`.
   */
  readonly synchronous?: 'normal' | 'full';
}

/** Opens (creating if missing) and migrates a SQLite database. */
export async function openSqliteStore(options: SqliteStoreOptions): Promise<Store> {
  const memory = options.file === ':memory:';
  const file = memory ? ':memory:' : resolve(options.file);
  const lease = memory ? undefined : leaseFileMutex(file);
  let database: DatabaseSync;
  try {
    database = new DatabaseSync(file, { timeout: BUSY_TIMEOUT_MS, enableForeignKeyConstraints: true });
  } catch (cause) {
    lease?.release();
    throw new PlugboardError(`cannot open the SQLite database ${file}: ${errorMessage(cause)} — check that its directory exists and is writable`, {
      code: StorageErrorCode.DatabaseUnavailable,
      kind: 'operational',
      cause,
    });
  }
  const closeDatabase = (): void => {
    if (database.isOpen) database.close();
    lease?.release();
  };

  const transactionScope = createTransactionScope();
  const db = new Kysely<Database>({
    dialect: createNodeSqliteDialect({ open: () => wrapDatabaseSync(database), fileMutex: lease?.mutex, onDestroy: closeDatabase, transactionScope }),
  });
  try {
    if (!memory && (await useWriteAheadLog(database, file, options.logger))) {
      // In WAL mode NORMAL still keeps every commit through a process crash (SIGKILL): only a power
      // cut or an OS crash can lose the last commits. FULL syncs the WAL at every commit.
      database.exec(`PRAGMA synchronous = ${options.synchronous === 'normal' ? 'NORMAL' : 'FULL'}`);
    }
    const migrations = await migrate(db, { migrations: allMigrations, clock: options.clock, driver: 'sqlite', lock: async () => undefined });
    return createKyselyStore(db, { driver: 'sqlite', clock: options.clock, migrations, logger: options.logger, transactionScope });
  } catch (error) {
    await db.destroy();
    closeDatabase();
    throw error;
  }
}

/**
 * WAL lets readers run while a writer commits; some file systems (network shares) refuse it.
 * Switching modes needs an exclusive lock and SQLite may report SQLITE_BUSY for it without
 * consulting the busy timeout when another process is opening the same new file, so it is retried.
 */
async function useWriteAheadLog(database: DatabaseSync, file: string, logger: Logger): Promise<boolean> {
  const deadline = Date.now() + BUSY_TIMEOUT_MS;
  for (;;) {
    try {
      const row = database.prepare('PRAGMA journal_mode = WAL').get();
      const mode = row?.['journal_mode'];
      if (mode !== 'wal') logger.warn('SQLite refused WAL mode; readers will wait for writers', { file, journalMode: String(mode) });
      return mode === 'wal';
    } catch (error) {
      if (!isBusy(error) || Date.now() >= deadline) throw error;
      await delay(20);
    }
  }
}

/** SQLITE_BUSY (5) or SQLITE_LOCKED (6), as `node:sqlite` reports them in `errcode`. */
function isBusy(error: unknown): boolean {
  if (typeof error !== 'object' || error === null || !('errcode' in error)) return false;
  const code = error.errcode;
  return code === 5 || code === 6;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
