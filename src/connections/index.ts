/**
 * Connections: one principal's credentials for one connector — validation against the
 * connector's connection parameters, encrypted secrets, ownership and sharing, status, and the
 * hooks the gateway and the OAuth flows use.
 */
export { createConnectionService, CONNECTION_SECRETS_PURPOSE } from './connection-service.ts';
export type {
  Actor,
  ConnectionAccess,
  ConnectionSecrets,
  ConnectionService,
  ConnectionServiceOptions,
  ConnectionTestInput,
  ConnectionTestOutcome,
  ConnectionTestResult,
  ConnectionTester,
  ConnectionView,
  ConnectorConnectionInfo,
  ConnectorConnectionLookup,
  CreateConnectionRequest,
  ResolvedConnection,
  UpdateConnectionRequest,
} from './connection-service.ts';
export { validateConnectionValues, effectiveParameters, parameterKind, isRequired } from './validate-values.ts';
export type { ConnectionValuesInput, ParameterKind, ValidatedConnectionValues } from './validate-values.ts';
export { ConnectionsErrorCode } from './errors.ts';
export { createOAuthStorage, OAUTH_TOKENS_KEY } from './oauth-storage.ts';
export type { OAuthAppStorage, OAuthStorage, OAuthStorageOptions } from './oauth-storage.ts';
// OAuth flows (`oauth/`, written alongside): what the server needs to wire them.
export { createOAuthService, OAuthErrorCode } from './oauth/index.ts';
export type {
  OAuthService,
  OAuthServiceOptions,
  OAuthConnectionContext,
  OAuthConnectionSource,
  OAuthAppRecord,
  OAuthAppRepository,
  OAuthStateRepository,
  TokenRefreshLease,
  TokenSet,
  TokenStore,
} from './oauth/index.ts';
