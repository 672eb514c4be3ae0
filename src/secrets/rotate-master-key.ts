/**
 * Master key rotation: register a new key version, re-wrap every stored data key under it (the
 * payloads are not re-encrypted), then retire the old versions. Safe to run while servers are up:
 * they read the current version from the database for every new secret and keep decrypting every
 * version they have a key for. Resumable: a run that was stopped halfway is finished by the next
 * run, which finds the new version registered and old versions not yet retired.
 */
import { PlugboardError, UserInputError } from '../core/index.ts';
import { SecretsErrorCode } from './errors.ts';
import { writeKeyFile } from './key-file.ts';
import { generateMasterKey, keyCheckValue } from './key-material.ts';
import { loadKeyMaterial, newestActive } from './key-ring.ts';
import type { MasterKeyConfig } from './master-key-config.ts';
import type { EnvelopeRepository, SecretKeyRepository, SecretKeyVersion } from './ports.ts';
import { openSecretsWithRing } from './secrets.ts';
import type { SecretsWithRing } from './secrets.ts';

/** Options of {@link rotateMasterKey}. */
export interface RotateMasterKeyOptions<C extends string> {
  readonly config: MasterKeyConfig;
  readonly keys: SecretKeyRepository;
  readonly envelopes: EnvelopeRepository<C>;
  /**
   * The new key. In embedded mode it is added to the key file; otherwise it must already be among
   * the configured keys (every server needs it before envelopes move to it). Without it: a
   * configured key that is not registered yet is used; in embedded mode one is generated.
   */
  readonly newKey?: Uint8Array;
  /** Envelopes read per page; defaults to 200. */
  readonly batchSize?: number;
  /** Stops the run between two envelopes (it can be resumed). */
  readonly signal?: AbortSignal;
  /** Called after each re-wrapped envelope. */
  readonly onProgress?: (progress: RotationProgress) => void;
}

/** Progress of a rotation. */
export interface RotationProgress {
  readonly column: string;
  /** Envelopes re-wrapped so far in this run. */
  readonly rewrapped: number;
}

/** What a rotation did. */
export interface RotationReport {
  /** The current master key version afterwards. */
  readonly version: number;
  /** True when this run registered that version; false when it finished an earlier, interrupted run. */
  readonly registered: boolean;
  /** True when this run generated the new key (embedded mode). */
  readonly generated: boolean;
  /** Envelopes re-wrapped by this run. */
  readonly rewrapped: number;
  /** Versions retired by this run. */
  readonly retired: readonly number[];
}

const MAX_PASSES = 10;

/** Runs (or resumes) a rotation; see the module comment. */
export async function rotateMasterKey<C extends string>(options: RotateMasterKeyOptions<C>): Promise<RotationReport> {
  const { config, keys } = options;
  const batchSize = options.batchSize ?? 200;
  // Open first: a wrong or missing key stops the rotation before anything is written.
  const opened = await openSecretsWithRing({ config, keys });
  const { ring } = opened;
  if (options.newKey !== undefined && addNewKeyToConfig(config, options.newKey)) await ring.refresh();
  const target = await chooseTarget(options, opened);
  await ring.refresh();
  const current = newestActive(ring.versions());
  if (current.version !== target.version || ring.keyFor(current.version) === undefined) {
    throw new UserInputError(
      `master key version ${current.version} became current while rotating to version ${target.version} — another rotation ran at the same time; run this command again`,
      { code: SecretsErrorCode.MasterKeyRotationRefused },
    );
  }

  let rewrapped = 0;
  const pass = async (): Promise<number> => {
    let found = 0;
    for (const column of options.envelopes.columns) {
      let after: string | null = null;
      for (;;) {
        const page = await options.envelopes.page(column, { afterRowId: after, limit: batchSize });
        if (page.length === 0) break;
        for (const envelope of page) {
          if (options.signal?.aborted === true) throw interrupted(rewrapped, current.version);
          if (opened.secrets.keyVersionOf(envelope.value) === current.version) continue;
          found += 1;
          const next = await opened.rewrap(envelope.value, current.version);
          // False: the row changed meanwhile (e.g. a token refresh sealed under the new version);
          // the next pass looks at it again.
          if (await options.envelopes.replace(envelope, next)) {
            rewrapped += 1;
            options.onProgress?.({ column, rewrapped });
          }
        }
        after = page.at(-1)?.rowId ?? null;
      }
    }
    return found;
  };

  await untilClean(pass, current.version, () => rewrapped);
  const older = ring.versions().filter((v) => v.retiredAt === null && v.version < current.version);
  for (const version of older) await keys.retire(version.version);
  // A process that read the old current version just before the switch may have sealed one more
  // value under it; this process still holds the old keys, so sweep once more.
  await untilClean(pass, current.version, () => rewrapped);
  if (config.kind === 'embedded' && older.length > 0) {
    const retiredChecks = new Set(older.map((v) => v.checkValue));
    writeKeyFile(
      config.file,
      loadKeyMaterial(config, { create: false })
        .filter((k) => !retiredChecks.has(k.checkValue))
        .map((k) => k.key),
    );
  }
  return Object.freeze({ version: current.version, registered: target.registered, generated: target.generated, rewrapped, retired: Object.freeze(older.map((v) => v.version)) });
}

