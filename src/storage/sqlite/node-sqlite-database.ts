/**
 * Adapts `node:sqlite`'s `DatabaseSync` to the `better-sqlite3`-shaped interface Kysely's SQLite
 * driver expects, so no native addon is needed.
 */
import type { DatabaseSync, SQLInputValue } from 'node:sqlite';
import type { SqliteDatabase, SqliteStatement } from 'kysely';
import { PlugboardError } from '../../core/index.ts';
import { StorageErrorCode } from '../errors.ts';

/** Wraps an open `DatabaseSync`; closing the wrapper closes it. */
export function wrapDatabaseSync(db: DatabaseSync): SqliteDatabase {
  return {
    close: () => db.close(),
    prepare(sql: string): SqliteStatement {
      const stmt = db.prepare(sql);
      return {
        // Kysely reads rows only from "reader" statements; INSERT … RETURNING has columns too.
        reader: stmt.columns().length > 0,
        all: (parameters) => stmt.all(...parameters.map(toSqliteValue)),
        run: (parameters) => stmt.run(...parameters.map(toSqliteValue)),
        iterate: (parameters) => stmt.iterate(...parameters.map(toSqliteValue)),
      };
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
