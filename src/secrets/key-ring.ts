/**
 * The key ring of one process: the configured key material matched to the registered versions by
 * key check value. Keys that match no version yet are "pending" (added for a rotation that has not
 * registered them); versions whose key is missing make the ring refuse to start while in use.
 */
import { existsSync } from 'node:fs';
import { PlugboardError } from '../core/index.ts';
import { SecretsErrorCode } from './errors.ts';
import { ensureKeyFile, readKeyFile } from './key-file.ts';
import { keyCheckValue } from './key-material.ts';
import type { MasterKeyConfig } from './master-key-config.ts';
import type { SecretKeyRepository, SecretKeyVersion } from './ports.ts';

/** A configured key with its check value. */
export interface KnownKey {
  readonly key: Uint8Array;
  readonly checkValue: string;
}

/** See the module comment. */
export interface KeyRing {
  /** The key of a version, if this process has it. */
  keyFor(version: number): Uint8Array | undefined;
  /** The newest registered, non-retired version, read from the repository now (another process may have rotated). */
  current(): Promise<{ readonly version: number; readonly key: Uint8Array }>;
  /** Re-reads the key material (key files may have gained a key) and the registered versions. */
  refresh(): Promise<void>;
  /** Registered versions as of the last refresh, oldest first. */
  versions(): readonly SecretKeyVersion[];
  /** Configured keys, oldest first, as of the last refresh. */
  material(): readonly KnownKey[];
}

/**
 * Loads the configured key material. The embedded key file is created only when `create` is set
 * (a database without key versions): generating a key next to a database that already holds
 * secrets would only hide that the real key file is missing.
 */
export function loadKeyMaterial(config: MasterKeyConfig, options: { readonly create: boolean }): KnownKey[] {
  let keys: Uint8Array[];
  if (config.kind === 'value') keys = [...config.keys];
  else if (config.kind === 'file') keys = readKeyFile(config.file, { requirePrivate: false });
  else if (options.create) keys = ensureKeyFile(config.file);
  else if (!existsSync(config.file)) {
    throw new PlugboardError(
      `the master key file ${config.file} is missing, but this database holds secrets encrypted with it — restore the file from the backup made together with the database (or set PLUGBOARD_MASTER_KEY to the key)`,
      { code: SecretsErrorCode.MasterKeyMissing, kind: 'operational' },
    );
  } else keys = readKeyFile(config.file, { requirePrivate: true });
  return keys.map((key) => ({ key, checkValue: keyCheckValue(key) }));
}

/**
 * Opens the ring: registers the configured keys when the repository has none (first start), then
 * checks that the current version's key is present (else `MasterKeyMismatch`: a wrong key is
 * refused before any secret is read or written) and that every other version still in use is too.
 */
export async function openKeyRing(config: MasterKeyConfig, repository: SecretKeyRepository): Promise<KeyRing> {
  let registered = await repository.list();
  let material = loadKeyMaterial(config, { create: registered.length === 0 });
  if (registered.length === 0) {
    for (const [index, known] of material.entries()) {
      // Undefined: another process registered first; its keys are checked below like any others.
      if ((await repository.insert(index + 1, known.checkValue)) === undefined) break;
    }
    registered = await repository.list();
  }
  let byVersion = match(registered, material);
  checkComplete(registered, byVersion, config);

  let refreshing: Promise<void> | undefined;
  const refresh = (): Promise<void> => {
    refreshing ??= (async () => {
      try {
        material = loadKeyMaterial(config, { create: false });
        registered = await repository.list();
        byVersion = match(registered, material);
      } finally {
        refreshing = undefined;
      }
    })();
    return refreshing;
  };

  return {
    keyFor: (version) => byVersion.get(version),
    async current() {
      const versions = await repository.list();
      const current = newestActive(versions);
      let key = byVersion.get(current.version);
      if (key === undefined) {
        await refresh();
        key = byVersion.get(current.version);
      }
      if (key === undefined) {
        throw new PlugboardError(
          `master key version ${current.version} is the current one in the database, but this process does not have its key — ${whereToAdd(config)}, then retry`,
          { code: SecretsErrorCode.MasterKeyMissing, kind: 'operational' },
        );
      }
      return { version: current.version, key };
    },
    refresh,
    versions: () => registered,
    material: () => material,
  };
}

/** The newest version that is not retired. */
export function newestActive(versions: readonly SecretKeyVersion[]): SecretKeyVersion {
  const active = versions.filter((v) => v.retiredAt === null);
  const newest = active.reduce<SecretKeyVersion | undefined>((best, v) => (best === undefined || v.version > best.version ? v : best), undefined);
  if (newest === undefined) {
    throw new PlugboardError('every master key version in the database is retired — restore the secret_keys table from a backup', {
      code: SecretsErrorCode.MasterKeyMissing,
      kind: 'operational',
    });
  }
  return newest;
}

function match(versions: readonly SecretKeyVersion[], material: readonly KnownKey[]): Map<number, Uint8Array> {
  const byVersion = new Map<number, Uint8Array>();
  for (const version of versions) {
    const known = material.find((k) => k.checkValue === version.checkValue);
    if (known !== undefined) byVersion.set(version.version, known.key);
  }
  return byVersion;
}

function checkComplete(versions: readonly SecretKeyVersion[], byVersion: ReadonlyMap<number, Uint8Array>, config: MasterKeyConfig): void {
  const current = newestActive(versions);
  if (!byVersion.has(current.version)) {
    throw new PlugboardError(
      `the master key does not match this database: version ${current.version} was registered with a different key (key check value mismatch). ` +
        `Nothing was decrypted or changed. Start with the key this database was created with — ${whereToAdd(config)}`,
      { code: SecretsErrorCode.MasterKeyMismatch, kind: 'operational', details: { version: current.version } },
    );
  }
  const missing = versions.filter((v) => v.retiredAt === null && !byVersion.has(v.version)).map((v) => v.version);
  if (missing.length > 0) {
    throw new PlugboardError(
      `master key version${missing.length > 1 ? 's' : ''} ${missing.join(', ')} may still protect stored secrets, but ${missing.length > 1 ? 'their keys are' : 'its key is'} not configured — ` +
        `${whereToAdd(config)}; once \`plugboard secrets rotate-master-key\` has finished, old versions are retired and their keys are no longer needed`,
      { code: SecretsErrorCode.MasterKeyMissing, kind: 'operational', details: { versions: missing } },
    );
  }
}

function whereToAdd(config: MasterKeyConfig): string {
  switch (config.kind) {
    case 'value':
      return 'put the key into PLUGBOARD_MASTER_KEY (several keys separated by commas, oldest first)';
    case 'file':
      return `put the key into ${config.file} (one base64 key per line, oldest first)`;
    case 'embedded':
      return `restore ${config.file} from the backup made together with the database (or set PLUGBOARD_MASTER_KEY to the right key)`;
  }
}
