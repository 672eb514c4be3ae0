/**
 * The secrets service: seal (encrypt) and open (decrypt) values bound to a context, under the
 * current master key version. Every process keeps decrypting all versions that are not retired,
 * and learns about a new version (from a rotation in another process) on first sight.
 */
import { PlugboardError } from '../core/index.ts';
import { openEnvelope, parseEnvelope, rewrapEnvelope, sealEnvelope } from './envelope.ts';
import type { SecretContext } from './envelope.ts';
import { SecretsErrorCode } from './errors.ts';
import { openKeyRing } from './key-ring.ts';
import type { KeyRing } from './key-ring.ts';
import type { MasterKeyConfig } from './master-key-config.ts';
import type { SecretKeyRepository } from './ports.ts';

/** Encrypts and decrypts secrets. Sealed values are opaque strings. */
export interface Secrets {
  /** Encrypts `plaintext` for `context` under the current master key version. */
  seal(plaintext: string, context: SecretContext): Promise<string>;
  /** Decrypts a sealed value; fails when it was altered or belongs to another context. */
  open(sealed: string, context: SecretContext): Promise<string>;
  /** `seal` for any JSON value. */
  sealJson(value: unknown, context: SecretContext): Promise<string>;
  /** `open` for a value sealed with {@link Secrets.sealJson}. */
  openJson(sealed: string, context: SecretContext): Promise<unknown>;
  /** The master key version that wraps a sealed value. */
  keyVersionOf(sealed: string): number;
  /** The version new values are sealed under (read from the database, so a rotation elsewhere is seen at once). */
  currentVersion(): Promise<number>;
}

/** Options of {@link openSecrets}. */
export interface OpenSecretsOptions {
  readonly config: MasterKeyConfig;
  /** Where key versions are registered (the Store's `secretKeys`). */
  readonly keys: SecretKeyRepository;
}

/** The service with the ring it runs on (for rotation, inside this area). */
export interface SecretsWithRing {
  readonly secrets: Secrets;
  readonly ring: KeyRing;
  /** Re-wraps a sealed value under `version` (whose key the ring must have); the payload is untouched. */
  rewrap(sealed: string, version: number): Promise<string>;
}

/**
 * Opens the key ring (first start: registers the key; later: refuses a wrong key with
 * `MasterKeyMismatch` before anything is decrypted) and returns the service.
 */
export async function openSecrets(options: OpenSecretsOptions): Promise<Secrets> {
  return (await openSecretsWithRing(options)).secrets;
}

/** {@link openSecrets}, also returning the ring (used by rotation). */
export async function openSecretsWithRing(options: OpenSecretsOptions): Promise<SecretsWithRing> {
  const ring = await openKeyRing(options.config, options.keys);

  const keyOf = async (version: number): Promise<Uint8Array> => {
    const known = ring.keyFor(version);
    if (known !== undefined) return known;
    await ring.refresh();
    const refreshed = ring.keyFor(version);
    if (refreshed === undefined) {
      throw new PlugboardError(
        `a stored secret is wrapped by master key version ${version}, which this process does not have — add that key to the configured master keys (PLUGBOARD_MASTER_KEY or its key file)`,
        { code: SecretsErrorCode.SecretKeyVersionUnknown, kind: 'operational', details: { version } },
      );
    }
    return refreshed;
  };

  const seal = async (plaintext: string, context: SecretContext): Promise<string> => {
    const current = await ring.current();
    return sealEnvelope(Buffer.from(plaintext, 'utf8'), { kek: current, context });
  };

  const open = async (sealed: string, context: SecretContext): Promise<string> => {
    const parts = parseEnvelope(sealed);
    const plaintext = openEnvelope(parts, { kek: await keyOf(parts.keyVersion), context });
    try {
      return plaintext.toString('utf8');
    } finally {
      plaintext.fill(0);
    }
  };

  const secrets: Secrets = Object.freeze({
    seal,
    open,
    sealJson: (value: unknown, context: SecretContext) => seal(JSON.stringify(value), context),
    async openJson(sealed: string, context: SecretContext) {
      const text = await open(sealed, context);
      try {
        return JSON.parse(text);
      } catch (cause) {
        throw new PlugboardError('a sealed value is not JSON — it was sealed with seal(), not sealJson()', { code: SecretsErrorCode.SecretEnvelopeInvalid, cause });
      }
    },
    keyVersionOf: (sealed: string) => parseEnvelope(sealed).keyVersion,
    currentVersion: async () => (await ring.current()).version,
  });

  return {
    secrets,
    ring,
    async rewrap(sealed, version) {
      const parts = parseEnvelope(sealed);
      if (parts.keyVersion === version) return sealed;
      return rewrapEnvelope(parts, { from: await keyOf(parts.keyVersion), to: { key: await keyOf(version), version } });
    },
  };
}
