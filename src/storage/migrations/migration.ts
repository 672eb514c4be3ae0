/** The shape of one schema migration. */
import type { QueryExecutorProvider, SchemaModule } from 'kysely';
import type { StoreDriver } from '../store.ts';

/**
 * What a migration works with. There is deliberately no typed query builder: a migration sees the
 * schema as it was at its version, not as `schema.ts` describes it today, so data changes use
 * raw `sql` templates.
 */
export interface MigrationContext {
  /** Kysely's schema builder, bound to the migration transaction. */
  readonly schema: SchemaModule;
  /** Runs raw SQL in the migration transaction: ``await sql`…`.execute(ctx.executor)``. */
  readonly executor: QueryExecutorProvider;
  /** For the rare change that must differ per database; prefer one portable statement. */
  readonly driver: StoreDriver;
}

/** One schema change, written once with Kysely's schema builder so it runs on SQLite and PostgreSQL. */
export interface Migration {
  /** 1, 2, 3… without gaps; recorded in `plugboard_migrations`. */
  readonly version: number;
  /** Kebab-case, for humans reading `plugboard_migrations`. */
  readonly name: string;
  /** Applies the change inside the migrator's transaction. */
  up(ctx: MigrationContext): Promise<void>;
}
