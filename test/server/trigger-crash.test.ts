/**
 * Polling triggers survive a crash of the real server process (SIGKILL, then a new process on the
 * same SQLite data directory): every item of a loopback feed starts exactly one run, whether the
 * process died while the poll was in flight or right after the feed answered, racing the commit of
 * the new cursor with the runs it starts (trigger-service.ts `check()`).
 *
 * A check killed before its commit stays claimed by the dead process until its job lock lapses
 * (PLUGBOARD_RUN_LOCK_SECONDS, 1 s in the fixture instead of the 30 s default), then polls again
 * from the committed cursor: the two scenarios run side by side so that wait is paid once.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { after, describe, test } from 'node:test';
import { loadConfig } from '../../src/server/config/config.ts';
import { openStore } from '../../src/storage/index.ts';
import type { RunSummary, Store } from '../../src/storage/index.ts';

const CHILD = join(import.meta.dirname, 'trigger-server-child.fixture.ts');
const TOKEN = 'trigger-crash-admin-token-0123456789abc';
const FLOWS = '/api/environments/default/flows';
/** Items each feed has before the crash round, and after it. */
const BEFORE = 2;
const AFTER = 4;
/** Waits generous enough for a slow 2-core machine (the lock lapse itself is 1 s). */
const WAIT_MS = 60_000;

const children = new Set<ChildProcess>();
const dirs: string[] = [];
const closers: Array<() => Promise<void>> = [];

