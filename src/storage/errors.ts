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
  /** A value read from the database does not have the shape the schema promises (a bug or tampering). */
  CorruptRow: 'CorruptRow',
  /** The database contradicted an invariant the store relies on (a bug). */
  StoreInvariantBroken: 'StoreInvariantBroken',
} as const;

/** One of {@link StorageErrorCode}'s values. */
export type StorageErrorCode = (typeof StorageErrorCode)[keyof typeof StorageErrorCode];
