/** Assembles a {@link Store} from the per-table stores; both drivers share it. */
import type { Kysely } from 'kysely';
import type { Clock } from '../core/index.ts';
import { createApiTokenStore } from './api-token-store.ts';
import { createConnectionStore } from './connection-store.ts';
import { createConnectorStore } from './connector-store.ts';
import { createEnvironmentStore } from './environment-store.ts';
import { createOAuthAppStore } from './oauth-app-store.ts';
import { createOAuthStateStore } from './oauth-state-store.ts';
import { createPrincipalStore } from './principal-store.ts';
import { createSealedValueStore } from './sealed-value-store.ts';
import { createSecretKeyStore } from './secret-key-store.ts';
import type { Database } from './schema.ts';
import type { MigrationReport, Store, StoreDriver } from './store.ts';

/** Options of {@link createKyselyStore}. */
export interface KyselyStoreOptions {
  readonly driver: StoreDriver;
  readonly clock: Clock;
  readonly migrations: MigrationReport;
}

/** A store over an open, migrated Kysely instance; `close()` destroys it. */
export function createKyselyStore(db: Kysely<Database>, options: KyselyStoreOptions): Store {
  const { driver, clock, migrations } = options;
  let closing: Promise<void> | undefined;
  return Object.freeze({
    driver,
    migrations,
    environments: createEnvironmentStore(db, clock),
    principals: createPrincipalStore(db, clock),
    apiTokens: createApiTokenStore(db, clock),
    connectors: createConnectorStore(db, { clock, lockRows: driver === 'postgres' }),
    connections: createConnectionStore(db, clock),
    oauthApps: createOAuthAppStore(db, clock),
    oauthStates: createOAuthStateStore(db, clock),
    secretKeys: createSecretKeyStore(db, clock),
    sealedValues: createSealedValueStore(db),
    close() {
      closing ??= db.destroy();
      return closing;
    },
  });
}
