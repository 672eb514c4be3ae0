/**
 * Run retention (T-D11) on an injected clock: finished runs older than the retention are deleted
 * with their action attempts and stored blobs, unfinished runs never; the maintenance job works in
 * batches and queues itself for the next day, and deletes expired OAuth states; the setting is validated. The store operations
 * behind it (and cancel's) run on SQLite and on PostgreSQL.
 */
import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { after, describe, test } from 'node:test';
import { DatabaseSync } from 'node:sqlite';
import pg from 'pg';
import { UserInputError, createManualClock } from '../../../src/core/index.ts';
import type { ManualClock } from '../../../src/core/index.ts';
import { createEmbeddedQueue } from '../../../src/queue/index.ts';
import { loadConfig } from '../../../src/server/index.ts';
import { RUN_BLOB_THRESHOLD_BYTES, openStore } from '../../../src/storage/index.ts';
import type { Store } from '../../../src/storage/index.ts';
import { MAINTENANCE_QUEUE, createRunRetention } from '../../../src/workflow/index.ts';
import { postgresDatabase, sqliteDatabase } from '../../queue/queue-kit.ts';
import type { TestDatabase } from '../../queue/queue-kit.ts';

const DAY = 86_400_000;
const DEFINITION = { triggers: { manual: { type: 'Request', kind: 'Http', inputs: {} } }, actions: { A: { type: 'Compose', inputs: 1, runAfter: {} } } };
const BIG = 'x'.repeat(RUN_BLOB_THRESHOLD_BYTES + 10);

async function newFlow(store: Store, name: string): Promise<string> {
  const environment = await store.environments.ensure('default');
  return (await store.flows.create({ environmentId: environment.id, name, definition: DEFINITION })).flow.id;
}

/** A run with one finished action (and, with `big`, trigger outputs and action outputs stored as blobs), finished unless `status` is unfinished. */
async function runEndingNow(store: Store, flowId: string, options: { status?: 'Succeeded' | 'Failed' | 'Running' | 'Waiting'; big?: boolean } = {}): Promise<string> {
  const status = options.status ?? 'Succeeded';
  const run = await store.runs.create({ flowId, flowVersion: 1, triggerOutputs: options.big === true ? { body: BIG } : { body: 1 } });
  await store.runs.recordAction({ runId: run.id, name: 'A', status: 'Succeeded', outputs: options.big === true ? BIG : 1 });
  if (status === 'Running' || status === 'Waiting') {
    await store.runs.startAction({ runId: run.id, name: 'B' });
    if (status === 'Waiting') await store.runs.setStatus(run.id, 'Waiting');
  } else {
    await store.runs.finish(run.id, { status, outputs: options.big === true ? BIG : null });
  }
  return run.id;
}

const databases: TestDatabase[] = [sqliteDatabase(), await postgresDatabase('retention')];
after(async () => {
  for (const database of databases) await database.dispose();
});

