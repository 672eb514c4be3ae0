/**
 * The durability contract with a real process: a worker executing a run is killed with SIGKILL
 * while an Http action is in flight; a new worker resumes the run from its journal. Completed
 * actions are not repeated (their backend sees one call), the in-flight action runs again as
 * attempt 2, and the run finishes.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { systemClock } from '../../../src/core/index.ts';
import { createEmbeddedQueue } from '../../../src/queue/index.ts';
import { openStore } from '../../../src/storage/index.ts';
import type { Store, StoreConfig } from '../../../src/storage/index.ts';
import { createRunLauncher } from '../../../src/workflow/index.ts';

const CHILD = join(import.meta.dirname, 'run-worker-child.fixture.ts');

let dir: string;
let storeConfig: StoreConfig;
let store: Store;
let backend: Server;
let baseUrl: string;
const hits: Record<string, number> = {};
let onHeldCall: (() => void) | undefined;
const children: ChildProcess[] = [];

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'plugboard-crash-'));
  storeConfig = { driver: 'sqlite', file: join(dir, 'plugboard.db') };
  store = await openStore(storeConfig);
  backend = createServer((request, response) => {
    const path = request.url ?? '/';
    hits[path] = (hits[path] ?? 0) + 1;
    // The first call of /slow never gets an answer: the worker is killed while it waits.
    if (path === '/slow' && hits[path] === 1) {
      onHeldCall?.();
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ path, call: hits[path] }));
  });
  await new Promise<void>((resolve) => backend.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(backend.address() as AddressInfo).port}`;
});

after(async () => {
  for (const child of children) child.kill('SIGKILL');
  backend.closeAllConnections();
  await new Promise<void>((resolve) => backend.close(() => resolve()));
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

function spawnWorker(): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--disable-warning=ExperimentalWarning', CHILD, JSON.stringify({ store: storeConfig, lockMs: 1000 })], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) resolve(child);
    });
  });
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

test('a run killed with SIGKILL mid-action resumes in a new process: done actions are not repeated, the in-flight one runs as attempt 2', async () => {
  const definition = {
    $schema: 'https://schema.management.azure.com/providers/Microsoft.Logic/schemas/2016-06-01/workflowdefinition.json#',
    contentVersion: '1.0.0.0',
    parameters: { baseUrl: { type: 'String', defaultValue: baseUrl } },
    triggers: { manual: { type: 'Request', kind: 'Http', inputs: { schema: {} } } },
    actions: {
      First_call: { type: 'Http', inputs: { method: 'GET', uri: "@{parameters('baseUrl')}/first" }, runAfter: {} },
      Count: { type: 'InitializeVariable', inputs: { variables: [{ name: 'calls', type: 'Integer', value: 1 }] }, runAfter: { First_call: ['Succeeded'] } },
      Slow_call: { type: 'Http', inputs: { method: 'GET', uri: "@{parameters('baseUrl')}/slow" }, runAfter: { Count: ['Succeeded'] } },
      Add: { type: 'IncrementVariable', inputs: { name: 'calls', value: 1 }, runAfter: { Slow_call: ['Succeeded'] } },
      Summary: { type: 'Compose', inputs: { first: "@body('First_call')", slow: "@body('Slow_call')", calls: "@variables('calls')" }, runAfter: { Add: ['Succeeded'] } },
    },
    outputs: {},
  };
  const environment = await store.environments.ensure('default');
  const { flow } = await store.flows.create({ environmentId: environment.id, name: 'crash-resume', definition });
  const launcher = createRunLauncher({ store, queue: createEmbeddedQueue({ store }), clock: systemClock });
  const { runId } = await launcher.start({ flowId: flow.id, triggerOutputs: { headers: {}, body: null } });

  const held = new Promise<void>((resolve) => {
    onHeldCall = resolve;
  });
  const first = await spawnWorker();
  await held;
  first.kill('SIGKILL');
  await new Promise((resolve) => first.once('exit', resolve));

  await spawnWorker();
  const run = await waitFor('the resumed run to finish', async () => {
    const current = await store.runs.get(runId);
    return current !== undefined && current.status !== 'Running' && current.status !== 'Waiting' ? current : undefined;
  });
  assert.equal(run.status, 'Succeeded');
  assert.deepEqual(hits, { '/first': 1, '/slow': 2 }, 'the finished Http call is not sent again; the in-flight one is');

  const attempts = (await store.runs.listActions(runId)).map((a) => `${a.name}#${a.attempt}:${a.status}`);
  assert.deepEqual(attempts.sort(), ['Add#1:Succeeded', 'Count#1:Succeeded', 'First_call#1:Succeeded', 'Slow_call#1:Aborted', 'Slow_call#2:Succeeded', 'Summary#1:Succeeded'].sort());
  const summary = (await store.runs.listActions(runId)).find((a) => a.name === 'Summary');
  // Results and variables of actions finished before the crash are read back from the journal.
  assert.deepEqual(summary?.outputs, { first: { path: '/first', call: 1 }, slow: { path: '/slow', call: 2 }, calls: 2 });
});
