/**
 * Kysely's view of the tables, as both drivers return them. Timestamps are epoch ms in `bigint`
 * columns (the PostgreSQL driver parses int8 to number); JSON is text on both drivers so that it
 * round-trips byte for byte (jsonb would reorder keys and refuse `\u0000`).
 */
import type { ColumnType } from 'kysely';

/** `boolean` on PostgreSQL, 0/1 on SQLite; written as a boolean. */
type BooleanColumn = ColumnType<boolean | number, boolean, boolean>;

/** Row of `environments`. */
export interface EnvironmentsTable {
  id: string;
  name: string;
  display_name: string;
  created_at: number;
}

/** Row of `principals`. */
export interface PrincipalsTable {
  id: string;
  kind: string;
  name: string;
  email: string | null;
  role: string;
  disabled_at: number | null;
  created_at: number;
}

/** Row of `api_tokens`. */
export interface ApiTokensTable {
  id: string;
  principal_id: string;
  name: string;
  token_hash: string;
  created_at: number;
  expires_at: number | null;
  revoked_at: number | null;
  last_used_at: number | null;
}

/** Row of `connectors`. */
export interface ConnectorsTable {
  id: string;
  environment_id: string;
  name: string;
  title: string;
  publisher: string | null;
  builtin: BooleanColumn;
  latest_version: number;
  created_at: number;
  updated_at: number;
}

/** Row of `connector_versions`. */
export interface ConnectorVersionsTable {
  id: string;
  connector_id: string;
  version: number;
  content_hash: string;
  source_kind: string;
  source_path: string | null;
  /** JSON text. */
  definition: string;
  /** JSON text (an array). */
  issues: string;
  created_at: number;
}

/** Row of `plugboard_migrations`. */
export interface MigrationsTable {
  version: number;
  name: string;
  applied_at: number;
}

/** All tables, for `Kysely<Database>`. */
export interface Database {
  environments: EnvironmentsTable;
  principals: PrincipalsTable;
  api_tokens: ApiTokensTable;
  connectors: ConnectorsTable;
  connector_versions: ConnectorVersionsTable;
  plugboard_migrations: MigrationsTable;
}
