/** Assembles a {@link Store} from the per-table stores; both drivers share it. */
import type { Kysely } from 'kysely';
import { errorMessage } from '../core/index.ts';
import type { Clock, Logger } from '../core/index.ts';
import { createApiTokenStore } from './api-token-store.ts';
import { createConnectionStore } from './connection-store.ts';
import { createConnectorStore } from './connector-store.ts';
import { createEnvironmentStore } from './environment-store.ts';
import { createEnvironmentRoleStore } from './environment-role-store.ts';
import { createFlowStore } from './flow-store.ts';
import { createFlowMemberStore } from './flow-member-store.ts';
import { createJobStore } from './job-store.ts';
import { createOAuthAppStore } from './oauth-app-store.ts';
import { createOAuthStateStore } from './oauth-state-store.ts';
import { createPrincipalStore } from './principal-store.ts';
import { createRunStore } from './run-store.ts';
import { createSealedValueStore } from './sealed-value-store.ts';
import { createSecretKeyStore } from './secret-key-store.ts';
import { createFlowKeyStore, createTriggerStateStore } from './trigger-state-store.ts';
import type { Database } from './schema.ts';
import type { MigrationReport, Store, StoreDriver, StoreTransaction } from './store.ts';
import { transactionGuard } from './transaction-scope.ts';
import type { TransactionScope } from './transaction-scope.ts';

/** Options of {@link createKyselyStore}. */
export interface KyselyStoreOptions {
  readonly driver: StoreDriver;
  readonly clock: Clock;
  readonly migrations: MigrationReport;
  /** Receives failures of `afterCommit` callbacks (the transaction has committed by then). */
  readonly logger: Logger;
  /** Shared with the driver, which may check it too (the SQLite driver does, before waiting for its one connection). */
  readonly transactionScope: TransactionScope;
}

/** A store over an open, migrated Kysely instance; `close()` destroys it. */
export function createKyselyStore(rawDb: Kysely<Database>, options: KyselyStoreOptions): Store {
  const { driver, clock, migrations, logger, transactionScope } = options;
  // The outer stores' queries refuse to run inside a transaction's work; the transaction's own do not pass through the guard.
  const db = rawDb.withPlugin(transactionGuard(transactionScope));
  const lockRows = driver === 'postgres';
  /** The stores a transaction handle offers, over the main pool or over one transaction. */
  const journal = (executor: Kysely<Database>) => ({
    flows: createFlowStore(executor, { clock, lockRows }),
    runs: createRunStore(executor, { clock, lockRows }),
    jobs: createJobStore(executor, { clock, lockRows }),
    triggerStates: createTriggerStateStore(executor, clock),
  });
  let closing: Promise<void> | undefined;
  return Object.freeze({
    driver,
    migrations,
    environments: createEnvironmentStore(db, clock),
    principals: createPrincipalStore(db, clock),
    environmentRoles: createEnvironmentRoleStore(db, clock),
    apiTokens: createApiTokenStore(db, clock),
    connectors: createConnectorStore(db, { clock, lockRows }),
    connections: createConnectionStore(db, clock),
    oauthApps: createOAuthAppStore(db, clock),
    oauthStates: createOAuthStateStore(db, clock),
    secretKeys: createSecretKeyStore(db, clock),
    sealedValues: createSealedValueStore(db),
    flowMembers: createFlowMemberStore(db, clock),
    flowKeys: createFlowKeyStore(db, clock),
    ...journal(db),
    async transaction<T>(work: (tx: StoreTransaction) => Promise<T>): Promise<T> {
      // Nested transactions are not supported: on SQLite the inner one would wait for the outer forever.
      transactionScope.assertOutside();
      const callbacks: Array<() => void> = [];
      const result = await rawDb
        .transaction()
        .execute((trx) => transactionScope.run(() => work(Object.freeze({ driver, ...journal(trx), afterCommit: (callback: () => void) => void callbacks.push(callback) }))));
      for (const callback of callbacks) {
        try {
          callback();
        } catch (error) {
          // Committed already: failing the caller now would make it retry work that is done.
          logger.warn('an afterCommit callback failed after the transaction committed', { error: errorMessage(error) });
        }
      }
      return result;
    },
    close() {
      closing ??= rawDb.destroy();
      return closing;
    },
  });
}
