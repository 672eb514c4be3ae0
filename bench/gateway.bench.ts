/**
 * `npm run bench:gateway` — a connector action through `/apim/…` against a bare undici pass-through
 * proxy to the same local backend, measured in the same run (DESIGN.md §5).
 *
 * Four processes, because everything in one event loop would make the load generator, the backend
 * and the system under test share one thread, and the figure would measure their contention:
 * - backend (child): a `node:http` JSON server, `GET /api/items/{id}` answers a 181-byte item;
 * - proxy (child): a `node:http` server forwarding each request with an undici Agent to the backend,
 *   streaming the answer back — the baseline;
 * - plugboard (child): the real server (`startServer`: SQLite store in a temp dir, master key file,
 *   envelope-encrypted connection secrets, admin bearer token, pino at `warn`), the `keyed-echo`
 *   fixture connector (API key header + `dynamichosturl` from the connection's `host` + `setheader`),
 *   one connection created through the API, called as `/apim/keyed-echo/{connectionId}/items/42`;
 * - this process: the orchestrator and autocannon (the load generator).
 * Only the target being measured gets load; the others sit idle.
 *
 * Throughput: autocannon with `--connections` (default 16) for `--duration` seconds per target.
 * Added latency: one connection (no queueing), each response time taken from autocannon's
 * `response` event (sub-millisecond resolution; its histogram keeps whole milliseconds), so
 * p50/p99 added = percentile(target) − percentile(backend called directly).
 * After a warm-up of every target, `--rounds` rounds measure direct, proxy and plugboard, the order
 * reversed every other round; throughput is the median over rounds, the ratio the median of the
 * per-round ratios, latency percentiles are taken over all rounds' samples. Each child reports its
 * CPU time (`process.cpuUsage()`, all threads), so CPU µs per call is printed too: on a shared
 * machine it moves less than req/s.
 * The last line prints the ratio and the p50 added latency against their targets.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { Agent } from 'undici';

const FIXTURE = resolve(import.meta.dirname, '..', 'test', 'fixtures', 'gateway', 'keyed-echo');
const API_KEY = 'bench-api-key-5b0c9e2d7a41';
const ADMIN_TOKEN = 'bench-admin-token-0123456789abcdef';
const ITEM_PATH = '/items/42';

/** What a child prints on its first stdout line once it listens. */
interface Ready {
  readonly port: number;
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
}

/** A child's first stdout line: where it listens and what a call sends. */
function announce(ready: Ready): void {
  process.stdout.write(`${JSON.stringify(ready)}\n`);
}

/**
 * A child answers `cpu` lines on stdin with its CPU time so far (all threads, in µs), and stops when
 * the parent closes its stdin (also when the parent dies): no orphans.
 */
function serveParent(close: () => Promise<void>): void {
  const lines = createInterface({ input: process.stdin });
  lines.on('line', (line) => {
    if (line !== 'cpu') return;
    const { user, system } = process.cpuUsage();
    process.stdout.write(`${JSON.stringify({ cpuMicros: user + system })}\n`);
  });
  lines.on('close', () => {
    void close().finally(() => process.exit(0));
  });
}

// ---------------------------------------------------------------------------------------------
// Children

/** The backend: JSON items, plus `/stats` counting calls that carried the API key and the policy header. */
async function runBackend(): Promise<void> {
  let keyed = 0;
  let total = 0;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (req.url === '/stats') {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ total, keyed }));
      return;
    }
    total++;
    if (req.headers['x-api-key'] === API_KEY && req.headers['x-source'] === 'plugboard') keyed++;
    const id = req.url?.startsWith('/api/items/') ? req.url.slice('/api/items/'.length) : undefined;
    if (id === undefined) {
      res.statusCode = 404;
      res.setHeader('content-type', 'application/json');
      res.end('{"message":"no such path"}');
      return;
    }
    res.setHeader('content-type', 'application/json; charset=utf-8');
    res.end(
      JSON.stringify({
        id,
        name: 'Widget',
        description: 'A widget the benchmark backend returns for every id',
        price: 12.5,
        tags: ['bench', 'gateway', 'json'],
        updatedAt: '2026-11-22T10:00:00.000Z',
      }),
    );
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  announce({ port: (server.address() as AddressInfo).port, path: `/api${ITEM_PATH}`, headers: {} });
  serveParent(() => new Promise((done) => server.close(() => done())));
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'te', 'upgrade', 'proxy-authorization', 'proxy-authenticate', 'trailer', 'host']);

