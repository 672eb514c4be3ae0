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

/** Row of `environment_roles`: a principal's role in one environment. */
export interface EnvironmentRolesTable {
  environment_id: string;
  principal_id: string;
  role: string;
  created_at: number;
  updated_at: number;
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

/** Row of `connections`. */
export interface ConnectionsTable {
  id: string;
  environment_id: string;
  connector_name: string;
  display_name: string;
  owner_id: string;
  parameter_set: string | null;
  /** JSON text (an object of non-secret parameter values). */
  values: string;
  /** Opaque envelope of the secrets area. */
  secrets: string | null;
  secrets_revision: number;
  status: string;
  last_error: string | null;
  created_at: number;
  updated_at: number;
  /** Who holds the OAuth refresh lease (an opaque process-chosen id); null when free. */
  refresh_lease_holder: ColumnType<string | null, string | null | undefined, string | null>;
  /** Epoch ms after which the lease is free again, whoever holds it. */
  refresh_lease_until: ColumnType<number | null, number | null | undefined, number | null>;
}

/** Row of `connection_shares`. */
export interface ConnectionSharesTable {
  connection_id: string;
  principal_id: string;
  created_at: number;
}

/** Row of `oauth_apps`. */
export interface OAuthAppsTable {
  id: string;
  environment_id: string;
  key: string;
  client_id: string;
  /** Opaque envelope of the secrets area. */
  client_secret: string | null;
  /** JSON text (an object). */
  settings: string;
  created_at: number;
  updated_at: number;
}

/** Row of `oauth_states`. */
export interface OAuthStatesTable {
  id: string;
  state_hash: string;
  environment_id: string;
  principal_id: string;
  connection_id: string | null;
  /** Opaque envelope of the secrets area. */
  payload: string;
  created_at: number;
  expires_at: number;
  consumed_at: number | null;
}

/** Row of `secret_keys`. */
export interface SecretKeysTable {
  version: number;
  check_value: string;
  created_at: number;
  retired_at: number | null;
}

/** Row of `flows`. */
export interface FlowsTable {
  id: string;
  environment_id: string;
  name: string;
  owner_id: string | null;
  state: string;
  current_version: number;
  created_at: number;
  updated_at: number;
}

/** Row of `flow_members`: a co-owner or run-only user of a flow. */
export interface FlowMembersTable {
  flow_id: string;
  principal_id: string;
  access: string;
  created_at: number;
}

/** Row of `flow_versions`. */
export interface FlowVersionsTable {
  flow_id: string;
  version: number;
  /** JSON text. */
  definition: string;
  /** JSON text (an object). */
  connection_references: string;
  created_at: number;
}

/**
 * Row of `runs`. A JSON value is either inline in its column or, above the blob threshold, in
 * `run_blobs` with its id in the `…_blob` column (never both).
 */
export interface RunsTable {
  id: string;
  flow_id: string;
  flow_version: number;
  environment_id: string;
  status: string;
  trigger_name: string | null;
  trigger_outputs: string | null;
  trigger_outputs_blob: string | null;
  outputs: string | null;
  outputs_blob: string | null;
  /** JSON text. */
  error: string | null;
  correlation_id: string | null;
  client_tracking_id: string | null;
  /** Who started the run by hand (version 5); optional on insert. */
  started_by: ColumnType<string | null, string | null | undefined, string | null>;
  started_at: number;
  ended_at: number | null;
}

/** Row of `run_actions`: one attempt of one action in one loop iteration. */
export interface RunActionsTable {
  id: string;
  run_id: string;
  name: string;
  /** `''` outside loops. */
  iteration_key: string;
  attempt: number;
  status: string;
  inputs: string | null;
  inputs_blob: string | null;
  outputs: string | null;
  outputs_blob: string | null;
  error: string | null;
  tracked_properties: string | null;
  idempotency_key: string;
  started_at: number;
  ended_at: number | null;
}

/** Row of `run_blobs`: a large JSON value of a run or action, stored apart from its row. */
export interface RunBlobsTable {
  id: string;
  run_id: string;
  /** JSON text. */
  content: string;
  /** UTF-8 bytes of `content`. */
  size: number;
  created_at: number;
}

/** Row of `jobs` (the embedded queue). */
export interface JobsTable {
  id: string;
  queue: string;
  /** JSON text. */
  payload: string;
  run_at: number;
  attempts: number;
  locked_by: string | null;
  locked_until: number | null;
  dedupe_key: string | null;
  last_error: string | null;
  failed_at: number | null;
  created_at: number;
}

/** Row of `trigger_states` (JSON columns hold JSON text). */
export interface TriggerStatesTable {
  flow_id: string;
  trigger_name: string;
  environment_id: string;
  active_version: number | null;
  tick: number;
  cursor: string | null;
  subscription: string | null;
  next_at: number | null;
  last_status: string | null;
  last_error: string | null;
  last_fired_at: number | null;
  last_checked_at: number | null;
  updated_at: number;
}

/** Row of `flow_keys`: a flow's callback signing key, sealed. */
export interface FlowKeysTable {
  flow_id: string;
  sealed_key: string;
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
  environment_roles: EnvironmentRolesTable;
  api_tokens: ApiTokensTable;
  connectors: ConnectorsTable;
  connector_versions: ConnectorVersionsTable;
  connections: ConnectionsTable;
  connection_shares: ConnectionSharesTable;
  oauth_apps: OAuthAppsTable;
  oauth_states: OAuthStatesTable;
  secret_keys: SecretKeysTable;
  flows: FlowsTable;
  flow_versions: FlowVersionsTable;
  flow_members: FlowMembersTable;
  runs: RunsTable;
  run_actions: RunActionsTable;
  run_blobs: RunBlobsTable;
  jobs: JobsTable;
  trigger_states: TriggerStatesTable;
  flow_keys: FlowKeysTable;
  plugboard_migrations: MigrationsTable;
}
