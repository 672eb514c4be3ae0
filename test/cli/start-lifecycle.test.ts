/**
 * `plugboard start` in a child process, driven as an operator would: SIGTERM while a run's Http
 * action is in flight stops intake, lets the action finish, exits 0, and the next start finishes
 * the run with nothing lost or repeated. Then `plugboard runs cancel` (another process) stops a
 * run the server executes, and `plugboard runs resubmit` queues a new one the server runs.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { CLI_MAIN, runCliAsync } from '../kit/cli.ts';

const TOKEN = randomBytes(24).toString('hex');

let dataDir: string;
let backend: Server;
let backendUrl: string;
const hits: Record<string, number> = {};
/** Held responses by path: answered when the test says so. */
const held = new Map<string, ServerResponse>();
const heldWaiters = new Map<string, () => void>();
const children: ChildProcess[] = [];

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'plugboard-sigterm-'));
  backend = createServer((request, response) => {
    const path = request.url ?? '/';
    hits[path] = (hits[path] ?? 0) + 1;
    // The first call of a /hold… path is answered only when the test releases it.
    if (path.startsWith('/hold') && hits[path] === 1) {
      held.set(path, response);
      heldWaiters.get(path)?.();
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ path, call: hits[path] }));
  });
  await new Promise<void>((resolve) => backend.listen(0, '127.0.0.1', resolve));
  backendUrl = `http://127.0.0.1:${(backend.address() as AddressInfo).port}`;
});

after(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  backend.closeAllConnections();
  await new Promise<void>((resolve) => backend.close(() => resolve()));
  rmSync(dataDir, { recursive: true, force: true });
});

/** The server's settings (the data directory is added where it is used: it is made in `before`). */
const env = { PLUGBOARD_DATABASE_URL: '', PLUGBOARD_BOOTSTRAP_TOKEN: TOKEN, PLUGBOARD_EGRESS_ALLOW: '127.0.0.1/32', PLUGBOARD_LOG_LEVEL: 'silent' };

/** A running `plugboard start`: its URL, what it printed, and its exit. */
interface Started {
  readonly child: ChildProcess;
  readonly url: string;
  readonly stderr: () => string;
  readonly exited: Promise<number | null>;
  /** Resolves once stderr contains `text`. */
  printed(text: string): Promise<void>;
}

