/**
 * The secrets area's process configuration:
 *
 * | variable | default | meaning |
 * |---|---|---|
 * | `PLUGBOARD_MASTER_KEY` | unset | base64 of 32 random bytes; several keys separated by commas during a rotation (oldest first) |
 * | `PLUGBOARD_MASTER_KEY_FILE` | unset | a file with one base64 key per line (oldest first) |
 * | neither | embedded mode only | `<data dir>/master.key`, generated on first start with mode 0600 |
 *
 * With PostgreSQL a key must be given: processes on several machines must share it, so one cannot
 * be generated locally.
 */
import { join, resolve } from 'node:path';
import { UserInputError } from '../core/index.ts';
import { SecretsErrorCode } from './errors.ts';
import { readKeyFile } from './key-file.ts';
import { parseKeyList } from './key-material.ts';

/** Where the master keys come from. */
export type MasterKeyConfig =
  /** Keys given directly in `PLUGBOARD_MASTER_KEY` (oldest first). */
  | { readonly kind: 'value'; readonly keys: readonly Uint8Array[] }
  /** A key file the operator manages (`PLUGBOARD_MASTER_KEY_FILE`); re-read when a key is missing. */
  | { readonly kind: 'file'; readonly file: string }
  /** The key file Plugboard generates and maintains in the data directory (embedded mode). */
  | { readonly kind: 'embedded'; readonly file: string };

/** Defaults the caller supplies to {@link masterKeyConfigFromEnv}. */
export interface MasterKeyEnvDefaults {
  /** The data directory (where the embedded key file goes). */
  readonly dataDir: string;
  /** True when the database is the embedded SQLite file: only then may a key be generated. */
  readonly embedded: boolean;
}

/** The key file name in the data directory (embedded mode). */
export const MASTER_KEY_FILE_NAME = 'master.key';

/** Reads the master key settings (see the table above); UserInputError naming the variable for invalid values. */
export function masterKeyConfigFromEnv(env: Readonly<Record<string, string | undefined>>, defaults: MasterKeyEnvDefaults): MasterKeyConfig {
  const value = nonEmpty(env['PLUGBOARD_MASTER_KEY']);
  const file = nonEmpty(env['PLUGBOARD_MASTER_KEY_FILE']);
  if (value !== undefined && file !== undefined) {
    throw new UserInputError('PLUGBOARD_MASTER_KEY and PLUGBOARD_MASTER_KEY_FILE are both set — keep only one', {
      code: SecretsErrorCode.MasterKeyInvalid,
      details: { variable: 'PLUGBOARD_MASTER_KEY_FILE' },
    });
  }
  if (value !== undefined) return Object.freeze({ kind: 'value', keys: Object.freeze(parseKeyList(value, 'PLUGBOARD_MASTER_KEY')) });
  if (file !== undefined) {
    const path = resolve(file);
    // Read once now so a wrong path or a malformed key stops the process at start.
    readKeyFile(path, { requirePrivate: false });
    return Object.freeze({ kind: 'file', file: path });
  }
  if (!defaults.embedded) {
    throw new UserInputError(
      'PLUGBOARD_MASTER_KEY (or PLUGBOARD_MASTER_KEY_FILE) is required with PostgreSQL: every Plugboard process must use the same key — generate one with `openssl rand -base64 32` and give it to all of them',
      { code: SecretsErrorCode.MasterKeyInvalid, details: { variable: 'PLUGBOARD_MASTER_KEY' } },
    );
  }
  return Object.freeze({ kind: 'embedded', file: join(resolve(defaults.dataDir), MASTER_KEY_FILE_NAME) });
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}
