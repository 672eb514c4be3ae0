/** A Kysely dialect over `node:sqlite`: Kysely's SQLite compiler and adapter, with our driver. */
import {
  CompiledQuery,
  SqliteAdapter,
  SqliteDriver,
  SqliteIntrospector,
  SqliteQueryCompiler,
} from 'kysely';
import type { DatabaseConnection, DatabaseIntrospector, Dialect, DialectAdapter, Driver, Kysely, QueryCompiler, SqliteDatabase } from 'kysely';
import type { TransactionScope } from '../transaction-scope.ts';
import type { AsyncMutex } from './shared-file-mutex.ts';

/** Options of {@link createNodeSqliteDialect}. */
export interface NodeSqliteDialectOptions {
  /** Opens the database on the first query. */
  readonly open: () => SqliteDatabase;
  /** Serialises connection use with other Store instances on the same file (absent for `:memory:`). */
  readonly fileMutex?: AsyncMutex;
  /** Called after the database is closed. */
  readonly onDestroy?: () => void;
  /**
   * The store's transaction scope: asking for the one connection from inside a transaction's work
   * would wait forever (the transaction holds it), so it fails at once instead.
   */
  readonly transactionScope?: TransactionScope;
}

/** Creates the dialect. */
export function createNodeSqliteDialect(options: NodeSqliteDialectOptions): Dialect {
  return {
    createDriver: (): Driver => new NodeSqliteDriver(options),
    createQueryCompiler: (): QueryCompiler => new SqliteQueryCompiler(),
    createAdapter: (): DialectAdapter => new SqliteAdapter(),
    createIntrospector: (db: Kysely<unknown>): DatabaseIntrospector => new SqliteIntrospector(db),
  };
}

/**
 * Kysely's SQLite driver with two changes: transactions start with `BEGIN IMMEDIATE`, so a
 * transaction that reads then writes takes the write lock up front and waits (busy timeout) instead
 * of failing with SQLITE_BUSY when another process wrote in between; and connection use is
 * serialised through the per-file mutex.
 */
class NodeSqliteDriver extends SqliteDriver {
  readonly #fileMutex: AsyncMutex | undefined;
  readonly #onDestroy: (() => void) | undefined;
  readonly #transactionScope: TransactionScope | undefined;

  constructor(options: NodeSqliteDialectOptions) {
    super({ database: async () => options.open() });
    this.#fileMutex = options.fileMutex;
    this.#onDestroy = options.onDestroy;
    this.#transactionScope = options.transactionScope;
  }

  override async acquireConnection(): Promise<DatabaseConnection> {
    this.#transactionScope?.assertOutside();
    await this.#fileMutex?.lock();
    try {
      return await super.acquireConnection();
    } catch (error) {
      this.#fileMutex?.unlock();
      throw error;
    }
  }

  override async releaseConnection(): Promise<void> {
    await super.releaseConnection();
    this.#fileMutex?.unlock();
  }

  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }

  override async destroy(): Promise<void> {
    try {
      await super.destroy();
    } finally {
      this.#onDestroy?.();
    }
  }
}
