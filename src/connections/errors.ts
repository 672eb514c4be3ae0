/** Stable error codes raised by the connection service (documented in docs/errors.md). */
export const ConnectionsErrorCode = {
  /** The connection does not exist in this environment, or the caller may not see it (kind `not-found`). */
  ConnectionNotFound: 'ConnectionNotFound',
  /** The caller may see or use the connection but not change, share or delete it (kind `forbidden`). */
  ConnectionForbidden: 'ConnectionForbidden',
  /** The connector has `connectionParameterSets` and none was chosen (kind `user`). */
  ConnectionParameterSetRequired: 'ConnectionParameterSetRequired',
  /** The chosen parameter set does not exist, or the connector has none (kind `user`). */
  ConnectionParameterSetUnknown: 'ConnectionParameterSetUnknown',
  /** A value names no connection parameter of the connector (kind `user`). */
  ConnectionParameterUnknown: 'ConnectionParameterUnknown',
  /** A required connection parameter has no value (kind `user`). */
  ConnectionParameterMissing: 'ConnectionParameterMissing',
  /** A value has the wrong type (kind `user`). */
  ConnectionParameterInvalid: 'ConnectionParameterInvalid',
  /** A value is not one of the parameter's allowed values (kind `user`). */
  ConnectionParameterNotAllowed: 'ConnectionParameterNotAllowed',
  /** A value was given for a parameter the user does not set (OAuth, gateway) (kind `user`). */
  ConnectionParameterNotSettable: 'ConnectionParameterNotSettable',
  /** Another request or the input itself is invalid (display name, share target) (kind `user`). */
  ConnectionInputInvalid: 'ConnectionInputInvalid',
  /** The decrypted secrets of a connection are not a JSON object (kind `unexpected`). */
  ConnectionSecretsCorrupt: 'ConnectionSecretsCorrupt',
  EnvironmentNotFound: 'EnvironmentNotFound',
  PrincipalNotFound: 'PrincipalNotFound',
} as const;

/** One of {@link ConnectionsErrorCode}'s values. */
export type ConnectionsErrorCode = (typeof ConnectionsErrorCode)[keyof typeof ConnectionsErrorCode];
