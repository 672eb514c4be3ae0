/**
 * The Store port: everything Plugboard persists, behind one interface with a SQLite and a
 * PostgreSQL driver. Records are plain readonly objects; timestamps are epoch milliseconds (UTC);
 * absent optional values are `null`; JSON columns come back parsed.
 */

/** Which driver backs a store. */
export type StoreDriver = 'sqlite' | 'postgres';

/** An isolated space for connectors, connections and flows (`default` always exists). */
export interface EnvironmentRecord {
  readonly id: string;
  /** Unique, case-sensitive. */
  readonly name: string;
  readonly displayName: string;
  readonly createdAt: number;
}

/** Input of {@link EnvironmentStore.create}. */
export interface CreateEnvironmentInput {
  readonly name: string;
  /** Defaults to `name`. */
  readonly displayName?: string;
}

/** Environments. */
export interface EnvironmentStore {
  /** All environments, sorted by name (code-unit order, the same on every driver). */
  list(): Promise<readonly EnvironmentRecord[]>;
  /** The environment with this exact name, if any. */
  getByName(name: string): Promise<EnvironmentRecord | undefined>;
  /** Creates an environment; ConflictError when the name is taken. */
  create(input: CreateEnvironmentInput): Promise<EnvironmentRecord>;
  /** Returns the environment with this name, creating it if missing (safe under concurrency). */
  ensure(name: string): Promise<EnvironmentRecord>;
}

/** What kind of caller a principal is. */
export type PrincipalKind = 'user' | 'service-account';

/** What a principal may do. */
export type PrincipalRole = 'admin' | 'maker' | 'viewer';

/** A user or a service account: something API tokens belong to. */
export interface PrincipalRecord {
  readonly id: string;
  readonly kind: PrincipalKind;
  /** Unique across all principals, case-sensitive. */
  readonly name: string;
  readonly email: string | null;
  readonly role: PrincipalRole;
  /** Set once disabled; a disabled principal's tokens stop working. */
  readonly disabledAt: number | null;
  readonly createdAt: number;
}

/** Input of {@link PrincipalStore.create}. */
export interface CreatePrincipalInput {
  readonly kind: PrincipalKind;
  readonly name: string;
  readonly email?: string;
  readonly role: PrincipalRole;
}

/** Users and service accounts. */
export interface PrincipalStore {
  /** Creates a principal; ConflictError when the name is taken. */
  create(input: CreatePrincipalInput): Promise<PrincipalRecord>;
  /** The principal with this id, if any. */
  get(id: string): Promise<PrincipalRecord | undefined>;
  /** All principals, oldest first. */
  list(): Promise<readonly PrincipalRecord[]>;
  /** Disables a principal (idempotent: keeps the first `disabledAt`); NotFoundError if missing. */
  disable(id: string): Promise<PrincipalRecord>;
}

/** An API token. Only the sha-256 hex hash of the secret is stored, never the token itself. */
export interface ApiTokenRecord {
  readonly id: string;
  readonly principalId: string;
  readonly name: string;
  /** Lower-case sha-256 hex of the raw token. */
  readonly tokenHash: string;
  readonly createdAt: number;
  readonly expiresAt: number | null;
  readonly revokedAt: number | null;
  readonly lastUsedAt: number | null;
}

/** Input of {@link ApiTokenStore.create}. */
export interface CreateApiTokenInput {
  readonly principalId: string;
  readonly name: string;
  /** Lower-case sha-256 hex of the raw token (64 characters); anything else is refused. */
  readonly tokenHash: string;
  /** Epoch ms after which the token no longer authenticates. */
  readonly expiresAt?: number;
}

/** A token that authenticates, with the principal it acts as. */
export interface ActiveApiToken {
  readonly token: ApiTokenRecord;
  readonly principal: PrincipalRecord;
}

/** API tokens. */
export interface ApiTokenStore {
  /** Stores a token hash for a principal; NotFoundError if the principal does not exist. */
  create(input: CreateApiTokenInput): Promise<ApiTokenRecord>;
  /** The token with this hash if it is not revoked, not expired at `nowMs`, and its principal is enabled. */
  findActiveByHash(tokenHash: string, nowMs: number): Promise<ActiveApiToken | undefined>;
  /** All tokens of a principal (revoked and expired included), oldest first. */
  listForPrincipal(principalId: string): Promise<readonly ApiTokenRecord[]>;
  /** Revokes a token (idempotent: keeps the first `revokedAt`); NotFoundError if missing. */
  revoke(id: string): Promise<ApiTokenRecord>;
  /** How many tokens were ever created, revoked and expired ones included. */
  count(): Promise<number>;
  /** Records a use; never moves `lastUsedAt` backwards when calls race. */
  touchLastUsed(id: string, nowMs: number): Promise<void>;
}

