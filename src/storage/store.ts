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

/** Whether a connection works, as last observed. */
export type ConnectionStatus = 'connected' | 'error' | 'unauthenticated';

/**
 * One principal's credentials for one connector in an environment. Secret parameter values are
 * never in `values`: they are in `secrets`, an envelope only the secrets area can open.
 */
export interface ConnectionRecord {
  readonly id: string;
  readonly environmentId: string;
  readonly connectorName: string;
  readonly displayName: string;
  /** The principal who created it; only they (or an admin) may change, share or delete it. */
  readonly ownerId: string;
  /** The chosen `connectionParameterSets` value, when the connector has sets. */
  readonly parameterSet: string | null;
  /** Non-secret parameter values (a JSON object). */
  readonly values: Readonly<Record<string, unknown>>;
  /** Opaque envelope string, or null when the connection holds no secret. */
  readonly secrets: string | null;
  /** Incremented by every write of `secrets`; the compare-and-swap token of {@link ConnectionStore.updateSecrets}. */
  readonly secretsRevision: number;
  readonly status: ConnectionStatus;
  /** Why the last test or use failed (never a secret value). */
  readonly lastError: string | null;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** Input of {@link ConnectionStore.create}. */
export interface CreateConnectionInput {
  /**
   * Defaults to a new UUID. Callers that encrypt secrets bound to the connection id choose the
   * id first, so that the envelope and the row agree.
   */
  readonly id?: string;
  readonly environmentId: string;
  readonly connectorName: string;
  readonly displayName: string;
  readonly ownerId: string;
  readonly parameterSet?: string | null;
  /** A JSON object of non-secret values. */
  readonly values: Readonly<Record<string, unknown>>;
  readonly secrets?: string | null;
  readonly status: ConnectionStatus;
  readonly lastError?: string | null;
}

/** Changes of {@link ConnectionStore.update}; absent fields stay as they are. */
export interface ConnectionPatch {
  readonly displayName?: string;
  readonly parameterSet?: string | null;
  readonly values?: Readonly<Record<string, unknown>>;
  /** A new envelope (or null to drop all secrets); increments `secretsRevision`. */
  readonly secrets?: string | null;
  /** With `secrets`: apply only while `secretsRevision` still equals this (else ConflictError). */
  readonly expectedSecretsRevision?: number;
}

/** A principal a connection is shared with: they may use it, never read its secrets. */
export interface ConnectionShareRecord {
  readonly connectionId: string;
  readonly principalId: string;
  readonly createdAt: number;
}

/**
 * A request for a connection's OAuth refresh lease (see {@link ConnectionStore.acquireRefreshLease}).
 * Times come from the caller's clock, so processes sharing a database need synchronized clocks
 * (a skew shortens or lengthens the lease by that much).
 */
export interface RefreshLeaseRequest {
  /** An id the caller chose for itself (e.g. one per process); the same holder may take the lease again. */
  readonly holder: string;
  /** The caller's current time (epoch ms): a lease whose end is at or before it is free. */
  readonly nowMs: number;
  /** When the lease lapses unless released first (epoch ms, after `nowMs`). */
  readonly untilMs: number;
}

/** Connections and their shares. */
export interface ConnectionStore {
  /** Creates a connection; NotFoundError when the environment or owner does not exist, ConflictError when the id is taken. */
  create(input: CreateConnectionInput): Promise<ConnectionRecord>;
  /** The connection with this id, if any. */
  get(id: string): Promise<ConnectionRecord | undefined>;
  /** All connections of an environment, oldest first. */
  listForEnvironment(environmentId: string): Promise<readonly ConnectionRecord[]>;
  /** The connections of an environment that `principalId` owns or that are shared with them, oldest first. */
  listVisibleTo(environmentId: string, principalId: string): Promise<readonly ConnectionRecord[]>;
  /** Applies `patch`; NotFoundError if missing, ConflictError when `expectedSecretsRevision` no longer matches. */
  update(id: string, patch: ConnectionPatch): Promise<ConnectionRecord>;
  /**
   * Replaces the secrets only if `secretsRevision` still equals `expectedRevision` (compare-and-swap,
   * e.g. two processes refreshing one OAuth token); true when this call won. False too when the
   * connection does not exist.
   */
  updateSecrets(id: string, expectedRevision: number, secrets: string | null): Promise<boolean>;
  /** Records the status and last error; NotFoundError if missing. */
  setStatus(id: string, status: ConnectionStatus, lastError: string | null): Promise<ConnectionRecord>;
  /**
   * Takes the connection's OAuth refresh lease in one conditional UPDATE: succeeds when the lease
   * is free, lapsed (`until <= nowMs`) or already held by `holder` (then it is extended to
   * `untilMs`). Of concurrent callers exactly one wins. False when another holder has it, or when
   * the connection does not exist. Does not change `updatedAt` (a lease is not an edit).
   */
  acquireRefreshLease(id: string, lease: RefreshLeaseRequest): Promise<boolean>;
  /** Frees the lease if `holder` still holds it (a lapsed lease taken over by another stays theirs); true when it did. */
  releaseRefreshLease(id: string, holder: string): Promise<boolean>;
  /** Deletes a connection with its shares and pending OAuth states; false if it did not exist. */
  delete(id: string): Promise<boolean>;
  /** Shares with a principal (idempotent: keeps the first share time); NotFoundError when either does not exist. */
  share(id: string, principalId: string): Promise<ConnectionShareRecord>;
  /** Removes a share; false if there was none. */
  unshare(id: string, principalId: string): Promise<boolean>;
  /** The shares of a connection, oldest first. */
  listShares(id: string): Promise<readonly ConnectionShareRecord[]>;
}

/** An OAuth app (client) an admin registered for an environment. */
export interface OAuthAppRecord {
  readonly id: string;
  readonly environmentId: string;
  /** Opaque to storage (the OAuth flows choose it, e.g. `oauth2:<connector>`); unique per environment. */
  readonly key: string;
  readonly clientId: string;
  /** Opaque envelope string, or null for public clients. */
  readonly clientSecret: string | null;
  /** Any JSON object (scopes, endpoints overrides …). */
  readonly settings: Readonly<Record<string, unknown>>;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** Input of {@link OAuthAppStore.put}. */
export interface PutOAuthAppInput {
  readonly environmentId: string;
  readonly key: string;
  readonly clientId: string;
  readonly clientSecret: string | null;
  readonly settings: Readonly<Record<string, unknown>>;
}

/** Per-environment OAuth app registrations. */
export interface OAuthAppStore {
  /** Creates or replaces the app with this (environment, key); keeps `id` and `createdAt` on replace. */
  put(input: PutOAuthAppInput): Promise<OAuthAppRecord>;
  get(environmentId: string, key: string): Promise<OAuthAppRecord | undefined>;
  /** The environment's apps, sorted by key (code-unit order). */
  list(environmentId: string): Promise<readonly OAuthAppRecord[]>;
  /** False if there was none. */
  delete(environmentId: string, key: string): Promise<boolean>;
}

/** A pending OAuth authorization: created when the flow starts, consumed once by the callback. */
export interface OAuthStateRecord {
  readonly id: string;
  /** Lower-case sha-256 hex of the `state` value. */
  readonly stateHash: string;
  readonly environmentId: string;
  readonly principalId: string;
  readonly connectionId: string | null;
  /** Opaque envelope string (PKCE verifier, redirect, …). */
  readonly payload: string;
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly consumedAt: number | null;
}

/** Input of {@link OAuthStateStore.create}. */
export interface CreateOAuthStateInput {
  readonly stateHash: string;
  readonly environmentId: string;
  readonly principalId: string;
  readonly connectionId: string | null;
  readonly payload: string;
  readonly expiresAt: number;
}

/** Single-use OAuth `state` records. */
export interface OAuthStateStore {
  /** Stores a state; ConflictError when the hash exists, NotFoundError when a referenced row does not. */
  create(input: CreateOAuthStateInput): Promise<OAuthStateRecord>;
  /**
   * Marks the state consumed and returns it — or undefined when it is missing, expired at `nowMs`
   * or already consumed. Atomic: of concurrent calls for one state exactly one gets the record.
   */
  consume(stateHash: string, nowMs: number): Promise<OAuthStateRecord | undefined>;
  /** Deletes states that expired before `nowMs` (consumed or not); returns how many. */
  deleteExpired(nowMs: number): Promise<number>;
}

/** One version of the master key, identified by its key check value (the key itself is never stored). */
export interface SecretKeyRecord {
  /** 1, 2, 3…; recorded in every envelope the key wraps. */
  readonly version: number;
  /** Lower-case hex HMAC proving which key this is. */
  readonly checkValue: string;
  readonly createdAt: number;
  /** Set once no envelope uses the version any more; its key is then no longer needed. */
  readonly retiredAt: number | null;
}

/** Master key versions. */
export interface SecretKeyStore {
  /** All versions, oldest first. */
  list(): Promise<readonly SecretKeyRecord[]>;
  /** Registers a version; undefined when the version number or the check value is taken already (a concurrent registration). */
  insert(version: number, checkValue: string): Promise<SecretKeyRecord | undefined>;
  /** Marks a version retired (idempotent: keeps the first time); NotFoundError if missing. */
  retire(version: number): Promise<SecretKeyRecord>;
}

/** A column holding envelopes of the secrets area, for master key rotation. */
export type SealedColumn = 'connections.secrets' | 'oauth_apps.client_secret' | 'oauth_states.payload';

/** One envelope in a {@link SealedColumn}. */
export interface SealedValue {
  readonly column: SealedColumn;
  readonly rowId: string;
  readonly value: string;
}

/** Which envelopes {@link SealedValueStore.page} returns. */
export interface SealedPageRange {
  /** Start after this row id; null for the first page. */
  readonly afterRowId: string | null;
  readonly limit: number;
}

/**
 * Every stored envelope, for re-wrapping them under a new master key version. Replacing one does
 * not count as a secrets change (`secretsRevision` stays): the secret itself is unchanged.
 */
export interface SealedValueStore {
  /** The columns that hold envelopes. */
  readonly columns: readonly SealedColumn[];
  /** Up to `limit` non-null envelopes of `column` with row id after `afterRowId` (null: from the start), in row id order. */
  page(column: SealedColumn, range: SealedPageRange): Promise<readonly SealedValue[]>;
  /** Replaces an envelope (as read by `page`) only while it is still unchanged; true when replaced. */
  replace(current: SealedValue, next: string): Promise<boolean>;
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
  readonly connections: ConnectionStore;
  readonly oauthApps: OAuthAppStore;
  readonly oauthStates: OAuthStateStore;
  readonly secretKeys: SecretKeyStore;
  readonly sealedValues: SealedValueStore;
  /** Releases the database file or connection pool; the store is unusable afterwards. */
  close(): Promise<void>;
}