for (const database of databases) {
  describe(`run retention on ${database.name}`, { ...(database.unavailable === undefined ? {} : { skip: database.unavailable }) }, () => {
    let clock: ManualClock;
    let store: Store;
    const blobsOf = async (runId: string): Promise<number> => {
      const config = database.config;
      if (config.driver === 'sqlite') {
        assert.ok('file' in config, 'the SQLite test database is a file');
        const db = new DatabaseSync(config.file);
        try {
          return Number((db.prepare('select count(*) as n from run_blobs where run_id = ?').get(runId) as { n: number }).n);
        } finally {
          db.close();
        }
      }
      const client = new pg.Client({ connectionString: config.url });
      await client.connect();
      try {
        const result = await client.query<{ n: string }>(`select count(*) as n from ${config.schema ?? 'public'}.run_blobs where run_id = $1`, [runId]);
        return Number(result.rows[0]?.n);
      } finally {
        await client.end();
      }
    };

    test('a cleanup deletes finished runs older than the retention with their attempts and blobs, and never an unfinished run', async (t) => {
      clock = createManualClock(Date.UTC(2026, 0, 1));
      store = await openStore(database.config, { clock });
      t.after(() => store.close());
      const flowId = await newFlow(store, `retention-${Date.now()}`);
      const oldBig = await runEndingNow(store, flowId, { big: true });
      const oldFailed = await runEndingNow(store, flowId, { status: 'Failed' });
      const oldRunning = await runEndingNow(store, flowId, { status: 'Running', big: true });
      const oldWaiting = await runEndingNow(store, flowId, { status: 'Waiting' });
      assert.ok((await blobsOf(oldBig)) >= 3, 'trigger outputs, action outputs and run outputs are blobs');
      clock.advance(80 * DAY);
      const recent = await runEndingNow(store, flowId);
      clock.advance(11 * DAY);

      const retention = createRunRetention({ store, queue: createEmbeddedQueue({ store, clock }), clock, retentionDays: 90 });
      const outcome = await retention.cleanup();
      assert.equal(outcome.deleted, 2);
      assert.equal(outcome.more, false);
      assert.equal(outcome.cutoff, Date.UTC(2026, 0, 1) + DAY);
      for (const id of [oldBig, oldFailed]) {
        assert.equal(await store.runs.get(id), undefined);
        assert.deepEqual(await store.runs.listActions(id), []);
        assert.equal(await blobsOf(id), 0, 'the blobs go with the run');
      }
      for (const id of [oldRunning, oldWaiting, recent]) assert.notEqual(await store.runs.get(id), undefined);
      assert.ok((await blobsOf(oldRunning)) > 0, 'an unfinished run keeps its blobs');
      assert.equal((await retention.cleanup()).deleted, 0, 'a second cleanup finds nothing more');

      // A shorter retention applies from the next cleanup: the run that ended 11 days ago goes too.
      const shorter = createRunRetention({ store, queue: createEmbeddedQueue({ store, clock }), clock, retentionDays: 10 });
      assert.equal((await shorter.cleanup()).deleted, 1);
      assert.equal(await store.runs.get(recent), undefined);
      assert.deepEqual((await store.runs.getStatuses([oldRunning, oldWaiting, recent])), new Map([[oldRunning, 'Running'], [oldWaiting, 'Waiting']]));
    });

    test('the maintenance job deletes in batches, continues in a follow-up job, and queues itself for the next day', async (t) => {
      clock = createManualClock(Date.UTC(2026, 3, 1));
      store = await openStore(database.config, { clock });
      const queue = createEmbeddedQueue({ store, clock });
      t.after(async () => {
        await queue.stop();
        await store.close();
      });
      const flowId = await newFlow(store, `retention-job-${Date.now()}`);
      const old: string[] = [];
      for (let i = 0; i < 5; i++) old.push(await runEndingNow(store, flowId));
      clock.advance(2 * DAY);
      const retention = createRunRetention({ store, queue, clock, retentionDays: 1, batchSize: 2, maxBatchesPerJob: 1 });
      await retention.schedule();
      await retention.schedule();
      assert.equal(await store.jobs.countLive(MAINTENANCE_QUEUE), 1, 'one cleanup per day, however often the server starts');
      const worker = retention.work({ pollMs: 5 });
      t.after(() => worker.stop());
      const remaining = async () => (await store.runs.getStatuses(old)).size;
      const deadline = Date.now() + 20_000;
      while ((await remaining()) > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
      assert.equal(await remaining(), 0, 'three jobs of at most 2 runs deleted all 5');
      // The next cleanup waits a day.
      const later = await runEndingNow(store, flowId);
      clock.advance(DAY - 1000);
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.equal(await store.jobs.countLive(MAINTENANCE_QUEUE), 1);
      assert.notEqual(await store.runs.get(later), undefined, 'no cleanup before the day is over');
      clock.advance(2000);
      while ((await store.runs.get(later)) !== undefined && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
      assert.equal(await store.runs.get(later), undefined, "the next day's cleanup ran");
      // The job that deleted the run is live until its handler returns (it queues the next one
      // first): stopping the worker waits for that handler and records its outcome.
      await worker.stop();
      assert.equal(await store.jobs.countLive(MAINTENANCE_QUEUE), 1, 'and queued the one after');
    });

    test('the daily cleanup also deletes expired OAuth sign-in states and keeps live ones usable', async (t) => {
      clock = createManualClock(Date.UTC(2026, 4, 1));
      store = await openStore(database.config, { clock });
      t.after(() => store.close());
      const environment = await store.environments.ensure('default');
      const principal = await store.principals.create({ kind: 'user', name: `oauth-states-${Date.now()}`, role: 'maker' });
      const stateOf = (expiresAt: number) =>
        store.oauthStates.create({ stateHash: createHash('sha256').update(randomUUID()).digest('hex'), environmentId: environment.id, principalId: principal.id, connectionId: null, payload: 'sealed', expiresAt });
      const now = clock.now();
      await stateOf(now - 60_000);
      await stateOf(now - DAY);
      const live = await stateOf(now + 600_000);

      const retention = createRunRetention({ store, queue: createEmbeddedQueue({ store, clock }), clock, retentionDays: 90 });
      assert.equal((await retention.cleanup()).expiredOAuthStates, 2);
      assert.equal((await retention.cleanup()).expiredOAuthStates, 0, 'nothing expired is left');
      assert.equal((await store.oauthStates.consume(live.stateHash, clock.now()))?.id, live.id, 'a state still in its lifetime is kept');
    });

    test('cancel ends an unfinished run and its open attempts at once; a finished run is a conflict', async (t) => {
      clock = createManualClock(Date.UTC(2026, 5, 1));
      store = await openStore(database.config, { clock });
      t.after(() => store.close());
      const flowId = await newFlow(store, `cancel-store-${Date.now()}`);
      const running = await runEndingNow(store, flowId, { status: 'Running' });
      clock.advance(1000);
      const summary = await store.runs.cancel(running, { error: { code: 'RunCancelled', message: 'cancelled' }, actionError: { code: 'Cancelled', message: 'stopped' } });
      assert.equal(summary.status, 'Cancelled');
      assert.equal(summary.endedAt, Date.UTC(2026, 5, 1) + 1000);
      assert.deepEqual((await store.runs.listActions(running)).map((a) => `${a.name}:${a.status}`).sort(), ['A:Succeeded', 'B:Cancelled']);
      await assert.rejects(store.runs.cancel(running, { error: null, actionError: null }), (error: unknown) => error instanceof Error && 'code' in error && error.code === 'RunAlreadyFinished');
      await assert.rejects(store.runs.startAction({ runId: running, name: 'Late' }), (error: unknown) => error instanceof Error && 'code' in error && error.code === 'RunAlreadyFinished');
    });
  });
}

describe('retention settings', () => {
  test('PLUGBOARD_RUN_RETENTION_DAYS defaults to 90 days and must be a whole number of days', () => {
    assert.equal(loadConfig({}).runs.retentionDays, 90);
    assert.equal(loadConfig({ PLUGBOARD_RUN_RETENTION_DAYS: '7' }).runs.retentionDays, 7);
    for (const bad of ['0', '1.5', '-3', 'forever', '36501']) {
      assert.throws(() => loadConfig({ PLUGBOARD_RUN_RETENTION_DAYS: bad }), (error: unknown) => error instanceof UserInputError && error.message.includes('PLUGBOARD_RUN_RETENTION_DAYS'));
    }
  });

  test('a retention outside 1–36500 days is refused when the job is created', async () => {
    const store = await openStore({ driver: 'sqlite', memory: true });
    try {
      const clock = createManualClock();
      assert.throws(() => createRunRetention({ store, queue: createEmbeddedQueue({ store }), clock, retentionDays: 0 }), UserInputError);
      assert.equal(createRunRetention({ store, queue: createEmbeddedQueue({ store }), clock }).retentionDays, 90);
    } finally {
      await store.close();
    }
  });
});