async function startServer(): Promise<Started> {
  const child = spawn(process.execPath, ['--disable-warning=ExperimentalWarning', CLI_MAIN, 'start', '--port', '0'], {
    env: { ...process.env, ...env, PLUGBOARD_DATA_DIR: dataDir },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  children.push(child);
  let text = '';
  const watchers: { text: string; resolve: () => void }[] = [];
  child.stderr?.on('data', (chunk: Buffer) => {
    text += chunk.toString();
    for (const watcher of watchers) if (text.includes(watcher.text)) watcher.resolve();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const printed = (wanted: string) =>
    new Promise<void>((resolve, reject) => {
      if (text.includes(wanted)) return resolve();
      watchers.push({ text: wanted, resolve });
      void exited.then(() => reject(new Error(`the server exited before printing "${wanted}":\n${text}`)));
    });
  await printed('is listening on ');
  const url = /listening on (\S+)/.exec(text)?.[1];
  assert.ok(url !== undefined, text);
  return { child, url, stderr: () => text, exited, printed };
}

async function api(server: Started, method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, json: text === '' ? undefined : JSON.parse(text) };
}

function heldCall(path: string): Promise<void> {
  return new Promise((resolve) => {
    if (held.has(path)) return resolve();
    heldWaiters.set(path, resolve);
  });
}

async function until<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

function httpFlow(name: string, first: string, second: string) {
  return {
    name,
    definition: {
      triggers: { manual: { type: 'Request', kind: 'Http', inputs: {} } },
      actions: {
        First: { type: 'Http', inputs: { method: 'GET', uri: `${backendUrl}${first}` }, runAfter: {} },
        Second: { type: 'Http', inputs: { method: 'GET', uri: `${backendUrl}${second}` }, runAfter: { First: ['Succeeded'] } },
        Summary: { type: 'Compose', inputs: { first: "@body('First')", second: "@body('Second')" }, runAfter: { Second: ['Succeeded'] } },
      },
    },
  };
}

const finished = (run: { status: string }) => run.status !== 'Running' && run.status !== 'Waiting';

test('SIGTERM lets the Http action in flight finish, exits 0, and the next start finishes the run with nothing lost or repeated', async () => {
  const first = await startServer();
  const created = await api(first, 'POST', '/api/environments/default/flows', httpFlow('sigterm', '/hold-sigterm', '/after-sigterm'));
  assert.equal(created.status, 201, JSON.stringify(created.json));
  const flowId: string = created.json.id;
  const started = await api(first, 'POST', `/api/environments/default/flows/${flowId}/run`, { body: { n: 1 } });
  assert.equal(started.status, 202);
  const runId: string = started.json.runId;
  const runPath = `/api/environments/default/flows/${flowId}/runs/${runId}`;

  await heldCall('/hold-sigterm');
  first.child.kill('SIGTERM');
  await first.printed('is stopping');
  // The port is closed at once: no new requests while the run drains.
  await until('the port to close', async () => ((await fetch(`${first.url}/healthz`).then(() => false, () => true)) ? true : undefined));
  held.get('/hold-sigterm')?.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ path: '/hold-sigterm', call: 1 }));
  assert.equal(await first.exited, 0, first.stderr());
  assert.match(first.stderr(), /Plugboard stopped/);
  assert.equal(hits['/after-sigterm'], undefined, 'no new action started after SIGTERM');

  const second = await startServer();
  const run = await until('the run to finish after the restart', async () => {
    const answer = await api(second, 'GET', runPath);
    return answer.status === 200 && finished(answer.json) ? answer.json : undefined;
  });
  assert.equal(run.status, 'Succeeded', JSON.stringify(run));
  assert.deepEqual({ hold: hits['/hold-sigterm'], after: hits['/after-sigterm'] }, { hold: 1, after: 1 }, 'each call was sent once');
  assert.equal(run.actions.First.attempts, 1, 'the action in flight at SIGTERM was recorded, not run again');
  assert.equal(run.actions.First.status, 'Succeeded');
  assert.deepEqual(run.actions.Summary.outputs, { first: { path: '/hold-sigterm', call: 1 }, second: { path: '/after-sigterm', call: 1 } });

  // `plugboard runs cancel` in another process stops a run this server executes, aborting its Http call.
  const cancelFlow = await api(second, 'POST', '/api/environments/default/flows', httpFlow('cancel-from-cli', '/hold-cancel', '/after-cancel'));
  const toCancel = (await api(second, 'POST', `/api/environments/default/flows/${cancelFlow.json.id}/run`, { body: null })).json.runId as string;
  await heldCall('/hold-cancel');
  const cancelled = await runCliAsync(dataDir, ['runs', 'cancel', toCancel], { env });
  assert.equal(cancelled.code, 0, cancelled.stderr);
  assert.match(cancelled.stdout, new RegExp(`run ${toCancel} cancelled`));
  const cancelledPath = `/api/environments/default/flows/${cancelFlow.json.id}/runs/${toCancel}`;
  const afterCancel = (await api(second, 'GET', cancelledPath)).json;
  assert.equal(afterCancel.status, 'Cancelled');
  assert.equal(afterCancel.error.code, 'RunCancelled');
  assert.equal(afterCancel.actions.First.status, 'Cancelled');
  // The server notices within its cancel check (5 s) and aborts the call: the backend sees the socket close.
  await until('the held call to be aborted', async () => (held.get('/hold-cancel')?.destroyed === true || held.get('/hold-cancel')?.socket?.destroyed === true ? true : undefined));
  const again = await runCliAsync(dataDir, ['runs', 'cancel', toCancel], { env });
  assert.equal(again.code, 1);
  assert.match(again.stderr, /already ended with status Cancelled/);

  // `plugboard runs resubmit` queues a new run; the server executes it with the same trigger outputs.
  const resubmitted = await runCliAsync(dataDir, ['runs', 'resubmit', toCancel, '--json'], { env });
  assert.equal(resubmitted.code, 0, resubmitted.stderr);
  const { runId: newRunId, resubmittedFrom } = JSON.parse(resubmitted.stdout);
  assert.equal(resubmittedFrom, toCancel);
  const rerun = await until('the resubmitted run to finish', async () => {
    const answer = await api(second, 'GET', `/api/environments/default/flows/${cancelFlow.json.id}/runs/${newRunId}`);
    return answer.status === 200 && finished(answer.json) ? answer.json : undefined;
  });
  assert.equal(rerun.status, 'Succeeded', JSON.stringify(rerun));
  assert.equal(rerun.correlationId, toCancel);
  assert.equal(hits['/after-cancel'], 1, 'the cancelled run never reached its second call; the resubmitted one did');

  second.child.kill('SIGTERM');
  assert.equal(await second.exited, 0, second.stderr());
});
