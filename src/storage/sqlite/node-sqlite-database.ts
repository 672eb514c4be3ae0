/**
 * Adapts `node:sqlite`'s `DatabaseSync` to the `better-sqlite3`-shaped interface Kysely's SQLite
 * driver expects, so no native addon is needed.
 */
import type { DatabaseSync, SQLInputValue } from 'node:sqlite';
import type { SqliteDatabase, SqliteStatement } from 'kysely';
import { PlugboardError } from '../../core/index.ts';
import { StorageErrorCode } from '../errors.ts';

/** Prepared statements kept per connection, by SQL text (least recently used dropped first). */
export const STATEMENT_CACHE_SIZE = 500;

/**
 * Wraps an open `DatabaseSync`; closing the wrapper closes it. Statements are prepared once per
 * SQL text and reused: preparing was the largest cost of a small write (bench:foreach).
 */
export function wrapDatabaseSync(db: DatabaseSync): SqliteDatabase {
  const cache = new Map<string, SqliteStatement>();
  return {
    close: () => {
      cache.clear();
      db.close();
    },
    prepare(sql: string): SqliteStatement {
      const cached = cache.get(sql);
      if (cached !== undefined) {
        // Move to the most recent end.
        cache.delete(sql);
        cache.set(sql, cached);
        return cached;
      }
      const stmt = db.prepare(sql);
      const prepared: SqliteStatement = {
        // Kysely reads rows only from "reader" statements; INSERT … RETURNING has columns too.
        reader: stmt.columns().length > 0,
        all: (parameters) => stmt.all(...parameters.map(toSqliteValue)),
        run: (parameters) => stmt.run(...parameters.map(toSqliteValue)),
        iterate: (parameters) => stmt.iterate(...parameters.map(toSqliteValue)),
      };
      // Statements whose SQL embeds values (long IN lists…) would only churn the cache.
      if (sql.length <= 4000) {
        cache.set(sql, prepared);
        if (cache.size > STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
      }
      return prepared;
    },
  };
}

/**
 * Converts a query parameter to a type `node:sqlite` binds. It refuses booleans and undefined,
 * which Kysely passes through as given; SQLite has no boolean type, so they become 1/0.
 */
export function toSqliteValue(value: unknown): SQLInputValue {
  switch (typeof value) {
    case 'string':
    case 'number':
    case 'bigint':
      return value;
    case 'boolean':
      return value ? 1 : 0;
    case 'undefined':
      return null;
    default:
      if (value === null || value instanceof Uint8Array) return value;
      throw new PlugboardError(`cannot bind a ${describe(value)} as a SQLite parameter — serialise it (e.g. JSON text) before storing`, {
        code: StorageErrorCode.InvalidStoreInput,
      });
  }
}

function describe(value: unknown): string {
  if (typeof value !== 'object' || value === null) return typeof value;
  return value.constructor?.name ?? 'object';
}