interface Target {
  readonly version: number;
  readonly registered: boolean;
  readonly generated: boolean;
}

/** Picks (and registers, when new) the version to rotate to. */
async function chooseTarget<C extends string>(options: RotateMasterKeyOptions<C>, opened: SecretsWithRing): Promise<Target> {
  const { ring } = opened;
  const versions = ring.versions();
  const current = newestActive(versions);
  if (options.newKey !== undefined) {
    const checkValue = keyCheckValue(options.newKey);
    const existing = versions.find((v) => v.checkValue === checkValue);
    if (existing === undefined) return { version: await register(options.keys, versions, checkValue), registered: true, generated: false };
    if (existing.version !== current.version) {
      throw new UserInputError(`the new key is already master key version ${existing.version}, not the current version ${current.version} — give a key that was never used`, {
        code: SecretsErrorCode.MasterKeyRotationRefused,
      });
    }
    return { version: existing.version, registered: false, generated: false };
  }
  const pending = ring.material().filter((k) => !versions.some((v) => v.checkValue === k.checkValue));
  if (pending.length > 1) {
    throw new UserInputError(`${pending.length} configured master keys are not registered yet — keep only the one new key next to the keys in use, or name it with --new-key-file`, {
      code: SecretsErrorCode.MasterKeyRotationRefused,
    });
  }
  const [only] = pending;
  if (only !== undefined) return { version: await register(options.keys, versions, only.checkValue), registered: true, generated: false };
  if (versions.some((v) => v.retiredAt === null && v.version !== current.version)) {
    // An earlier run registered the current version and stopped before retiring the old ones.
    return { version: current.version, registered: false, generated: false };
  }
  if (options.config.kind !== 'embedded') {
    throw new UserInputError(
      'no new master key: add the new key to PLUGBOARD_MASTER_KEY (comma-separated, after the current one) or to PLUGBOARD_MASTER_KEY_FILE (a new last line) on every server, then run this command again with the same setting, or pass --new-key-file',
      { code: SecretsErrorCode.MasterKeyRotationRefused },
    );
  }
  const key = generateMasterKey();
  addNewKeyToConfig(options.config, key);
  await ring.refresh();
  return { version: await register(options.keys, ring.versions(), keyCheckValue(key)), registered: true, generated: true };
}

async function register(keys: SecretKeyRepository, versions: readonly SecretKeyVersion[], checkValue: string): Promise<number> {
  const next = versions.reduce((max, v) => Math.max(max, v.version), 0) + 1;
  const inserted = await keys.insert(next, checkValue);
  if (inserted !== undefined) return inserted.version;
  const now = (await keys.list()).find((v) => v.checkValue === checkValue);
  if (now !== undefined) return now.version;
  throw new UserInputError(`master key version ${next} was registered by another process at the same time — run this command again`, {
    code: SecretsErrorCode.MasterKeyRotationRefused,
  });
}

/**
 * Embedded mode: append the key to the key file (true when it was added); otherwise the operator
 * must have configured it already.
 */
function addNewKeyToConfig(config: MasterKeyConfig, key: Uint8Array): boolean {
  const material = loadKeyMaterial(config, { create: false });
  const checkValue = keyCheckValue(key);
  if (material.some((k) => k.checkValue === checkValue)) return false;
  if (config.kind === 'embedded') {
    writeKeyFile(config.file, [...material.map((k) => k.key), key]);
    return true;
  }
  throw new UserInputError(
    `the new key is not among the configured master keys — add it to ${config.kind === 'file' ? config.file : 'PLUGBOARD_MASTER_KEY'} on every server first (servers without it cannot read secrets re-wrapped under it), then run this command again`,
    { code: SecretsErrorCode.MasterKeyRotationRefused },
  );
}

async function untilClean(pass: () => Promise<number>, version: number, rewrapped: () => number): Promise<void> {
  for (let i = 0; i < MAX_PASSES; i += 1) {
    if ((await pass()) === 0) return;
  }
  throw new PlugboardError(`envelopes kept changing during ${MAX_PASSES} passes — ${rewrapped()} were moved to version ${version}; run this command again`, {
    code: SecretsErrorCode.MasterKeyRotationInterrupted,
    kind: 'operational',
    retryable: true,
  });
}

function interrupted(rewrapped: number, version: number): PlugboardError {
  return new PlugboardError(`master key rotation stopped after re-wrapping ${rewrapped} secrets under version ${version} — run it again to finish`, {
    code: SecretsErrorCode.MasterKeyRotationInterrupted,
    kind: 'operational',
    retryable: true,
  });
}
