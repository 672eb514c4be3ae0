/** Stable error codes raised by the secrets area (documented in docs/errors.md). */
export const SecretsErrorCode = {
  /** A master key setting is malformed: not base64, not 32 bytes, both variables set … (kind `user`). */
  MasterKeyInvalid: 'MasterKeyInvalid',
  /** The key file cannot be read, written, or is readable by other users (kind `operational`). */
  MasterKeyFileUnusable: 'MasterKeyFileUnusable',
  /** The given master key is not the one the database was encrypted with (kind `operational`). */
  MasterKeyMismatch: 'MasterKeyMismatch',
  /** A key version still in use is not among the given keys (kind `operational`). */
  MasterKeyMissing: 'MasterKeyMissing',
  /** An envelope names a key version this process does not have (kind `operational`). */
  SecretKeyVersionUnknown: 'SecretKeyVersionUnknown',
  /** An envelope is not in Plugboard's format (kind `unexpected`). */
  SecretEnvelopeInvalid: 'SecretEnvelopeInvalid',
  /** Authentication failed: the envelope was altered, or belongs to another owner or purpose (kind `unexpected`). */
  SecretUndecryptable: 'SecretUndecryptable',
  /** A secret context (environment, owner, purpose) is empty (kind `user`). */
  SecretContextInvalid: 'SecretContextInvalid',
  /** Master key rotation cannot proceed as asked (kind `user`). */
  MasterKeyRotationRefused: 'MasterKeyRotationRefused',
  /** Master key rotation stopped before it finished; run it again to resume (kind `operational`). */
  MasterKeyRotationInterrupted: 'MasterKeyRotationInterrupted',
} as const;

/** One of {@link SecretsErrorCode}'s values. */
export type SecretsErrorCode = (typeof SecretsErrorCode)[keyof typeof SecretsErrorCode];
