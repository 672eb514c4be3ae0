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

/**
 * What a principal may do: `admin` everything in an environment, `maker` create flows and
 * connections and work on their own, `user` run what is shared with them. A principal has a
 * default role ({@link PrincipalRecord.role}) and may have another one per environment
 * ({@link EnvironmentRoleRecord}).
 */
export type PrincipalRole = 'admin' | 'maker' | 'user';

/** A user or a service account: something API tokens belong to. */
export interface PrincipalRecord {
  readonly id: string;
  readonly kind: PrincipalKind;
  /** Unique across all principals, case-sensitive. */
  readonly name: string;
  readonly email: string | null;
  /** The default role: the role in every environment without an {@link EnvironmentRoleRecord} for it. */
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

/** A principal's role in one environment, replacing its default role there. */
export interface EnvironmentRoleRecord {
  readonly environmentId: string;
  readonly principalId: string;
  readonly role: PrincipalRole;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** Input of {@link EnvironmentRoleStore.put}. */
export interface PutEnvironmentRoleInput {
  readonly environmentId: string;
  readonly principalId: string;
  readonly role: PrincipalRole;
}

/** Role assignments per environment. */
export interface EnvironmentRoleStore {
  /** Assigns (or changes) a role; keeps `createdAt` on change. NotFoundError when the environment or principal does not exist. */
  put(input: PutEnvironmentRoleInput): Promise<EnvironmentRoleRecord>;
  /** The assignment of a principal in an environment, if any. */
  get(environmentId: string, principalId: string): Promise<EnvironmentRoleRecord | undefined>;
  /** The assignments of an environment, oldest first. */
  list(environmentId: string): Promise<readonly EnvironmentRoleRecord[]>;
  /** Removes an assignment (the default role applies again); false if there was none. */
  delete(environmentId: string, principalId: string): Promise<boolean>;
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
export type SealedColumn = 'connections.secrets' | 'oauth_apps.client_secret' | 'oauth_states.payload' | 'flow_keys.sealed_key';

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

/** Whether a flow's triggers fire. */
export type FlowState = 'enabled' | 'disabled';

/** A workflow in an environment; its definitions live in versions. */
export interface FlowRecord {
  readonly id: string;
  readonly environmentId: string;
  /** Unique per environment, case-sensitive. */
  readonly name: string;
  /** The principal who created it; null when the system did (e.g. `plugboard flow run`). */
  readonly ownerId: string | null;
  readonly state: FlowState;
  /** The version new runs use: 1, 2, 3… (the highest one). */
  readonly currentVersion: number;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** One immutable version of a flow's definition. Runs point at the version they started with. */
export interface FlowVersionRecord {
  readonly flowId: string;
  /** 1, 2, 3… per flow, without gaps or duplicates. */
  readonly version: number;
  /** The workflow definition (any JSON), stored byte for byte. */
  readonly definition: unknown;
  /** The flow's connection references (a JSON object, `{}` when none). */
  readonly connectionReferences: Readonly<Record<string, unknown>>;
  readonly createdAt: number;
}

/** A flow with one of its versions. */
export interface FlowWithVersion {
  readonly flow: FlowRecord;
  readonly version: FlowVersionRecord;
}

/** The content of a new flow version. */
export interface FlowVersionInput {
  /** Any JSON value; storage does not validate definitions. */
  readonly definition: unknown;
  /** A JSON object; defaults to `{}`. */
  readonly connectionReferences?: Readonly<Record<string, unknown>>;
}

/** Input of {@link FlowStore.create}. */
export interface CreateFlowInput extends FlowVersionInput {
  /** Defaults to a new UUID. */
  readonly id?: string;
  readonly environmentId: string;
  readonly name: string;
  readonly ownerId?: string | null;
  /** Defaults to `enabled`. */
  readonly state?: FlowState;
}

/** Changes of {@link FlowStore.update}; absent fields stay as they are. */
export interface FlowPatch {
  readonly name?: string;
  readonly state?: FlowState;
}

/** How a member shares a flow: co-owners edit it, run-only users start it. */
export type FlowMemberAccess = 'co-owner' | 'run-only';

/** A principal a flow is shared with (its owner is {@link FlowRecord.ownerId}, not a member). */
export interface FlowMemberRecord {
  readonly flowId: string;
  readonly principalId: string;
  readonly access: FlowMemberAccess;
  readonly createdAt: number;
}

/** Input of {@link FlowMemberStore.put}. */
export interface PutFlowMemberInput {
  readonly flowId: string;
  readonly principalId: string;
  readonly access: FlowMemberAccess;
}

/** Co-owners and run-only users of flows. */
export interface FlowMemberStore {
  /** Adds a member or changes its access (keeps `createdAt`); NotFoundError when the flow or principal does not exist. */
  put(input: PutFlowMemberInput): Promise<FlowMemberRecord>;
  /** The membership of a principal in a flow, if any. */
  get(flowId: string, principalId: string): Promise<FlowMemberRecord | undefined>;
  /** The members of a flow, oldest first. */
  list(flowId: string): Promise<readonly FlowMemberRecord[]>;
  /** Removes a member; false if there was none. */
  delete(flowId: string, principalId: string): Promise<boolean>;
}

/** Flows and their versions. */
export interface FlowStore {
  /** Creates a flow with version 1 in one transaction; ConflictError when the name or id is taken, NotFoundError for an unknown environment or owner. */
  create(input: CreateFlowInput): Promise<FlowWithVersion>;
  /** The flow with this id, if any. */
  get(id: string): Promise<FlowRecord | undefined>;
  /** The flow with this exact name in the environment, if any. */
  getByName(environmentId: string, name: string): Promise<FlowRecord | undefined>;
  /** A version of a flow (the current one when `version` is omitted), if both exist. */
  getVersion(flowId: string, version?: number): Promise<FlowVersionRecord | undefined>;
  /** The environment's flows, sorted by name (code-unit order). */
  list(environmentId: string): Promise<readonly FlowRecord[]>;
  /** The environment's flows that `principalId` owns or is a member of, sorted by name (code-unit order). */
  listVisibleTo(environmentId: string, principalId: string): Promise<readonly FlowRecord[]>;
  /** Stores version current+1 and makes it current; concurrent calls never produce gaps or duplicates. NotFoundError if the flow is missing. */
  addVersion(flowId: string, input: FlowVersionInput): Promise<FlowWithVersion>;
  /** Renames or enables/disables; NotFoundError if missing, ConflictError when the new name is taken. */
  update(id: string, patch: FlowPatch): Promise<FlowRecord>;
  /**
   * Deletes a flow with its versions, members and all its runs (actions and blobs included); false if it did
   * not exist. Jobs that name one of its runs stay queued: their handlers must accept a missing run.
   */
  delete(id: string): Promise<boolean>;
}

/**
 * The status of a run or an action, with the names Logic Apps uses. `Running` and `Waiting` are
 * unfinished; every other status is final. `Aborted` marks an attempt that the process running it
 * did not finish (it crashed or lost its job lock); the action was started again as a new attempt.
 */
export type RunStatus = 'Running' | 'Waiting' | 'Succeeded' | 'Failed' | 'Cancelled' | 'Skipped' | 'TimedOut' | 'Aborted';

/** A status a run or an action can still leave. */
export type UnfinishedRunStatus = 'Running' | 'Waiting';

/** A final status. */
export type FinishedRunStatus = Exclude<RunStatus, UnfinishedRunStatus>;

/** A run without its potentially large trigger outputs and outputs (for listings). */
export interface RunSummary {
  readonly id: string;
  readonly flowId: string;
  /** The flow version the run executes; it never changes during the run. */
  readonly flowVersion: number;
  readonly environmentId: string;
  readonly status: RunStatus;
  /** The name of the trigger that started the run, if recorded. */
  readonly triggerName: string | null;
  /** Why the run failed (any JSON, typically `{ code, message }`); null otherwise. */
  readonly error: unknown;
  /** Correlates the run with the request that caused it (e.g. `x-ms-workflow-run-id` of a parent). */
  readonly correlationId: string | null;
  /** The caller-supplied tracking id (`x-ms-client-tracking-id`), if any. */
  readonly clientTrackingId: string | null;
  /** The principal who started the run by hand; null for runs a trigger or a parent flow started. */
  readonly startedBy: string | null;
  readonly startedAt: number;
  /** Set when the run reaches a final status. */
  readonly endedAt: number | null;
}

/** A run with its trigger outputs and outputs (read from blobs when they were stored apart). */
export interface RunRecord extends RunSummary {
  /** The trigger's outputs (`{ headers, queries, body }` for a Request trigger); null when none. */
  readonly triggerOutputs: unknown;
  /** The definition's `outputs` section, evaluated at the end; null until then. */
  readonly outputs: unknown;
}

/** Input of {@link RunStore.create}. */
export interface CreateRunInput {
  /** Defaults to a new UUID. */
  readonly id?: string;
  readonly flowId: string;
  /** Must be an existing version of the flow. */
  readonly flowVersion: number;
  /** Defaults to `Running`; `Waiting` for a run queued behind a concurrency limit. */
  readonly status?: UnfinishedRunStatus;
  readonly triggerName?: string | null;
  /** Any JSON; stored apart from the row above {@link RUN_BLOB_THRESHOLD_BYTES}. */
  readonly triggerOutputs?: unknown;
  readonly correlationId?: string | null;
  readonly clientTrackingId?: string | null;
  /** The principal starting the run by hand (must exist). */
  readonly startedBy?: string | null;
}

/**
 * Input of {@link RunStore.createWithHistory}: a run that executed before it was written (its pure
 * first steps ran in memory), with its history and, when it ended, its end.
 */
export interface CreateRunWithHistoryInput {
  /** The id the run executed under (required: its history refers to it). */
  readonly run: CreateRunInput & { readonly id: string; readonly startedAt?: number };
  /** Final attempts in the order they happened; attempts of the same action and iteration are numbered in that order. */
  readonly actions: readonly Omit<RecordActionInput, 'runId'>[];
  /** The run's end; without it the run is written `Running` (its job continues it). */
  readonly end?: FinishRunInput;
}

/** Outcome of {@link RunStore.admit}. */
export type RunAdmission =
  | { readonly outcome: 'admitted' }
  /** `position`: 1 for the next run to get a slot. */
  | { readonly outcome: 'queued'; readonly position: number }
  | { readonly outcome: 'ended' };

/** Input of {@link RunStore.finish}. */
export interface FinishRunInput {
  readonly status: FinishedRunStatus;
  /** Any JSON (typically `{ code, message }`). */
  readonly error?: unknown;
  /** The evaluated `outputs` section; stored apart above the blob threshold. */
  readonly outputs?: unknown;
}

/** Input of {@link RunStore.cancel}. */
export interface CancelRunInput {
  /** The run's error (typically `{ code: 'RunCancelled', message }`). */
  readonly error: unknown;
  /** The error recorded on attempts still in flight. */
  readonly actionError: unknown;
}

/** Which runs {@link RunStore.listForFlow} returns: newest first, before a cursor. */
export interface RunListOptions {
  /** At most this many (1–1000); defaults to 50. */
  readonly limit?: number;
  /** Only runs that sort after this one (the last run of the previous page). */
  readonly after?: Pick<RunSummary, 'id' | 'startedAt'>;
  /** Only runs this principal started. */
  readonly startedBy?: string;
}

/** A page of a scan in id order (for resuming unfinished runs). */
export interface RunScanOptions {
  /** At most this many (1–1000). */
  readonly limit: number;
  /** Only runs with an id greater than this (the last id of the previous page). */
  readonly afterId?: string;
}

/** One attempt of one action (in one loop iteration) of a run. */
export interface ActionRecord {
  readonly id: string;
  readonly runId: string;
  /** The action's name in the definition. */
  readonly name: string;
  /**
   * Which loop iteration this is, as the engine names it (e.g. `Foreach_1[3]`, nested
   * `Foreach_1[3]/Until_2[0]`); `''` outside loops. Opaque to storage.
   */
  readonly iterationKey: string;
  /** 1 for the first attempt; a restart after a crash records attempt 2, and so on. */
  readonly attempt: number;
  readonly status: RunStatus;
  readonly inputs: unknown;
  readonly outputs: unknown;
  readonly error: unknown;
  /** Evaluated `trackedProperties`, if any. */
  readonly trackedProperties: Readonly<Record<string, unknown>> | null;
  /** The same for every attempt of this action in this iteration, so a retried call can be deduplicated downstream. */
  readonly idempotencyKey: string;
  readonly startedAt: number;
  readonly endedAt: number | null;
}

/** Identifies an action within a run. */
export interface ActionAddress {
  readonly runId: string;
  readonly name: string;
  /** Defaults to `''` (not in a loop). */
  readonly iterationKey?: string;
  /** Defaults to `<runId>/<iterationKey>/<name>` (without the iteration part outside loops). */
  readonly idempotencyKey?: string;
}

/** Input of {@link RunStore.startAction}. */
export interface StartActionInput extends ActionAddress {
  /** Defaults to `Running`; `Waiting` for an action that waits for a callback or a timer. */
  readonly status?: UnfinishedRunStatus;
  /** The evaluated inputs; stored apart above the blob threshold. */
  readonly inputs?: unknown;
}

/** Input of {@link RunStore.finishAction}. */
export interface FinishActionInput {
  readonly status: FinishedRunStatus;
  /** Replaces the inputs recorded at start, when given. */
  readonly inputs?: unknown;
  readonly outputs?: unknown;
  readonly error?: unknown;
  readonly trackedProperties?: Readonly<Record<string, unknown>> | null;
}

/** Input of {@link RunStore.recordAction}: an attempt that is final the moment it is recorded. */
export interface RecordActionInput extends ActionAddress, FinishActionInput {}

/**
 * Runs and their action history: the engine's journal. An action's result is committed by
 * `finishAction` before the engine starts its successors; do both in one
 * {@link Store.transaction} with the job that schedules the successors.
 */
export interface RunStore {
  /** Starts a run of an existing flow version; NotFoundError when the flow or version is missing, ConflictError when the id is taken. */
  create(input: CreateRunInput): Promise<RunRecord>;
  /**
   * Writes runs together with the attempts they already made and, when given, their ends — a few
   * statements for all of them instead of a transaction per step (group commit of runs executed in
   * memory). All or nothing; the errors of {@link create}.
   */
  createWithHistory(runs: readonly CreateRunWithHistoryInput[]): Promise<void>;
  /** The run with this id, trigger outputs and outputs included, if any. */
  get(id: string): Promise<RunRecord | undefined>;
  /** The run with this id without its trigger outputs and outputs (no blob is read), if any: for checks that need only who started it and where. */
  getSummary(id: string): Promise<RunSummary | undefined>;
  /** A flow's runs, newest first (by start time, then id). */
  listForFlow(flowId: string, options?: RunListOptions): Promise<readonly RunSummary[]>;
  /**
   * Records who started a run when the run was created without it (the run launcher creates runs);
   * a run that already names a starter keeps it. NotFoundError when the run is missing.
   */
  recordStarter(id: string, principalId: string): Promise<RunSummary>;
  /** Moves an unfinished run between `Running` and `Waiting`; NotFoundError, or ConflictError when it already finished. */
  setStatus(id: string, status: UnfinishedRunStatus): Promise<RunSummary>;
  /** Gives a run its final status; NotFoundError, or ConflictError (`RunAlreadyFinished`) when it already has one. */
  finish(id: string, input: FinishRunInput): Promise<RunSummary>;
  /**
   * Trigger concurrency: a run queued behind its flow's limit (`Waiting` without any action
   * started) becomes `Running` when fewer than `limit` runs of the flow execute (Running, or Waiting
   * after an action started — a suspended Wait holds its slot) and every run queued before it got a
   * slot first. Decisions for one flow are serialized. A run already past admission answers
   * `admitted`, a finished one `ended`; NotFoundError for an unknown run.
   */
  admit(id: string, limit: number): Promise<RunAdmission>;
  /** How many runs of the flow are queued for a concurrency slot (`Waiting`, no action started). */
  countQueued(flowId: string): Promise<number>;
  /**
   * Ends an unfinished run `Cancelled` with `input.error` and closes its attempts still in flight
   * `Cancelled` with `input.actionError`, in one transaction. NotFoundError, or ConflictError
   * (`RunAlreadyFinished`) when the run already has a final status.
   */
  cancel(id: string, input: CancelRunInput): Promise<RunSummary>;
  /** The statuses of the runs among `ids` that exist (at most 1000 ids): a cheap look for runs ended elsewhere. */
  getStatuses(ids: readonly string[]): Promise<ReadonlyMap<string, RunStatus>>;
  /**
   * Deletes up to `limit` (1–1000) finished runs that ended before `cutoffMs`, oldest first, with
   * their action attempts and blobs, in one transaction; returns how many runs it deleted.
   * Unfinished runs are never deleted.
   */
  deleteFinishedBefore(cutoffMs: number, limit: number): Promise<number>;
  /**
   * Records a new attempt of an action: attempt = previous attempts + 1. Earlier attempts still
   * unfinished (their process died) are closed as `Aborted` in the same transaction. ConflictError
   * when the run already finished (`RunAlreadyFinished`) or when another caller started the same
   * attempt concurrently (`ActionAttemptConflict`, retryable); NotFoundError when the run is missing.
   */
  startAction(input: StartActionInput): Promise<ActionRecord>;
  /** Gives a started attempt its final status and results; NotFoundError, or ConflictError (`ActionAlreadyFinished`). */
  finishAction(actionId: string, input: FinishActionInput): Promise<ActionRecord>;
  /** Records an attempt that is final at once (e.g. `Skipped`), numbered like {@link startAction}; allowed on finished runs. */
  recordAction(input: RecordActionInput): Promise<ActionRecord>;
  /** One attempt by id, if it exists. */
  getAction(id: string): Promise<ActionRecord | undefined>;
  /** Every attempt of every action of a run, in the order they started (same millisecond: the order they were written). */
  listActions(runId: string): Promise<readonly ActionRecord[]>;
  /** Runs still `Running` or `Waiting`, in id order (scan with `afterId`). */
  listUnfinished(options: RunScanOptions): Promise<readonly RunSummary[]>;
  /**
   * Unfinished runs that have an action attempt still `Running` or `Waiting`, in id order: after a
   * crash, these are the runs whose in-flight actions must run again as a new attempt.
   */
  listWithUnfinishedActions(options: RunScanOptions): Promise<readonly RunSummary[]>;
}

/** A job in the `jobs` table of the embedded queue. */
export interface JobRecord {
  readonly id: string;
  readonly queue: string;
  /** Any JSON. */
  readonly payload: unknown;
  /** Not claimed before this time (epoch ms). */
  readonly runAt: number;
  /** How many times it was claimed, the current claim included. */
  readonly attempts: number;
  /** The claim token of the worker holding it; null when not claimed. */
  readonly lockedBy: string | null;
  /** When the current claim lapses (epoch ms); another worker may then claim it again. */
  readonly lockedUntil: number | null;
  /** Deduplication key: at most one live (not failed) job per queue and key. */
  readonly key: string | null;
  /** The message of the last failed attempt, if any. */
  readonly lastError: string | null;
  /** Set when the job gave up (dead letter); it is then never claimed again. */
  readonly failedAt: number | null;
  readonly createdAt: number;
}

/** Input of {@link JobStore.insert}. */
export interface InsertJobInput {
  readonly queue: string;
  /** Any JSON value. */
  readonly payload: unknown;
  /** Epoch ms; the job is not claimed before it. */
  readonly runAt: number;
  /** When given and a live job of the queue has this key, nothing is inserted. */
  readonly key?: string | null;
}

/** What {@link JobStore.insert} did. */
export interface InsertJobResult {
  /** The new job's id, or the id of the live job with the same key. */
  readonly id: string;
  /** False when deduplicated by key. */
  readonly created: boolean;
}

/** Input of {@link JobStore.claim}. */
export interface ClaimJobsRequest {
  readonly queue: string;
  /** A token unique to this claim (the worker id plus a random part); completing or extending needs it. */
  readonly holder: string;
  /** The claimer's time: jobs due at or before it, unlocked or with a lapsed lock, are claimable. */
  readonly nowMs: number;
  /** When the claim lapses unless extended or completed. */
  readonly lockUntilMs: number;
  /** At most this many jobs (1–1000). */
  readonly limit: number;
}

/** Input of {@link JobStore.release}: put a job back for a later attempt. */
export interface ReleaseJobInput {
  /** When it may be claimed again. */
  readonly runAt: number;
  /** Why the attempt failed (kept as `lastError`). */
  readonly error: string;
}

/** Input of {@link JobStore.fail}: give up on a job. */
export interface FailJobInput {
  readonly nowMs: number;
  readonly error: string;
}

/**
 * The `jobs` table of the embedded queue (the queue area's driver; other code uses the JobQueue
 * port). Every change to a claimed job requires its claim token, so a worker whose lock lapsed and
 * was taken over cannot complete, release or extend the new holder's claim.
 */
export interface JobStore {
  /** Adds a job, or finds the live job with the same queue and key. */
  insert(input: InsertJobInput): Promise<InsertJobResult>;
  /**
   * Claims up to `limit` due jobs (oldest `runAt` first) in one statement: sets the lock and
   * increments `attempts`. A job is never held by two claims at once: PostgreSQL skips rows other
   * claimers locked (`FOR UPDATE SKIP LOCKED`); SQLite claims inside a write transaction.
   */
  claim(request: ClaimJobsRequest): Promise<readonly JobRecord[]>;
  /** Moves the lock's end to `untilMs` while `holder` still holds the job; false otherwise. */
  extendLock(id: string, holder: string, untilMs: number): Promise<boolean>;
  /** Deletes a job `holder` still holds (it succeeded); false otherwise. */
  complete(id: string, holder: string): Promise<boolean>;
  /** Unlocks a job `holder` still holds for another attempt at `runAt`; false otherwise. */
  release(id: string, holder: string, input: ReleaseJobInput): Promise<boolean>;
  /** Marks a job `holder` still holds as failed for good (dead letter, kept for inspection); false otherwise. */
  fail(id: string, holder: string, input: FailJobInput): Promise<boolean>;
  /** A job by id (live or failed), if it exists. */
  get(id: string): Promise<JobRecord | undefined>;
  /** How many live (not failed) jobs the queue holds, claimed ones included. */
  countLive(queue: string): Promise<number>;
  /** The queue's failed jobs, oldest first. */
  listFailed(queue: string, limit: number): Promise<readonly JobRecord[]>;
}

/**
 * What keeps one trigger of a flow going between its jobs: the polling cursor, the webhook
 * subscription, when it is next due and how its last check went. Every change goes through a
 * compare-and-set on `tick`.
 */
export interface TriggerStateRecord {
  readonly flowId: string;
  readonly triggerName: string;
  readonly environmentId: string;
  /** The flow version the trigger is active for; null while inactive (flow disabled, deleted or the trigger removed). */
  readonly activeVersion: number | null;
  /** Increases by one with every change: a writer that read tick N writes only while it is still N. */
  readonly tick: number;
  /** The polling cursor (any JSON), null before the first poll. */
  readonly cursor: unknown;
  /** The webhook subscription (what unsubscribing needs), null when none. */
  readonly subscription: unknown;
  /** When the trigger's next check is due (epoch ms); null when it is not scheduled. */
  readonly nextAt: number | null;
  /** `Succeeded` (fired), `Skipped`, `Failed`, `Subscribed`…; null before the first check. */
  readonly lastStatus: string | null;
  /** `{ code, message }` of the last failure, null after a success. */
  readonly lastError: unknown;
  readonly lastFiredAt: number | null;
  readonly lastCheckedAt: number | null;
  readonly updatedAt: number;
}

/** Input of {@link TriggerStateStore.put}; absent fields stay as they are (a new row starts them null). */
export interface PutTriggerStateInput {
  readonly flowId: string;
  readonly triggerName: string;
  /** Needed when creating the row. */
  readonly environmentId?: string;
  /** The tick the writer read; null when the row must not exist yet (it is created with tick 1). */
  readonly expectedTick: number | null;
  readonly activeVersion?: number | null;
  readonly cursor?: unknown;
  readonly subscription?: unknown;
  readonly nextAt?: number | null;
  readonly lastStatus?: string | null;
  readonly lastError?: unknown;
  readonly lastFiredAt?: number | null;
  readonly lastCheckedAt?: number | null;
}

/** Trigger states (no foreign key to flows: a deleted flow's subscription outlives it until unsubscribed). */
export interface TriggerStateStore {
  get(flowId: string, triggerName: string): Promise<TriggerStateRecord | undefined>;
  listForFlow(flowId: string): Promise<readonly TriggerStateRecord[]>;
  /** Every trigger state, by flow id then trigger name (for reconciling at start). */
  listAll(): Promise<readonly TriggerStateRecord[]>;
  /**
   * Compare-and-set: writes only while the row's tick equals `expectedTick` (or, with null, only
   * when the row does not exist) and then increments it; undefined when another writer came first.
   */
  put(input: PutTriggerStateInput): Promise<TriggerStateRecord | undefined>;
  /** Deletes one trigger's state, or all of the flow's; the number of rows deleted. */
  delete(flowId: string, triggerName?: string): Promise<number>;
}

/** A flow's callback signing key (sealed by the secrets area). */
export interface FlowKeyRecord {
  readonly flowId: string;
  readonly sealedKey: string;
  readonly createdAt: number;
}

/** Flow callback keys. */
export interface FlowKeyStore {
  get(flowId: string): Promise<FlowKeyRecord | undefined>;
  /** Inserts the first key; undefined when the flow has one already (another process won). */
  insert(flowId: string, sealedKey: string): Promise<FlowKeyRecord | undefined>;
  /** Replaces the key (regeneration: URLs signed with the old key stop working). */
  replace(flowId: string, sealedKey: string): Promise<FlowKeyRecord>;
  delete(flowId: string): Promise<boolean>;
}

/**
 * The tables a transaction can change together (see {@link Store.transaction}). Inside the
 * transaction use only this handle: the outer `Store` runs on other connections (PostgreSQL: it
 * does not see the uncommitted changes; SQLite: it waits for the transaction, which waits for it).
 */
export interface StoreTransaction {
  readonly driver: StoreDriver;
  readonly flows: FlowStore;
  readonly runs: RunStore;
  readonly jobs: JobStore;
  readonly triggerStates: TriggerStateStore;
  /** Runs `callback` once the transaction has committed; never when it rolls back. Callbacks must not throw. */
  afterCommit(callback: () => void): void;
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
  /** Roles per environment (the default role is on the principal). */
  readonly environmentRoles: EnvironmentRoleStore;
  readonly apiTokens: ApiTokenStore;
  readonly connectors: ConnectorStore;
  readonly connections: ConnectionStore;
  readonly oauthApps: OAuthAppStore;
  readonly oauthStates: OAuthStateStore;
  readonly secretKeys: SecretKeyStore;
  readonly sealedValues: SealedValueStore;
  readonly flows: FlowStore;
  /** Co-owners and run-only users of flows. */
  readonly flowMembers: FlowMemberStore;
  readonly runs: RunStore;
  /** The embedded queue's table; use it through the JobQueue port of the queue area. */
  readonly jobs: JobStore;
  readonly triggerStates: TriggerStateStore;
  readonly flowKeys: FlowKeyStore;
  /**
   * Runs `work` in one database transaction: every change made through `tx` commits together, or
   * none does when `work` throws (the error is rethrown). This is how a state change and the job
   * it causes are written together (no dual writes). Inside `work` use only `tx` (a call on this
   * store fails with `StoreCallInsideTransaction`, and so does a nested `transaction`); do not
   * keep `tx` after `work` settles.
   */
  transaction<T>(work: (tx: StoreTransaction) => Promise<T>): Promise<T>;
  /** Releases the database file or connection pool; the store is unusable afterwards. */
  close(): Promise<void>;
}