after(async () => {
  // A child still running (a failed test) is killed and waited for before its data directory goes.
  await Promise.all([...children].map((child) => kill(child)));
  for (const close of closers) await close();
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

/** One feed of a flow: items 1..available; a poll from `after=k` answers the items after k and the Location for the next poll. */
interface Channel {
  available: number;
  /** Hold the next poll instead of answering it. */
  hold: boolean;
  /** The `after` of every poll received, in order. */
  readonly polls: number[];
  /** Resolves with the held poll once one arrives. */
  nextHeld(): Promise<{ answer(): void }>;
}

/** A loopback service with one {@link Channel} per flow at `/feed/{name}/items`. */
async function startFeed() {
  const channels = new Map<string, Channel & { waiters: Array<(held: { answer(): void }) => void> }>();
  const answer = (res: ServerResponse, name: string, afterN: number, available: number) => {
    const items = Array.from({ length: Math.max(0, available - afterN) }, (_, index) => ({ n: afterN + index + 1 }));
    res.writeHead(200, { 'content-type': 'application/json', location: `${origin}/feed/${name}/items?after=${Math.max(afterN, available)}` });
    res.end(JSON.stringify({ value: items }));
  };
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://feed');
    const name = /^\/feed\/([^/]+)\/items$/.exec(url.pathname)?.[1];
    const channel = name === undefined ? undefined : channels.get(name);
    if (name === undefined || channel === undefined) {
      res.writeHead(404).end();
      return;
    }
    const afterN = Number(url.searchParams.get('after') ?? '0');
    channel.polls.push(afterN);
    if (channel.hold) {
      channel.hold = false;
      // Items as they are now: what the service would have answered when asked.
      const available = channel.available;
      const held = { answer: () => answer(res, name, afterN, available) };
      for (const waiter of channel.waiters.splice(0)) waiter(held);
      return;
    }
    answer(res, name, afterN, channel.available);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  closers.push(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return {
    channel(name: string): Channel & { readonly uri: string } {
      const waiters: Array<(held: { answer(): void }) => void> = [];
      const channel = { available: BEFORE, hold: false, polls: [] as number[], waiters, nextHeld: () => new Promise<{ answer(): void }>((resolve) => waiters.push(resolve)) };
      channels.set(name, channel);
      return Object.assign(channel, { uri: `${origin}/feed/${name}/items?after=0` });
    },
  };
}

/** The server in a child process on `dataDir`; resolves with its URL once it listens. */
async function startChild(dataDir: string): Promise<{ readonly process: ChildProcess; readonly url: string }> {
  const child = spawn(process.execPath, ['--disable-warning=ExperimentalWarning', CHILD, JSON.stringify({ dataDir, token: TOKEN })], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.add(child);
  child.once('exit', () => children.delete(child));
  const url = await new Promise<string>((resolve, reject) => {
    let text = '';
    child.once('error', reject);
    child.once('exit', (code, signal) => reject(new Error(`the server child exited (code ${code}, signal ${signal}) before it printed its URL`)));
    child.stdout?.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const found = /^url (\S+)$/m.exec(text)?.[1];
      if (found !== undefined) resolve(found);
    });
  });
  return { process: child, url };
}

/** SIGKILLs the child (synchronously) and resolves once it has exited. */
async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

async function api(url: string, method: string, path: string, payload?: unknown) {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, ...(payload === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(payload === undefined ? {} : { body: JSON.stringify(payload) }),
  });
  const text = await res.text();
  return { status: res.status, text, body: text !== '' && res.headers.get('content-type')?.includes('json') === true ? JSON.parse(text) : undefined };
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = WAIT_MS): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

/** `promise`, or an error naming `what` when it takes longer than the generous wait. */
async function within<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${WAIT_MS} ms waiting for ${what}`)), WAIT_MS);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** A flow polling `uri` every second, one run per item (splitOn), each run composing the item's number. */
async function createPollingFlow(url: string, name: string, uri: string): Promise<string> {
  const definition = {
    triggers: { poll: { type: 'Http', recurrence: { frequency: 'Second', interval: 1 }, splitOn: "@triggerBody()?['value']", inputs: { method: 'GET', uri } } },
    actions: { Keep: { type: 'Compose', inputs: "@triggerBody()?['n']", runAfter: {} } },
  };
  const created = await api(url, 'POST', FLOWS, { name, definition });
  assert.equal(created.status, 201, created.text);
  return created.body.id;
}

interface SeenRun {
  readonly id: string;
  readonly status: string;
  /** The item the run was started for (its trigger body). */
  readonly n: number;
  /** What its Compose action produced. */
  readonly kept: unknown;
}

/** The flow's runs through the API, with the item each was started for, ordered by item. */
async function runsOf(url: string, flowId: string): Promise<SeenRun[]> {
  const listed = await api(url, 'GET', `${FLOWS}/${flowId}/runs?$top=100`);
  assert.equal(listed.status, 200, listed.text);
  assert.equal(listed.body.nextLink, undefined, `flow ${flowId} has more than 100 runs for a feed of ${AFTER} items: items were started many times over`);
  const runs: SeenRun[] = [];
  for (const { id } of listed.body.value as Array<{ id: string }>) {
    const doc = await api(url, 'GET', `${FLOWS}/${flowId}/runs/${id}`);
    assert.equal(doc.status, 200, doc.text);
    runs.push({ id, status: doc.body.status, n: doc.body.trigger.outputs.body.n, kept: doc.body.actions?.Keep?.outputs });
  }
  return runs.sort((a, b) => a.n - b.n);
}

const itemsOf = (runs: readonly SeenRun[]) => runs.map((run) => run.n);
const oneToN = (n: number) => Array.from({ length: n }, (_, index) => index + 1);

/** Resolves once every run of the flow finished and the feed's items have runs (more are not waited for: the assertions catch them). */
async function settled(url: string, flowId: string, expected: number): Promise<SeenRun[]> {
  return waitFor(`runs for items 1..${expected} of flow ${flowId} to finish`, async () => {
    const runs = await runsOf(url, flowId);
    return new Set(itemsOf(runs)).size >= expected && runs.every((run) => run.status === 'Succeeded' || run.status === 'Failed' || run.status === 'Cancelled') ? runs : undefined;
  });
}

/** Every item 1..n has exactly one run, which succeeded with the item's number. */
function assertExactlyOnce(runs: readonly SeenRun[], n: number, when: string): void {
  const items = itemsOf(runs);
  const repeated = items.filter((item, index) => items.indexOf(item) !== index);
  const lost = oneToN(n).filter((item) => !items.includes(item));
  assert.deepEqual(
    items,
    oneToN(n),
    `${when}: every feed item must start exactly one run — lost ${JSON.stringify(lost)}, started twice or more ${JSON.stringify([...new Set(repeated)])}, runs ${runs.length} for ${n} items. ` +
      'The poll’s cursor and the runs it starts must commit together (trigger-service.ts check()).',
  );
  assert.equal(runs.length, new Set(items).size, `${when}: ${runs.length} runs for ${new Set(items).size} distinct items — duplicates`);
  for (const run of runs) {
    assert.equal(run.status, 'Succeeded', `${when}: run ${run.id} for item ${run.n} ended ${run.status}; a run committed before the crash must resume and finish after the restart`);
    assert.equal(run.kept, run.n, `${when}: run ${run.id} composed ${JSON.stringify(run.kept)} instead of its item ${run.n}`);
  }
}

/** Resolves once the feed saw `count` polls from past the last item since poll number `since` (polls that find nothing new). */
async function laterPolls(channel: Channel, name: string, since: number, count: number): Promise<void> {
  await waitFor(`${count} polls of ${name} after its last item fired`, () => (channel.polls.slice(since).filter((afterN) => afterN >= AFTER).length >= count ? true : undefined));
}

describe('a polling trigger across a crash of the server process', { concurrency: true }, () => {
  test('killed while the poll is in flight: after the restart the poll is asked again and each item starts one run', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'plugboard-trigger-crash-'));
    dirs.push(dataDir);
    const feed = await startFeed();
    const channel = feed.channel('held');
    let server = await startChild(dataDir);
    const flowId = await createPollingFlow(server.url, 'held-poll', channel.uri);
    await settled(server.url, flowId, BEFORE);

    // New items arrive; the next poll asking for them gets no answer while the process is killed.
    const held = channel.nextHeld();
    const holdFrom = channel.polls.length;
    channel.available = AFTER;
    channel.hold = true;
    await within(held, 'the poll for the new items');
    await kill(server.process);

    const since = channel.polls.length;
    server = await startChild(dataDir);
    // The feed answers from now on; the dead process's claim lapses and the check polls again.
    await settled(server.url, flowId, AFTER);
    await laterPolls(channel, 'the held feed', since, 2);
    assertExactlyOnce(await runsOf(server.url, flowId), AFTER, 'SIGKILL during the poll');
    const asked = channel.polls.slice(holdFrom).filter((afterN) => afterN === BEFORE).length;
    assert.equal(asked, 2, `the poll for the new items (after=${BEFORE}) is sent once before the crash and once after it (polls since the hold: ${JSON.stringify(channel.polls.slice(holdFrom))})`);
  });

  test('killed 0–25 ms after the feed answered (racing the commit): each item starts one run whichever side of the commit the kill fell on', async (t) => {
    // One flow per delay; the kill comes once, `delay` ms after that flow's poll was answered.
    // The trigger worker checks 4 triggers at once, so at most 4 polls can be held together.
    const delays = [0, 1, 5, 25];
    const dataDir = await mkdtemp(join(tmpdir(), 'plugboard-trigger-race-'));
    dirs.push(dataDir);
    const feed = await startFeed();
    let server = await startChild(dataDir);
    const url = server.url;
    const cases = await Promise.all(
      delays.map(async (delay) => {
        const name = `race-${delay}ms`;
        const channel = feed.channel(name);
        const flowId = await createPollingFlow(url, name, channel.uri);
        await settled(url, flowId, BEFORE);
        return { delay, name, channel, flowId };
      }),
    );

    const holdFrom = cases.map((c) => c.channel.polls.length);
    const held = cases.map((c) => {
      const next = c.channel.nextHeld();
      c.channel.available = AFTER;
      c.channel.hold = true;
      return next;
    });
    const polls = await within(Promise.all(held), `the polls of all ${delays.length} flows to be held together`);

    // Answer the longest delay first, then each other one so that the kill comes `delay` ms after it (busy-waiting: timers are too coarse).
    const order = cases.map((c, index) => ({ ...c, poll: polls[index] })).sort((a, b) => b.delay - a.delay);
    const longest = order[0]?.delay ?? 0;
    const start = performance.now();
    const answeredAt = new Map<string, number>();
    for (const c of order) {
      while (performance.now() - start < longest - c.delay) {
        // Spin until this flow's moment.
      }
      c.poll?.answer();
      answeredAt.set(c.name, performance.now());
    }
    const killed = kill(server.process);
    const killedAt = performance.now();
    await killed;

    // What the dead process left behind: which checks committed (their runs exist) and how far those runs got.
    const store: Store = await openStore(loadConfig({ PLUGBOARD_DATA_DIR: dataDir }).store);
    closers.push(() => store.close());
    const atKill = new Map<string, readonly RunSummary[]>();
    for (const c of cases) {
      const runs = await store.runs.listForFlow(c.flowId);
      atKill.set(c.name, runs);
      const committed = runs.length > BEFORE;
      const unfinished = runs.filter((run) => run.endedAt === null).length;
      t.diagnostic(`${c.name}: killed ${(killedAt - (answeredAt.get(c.name) ?? killedAt)).toFixed(1)} ms after the answer; ${committed ? `committed before the kill (${unfinished} of ${runs.length} runs unfinished)` : 'not committed before the kill'}`);
      assert.ok(runs.length === BEFORE || runs.length === AFTER, `${c.name}: the dead process left ${runs.length} runs — a check commits its runs all or none (expected ${BEFORE} or ${AFTER})`);
    }

    const since = cases.map((c) => c.channel.polls.length);
    server = await startChild(dataDir);
    const restarted = server.url;
    await Promise.all(
      cases.map(async (c, index) => {
        await settled(restarted, c.flowId, AFTER);
        await laterPolls(c.channel, c.name, since[index] ?? 0, 2);
      }),
    );
    for (const [index, c] of cases.entries()) {
      const runs = await runsOf(server.url, c.flowId);
      assertExactlyOnce(runs, AFTER, `${c.name} (SIGKILL ${c.delay} ms after the answer)`);
      // Runs committed before the kill are the ones that finish: same ids, not started again.
      const before = atKill.get(c.name) ?? [];
      for (const run of before) {
        assert.ok(runs.some((seen) => seen.id === run.id), `${c.name}: run ${run.id}, committed before the kill, is missing after the restart`);
      }
      const committed = before.length > BEFORE;
      const polls = c.channel.polls.slice(holdFrom[index] ?? 0);
      const asked = polls.filter((afterN) => afterN === BEFORE).length;
      assert.equal(asked, committed ? 1 : 2, `${c.name}: the poll for the new items (after=${BEFORE}) must be sent again exactly when its check had not committed (committed: ${committed}; polls since the hold: ${JSON.stringify(polls)})`);
    }
  });
});
