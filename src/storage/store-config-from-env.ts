/**
 * Storage's process configuration:
 *
 * | variable | default | meaning |
 * |---|---|---|
 * | `PLUGBOARD_DATABASE_URL` | unset | `postgres://…` to use PostgreSQL; unset for the embedded SQLite file |
 * | `PLUGBOARD_DATABASE_URL_FILE` | unset | a file holding the URL (for secrets mounted as files) |
 * | `PLUGBOARD_DATABASE_SCHEMA` | unset | PostgreSQL schema for Plugboard's tables (created if missing) |
 * | `PLUGBOARD_DATA_DIR` | the caller's `dataDir` | directory of `plugboard.db` when on SQLite (created with mode 0700) |
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UserInputError, errorMessage } from '../core/index.ts';
import { StorageErrorCode } from './errors.ts';
import type { StoreConfig } from './open-store.ts';
import { isPostgresUrl, isValidSchemaName } from './postgres/postgres-config.ts';

/** Defaults the caller supplies to {@link storeConfigFromEnv}. */
export interface StoreEnvDefaults {
  /** Where the SQLite file goes when `PLUGBOARD_DATA_DIR` is unset. */
  readonly dataDir: string;
}

/** The SQLite file name inside the data directory. */
export const SQLITE_FILE_NAME = 'plugboard.db';

/**
 * Reads storage configuration from environment variables (see the table above). Creates the data
 * directory for SQLite. Throws UserInputError naming the variable and the fix for invalid values.
 */
export function storeConfigFromEnv(env: Readonly<Record<string, string | undefined>>, defaults: StoreEnvDefaults): StoreConfig {
  const url = databaseUrl(env);
  const schema = nonEmpty(env['PLUGBOARD_DATABASE_SCHEMA']);
  if (url !== undefined) {
    if (!isPostgresUrl(url)) {
      const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1];
      throw new UserInputError(
        `PLUGBOARD_DATABASE_URL must be a postgres:// or postgresql:// URL${scheme === undefined ? '' : ` (got "${scheme}:")`} — Plugboard supports PostgreSQL, or unset it to use the embedded SQLite database`,
        { code: StorageErrorCode.InvalidStoreConfig, details: { variable: 'PLUGBOARD_DATABASE_URL' } },
      );
    }
    if (!URL.canParse(url)) {
      throw new UserInputError('PLUGBOARD_DATABASE_URL is not a valid URL — use postgres://user:password@host:5432/database and percent-encode special characters in the password', {
        code: StorageErrorCode.InvalidStoreConfig,
        details: { variable: 'PLUGBOARD_DATABASE_URL' },
      });
    }
    if (schema !== undefined && !isValidSchemaName(schema)) {
      throw new UserInputError(`PLUGBOARD_DATABASE_SCHEMA "${schema}" is invalid — use lower-case letters, digits and underscores, starting with a letter or underscore (at most 63)`, {
        code: StorageErrorCode.InvalidStoreConfig,
        details: { variable: 'PLUGBOARD_DATABASE_SCHEMA' },
      });
    }
    return Object.freeze(schema === undefined ? { driver: 'postgres', url } : { driver: 'postgres', url, schema });
  }
  if (schema !== undefined) {
    throw new UserInputError('PLUGBOARD_DATABASE_SCHEMA is set but PLUGBOARD_DATABASE_URL is not — a schema only applies to PostgreSQL; set the URL or unset the schema', {
      code: StorageErrorCode.InvalidStoreConfig,
      details: { variable: 'PLUGBOARD_DATABASE_SCHEMA' },
    });
  }
  const dataDir = resolve(nonEmpty(env['PLUGBOARD_DATA_DIR']) ?? defaults.dataDir);
  try {
    // 0700: the database holds token hashes and (later) encrypted secrets.
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  } catch (cause) {
    throw new UserInputError(`cannot create the data directory ${dataDir}: ${errorMessage(cause)} — set PLUGBOARD_DATA_DIR to a writable directory`, {
      code: StorageErrorCode.InvalidStoreConfig,
      details: { variable: 'PLUGBOARD_DATA_DIR' },
      cause,
    });
  }
  const sync = nonEmpty(env['PLUGBOARD_SQLITE_SYNC'])?.toLowerCase() ?? 'normal';
  if (sync !== 'normal' && sync !== 'full') {
    throw new UserInputError(`PLUGBOARD_SQLITE_SYNC is "${sync}" — use normal (commits survive a process crash) or full (commits also survive a power cut, slower)`, {
      code: StorageErrorCode.InvalidStoreConfig,
      details: { variable: 'PLUGBOARD_SQLITE_SYNC' },
    });
  }
  return Object.freeze({ driver: 'sqlite', file: join(dataDir, SQLITE_FILE_NAME), synchronous: sync });
}

function databaseUrl(env: Readonly<Record<string, string | undefined>>): string | undefined {
  const direct = nonEmpty(env['PLUGBOARD_DATABASE_URL']);
  const file = nonEmpty(env['PLUGBOARD_DATABASE_URL_FILE']);
  if (direct !== undefined && file !== undefined) {
    throw new UserInputError('PLUGBOARD_DATABASE_URL and PLUGBOARD_DATABASE_URL_FILE are both set — keep only one', {
      code: StorageErrorCode.InvalidStoreConfig,
      details: { variable: 'PLUGBOARD_DATABASE_URL_FILE' },
    });
  }
  if (file === undefined) return direct;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new UserInputError(`cannot read PLUGBOARD_DATABASE_URL_FILE ${file}: ${errorMessage(cause)} — point it at a readable file containing the postgres:// URL`, {
      code: StorageErrorCode.InvalidStoreConfig,
      details: { variable: 'PLUGBOARD_DATABASE_URL_FILE' },
      cause,
    });
  }
  const url = nonEmpty(text.trim());
  if (url === undefined) {
    throw new UserInputError(`PLUGBOARD_DATABASE_URL_FILE ${file} is empty — write the postgres:// URL into it`, {
      code: StorageErrorCode.InvalidStoreConfig,
      details: { variable: 'PLUGBOARD_DATABASE_URL_FILE' },
    });
  }
  return url;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}
