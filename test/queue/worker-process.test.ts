/**
 * Workers in real child processes over one database: a worker killed with SIGKILL mid-job loses
 * nothing (the job is delivered again, as attempt 2, once its lock lapses), and two worker
 * processes on one SQLite file (or one PostgreSQL schema) never run the same job.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, describe, it } from 'node:test';
import { createManualClock, newId } from '../../src/core/index.ts';
import { createEmbeddedQueue } from '../../src/queue/index.ts';
import type { Job } from '../../src/queue/index.ts';
import { countingSleep, createEventCounter, deferred, postgresDatabase, sqliteDatabase } from './queue-kit.ts';
import type { TestDatabase } from './queue-kit.ts';

const FIXTURE = join(import.meta.dirname, 'worker-child.fixture.ts');
/** The child's default lock duration (WorkOptions.lockMs). */
const CHILD_LOCK_MS = 30_000;

/** A worker process and the lines it printed. */
interface ChildWorker {
  readonly process: ChildProcess;
  readonly lines: string[];
  /** Resolves with the first line (past or future) matching `pattern`. */
  line(pattern: RegExp): Promise<string>;
  readonly exited: Promise<{ readonly code: number | null; readonly signal: NodeJS.Signals | null }>;
}

function spawnWorker(config: object, onLine: (line: string) => void): ChildWorker {
  const child = spawn(process.execPath, ['--disable-warning=ExperimentalWarning', FIXTURE, JSON.stringify(config)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines: string[] = [];
  const waiters: Array<{ readonly pattern: RegExp; readonly resolve: (line: string) => void }> = [];
  const stdout = child.stdout;
  if (stdout === null) throw new Error('the child has no stdout pipe');
  createInterface({ input: stdout }).on('line', (line) => {
    lines.push(line);
    onLine(line);
    for (const waiter of [...waiters]) {
      if (waiter.pattern.test(line)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(line);
      }
    }
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return {
    process: child,
    lines,
    exited,
    line(pattern) {
      const seen = lines.find((l) => pattern.test(l));
      return seen === undefined ? new Promise((resolve) => waiters.push({ pattern, resolve })) : Promise.resolve(seen);
    },
  };
}

function defineWorkerProcessTests(database: TestDatabase): void {
  describe(`worker processes (${database.name})`, { skip: database.unavailable }, () => {
    const children: ChildWorker[] = [];
    after(async () => {
      for (const child of children) if (child.process.exitCode === null && child.process.signalCode === null) child.process.kill('SIGKILL');
      await database.dispose();
    });
    const start = (config: object, onLine: (line: string) => void = () => undefined): ChildWorker => {
      const child = spawnWorker({ store: database.config, ...config }, onLine);
      children.push(child);
      return child;
    };

    it('delivers the job of a worker killed with SIGKILL mid-job again, as attempt 2, once its lock lapses', { timeout: 60_000 }, async () => {
      const store = await database.open();
      try {
        const queueName = `kill-${newId().slice(-8)}`;
        const parentQueue = createEmbeddedQueue({ store });
        const { id } = await parentQueue.enqueue(queueName, { step: 'charge card' });

        const child = start({ queue: queueName, mode: 'hang' });
        assert.equal(await child.line(/^claimed /), `claimed ${id} 1`);
        child.process.kill('SIGKILL');
        assert.equal((await child.exited).signal, 'SIGKILL');
        const orphan = await store.jobs.get(id);
        assert.equal(orphan?.attempts, 1);
        assert.notEqual(orphan?.lockedBy, null, 'the killed worker held the job');

        // A new worker (here: the test process) on a clock that has not yet passed the dead worker's lock…
        const clock = createManualClock(Date.now());
        const delivered: Job[] = [];
        const handled = deferred();
        const { sleep, idles } = countingSleep();
        const worker = createEmbeddedQueue({ store, clock }).work(queueName, async (job) => {
          delivered.push(job);
          handled.resolve();
        }, { pollMs: 10, sleep });
        try {
          await idles.reach(3);
          assert.equal(delivered.length, 0, 'the job was delivered again while the dead worker’s lock held');
          // …gets it once the lock has lapsed.
          clock.advance(CHILD_LOCK_MS + 1_000);
          await handled.promise;
        } finally {
          await worker.stop();
        }
        assert.equal(delivered.length, 1);
        assert.equal(delivered[0]?.id, id);
        assert.equal(delivered[0]?.attempt, 2);
        assert.deepEqual(delivered[0]?.payload, { step: 'charge card' });
        assert.equal(await store.jobs.get(id), undefined);
      } finally {
        await store.close();
      }
    });

    it('never runs one job in two worker processes, and both stop cleanly on SIGTERM', { timeout: 60_000 }, async () => {
      const store = await database.open();
      try {
        const queueName = `procs-${newId().slice(-8)}`;
        const queue = createEmbeddedQueue({ store });
        const total = 40;
        const ids = new Set<string>();
        for (let i = 0; i < total; i += 1) ids.add((await queue.enqueue(queueName, i)).id);

        const ends = createEventCounter();
        const countEnds = (line: string): void => {
          if (line.startsWith('end ')) ends.hit();
        };
        const workers = [start({ queue: queueName, mode: 'work', concurrency: 2 }, countEnds), start({ queue: queueName, mode: 'work', concurrency: 2 }, countEnds)];
        await ends.reach(total);
        // A worker still starting up has no SIGTERM handler yet: wait until both said `ready`.
        await Promise.all(workers.map((worker) => worker.line(/^ready$/)));
        for (const worker of workers) worker.process.kill('SIGTERM');
        const exits = await Promise.all(workers.map((w) => w.exited));
        assert.deepEqual(exits.map((e) => e.code), [0, 0]);
        for (const worker of workers) assert.ok(worker.lines.includes('stopped'), 'a worker did not stop gracefully');

        const starts = workers.flatMap((w) => w.lines.filter((l) => l.startsWith('start ')).map((l) => l.split(' ')[1] ?? ''));
        assert.equal(starts.length, total, 'a job was started twice without any crash');
        assert.deepEqual(new Set(starts), ids);
        assert.equal(await store.jobs.countLive(queueName), 0);
      } finally {
        await store.close();
      }
    });
  });
}

defineWorkerProcessTests(sqliteDatabase());
defineWorkerProcessTests(await postgresDatabase('procs'));
