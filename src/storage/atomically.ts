/** Runs work in a transaction, joining the caller's when the executor is one already. */
import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';

/**
 * Stores created over a `Transaction` (for {@link Store.transaction}) must not open a nested one:
 * Kysely refuses, and their writes belong to the caller's transaction anyway.
 */
export function atomically<T>(db: Kysely<Database>, work: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
  return db.isTransaction ? work(db) : db.transaction().execute(work);
}
