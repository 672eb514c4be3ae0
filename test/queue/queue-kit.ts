/** Test kit for the queue tests: events to await instead of timing, a logger that can be awaited, databases to run on. */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { errorMessage } from '../../src/core/index.ts';
import type { Logger } from '../../src/core/index.ts';
import { openStore } from '../../src/storage/index.ts';
import type { Store, StoreConfig } from '../../src/storage/index.ts';
import { createAbortableSleep } from '../../src/queue/index.ts';
import type { Sleep } from '../../src/queue/index.ts';

/** A promise with its resolve function. */
export interface Deferred<T> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
}

/** Creates a {@link Deferred}. */
export function deferred<T = void>(): Deferred<T> {
  let resolve: (value: T) => void = () => undefined;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** Counts events; `reach(n)` resolves once `n` have happened. */
export interface EventCounter {
  readonly count: number;
  hit(): void;
  reach(n: number): Promise<void>;
}

/** Creates an {@link EventCounter}. */
export function createEventCounter(): EventCounter {
  let count = 0;
  const waiters: Array<{ readonly n: number; readonly resolve: () => void }> = [];
  return {
    get count() {
      return count;
    },
    hit() {
      count += 1;
      for (const waiter of [...waiters]) {
        if (count >= waiter.n) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve();
        }
      }
    },
    reach(n) {
      if (count >= n) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ n, resolve }));
    },
  };
}

/** A logger that records lines and lets a test await one matching a pattern. */
export interface AwaitableLogger extends Logger {
  readonly lines: readonly string[];
  /** Resolves with the first line (past or future) matching `pattern`. */
  next(pattern: RegExp): Promise<string>;
}

/** Creates an {@link AwaitableLogger}. */
export function createAwaitableLogger(): AwaitableLogger {
  const lines: string[] = [];
  const waiters: Array<{ readonly pattern: RegExp; readonly resolve: (line: string) => void }> = [];
  const log = (level: string) => (message: string, fields?: Readonly<Record<string, unknown>>) => {
    const line = `${level} ${message} ${JSON.stringify(fields ?? {})}`;
    lines.push(line);
    for (const waiter of [...waiters]) {
      if (waiter.pattern.test(line)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(line);
      }
    }
  };
  return {
    lines,
    debug: log('debug'),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    next(pattern) {
      const seen = lines.find((line) => pattern.test(line));
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise((resolve) => waiters.push({ pattern, resolve }));
    },
  };
}

/**
 * Real timers that do not keep the process alive: when a test fails and leaves a handler stuck,
 * the test file still ends (with the failure) instead of hanging on the worker's timers.
 */
export const unrefSleep: Sleep = createAbortableSleep({ unref: true });

/** {@link unrefSleep} that also counts how often the worker went idle, so a test can await "it looked and found nothing". */
export function countingSleep(): { readonly sleep: Sleep; readonly idles: EventCounter } {
  const idles = createEventCounter();
  return {
    idles,
    sleep: async (ms, signal) => {
      idles.hit();
      await unrefSleep(ms, signal);
    },
  };
}

/** Lets other callbacks run a few times (no time passes on any clock). */
export async function yieldTurns(turns: number): Promise<void> {
  for (let i = 0; i < turns; i += 1) await new Promise((resolve) => setImmediate(resolve));
}

/** A database the queue tests run against; `open()` returns a new Store on the same database each time. */
export interface TestDatabase {
  readonly name: string;
  readonly config: StoreConfig;
  /** Why it is unavailable (tests are skipped with this reason), or undefined. */
  readonly unavailable: string | undefined;
  open(): Promise<Store>;
  dispose(): Promise<void>;
}

/** A fresh SQLite file in a temporary directory. */
export function sqliteDatabase(): TestDatabase {
  const dir = mkdtempSync(join(tmpdir(), 'plugboard-queue-'));
  const config: StoreConfig = { driver: 'sqlite', file: join(dir, 'queue.db') };
  return {
    name: 'SQLite file',
    config,
    unavailable: undefined,
    open: () => openStore(config),
    async dispose() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const postgresUrl = process.env['PLUGBOARD_TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A fresh schema on the test PostgreSQL (dropped by `dispose`), or an unavailable one with the reason. */
export async function postgresDatabase(suffix: string): Promise<TestDatabase> {
  const schema = `plugboard_test_${randomBytes(6).toString('hex')}_${suffix}`;
  const config: StoreConfig = { driver: 'postgres', url: postgresUrl, schema };
  let unavailable: string | undefined;
  const probe = new pg.Client({ connectionString: postgresUrl, connectionTimeoutMillis: 3000 });
  try {
    await probe.connect();
  } catch (error) {
    // ECONNREFUSED on several addresses arrives as an AggregateError with an empty message.
    unavailable = `PostgreSQL is unreachable (${errorMessage(error) || String(error)}) — start it or set PLUGBOARD_TEST_DATABASE_URL`;
  }
  if (unavailable === undefined) await probe.end();
  if (unavailable !== undefined && process.env['CI'] !== undefined && process.env['CI'] !== '') {
    throw new Error(`the queue tests need PostgreSQL in CI: ${unavailable}`);
  }
  return {
    name: 'PostgreSQL',
    config,
    unavailable,
    open: () => openStore(config),
    async dispose() {
      if (unavailable !== undefined) return;
      const client = new pg.Client({ connectionString: postgresUrl });
      await client.connect();
      try {
        await client.query(`drop schema if exists ${schema} cascade`);
      } finally {
        await client.end();
      }
    },
  };
}
