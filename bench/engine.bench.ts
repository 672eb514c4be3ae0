/**
 * `npm run bench:engine` — a flow Request trigger → Compose → Response executed over HTTP with its
 * full history persisted, against a plain `node:http` JSON echo server measured in the same run
 * (target ratio ≥ 0.10, DESIGN.md §5).
 *
 * Three processes: the echo server (child), the real Plugboard server (child: `startServer`,
 * SQLite store in a temp dir, runs executed by its worker), and this process (orchestrator and
 * autocannon). Each call of the flow is a POST of the payload to the Request trigger's signed
 * callback URL (`listCallbackUrl`): the signature is checked, the run executes in memory (its steps
 * are pure: ADR 0005), the run with both actions and its end is committed — together with the
 * other runs that ended in the same turn of the event loop — and the call is answered with the
 * Response action's reply.
 * Only the target being measured gets load. After a warm-up, `--rounds` rounds measure echo and
 * plugboard (order reversed every other round); the ratio is the median of the per-round ratios.
 * Checked before measuring: the flow's reply equals the echo's. The number of runs written is not
 * counted here; test/workflow/engine/replying-runs.test.ts checks that every answered call has its run.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';

const ADMIN_TOKEN = 'bench-admin-token-0123456789abcdef';
const PAYLOAD = JSON.stringify({ name: 'Ada', order: { id: 'o-17', items: [1, 2, 3], total: 42.5 } });

const DEFINITION = {
  $schema: 'https://schema.management.azure.com/providers/Microsoft.Logic/schemas/2016-06-01/workflowdefinition.json#',
  contentVersion: '1.0.0.0',
  triggers: { manual: { type: 'Request', kind: 'Http', inputs: { schema: {} } } },
  actions: {
    Compose: { type: 'Compose', inputs: { greeting: "@{concat('Hello, ', triggerBody()?['name'])}", order: "@triggerBody()?['order']" }, runAfter: {} },
    Response: { type: 'Response', kind: 'Http', inputs: { statusCode: 200, headers: { 'Content-Type': 'application/json' }, body: "@outputs('Compose')" }, runAfter: { Compose: ['Succeeded'] } },
  },
  outputs: {},
};

interface Ready {
  readonly port: number;
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  /** The request body each call sends. */
  readonly body: string;
}

function announce(ready: Ready): void {
  process.stdout.write(`${JSON.stringify(ready)}\n`);
}

/**
 * Answers `cpu` lines on stdin with this process's CPU time so far (all threads, µs) and stops when
 * the parent closes stdin (also when the parent dies): no orphans.
 */
function untilParentCloses(close: () => Promise<void>): void {
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

/** The baseline: parses the JSON body and answers it back. */
async function runEcho(): Promise<void> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { name: string; order: unknown };
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ greeting: `Hello, ${body.name}`, order: body.order }));
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  announce({ port: (server.address() as AddressInfo).port, path: '/', headers: {}, body: PAYLOAD });
  untilParentCloses(() => new Promise((done) => server.close(() => done())));
}

async function runPlugboard(dataDir: string): Promise<void> {
  const { loadConfig } = await import('../src/server/config/config.ts');
  const { startServer } = await import('../src/server/server.ts');
  const config = loadConfig({ PLUGBOARD_PORT: '0', PLUGBOARD_DATA_DIR: dataDir, PLUGBOARD_BOOTSTRAP_TOKEN: ADMIN_TOKEN, PLUGBOARD_LOG_LEVEL: 'warn' });
  const server = await startServer(config);
  const headers = { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' };
  const created = await fetch(`${server.url}/api/environments/default/flows`, { method: 'POST', headers, body: JSON.stringify({ name: 'bench-engine', definition: DEFINITION }) });
  if (created.status !== 201) throw new Error(`creating the flow answered ${created.status}: ${await created.text()}`);
  const { id } = (await created.json()) as { id: string };
  // The Request trigger's signed callback URL: how a caller starts this flow (no API token).
  const listed = await fetch(`${server.url}/api/environments/default/flows/${id}/triggers/manual/listCallbackUrl`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  if (listed.status !== 200) throw new Error(`listCallbackUrl answered ${listed.status}: ${await listed.text()}`);
  const callback = new URL(((await listed.json()) as { value: string }).value);
  announce({ port: Number(callback.port), path: `${callback.pathname}${callback.search}`, headers: { 'content-type': 'application/json' }, body: PAYLOAD });
  untilParentCloses(() => server.close());
}

interface Child {
  readonly process: ChildProcess;
  readonly ready: Ready;
  /** The child's CPU time so far (µs, all threads). */
  cpuMicros(): Promise<number>;
}

function startChild(role: string, args: readonly string[], nodeFlags: readonly string[] = []): Promise<Child> {
  const child = spawn(process.execPath, ['--disable-warning=ExperimentalWarning', ...nodeFlags, import.meta.filename, '--role', role, ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`${role} exited with ${code}`)));
    const waiting: ((line: string) => void)[] = [];
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (line) => {
      lines.on('line', (next) => waiting.shift()?.(next));
      resolve({
        process: child,
        ready: JSON.parse(line) as Ready,
        cpuMicros: () =>
          new Promise<number>((answer) => {
            waiting.push((next) => answer((JSON.parse(next) as { cpuMicros: number }).cpuMicros));
            child.stdin!.write('cpu\n');
          }),
      });
    });
  });
}

