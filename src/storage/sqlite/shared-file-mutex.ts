/**
 * One async mutex per database file per process. `DatabaseSync` waits for SQLite locks
 * synchronously (the busy timeout blocks the thread), so two Store instances on one file in one
 * process would deadlock until the timeout: the waiting one blocks the event loop the holder needs
 * to commit. Serialising their statements here avoids that; other processes still meet SQLite's
 * own locking.
 */

/** A first-in, first-out async mutex. */
export interface AsyncMutex {
  /** Resolves once the caller holds the mutex. */
  lock(): Promise<void>;
  /** Hands the mutex to the next waiter, if any. */
  unlock(): void;
}

/** A reference to a shared mutex; `release()` once the database is closed. */
export interface SharedMutexLease {
  readonly mutex: AsyncMutex;
  release(): void;
}

const shared = new Map<string, { readonly mutex: AsyncMutex; users: number }>();

/** The mutex shared by everything in this process that opens `key` (an absolute file path). */
export function leaseFileMutex(key: string): SharedMutexLease {
  let entry = shared.get(key);
  if (entry === undefined) {
    entry = { mutex: createAsyncMutex(), users: 0 };
    shared.set(key, entry);
  }
  entry.users += 1;
  const held = entry;
  let released = false;
  return {
    mutex: held.mutex,
    release() {
      if (released) return;
      released = true;
      held.users -= 1;
      if (held.users === 0) shared.delete(key);
    },
  };
}

/** Creates an unshared {@link AsyncMutex}. */
export function createAsyncMutex(): AsyncMutex {
  let locked = false;
  const waiters: Array<() => void> = [];
  return {
    lock() {
      if (!locked) {
        locked = true;
        return Promise.resolve();
      }
      return new Promise((resolve) => waiters.push(resolve));
    },
    unlock() {
      const next = waiters.shift();
      if (next === undefined) locked = false;
      else next();
    },
  };
}
