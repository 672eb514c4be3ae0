/**
 * Catches the one mistake `Store.transaction` invites: calling the outer store from inside
 * `work`. The outer store runs on other connections, so on SQLite the call would wait forever for
 * the transaction that waits for it, and on PostgreSQL it would not see the transaction's changes
 * (or wait on its row locks). Such calls fail at once with `StoreCallInsideTransaction` instead.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { KyselyPlugin } from 'kysely';
import { PlugboardError } from '../core/index.ts';
import { StorageErrorCode } from './errors.ts';

/** Tracks whether the current async context is inside a transaction's `work` of one store. */
export interface TransactionScope {
  /** Runs `work` inside the scope; the scope closes when `work` settles (later continuations are outside). */
  run<T>(work: () => Promise<T>): Promise<T>;
  /** Throws `StoreCallInsideTransaction` when called from inside an open `run`. */
  assertOutside(): void;
}

/** Creates the scope of one Store instance. */
export function createTransactionScope(): TransactionScope {
  const storage = new AsyncLocalStorage<{ open: boolean }>();
  return {
    async run(work) {
      const frame = { open: true };
      try {
        return await storage.run(frame, work);
      } finally {
        frame.open = false;
      }
    },
    assertOutside() {
      if (storage.getStore()?.open === true) {
        throw new PlugboardError(
          'a Store method was called on the outer store inside store.transaction(work) — use the `tx` handle given to `work` (tx.flows, tx.runs, tx.jobs, or the queue with { transaction: tx }); the outer store runs on another connection and would wait for the transaction (SQLite) or not see its changes (PostgreSQL)',
          { code: StorageErrorCode.StoreCallInsideTransaction },
        );
      }
    },
  };
}

/** A Kysely plugin for the outer store's instance: every query it compiles checks the scope first. */
export function transactionGuard(scope: TransactionScope): KyselyPlugin {
  return {
    transformQuery(args) {
      scope.assertOutside();
      return args.node;
    },
    async transformResult(args) {
      return args.result;
    },
  };
}
