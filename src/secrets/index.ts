/**
 * Secrets: AES-256-GCM envelope encryption under a versioned master key, the master key
 * configuration (value, file, or a generated key file in embedded mode), key check values that
 * refuse a wrong key, rotation without downtime, and value-based redaction.
 */
export { openSecrets } from './secrets.ts';
export type { Secrets, OpenSecretsOptions } from './secrets.ts';
export type { SecretContext } from './envelope.ts';
export { masterKeyConfigFromEnv, MASTER_KEY_FILE_NAME } from './master-key-config.ts';
export type { MasterKeyConfig, MasterKeyEnvDefaults } from './master-key-config.ts';
export { readKeyFile } from './key-file.ts';
export { decodeMasterKey, encodeMasterKey, generateMasterKey, keyCheckValue } from './key-material.ts';
export { rotateMasterKey } from './rotate-master-key.ts';
export type { RotateMasterKeyOptions, RotationProgress, RotationReport } from './rotate-master-key.ts';
export { redactSecrets, REDACTED } from './redact.ts';
export { SecretsErrorCode } from './errors.ts';
export type { SecretKeyRepository, SecretKeyVersion, EnvelopeRepository, StoredEnvelope } from './ports.ts';