/** A connector in an environment's catalog; its content lives in versions. */
export interface ConnectorRecord {
  readonly id: string;
  readonly environmentId: string;
  /** Unique per environment, case-sensitive. */
  readonly name: string;
  readonly title: string;
  readonly publisher: string | null;
  readonly builtin: boolean;
  readonly latestVersion: number;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** One version of a connector, without its definition (for history listings). */
export interface ConnectorVersionSummary {
  readonly id: string;
  readonly connectorId: string;
  /** 1, 2, 3… per connector, without gaps or duplicates. */
  readonly version: number;
  readonly contentHash: string;
  /** Where it was loaded from, e.g. `folder`, `openapi2`, `postman` (the catalog decides). */
  readonly sourceKind: string;
  readonly sourcePath: string | null;
  /** Validation issues found when it was loaded (a JSON array). */
  readonly issues: readonly unknown[];
  readonly createdAt: number;
}

/** One version of a connector, with its definition. */
export interface ConnectorVersionRecord extends ConnectorVersionSummary {
  /** The connector definition as JSON. */
  readonly definition: unknown;
}

/** A connector with one of its versions. */
export interface ConnectorWithVersion {
  readonly connector: ConnectorRecord;
  readonly version: ConnectorVersionRecord;
}

/** Input of {@link ConnectorStore.putVersion}. */
export interface PutConnectorVersionInput {
  readonly environmentId: string;
  readonly name: string;
  readonly title: string;
  readonly publisher?: string;
  readonly builtin: boolean;
  readonly sourceKind: string;
  readonly sourcePath?: string;
  /** Identifies the content; an unchanged hash does not make a new version. */
  readonly contentHash: string;
  /** Any JSON value. */
  readonly definition: unknown;
  /** A JSON array. */
  readonly issues: readonly unknown[];
}

/** Result of {@link ConnectorStore.putVersion}. */
export interface PutConnectorVersionResult extends ConnectorWithVersion {
  /** False when the latest version already had this content hash and was returned as is. */
  readonly created: boolean;
}

/** The versioned connector catalog. */
export interface ConnectorStore {
  /**
   * Adds a version in one transaction: creates the connector if new, returns the latest version
   * unchanged when its content hash matches, otherwise stores version latest+1. Concurrent calls
   * for the same name never produce duplicate or missing version numbers.
   */
  putVersion(input: PutConnectorVersionInput): Promise<PutConnectorVersionResult>;
  /** The environment's connectors, sorted by name (code-unit order). */
  list(environmentId: string): Promise<readonly ConnectorRecord[]>;
  /** A connector with its latest version, if it exists. */
  get(environmentId: string, name: string): Promise<ConnectorWithVersion | undefined>;
  /** A connector with a given version, if both exist. */
  getVersion(environmentId: string, name: string, version: number): Promise<ConnectorWithVersion | undefined>;
  /** The connector's versions, oldest first, without definitions; undefined if no such connector. */
  listVersions(environmentId: string, name: string): Promise<readonly ConnectorVersionSummary[] | undefined>;
  /** Deletes a connector and all its versions; false if it did not exist. */
  delete(environmentId: string, name: string): Promise<boolean>;
}

/** What the migrator did when the store opened. */
export interface MigrationReport {
  /** The schema version after opening. */
  readonly version: number;
  /** Versions this open applied (empty when the schema was already current). */
  readonly appliedNow: readonly number[];
}

/** Everything Plugboard persists. */
export interface Store {
  readonly driver: StoreDriver;
  /** What migrating on open did. */
  readonly migrations: MigrationReport;
  readonly environments: EnvironmentStore;
  readonly principals: PrincipalStore;
  readonly apiTokens: ApiTokenStore;
  readonly connectors: ConnectorStore;
  /** Releases the database file or connection pool; the store is unusable afterwards. */
  close(): Promise<void>;
}