interface Measured {
  /** CPU time of the measured server per call (µs). */
  readonly cpuPerCall: number;
  readonly requests: number;
  readonly perSecond: number;
  readonly p50: number;
  readonly p99: number;
  readonly errors: number;
}

async function load(child: Child, seconds: number, connections: number): Promise<Measured> {
  const target = child.ready;
  const autocannon = createRequire(import.meta.url)('autocannon') as (options: object) => Promise<{ requests: { total: number; average: number }; latency: { p50: number; p99: number }; errors: number; non2xx: number }>;
  const cpuBefore = await child.cpuMicros();
  const result = await autocannon({ url: `http://127.0.0.1:${target.port}${target.path}`, method: 'POST', headers: { ...target.headers, 'content-type': 'application/json' }, body: target.body, connections, duration: seconds });
  const cpuPerCall = ((await child.cpuMicros()) - cpuBefore) / Math.max(1, result.requests.total);
  return { cpuPerCall, requests: result.requests.total, perSecond: result.requests.total / seconds, p50: result.latency.p50, p99: result.latency.p99, errors: result.errors + result.non2xx };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

async function orchestrate(options: { seconds: number; rounds: number; connections: number; cpuProfDir: string | undefined }): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'plugboard-bench-engine-'));
  const children: ChildProcess[] = [];
  try {
    const echo = await startChild('echo', []);
    children.push(echo.process);
    // --cpu-prof-dir: a V8 CPU profile of the plugboard process, written when it exits.
    const plugboard = await startChild('plugboard', ['--data', dataDir], options.cpuProfDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfDir}`]);
    children.push(plugboard.process);

    // Check the flow answers what the echo answers before measuring.
    const probe = await fetch(`http://127.0.0.1:${plugboard.ready.port}${plugboard.ready.path}`, { method: 'POST', headers: plugboard.ready.headers, body: plugboard.ready.body });
    const expected = await (await fetch(`http://127.0.0.1:${echo.ready.port}/`, { method: 'POST', body: PAYLOAD })).json();
    const answered = await probe.json();
    if (probe.status !== 200 || JSON.stringify(answered) !== JSON.stringify(expected)) throw new Error(`the flow answered ${probe.status} ${JSON.stringify(answered)}, expected ${JSON.stringify(expected)}`);

    await load(echo, 2, options.connections);
    await load(plugboard, 3, options.connections);
    const echoRounds: Measured[] = [];
    const flowRounds: Measured[] = [];
    for (let round = 0; round < options.rounds; round++) {
      const order = round % 2 === 0 ? (['echo', 'flow'] as const) : (['flow', 'echo'] as const);
      for (const which of order) {
        if (which === 'echo') echoRounds.push(await load(echo, options.seconds, options.connections));
        else flowRounds.push(await load(plugboard, options.seconds, options.connections));
      }
    }
    const ratios = flowRounds.map((flow, index) => flow.perSecond / (echoRounds[index]?.perSecond ?? 1));
    const errors = flowRounds.reduce((sum, r) => sum + r.errors, 0);
    const line = (name: string, rounds: readonly Measured[]): string =>
      `  ${name.padEnd(34)} ${Math.round(median(rounds.map((r) => r.perSecond))).toLocaleString('en-US').padStart(7)} req/s   p50 ${median(rounds.map((r) => r.p50))} ms   p99 ${median(rounds.map((r) => r.p99))} ms   ${Math.round(median(rounds.map((r) => r.cpuPerCall)))} µs CPU/call`;
    process.stdout.write(
      [
        `bench:engine — ${options.rounds} rounds × ${options.seconds} s, ${options.connections} connections`,
        line('node:http JSON echo (baseline)', echoRounds),
        line('flow Request → Compose → Response', flowRounds),
        `  CPU per call echo/flow ${(median(echoRounds.map((r) => r.cpuPerCall)) / median(flowRounds.map((r) => r.cpuPerCall))).toFixed(3)} (steadier than req/s on a shared machine)`,
        `  ratio ${median(ratios).toFixed(3)} (rounds: ${ratios.map((r) => r.toFixed(3)).join(', ')}), target ≥ 0.10 — ${median(ratios) >= 0.1 ? 'met' : 'NOT met'}; ${errors} failed calls`,
      ].join('\n') + '\n',
    );
  } finally {
    for (const child of children) child.stdin?.end();
    await new Promise((resolve) => setTimeout(resolve, options.cpuProfDir === undefined ? 500 : 3_000));
    for (const child of children) child.kill('SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
  }
}

const { values } = parseArgs({
  options: {
    role: { type: 'string' },
    data: { type: 'string' },
    duration: { type: 'string', default: '10' },
    rounds: { type: 'string', default: '3' },
    connections: { type: 'string', default: '16' },
    'cpu-prof-dir': { type: 'string' },
  },
});
if (values.role === 'echo') await runEcho();
else if (values.role === 'plugboard') await runPlugboard(values.data ?? '');
else await orchestrate({ seconds: Number(values.duration), rounds: Number(values.rounds), connections: Number(values.connections), cpuProfDir: values['cpu-prof-dir'] });
