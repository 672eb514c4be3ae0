/** Stable error codes raised by the storage area (documented in docs/errors.md by the server). */
export const StorageErrorCode = {
  /** A store configuration value is invalid (kind `user`). */
  InvalidStoreConfig: 'InvalidStoreConfig',
  /** A value given to a store method is invalid (kind `user`). */
  InvalidStoreInput: 'InvalidStoreInput',
  /** The database cannot be reached or opened (kind `operational`, retryable). */
  DatabaseUnavailable: 'DatabaseUnavailable',
  /** The database was migrated by a newer Plugboard (kind `operational`). */
  SchemaTooNew: 'SchemaTooNew',
  EnvironmentExists: 'EnvironmentExists',
  EnvironmentNotFound: 'EnvironmentNotFound',
  PrincipalExists: 'PrincipalExists',
  PrincipalNotFound: 'PrincipalNotFound',
  ApiTokenExists: 'ApiTokenExists',
  ApiTokenNotFound: 'ApiTokenNotFound',
  ConnectionNotFound: 'ConnectionNotFound',
  ConnectionExists: 'ConnectionExists',
  /** A compare-and-swap write lost against a concurrent one (kind `conflict`, retryable). */
  ConnectionChanged: 'ConnectionChanged',
  OAuthStateExists: 'OAuthStateExists',
  SecretKeyNotFound: 'SecretKeyNotFound',
  FlowExists: 'FlowExists',
  FlowNotFound: 'FlowNotFound',
  /** A run names a flow version that does not exist. */
  FlowVersionNotFound: 'FlowVersionNotFound',
  RunExists: 'RunExists',
  RunNotFound: 'RunNotFound',
  /** The run already has a final status (kind `conflict`). */
  RunAlreadyFinished: 'RunAlreadyFinished',
  ActionNotFound: 'ActionNotFound',
  /** The action attempt already has a final status (kind `conflict`). */
  ActionAlreadyFinished: 'ActionAlreadyFinished',
  /** Two callers started the same attempt of an action at once (kind `conflict`, retryable). */
  ActionAttemptConflict: 'ActionAttemptConflict',
  /** The outer store was used inside `store.transaction(work)` instead of `tx` (a bug in the caller). */
  StoreCallInsideTransaction: 'StoreCallInsideTransaction',
  /** A value read from the database does not have the shape the schema promises (a bug or tampering). */
  CorruptRow: 'CorruptRow',
  /** The database contradicted an invariant the store relies on (a bug). */
  StoreInvariantBroken: 'StoreInvariantBroken',
} as const;

/** One of {@link StorageErrorCode}'s values. */
export type StorageErrorCode = (typeof StorageErrorCode)[keyof typeof StorageErrorCode];
