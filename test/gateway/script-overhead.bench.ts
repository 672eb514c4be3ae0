/**
 * Prints the per-invocation overhead of the custom-code sandbox (not a test; no assertions):
 *   node_modules/.bin/node --disable-warning=ExperimentalWarning test/gateway/script-overhead.bench.ts
 *
 * Phases, measured directly on QuickJS: engine instance (compile once, instantiate per instance),
 * runtime + context create/free, prelude evaluation, module evaluation, and one pass-through call
 * through the public runner. The last line compares with calling the hook in an already-loaded
 * context, i.e. what reusing a runtime would save.
 */
import { createScriptRunner } from '../../src/gateway/script/index.ts';
import { PRELUDE_FILE, PRELUDE_SOURCE } from '../../src/gateway/script/prelude.ts';
import { leaseScriptEngine } from '../../src/gateway/script/script-engine.ts';

const PASS_THROUGH = 'export default async ({ request, send }) => { const answer = await send(request); return { ...answer, body: answer.body }; }';

function stats(samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
  const mean = samples.reduce((sum, value) => sum + value, 0) / samples.length;
  return `mean ${mean.toFixed(3)} ms, p50 ${at(0.5).toFixed(3)}, p95 ${at(0.95).toFixed(3)}, p99 ${at(0.99).toFixed(3)} (n=${samples.length})`;
}

function time(fn: () => void): number {
  const start = performance.now();
  fn();
  return performance.now() - start;
}

let started = performance.now();
const first = await leaseScriptEngine('release', 64 * 1024 * 1024);
console.log(`first engine instance (read + compile wasm + instantiate): ${(performance.now() - started).toFixed(1)} ms`);
const instantiate: number[] = [];
for (let i = 0; i < 20; i++) {
  started = performance.now();
  const lease = await leaseScriptEngine('release', 32 * 1024 * 1024 + i * 65536 * 17);
  instantiate.push(performance.now() - started);
  lease.release('discard');
}
console.log(`new engine instance from the compiled module: ${stats(instantiate)}`);

const module = first.module;
const bare: number[] = [];
const prelude: number[] = [];
const moduleEval: number[] = [];
for (let i = 0; i < 2000; i++) {
  const runtime = module.newRuntime();
  const context = runtime.newContext();
  bare.push(
    time(() => {
      const rt = module.newRuntime();
      rt.newContext().dispose();
      rt.dispose();
    }),
  );
  prelude.push(time(() => context.evalCode(PRELUDE_SOURCE, PRELUDE_FILE, { type: 'global', strict: true }).dispose()));
  moduleEval.push(
    time(() => {
      context.evalCode(PASS_THROUGH, 'script.js', { type: 'module', strict: true }).dispose();
      runtime.executePendingJobs();
    }),
  );
  context.dispose();
  runtime.dispose();
}
first.release('reuse');
console.log(`runtime + context create and free:            ${stats(bare)}`);
console.log(`prelude evaluation:                           ${stats(prelude)}`);
console.log(`pass-through module evaluation:               ${stats(moduleEval)}`);

const runner = await createScriptRunner({ source: PASS_THROUGH, language: 'javascript', file: 'script.js' });
const request = { method: 'POST', url: 'https://api.example.com/items', headers: { 'content-type': 'application/json', authorization: 'Bearer abcdefgh' }, body: '{"a":1}' };
const send = async () => ({ status: 200, headers: { 'content-type': 'application/json' }, body: '{"ok":true}' });
for (let i = 0; i < 200; i++) await runner.run({ operationId: 'Op', request, send });
const whole: number[] = [];
for (let i = 0; i < 2000; i++) {
  started = performance.now();
  await runner.run({ operationId: 'Op', request, send });
  whole.push(performance.now() - started);
}
console.log(`whole invocation via runner.run (pass-through, everything included): ${stats(whole)}`);

const rssMiB = (process.memoryUsage().rss / 2 ** 20).toFixed(1);
console.log(`process rss after the benchmark: ${rssMiB} MiB`);
