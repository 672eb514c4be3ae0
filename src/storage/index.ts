/** Storage: the Store port, its SQLite and PostgreSQL drivers, and the configuration that picks one. */
export { openStore, DEFAULT_ENVIRONMENT } from './open-store.ts';
export type { StoreConfig, OpenStoreOptions } from './open-store.ts';
export { storeConfigFromEnv, SQLITE_FILE_NAME } from './store-config-from-env.ts';
export type { StoreEnvDefaults } from './store-config-from-env.ts';
export { StorageErrorCode } from './errors.ts';
export { PRINCIPAL_KINDS, PRINCIPAL_ROLES } from './principal-store.ts';
export { CONNECTION_STATUSES } from './connection-store.ts';
export { SEALED_COLUMNS } from './sealed-value-store.ts';
export type {
  Store,
  StoreDriver,
  MigrationReport,
  EnvironmentStore,
  EnvironmentRecord,
  CreateEnvironmentInput,
  PrincipalStore,
  PrincipalRecord,
  PrincipalKind,
  PrincipalRole,
  CreatePrincipalInput,
  ApiTokenStore,
  ApiTokenRecord,
  CreateApiTokenInput,
  ActiveApiToken,
  ConnectorStore,
  ConnectorRecord,
  ConnectorVersionSummary,
  ConnectorVersionRecord,
  ConnectorWithVersion,
  PutConnectorVersionInput,
  PutConnectorVersionResult,
  ConnectionStore,
  ConnectionRecord,
  ConnectionStatus,
  CreateConnectionInput,
  ConnectionPatch,
  ConnectionShareRecord,
  RefreshLeaseRequest,
  OAuthAppStore,
  OAuthAppRecord,
  PutOAuthAppInput,
  OAuthStateStore,
  OAuthStateRecord,
  CreateOAuthStateInput,
  SecretKeyStore,
  SecretKeyRecord,
  SealedColumn,
  SealedValue,
  SealedPageRange,
  SealedValueStore,
} from './store.ts';
