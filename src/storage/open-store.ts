/** The one entry point that opens a {@link Store} from configuration. */
import { UserInputError, silentLogger, systemClock } from '../core/index.ts';
import type { Clock, Logger } from '../core/index.ts';
import { StorageErrorCode } from './errors.ts';
import { openPostgresStore } from './postgres/postgres-store.ts';
import { isPostgresUrl, isValidSchemaName } from './postgres/postgres-config.ts';
import { openSqliteStore } from './sqlite/sqlite-store.ts';
import type { Store } from './store.ts';

/** Which database to open. */
export type StoreConfig =
  | {
      readonly driver: 'sqlite';
      readonly file: string;
      /**
       * `normal` (default): a commit survives a crash of the process, not necessarily a power cut
       * (WAL synced at checkpoints); `full`: every commit is synced to disk before it returns
       * (~1 ms more per commit on a typical disk). docs/adr/0003-sqlite-synchronous-normal.md.
       */
      readonly synchronous?: SqliteSynchronous;
    }
  | { readonly driver: 'sqlite'; readonly memory: true }
  | { readonly driver: 'postgres'; readonly url: string; readonly schema?: string };

/** How SQLite syncs commits to disk (see {@link StoreConfig}). */
export type SqliteSynchronous = 'normal' | 'full';

/** Injected collaborators of {@link openStore}. */
export interface OpenStoreOptions {
  /** Source of `createdAt`/`updatedAt`/`revokedAt`…; defaults to the system clock. */
  readonly clock?: Clock;
  /** Receives driver warnings (WAL refused, idle connection lost); defaults to silent. */
  readonly logger?: Logger;
}

/** The environment every store has from the start. */
export const DEFAULT_ENVIRONMENT = 'default';

/** Opens the configured database, migrates it, and ensures the `default` environment exists. */
export async function openStore(config: StoreConfig, options: OpenStoreOptions = {}): Promise<Store> {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger;
  const store = await openDriver(config, clock, logger);
  try {
    await store.environments.ensure(DEFAULT_ENVIRONMENT);
  } catch (error) {
    await store.close();
    throw error;
  }
  return store;
}

function openDriver(config: StoreConfig, clock: Clock, logger: Logger): Promise<Store> {
  if (config.driver === 'postgres') {
    if (!isPostgresUrl(config.url)) {
      throw invalid(`postgres store url must start with postgres:// or postgresql:// — got a URL starting with "${config.url.split(':')[0] ?? ''}:"`);
    }
    if (config.schema !== undefined && !isValidSchemaName(config.schema)) {
      throw invalid(`postgres schema "${config.schema}" is invalid — use lower-case letters, digits and underscores, starting with a letter or underscore (at most 63)`);
    }
    return openPostgresStore({ url: config.url, schema: config.schema, clock, logger });
  }
  if ('memory' in config) return openSqliteStore({ file: ':memory:', clock, logger });
  if (typeof config.file !== 'string' || config.file === '' || config.file === ':memory:') {
    throw invalid('sqlite store file must be a file path — use { driver: "sqlite", memory: true } for an in-memory database');
  }
  return openSqliteStore({ file: config.file, clock, logger, synchronous: config.synchronous ?? 'normal' });
}

function invalid(message: string): UserInputError {
  return new UserInputError(message, { code: StorageErrorCode.InvalidStoreConfig });
}
