/**
 * `plugboard start` settings of the run workers and a start that fails late: out-of-range
 * PLUGBOARD_RUN_WORKERS / PLUGBOARD_RUN_LOCK_SECONDS stop the start with a message naming the
 * variable, the lock applies to trigger checks too, and a failure after the port opened closes the
 * port again.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import type { ServerResponse } from 'node:http';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { PlugboardError } from '../../src/core/index.ts';
import { loadConfig, startServer } from '../../src/server/index.ts';
import { openStore } from '../../src/storage/index.ts';
import { TRIGGERS_QUEUE } from '../../src/workflow/index.ts';

const ADMIN = 'server-start-admin-token-0123456789';

/** Listens on `port` of loopback and closes again; rejects (EADDRINUSE) while something else listens there. */
async function bindOnce(port: number): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const bound = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return bound;
}

describe('run and trigger worker settings', () => {
  const refused = (name: string, value: string, range: RegExp) =>
    assert.throws(
      () => loadConfig({ [name]: value }),
      (error: unknown) => error instanceof PlugboardError && error.code === 'ConfigInvalid' && error.message.startsWith(`${name} is "${value}"`) && range.test(error.message),
      `${name}=${value}`,
    );

  test('PLUGBOARD_RUN_WORKERS is a whole number from 1 to 1000, refused otherwise with a message naming it', () => {
    assert.equal(loadConfig({}).runs.workers, 20);
    assert.equal(loadConfig({ PLUGBOARD_RUN_WORKERS: '1000' }).runs.workers, 1000);
    assert.equal(loadConfig({ PLUGBOARD_RUN_WORKERS: '1' }).runs.workers, 1);
    for (const bad of ['1001', '100000', '0', '-2', '2.5', 'many']) refused('PLUGBOARD_RUN_WORKERS', bad, /from 1 to 1000/);
  });

  test('PLUGBOARD_RUN_LOCK_SECONDS is from 1 second to a day, refused otherwise with a message naming it', () => {
    assert.equal(loadConfig({}).runs.lockMs, 30_000);
    assert.equal(loadConfig({ PLUGBOARD_RUN_LOCK_SECONDS: '86400' }).runs.lockMs, 86_400_000);
    assert.equal(loadConfig({ PLUGBOARD_RUN_LOCK_SECONDS: '2.5' }).runs.lockMs, 2500);
    for (const bad of ['86401', '0', '0.001', '-1', 'long']) refused('PLUGBOARD_RUN_LOCK_SECONDS', bad, /from 1 to 86400/);
  });

  test('PLUGBOARD_RUN_LOCK_SECONDS also bounds a trigger check: another process takes over a check in flight once that long passes without a heartbeat', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'plugboard-trigger-lock-'));
    // A feed that never answers: the server's trigger check stays in flight, its job claimed and heartbeating.
    const held: ServerResponse[] = [];
    let polled: () => void = () => undefined;
    const asked = new Promise<void>((resolve) => {
      polled = resolve;
    });
    const feed = createHttpServer((_req, res) => {
      held.push(res);
      polled();
    });
    await new Promise<void>((resolve) => feed.listen(0, '127.0.0.1', resolve));
    const config = loadConfig({ PLUGBOARD_DATA_DIR: dataDir, PLUGBOARD_PORT: '0', PLUGBOARD_LOG_LEVEL: 'silent', PLUGBOARD_BOOTSTRAP_TOKEN: ADMIN, PLUGBOARD_EGRESS_ALLOW: '127.0.0.1', PLUGBOARD_RUN_LOCK_SECONDS: '3' });
    const server = await startServer(config);
    const store = await openStore(config.store);
    try {
      const definition = {
        triggers: { poll: { type: 'Http', recurrence: { frequency: 'Second', interval: 1 }, inputs: { method: 'GET', uri: `http://127.0.0.1:${(feed.address() as AddressInfo).port}/items` } } },
        actions: {},
      };
      const created = await server.app.inject({ method: 'POST', url: '/api/environments/default/flows', headers: { authorization: `Bearer ${ADMIN}` }, payload: { name: 'held-poll', definition } });
      assert.equal(created.statusCode, 201, created.body);
      const flowId: string = created.json().id;
      await asked;

      const claimAt = (nowMs: number) => store.jobs.claim({ queue: TRIGGERS_QUEUE, holder: 'another-process', nowMs, lockUntilMs: nowMs + 60_000, limit: 1 });
      assert.deepEqual(await claimAt(Date.now()), [], 'while the server checks the trigger (and heartbeats), its check is not handed to another process');
      // Seen from 10 s on (had the server died now): past the 3 s lock, well before the 30 s default.
      const taken = await claimAt(Date.now() + 10_000);
      assert.equal(taken.length, 1, 'the trigger worker must lock its checks for PLUGBOARD_RUN_LOCK_SECONDS (3 s), not the queue default of 30 s: the check was still claimed 10 s on');
      assert.deepEqual({ ...(taken[0]?.payload as object), tick: 0 }, { flowId, triggerName: 'poll', tick: 0 }, 'the job taken over is the check of the flow\'s trigger');
    } finally {
      for (const res of held) res.destroy();
      feed.closeAllConnections();
      await new Promise<void>((resolve) => feed.close(() => resolve()));
      await server.close();
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('a start that fails after listening', () => {
  test('closes the port again and rejects with the cause', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'plugboard-start-'));
    try {
      const port = await bindOnce(0);
      const config = loadConfig({ PLUGBOARD_DATA_DIR: dataDir, PLUGBOARD_PORT: String(port), PLUGBOARD_LOG_LEVEL: 'silent', PLUGBOARD_BOOTSTRAP_TOKEN: ADMIN });
      // A resolved configuration that slipped past loadConfig: the run worker refuses it once the server listens.
      const broken = { ...config, runs: { ...config.runs, workers: 5000 } };
      await assert.rejects(startServer(broken), (error: unknown) => error instanceof Error && /concurrency/.test(error.message));
      assert.equal(await bindOnce(port), port, 'the failed start left nothing listening on its port');
      // The store was closed too: a new start on the same data directory works.
      const server = await startServer(config);
      try {
        assert.equal((await server.app.inject({ method: 'GET', url: '/api/environments', headers: { authorization: `Bearer ${ADMIN}` } })).statusCode, 200);
      } finally {
        await server.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