/** The baseline: a bare pass-through proxy — node:http in, undici Agent out, body streamed back. */
async function runProxy(backendPort: number): Promise<void> {
  const origin = `http://127.0.0.1:${backendPort}`;
  const agent = new Agent({ keepAliveTimeout: 60_000 });
  const server = createServer((req, res) => {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (HOP_BY_HOP.has(name) || value === undefined) continue;
      headers[name] = Array.isArray(value) ? value.join(', ') : value;
    }
    const method = req.method ?? 'GET';
    agent
      .request({ origin, path: `/api${req.url ?? '/'}`, method, headers, body: method === 'GET' || method === 'HEAD' ? null : req })
      .then(({ statusCode, headers: answer, body }) => {
        for (const [name, value] of Object.entries(answer)) {
          if (!HOP_BY_HOP.has(name) && value !== undefined) res.setHeader(name, value);
        }
        res.statusCode = statusCode;
        body.pipe(res);
      })
      .catch((error: unknown) => {
        res.statusCode = 502;
        res.end(String(error));
      });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  announce({ port: (server.address() as AddressInfo).port, path: ITEM_PATH, headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  serveParent(async () => {
    await new Promise<void>((done) => server.close(() => done()));
    await agent.close();
  });
}

/** Plugboard as `plugboard start` runs it, with the fixture connector and one connection. */
async function runPlugboard(backendPort: number): Promise<void> {
  const { loadConfig, startServer } = await import('../src/server/index.ts');
  const { openStore } = await import('../src/storage/index.ts');
  const { createCatalog } = await import('../src/catalog/index.ts');
  const dataDir = await mkdtemp(join(tmpdir(), 'plugboard-bench-gateway-'));
  const config = loadConfig({
    PLUGBOARD_DATA_DIR: dataDir,
    PLUGBOARD_PORT: '0',
    PLUGBOARD_HOST: '127.0.0.1',
    PLUGBOARD_BOOTSTRAP_TOKEN: ADMIN_TOKEN,
    // Request logs are `info`; a benchmark writing a log line per call would measure the terminal.
    PLUGBOARD_LOG_LEVEL: 'warn',
    PLUGBOARD_EGRESS_ALLOW: '127.0.0.1/32',
    // The limiter stays in the chain, with a budget the benchmark cannot exhaust.
    PLUGBOARD_RATE_LIMIT_CALLS: '1000000000',
    PLUGBOARD_RATE_LIMIT_WINDOW_SECONDS: '1',
  });
  // The fixture connector is imported first (what `plugboard connector import` does), then the server starts.
  const store = await openStore(config.store);
  await createCatalog({ store }).importPath(FIXTURE, { environment: 'default', name: 'keyed-echo' });
  await store.close();
  const server = await startServer(config);
  const created = await fetch(`${server.url}/api/environments/default/connections`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ connectorName: 'keyed-echo', displayName: 'bench', values: { api_key: API_KEY, host: `127.0.0.1:${backendPort}` } }),
  });
  const text = await created.text();
  if (created.status !== 201) throw new Error(`creating the bench connection answered ${created.status}: ${text}`);
  const connectionId = String((JSON.parse(text) as { id: unknown }).id);
  announce({ port: Number(new URL(server.url).port), path: `/apim/keyed-echo/${connectionId}${ITEM_PATH}`, headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  serveParent(async () => {
    await server.close();
    await rm(dataDir, { recursive: true, force: true });
  });
}

// ---------------------------------------------------------------------------------------------
// Orchestrator

/** The part of autocannon's API used here (it ships no types). */
interface AutocannonOptions {
  readonly url: string;
  readonly connections: number;
  readonly duration: number;
  readonly headers: Readonly<Record<string, string>>;
}
interface AutocannonResult {
  readonly duration: number;
  readonly errors: number;
  readonly timeouts: number;
  readonly non2xx: number;
  readonly '2xx': number;
}
interface AutocannonInstance extends PromiseLike<AutocannonResult> {
  on(event: 'response', listener: (client: unknown, statusCode: number, bytes: number, responseTime: number) => void): void;
}
type Autocannon = (options: AutocannonOptions) => AutocannonInstance;

/** A running child: its ready line, and its CPU time on request. */
interface Child {
  readonly process: ChildProcess;
  readonly ready: Ready;
  cpuMicros(): Promise<number>;
}

type TargetName = 'direct' | 'proxy' | 'plugboard';

interface Target {
  readonly name: TargetName;
  readonly child: Child;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
}

/** One measurement of one target. */
interface Measurement {
  readonly rps: number;
  /** CPU time of the target's process per answered call (µs), all its threads. */
  readonly cpuPerCall: number;
  /** Response times under load, ms. */
  readonly loaded: number[];
  /** Response times with one connection, ms. */
  readonly single: number[];
}

function startChild(mode: string, args: readonly string[], nodeFlags: readonly string[] = []): Promise<Child> {
  const child = spawn(process.execPath, ['--disable-warning=ExperimentalWarning', ...nodeFlags, import.meta.filename, mode, ...args], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const waiting: ((line: string) => void)[] = [];
  const lines = createInterface({ input: child.stdout! });
  lines.on('line', (line) => waiting.shift()?.(line));
  const nextLine = () => new Promise<string>((done) => waiting.push(done));
  return new Promise((done, fail) => {
    const early = (code: number | null) => fail(new Error(`bench child "${mode}" exited with ${String(code)} before it was ready`));
    child.once('exit', early);
    void nextLine().then((line) => {
      child.off('exit', early);
      done({
        process: child,
        ready: JSON.parse(line) as Ready,
        async cpuMicros() {
          const answer = nextLine();
          child.stdin!.write('cpu\n');
          return (JSON.parse(await answer) as { cpuMicros: number }).cpuMicros;
        },
      });
    });
  });
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;
}

function median(values: readonly number[]): number {
  return percentile([...values].sort((a, b) => a - b), 50);
}

async function orchestrate(): Promise<void> {
  const { values: flags } = parseArgs({
    options: {
      connections: { type: 'string', default: '16' },
      duration: { type: 'string', default: '5' },
      'latency-duration': { type: 'string', default: '3' },
      warmup: { type: 'string', default: '3' },
      rounds: { type: 'string', default: '3' },
      /** Writes a V8 CPU profile of the plugboard process into this folder (node --cpu-prof). */
      'cpu-prof-dir': { type: 'string' },
    },
    args: process.argv.slice(2),
  });
  const connections = Number(flags.connections);
  const duration = Number(flags.duration);
  const latencyDuration = Number(flags['latency-duration']);
  const warmup = Number(flags.warmup);
  const rounds = Number(flags.rounds);
  const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

  const children: Child[] = [];
  try {
    const backend = await startChild('backend', []);
    children.push(backend);
    const backendPort = String(backend.ready.port);
    const proxy = await startChild('proxy', [backendPort]);
    children.push(proxy);
    const profileDir = flags['cpu-prof-dir'];
    const plugboard = await startChild('plugboard', [backendPort], profileDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${resolve(profileDir)}`]);
    children.push(plugboard);
    const target = (name: TargetName, child: Child): Target => ({ name, child, url: `http://127.0.0.1:${child.ready.port}${child.ready.path}`, headers: child.ready.headers });
    const targets = [target('direct', backend), target('proxy', proxy), target('plugboard', plugboard)];

    // Same answer through every path, and the backend saw plugboard's call carry the key and the policy header.
    const bodies = await Promise.all(
      targets.map(async (t) => {
        const res = await fetch(t.url, { headers: t.headers });
        const body = await res.text();
        if (res.status !== 200) throw new Error(`${t.name} answered ${res.status}: ${body.slice(0, 300)}`);
        return JSON.stringify(JSON.parse(body));
      }),
    );
    if (new Set(bodies).size !== 1) throw new Error(`the paths answer differently: ${bodies.join(' | ')}`);
    const stats = async () => (await (await fetch(`http://127.0.0.1:${backendPort}/stats`)).json()) as { total: number; keyed: number };
    if ((await stats()).keyed !== 1) throw new Error('the plugboard call did not reach the backend with X-Api-Key and X-Source (policies not applied?)');

    /** Runs autocannon; returns the calls answered 200 and their response times (ms, sub-millisecond). */
    const load = async (t: Target, options: { connections: number; duration: number }) => {
      const times: number[] = [];
      const instance = autocannon({ url: t.url, headers: t.headers, connections: options.connections, duration: options.duration });
      instance.on('response', (_client, statusCode, _bytes, responseTime) => {
        if (statusCode === 200) times.push(responseTime);
      });
      const result = await instance;
      if (result.errors > 0 || result.timeouts > 0 || result.non2xx > 0) {
        throw new Error(`${t.name}: ${result.errors} errors, ${result.timeouts} timeouts, ${result.non2xx} non-2xx answers`);
      }
      return { calls: result['2xx'], seconds: result.duration, times };
    };

    for (const t of targets) await load(t, { connections, duration: warmup });
    const results = new Map<TargetName, Measurement[]>(targets.map((t) => [t.name, []]));
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? targets : [...targets].reverse();
      for (const t of order) {
        const cpuBefore = await t.child.cpuMicros();
        const loaded = await load(t, { connections, duration });
        const cpuPerCall = ((await t.child.cpuMicros()) - cpuBefore) / loaded.calls;
        const single = await load(t, { connections: 1, duration: latencyDuration });
        results.get(t.name)?.push({ rps: loaded.calls / loaded.seconds, cpuPerCall, loaded: loaded.times, single: single.times });
      }
      const line = targets.map((t) => {
        const m = results.get(t.name)?.[round];
        return `${t.name} ${m?.rps.toFixed(0)} req/s (${m?.cpuPerCall.toFixed(1)} µs CPU/call)`;
      });
      console.log(`round ${round + 1}/${rounds}: ${line.join(', ')}`);
    }
    const keyed = (await stats()).keyed;

    const summary = (name: TargetName) => {
      const measured = results.get(name) ?? [];
      const loaded = measured.flatMap((m) => m.loaded).sort((a, b) => a - b);
      const single = measured.flatMap((m) => m.single).sort((a, b) => a - b);
      return {
        rps: median(measured.map((m) => m.rps)),
        cpuPerCall: median(measured.map((m) => m.cpuPerCall)),
        loadedP50: percentile(loaded, 50),
        loadedP99: percentile(loaded, 99),
        p50: percentile(single, 50),
        p99: percentile(single, 99),
        count: single.length,
      };
    };
    const direct = summary('direct');
    const proxied = summary('proxy');
    const ours = summary('plugboard');
    const ratios = (results.get('plugboard') ?? []).map((m, i) => m.rps / (results.get('proxy')?.[i]?.rps ?? Number.NaN));
    const ratio = median(ratios);
    const ms = (value: number) => value.toFixed(2);
    const describe = (label: string, s: ReturnType<typeof summary>) =>
      `${label}: ${s.rps.toFixed(0)} req/s, ${s.cpuPerCall.toFixed(1)} µs CPU/call, under load p50 ${ms(s.loadedP50)} ms p99 ${ms(s.loadedP99)} ms; 1 connection p50 ${ms(s.p50)} ms p99 ${ms(s.p99)} ms (${s.count} calls)`;
    console.log(
      `settings: ${connections} connections × ${duration} s (throughput), 1 connection × ${latencyDuration} s (latency), ${rounds} rounds after ${warmup} s warm-up per target; ` +
        `${keyed} plugboard calls reached the backend with the API key and X-Source`,
    );
    console.log(describe('backend direct', direct));
    console.log(describe('undici proxy', proxied));
    console.log(describe('plugboard /apim', ours));
    console.log(`per-round ratio plugboard/proxy: ${ratios.map((r) => r.toFixed(2)).join(', ')}; CPU per call proxy/plugboard: ${(proxied.cpuPerCall / ours.cpuPerCall).toFixed(2)}`);
    console.log(`added latency over direct (1 connection): proxy p50 ${ms(proxied.p50 - direct.p50)} ms, p99 ${ms(proxied.p99 - direct.p99)} ms; plugboard p50 ${ms(ours.p50 - direct.p50)} ms, p99 ${ms(ours.p99 - direct.p99)} ms`);
    console.log(`gateway: ratio ${ratio.toFixed(2)} (target ≥ 0.70), p50 added ${ms(ours.p50 - direct.p50)} ms (target < 1 ms)`);
  } finally {
    for (const child of children) child.process.stdin?.end();
    await Promise.all(children.map((child) => (child.process.exitCode === null ? new Promise((done) => child.process.once('exit', done)) : undefined)));
  }
}

const [mode, arg] = process.argv.slice(2);
if (mode === 'backend') await runBackend();
else if (mode === 'proxy') await runProxy(Number(arg));
else if (mode === 'plugboard') await runPlugboard(Number(arg));
else await orchestrate();
