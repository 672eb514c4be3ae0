/** The Store configuration a resolved process configuration selects. */
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { UserInputError } from '../../core/index.ts';
import type { StoreConfig } from '../../storage/index.ts';
import type { ResolvedConfig } from './config.ts';

/** PostgreSQL when `PLUGBOARD_DATABASE_URL` is set, else SQLite in the data directory. */
export function storeConfigOf(config: ResolvedConfig): StoreConfig {
  if (config.databaseUrl !== undefined) {
    if (!/^postgres(ql)?:\/\//i.test(config.databaseUrl)) {
      throw new UserInputError('PLUGBOARD_DATABASE_URL must start with postgres:// (PostgreSQL is the only external database) — unset it to use the embedded SQLite database', {
        code: 'ConfigInvalid',
      });
    }
    return { driver: 'postgres', url: config.databaseUrl };
  }
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  return { driver: 'sqlite', file: join(config.dataDir, 'plugboard.db') };
}
