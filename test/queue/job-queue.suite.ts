/**
 * The JobQueue conformance suite, run by embedded-queue.test.ts on SQLite and PostgreSQL. Timing
 * never decides an outcome: tests await events (a handler started, a log line, the worker went
 * idle) and move a manual clock to make jobs due or locks lapse.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PlugboardError, UserInputError, createManualClock, newId } from '../../src/core/index.ts';
import { createEmbeddedQueue } from '../../src/queue/index.ts';
import type { Job, JobQueue } from '../../src/queue/index.ts';
import type { ManualClock } from '../../src/core/index.ts';
import type { Store } from '../../src/storage/index.ts';
import { countingSleep, createAwaitableLogger, createEventCounter, deferred, unrefSleep, yieldTurns } from './queue-kit.ts';
import type { AwaitableLogger, TestDatabase } from './queue-kit.ts';

/** Registers the suite for one database. */
export function defineJobQueueSuite(database: TestDatabase): void {
  describe(`JobQueue (embedded, ${database.name})`, { skip: database.unavailable }, () => {
    let store: Store;
    const queues: JobQueue[] = [];
    before(async () => {
      store = await database.open();
    });
    after(async () => {
      // Bounded: a handler stuck after a failed test must not hang the run.
      await Promise.race([Promise.all(queues.map((q) => q.stop())), new Promise((resolve) => setTimeout(resolve, 5_000).unref())]);
      await store.close();
      await database.dispose();
    });

    const newQueueName = () => `q-${newId().slice(-8)}`;
    /** A queue over the suite's store; stopped at the end even when a test fails. */
    const newQueue = (options: { clock?: ManualClock; logger?: AwaitableLogger; on?: Store } = {}): JobQueue => {
      const queue = createEmbeddedQueue({ store: options.on ?? store, ...(options.clock ? { clock: options.clock } : {}), ...(options.logger ? { logger: options.logger } : {}) });
      queues.push(queue);
      // Workers of a failed test must not keep the test process alive.
      return { ...queue, work: (name, handler, workOptions = {}) => queue.work(name, handler, { sleep: unrefSleep, ...workOptions }) };
    };
    /** A test that fails instead of waiting forever for an event that never comes. */
    const test = (name: string, fn: () => Promise<void>) => it(name, { timeout: 30_000 }, fn);

    test('delivers an enqueued job once, with its payload, and deletes it when the handler succeeds', async () => {
      const queue = newQueue();
      const name = newQueueName();
      const delivered: Job[] = [];
      const handled = deferred();
      const worker = queue.work(name, async (job) => {
        delivered.push(job);
        handled.resolve();
      }, { pollMs: 5 });
      const { id, created } = await queue.enqueue(name, { runId: 'r-1', items: [1, 'two', null] });
      assert.equal(created, true);
      await handled.promise;
      await worker.stop();
      assert.equal(delivered.length, 1);
      assert.equal(delivered[0]?.id, id);
      assert.equal(delivered[0]?.attempt, 1);
      assert.equal(delivered[0]?.queue, name);
      assert.deepEqual(delivered[0]?.payload, { runId: 'r-1', items: [1, 'two', null] });
      assert.equal(await store.jobs.get(id), undefined, 'a completed job stays in the table');
    });

    test('retries a failed handler after the backoff, as attempt 2', async () => {
      const clock = createManualClock(Date.now());
      const logger = createAwaitableLogger();
      const queue = newQueue({ clock, logger });
      const name = newQueueName();
      const attempts: number[] = [];
      const succeeded = deferred();
      const worker = queue.work(
        name,
        async (job) => {
          attempts.push(job.attempt);
          if (job.attempt === 1) throw new Error('upstream said 503');
          succeeded.resolve();
        },
        { pollMs: 5, backoff: (attempt) => attempt * 60_000 },
      );
      const { id } = await queue.enqueue(name, 'payload');
      const failedAt = clock.now();
      await logger.next(/job attempt failed; it will be retried/);
      const waiting = await store.jobs.get(id);
      assert.equal(waiting?.lastError, 'upstream said 503');
      assert.equal(waiting?.runAt, failedAt + 60_000);
      assert.equal(waiting?.lockedBy, null);
      clock.advance(60_000);
      await succeeded.promise;
      await worker.stop();
      assert.deepEqual(attempts, [1, 2]);
      assert.equal(await store.jobs.get(id), undefined);
    });

    test('redelivers a job whose worker died as attempt 2 once its lock lapses, and not before', async () => {
      const clock = createManualClock(Date.now());
      const queue = newQueue({ clock });
      const name = newQueueName();
      const { id } = await queue.enqueue(name, { step: 'call upstream' });
      // A worker claims the job, then its process dies: it never completes nor extends the lock.
      const [claimed] = await store.jobs.claim({ queue: name, holder: 'crashed-worker', nowMs: clock.now(), lockUntilMs: clock.now() + 30_000, limit: 1 });
      assert.equal(claimed?.id, id);

      const delivered: Job[] = [];
      const handled = deferred();
      const { sleep, idles } = countingSleep();
      const worker = queue.work(name, async (job) => {
        delivered.push(job);
        handled.resolve();
      }, { pollMs: 5, sleep });
      await idles.reach(3);
      assert.equal(delivered.length, 0, 'a job was delivered while another worker held its lock');
      clock.advance(30_000);
      await handled.promise;
      await worker.stop();
      assert.equal(delivered.length, 1);
      assert.equal(delivered[0]?.id, id);
      assert.equal(delivered[0]?.attempt, 2);
      assert.equal(await store.jobs.complete(id, 'crashed-worker'), false);
      assert.equal(await store.jobs.get(id), undefined);
    });

    test('never delivers a job enqueued in a transaction that rolled back', async () => {
      const queue = newQueue();
      const name = newQueueName();
      const delivered: unknown[] = [];
      const sentinel = deferred();
      const worker = queue.work(name, async (job) => {
        delivered.push(job.payload);
        if (job.payload === 'sentinel') sentinel.resolve();
      }, { pollMs: 5 });
      await assert.rejects(
        store.transaction(async (tx) => {
          await queue.enqueue(name, 'rolled back', { transaction: tx });
          throw new Error('state change failed');
        }),
        /state change failed/,
      );
      await queue.enqueue(name, 'sentinel');
      await sentinel.promise;
      await worker.stop();
      assert.deepEqual(delivered, ['sentinel']);
      assert.equal(await store.jobs.countLive(name), 0);
    });

    test('delivers a job enqueued in a committed transaction, with the state change visible, without waiting for a poll', async () => {
      const queue = newQueue();
      const name = newQueueName();
      const seen = deferred<unknown>();
      const worker = queue.work(
        name,
        async (job) => {
          const { payload } = job;
          const runId = typeof payload === 'object' && payload !== null && 'runId' in payload ? payload.runId : undefined;
          seen.resolve(typeof runId === 'string' ? (await store.runs.get(runId))?.status : 'no run id');
        },
        // Only the wake-up after commit can deliver it before the test times out.
        { pollMs: 3_600_000 },
      );
      const environment = await store.environments.create({ name: `env-${newId().slice(-8)}` });
      const { flow } = await store.flows.create({ environmentId: environment.id, name: 'f', definition: {} });
      await store.transaction(async (tx) => {
        const run = await tx.runs.create({ flowId: flow.id, flowVersion: 1 });
        await queue.enqueue(name, { runId: run.id }, { transaction: tx });
      });
      assert.equal(await seen.promise, 'Running');
      await worker.stop();
    });

    test('runs at most `concurrency` handlers at once, and reaches it', async () => {
      const queue = newQueue();
      const name = newQueueName();
      for (let i = 0; i < 8; i += 1) await queue.enqueue(name, i);
      let active = 0;
      let maxActive = 0;
      const gates: Array<() => void> = [];
      let openAll = false;
      const started = createEventCounter();
      const finished = createEventCounter();
      const worker = queue.work(
        name,
        async () => {
          active += 1;
          maxActive = Math.max(maxActive, active);
          const gate = deferred();
          gates.push(gate.resolve);
          started.hit();
          if (!openAll) await gate.promise;
          active -= 1;
          finished.hit();
        },
        { concurrency: 3, pollMs: 5 },
      );
      try {
        await started.reach(3);
        await yieldTurns(20);
        assert.equal(started.count, 3, 'a fourth handler started while three were running');
        for (let i = 0; i < 8; i += 1) {
          await started.reach(i + 1);
          gates[i]?.();
          await finished.reach(i + 1);
        }
      } finally {
        // Even when an assertion failed, let every handler finish so that the worker can stop.
        openAll = true;
        for (const open of gates) open();
        await worker.stop();
      }
      assert.equal(maxActive, 3);
      assert.equal(await store.jobs.countLive(name), 0);
    });

    test('never runs one job in two workers at once, each on its own Store over the same database', async () => {
      const second = await database.open();
      try {
        const name = newQueueName();
        const queueA = newQueue();
        const queueB = newQueue({ on: second });
        const total = 30;
        for (let i = 0; i < total; i += 1) await (i % 2 === 0 ? queueA : queueB).enqueue(name, i);
        const running = new Set<string>();
        const overlaps: string[] = [];
        const starts: string[] = [];
        const done = createEventCounter();
        const handler = async (job: Job) => {
          if (running.has(job.id)) overlaps.push(job.id);
          running.add(job.id);
          starts.push(job.id);
          await yieldTurns(1 + (starts.length % 4));
          running.delete(job.id);
          done.hit();
        };
        const workerA = queueA.work(name, handler, { concurrency: 4, pollMs: 5 });
        const workerB = queueB.work(name, handler, { concurrency: 4, pollMs: 5 });
        await done.reach(total);
        await Promise.all([workerA.stop(), workerB.stop()]);
        assert.deepEqual(overlaps, []);
        assert.equal(starts.length, total, 'a job was delivered twice without any crash');
        assert.equal(new Set(starts).size, total);
        assert.equal(await store.jobs.countLive(name), 0);
      } finally {
        await second.close();
      }
    });

    test('stop() waits for the handler in flight and claims nothing more', async () => {
      const queue = newQueue();
      const name = newQueueName();
      const events: string[] = [];
      const gate = deferred();
      const started = deferred();
      const worker = queue.work(name, async (job) => {
        events.push(`start ${String(job.payload)}`);
        started.resolve();
        await gate.promise;
        events.push(`end ${String(job.payload)}`);
      }, { pollMs: 5 });
      await queue.enqueue(name, 'first');
      await started.promise;
      await queue.enqueue(name, 'second');
      const stopping = worker.stop().then(() => events.push('stopped'));
      try {
        await yieldTurns(20);
        assert.deepEqual(events, ['start first'], 'stop() resolved while a handler was running');
      } finally {
        gate.resolve();
        await stopping;
      }
      assert.deepEqual(events, ['start first', 'end first', 'stopped']);
      assert.equal(await store.jobs.countLive(name), 1, 'the second job must wait for the next worker');
    });

    test('keeps a job that failed its last attempt as a dead letter, with the error', async () => {
      const logger = createAwaitableLogger();
      const queue = newQueue({ logger });
      const name = newQueueName();
      const attempts: number[] = [];
      const worker = queue.work(
        name,
        async (job) => {
          attempts.push(job.attempt);
          throw new Error(`attempt ${job.attempt} failed`);
        },
        { pollMs: 5, maxAttempts: 2, backoff: () => 0 },
      );
      const { id } = await queue.enqueue(name, 'doomed');
      await logger.next(/kept as a dead letter/);
      await worker.stop();
      assert.deepEqual(attempts, [1, 2]);
      const [dead] = await store.jobs.listFailed(name, 10);
      assert.equal(dead?.id, id);
      assert.equal(dead?.lastError, 'attempt 2 failed');
      assert.equal(await store.jobs.countLive(name), 0);
    });

    test('delivers one job for two enqueues with the same key', async () => {
      const queue = newQueue();
      const name = newQueueName();
      const first = await queue.enqueue(name, 'a', { key: 'run-42' });
      const second = await queue.enqueue(name, 'b', { key: 'run-42' });
      assert.deepEqual(second, { id: first.id, created: false });
      const delivered: unknown[] = [];
      const sentinel = deferred();
      const worker = queue.work(name, async (job) => {
        delivered.push(job.payload);
        if (job.payload === 'sentinel') sentinel.resolve();
      }, { pollMs: 5 });
      await queue.enqueue(name, 'sentinel', { runAt: Date.now() + 1 });
      await sentinel.promise;
      await worker.stop();
      assert.deepEqual(delivered, ['a', 'sentinel']);
    });

    test('aborts the handler’s signal when another worker took over its job’s lock', async () => {
      const clock = createManualClock(Date.now());
      const logger = createAwaitableLogger();
      const queue = newQueue({ clock, logger });
      const name = newQueueName();
      const started = deferred();
      const aborted = deferred<unknown>();
      const worker = queue.work(
        name,
        async (_job, { signal }) => {
          signal.addEventListener('abort', () => aborted.resolve(signal.reason), { once: true });
          started.resolve();
          await aborted.promise;
        },
        { pollMs: 5, lockMs: 40 },
      );
      const { id } = await queue.enqueue(name, 'slow');
      try {
        await started.promise;
        // The worker stalls past its lock (e.g. a blocked event loop); another worker claims the job.
        clock.advance(41);
        const [stolen] = await store.jobs.claim({ queue: name, holder: 'other-worker', nowMs: clock.now(), lockUntilMs: clock.now() + 60_000, limit: 1 });
        assert.equal(stolen?.id, id);
        const reason = await aborted.promise;
        assert.ok(reason instanceof PlugboardError, `the signal was aborted with ${String(reason)}`);
        assert.equal(reason.code, 'JobLockLost');
        await logger.next(/finished after its lock passed to another worker/);
      } finally {
        aborted.resolve('test over');
        await worker.stop();
      }
      const job = await store.jobs.get(id);
      assert.equal(job?.lockedBy, 'other-worker', 'the first worker completed a job it no longer held');
      assert.equal(job?.attempts, 2);
    });

    test('refuses a bad queue name, payload or worker option', async () => {
      const queue = newQueue();
      await assert.rejects(queue.enqueue('bad name!', 1), UserInputError);
      await assert.rejects(queue.enqueue(newQueueName(), 10n), UserInputError);
      await assert.rejects(queue.enqueue(newQueueName(), 1, { runAt: -5 }), UserInputError);
      assert.throws(() => queue.work(newQueueName(), async () => undefined, { concurrency: 0 }), UserInputError);
      assert.throws(() => queue.work(newQueueName(), async () => undefined, { lockMs: 1 }), UserInputError);
      assert.throws(() => queue.work('', async () => undefined), UserInputError);
    });
  });
}
