/**
 * Every sandbox is freed, on every path: QuickJS asserts when a freed runtime still holds an
 * object, the runner logs that as an error and discards the engine instance, and a leaking
 * runtime would make the pooled instance grow until it is replaced. Both are checked here.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PlugboardError } from '../../src/core/index.ts';
import { createScriptRunner, scriptEngineStats } from '../../src/gateway/script/index.ts';
import type { ScriptEngineVariant, ScriptRunInput } from '../../src/gateway/script/index.ts';
import { hangingSend, memoryLogger, recordingSend, scriptRequest } from './script-kit.ts';

interface Scenario {
  readonly name: string;
  readonly source: string;
  readonly input?: Partial<ScriptRunInput>;
  /** Error code expected, or undefined for success. */
  readonly fails?: string;
  /** Execution budget; generous by default, since the debug build is slow and the host may be busy. */
  readonly timeoutMs?: number;
}

const SCENARIOS: readonly Scenario[] = [
  { name: 'pass-through', source: 'export default async ({ request, send }) => { const a = await send(request); return { ...a, body: { got: JSON.parse(a.body) } }; }' },
  { name: 'script throws', source: 'export default async () => { const o = { deep: { list: [1, 2, 3] } }; throw new TypeError("bad " + JSON.stringify(o)); }', fails: 'CustomCodeFailed' },
  { name: 'endless loop', source: 'export default async () => { const keep = [{}, {}]; while (keep) {} }', fails: 'CustomCodeTimeout', timeoutMs: 500 },
  { name: 'single huge allocation', source: 'export default async () => ({ status: 200, body: String(new ArrayBuffer(200 * 1024 * 1024).byteLength) })', fails: 'CustomCodeMemoryLimit' },
  { name: 'recursion', source: 'const f = (n) => [f(n + 1)];\nexport default async () => f(0)', fails: 'CustomCodeMemoryLimit' },
  { name: 'never settles', source: 'export default () => new Promise(() => {})', fails: 'CustomCodeFailed' },
  { name: 'send left in flight', source: 'export default async ({ request, send }) => { send(request); send(request); await null; throw new Error("gave up"); }', input: { send: hangingSend }, fails: 'CustomCodeFailed' },
  {
    name: 'send failure caught',
    source: 'export default async ({ request, send }) => { try { await send(request); } catch (e) { return { status: 502, body: e.message }; } }',
    input: { send: async () => Promise.reject(new PlugboardError('refused', { code: 'EgressBlocked' })) },
  },
  { name: 'too many sends', source: 'export default async ({ request, send }) => { for (;;) await send(request); }', fails: 'CustomCodeLimitExceeded' },
  { name: 'bad response', source: 'export default async () => ({ status: "ok", headers: { a: {} } })', fails: 'CustomCodeFailed' },
  { name: 'unserialisable response', source: 'export default async () => { const o = { status: 200 }; o.self = o; return o; }', fails: 'CustomCodeFailed' },
  { name: 'polluted prototypes', source: 'export default async ({ request, send }) => { Object.prototype.toJSON = () => 1; Promise.prototype.then = null; JSON.parse = null; return send(request); }', fails: 'CustomCodeFailed' },
];

async function runScenarios(engine: ScriptEngineVariant): Promise<string[]> {
  const logger = memoryLogger();
  const failures: string[] = [];
  for (const scenario of SCENARIOS) {
    const runner = await createScriptRunner({ source: scenario.source, language: 'javascript', file: 'script.js', engine, logger, timeoutMs: scenario.timeoutMs ?? 5000, maxSendCalls: 5 });
    const outcome = await runner.run({ operationId: 'Op', request: scriptRequest({ body: '{"a":1}' }), send: recordingSend(), ...scenario.input }).then(
      () => undefined,
      (error: unknown) => (error instanceof PlugboardError ? error.code : String(error)),
    );
    if (outcome !== scenario.fails) failures.push(`${scenario.name}: expected ${scenario.fails ?? 'success'}, got ${outcome ?? 'success'}`);
  }
  failures.push(...logger.lines.filter((line) => line.level === 'error').map((line) => `${line.message} ${JSON.stringify(line.fields)}`));
  return failures;
}

describe('sandbox clean-up', () => {
  it('frees every object on every path (success, failure, timeout, memory, abandoned send) in the release engine', async () => {
    assert.deepEqual(await runScenarios('release'), []);
  });

  it('frees every object on every path in the QuickJS debug build', async () => {
    assert.deepEqual(await runScenarios('debug'), []);
  });

  it('runs 1,000 invocations on one pooled engine instance without growing it', async () => {
    const runner = await createScriptRunner({
      language: 'typescript',
      file: 'script.ts',
      source: 'export default async ({ request, send }: any) => { const answer = await send(request); return { ...answer, body: answer.body + "!" }; }',
    });
    const send = recordingSend();
    // Warm up, so that the pool holds one instance.
    await runner.run({ operationId: 'Op', request: scriptRequest({ body: 'warm' }), send });
    const before = scriptEngineStats();
    const rssBefore = process.memoryUsage().rss;
    const started = performance.now();
    for (let i = 0; i < 1000; i++) {
      const response = await runner.run({ operationId: 'Op', request: scriptRequest({ body: String(i) }), send });
      assert.equal(response.body, `${i}!`);
    }
    const elapsed = performance.now() - started;
    const after = scriptEngineStats();
    // Informational only (no timing or RSS assertion): printed for the record.
    console.log(
      `# 1000 invocations: ${(elapsed / 1000).toFixed(3)} ms each; rss ${(rssBefore / 2 ** 20).toFixed(1)} → ${(process.memoryUsage().rss / 2 ** 20).toFixed(1)} MiB; engine instances created ${after.created - before.created}, discarded ${after.discarded - before.discarded}`,
    );
    // A leaked runtime per call would grow the instance past its reuse threshold and get it replaced.
    assert.equal(after.created, before.created, 'no new engine instance was needed');
    assert.equal(after.discarded, before.discarded, 'the instance was never discarded');
  });

  it('replaces an engine instance that hit its memory ceiling, and the next call gets a fresh one', async () => {
    const bomb = await createScriptRunner({ language: 'javascript', file: 'script.js', source: 'export default async () => { const a = []; for (;;) a.push(new Uint8Array(1 << 20)); }' });
    const before = scriptEngineStats();
    await assert.rejects(bomb.run({ operationId: 'Op', request: scriptRequest(), send: recordingSend() }), (error: unknown) => error instanceof PlugboardError && error.code === 'CustomCodeMemoryLimit');
    assert.equal(scriptEngineStats().discarded, before.discarded + 1);
    const fine = await createScriptRunner({ language: 'javascript', file: 'script.js', source: 'export default async () => ({ status: 200, body: "ok" })' });
    assert.equal((await fine.run({ operationId: 'Op', request: scriptRequest(), send: recordingSend() })).body, 'ok');
  });

  it('keeps concurrent invocations on separate engine instances, so one call’s memory bomb cannot fail another', async () => {
    const bomb = await createScriptRunner({ language: 'javascript', file: 'script.js', source: 'export default async ({ request, send }) => { await send(request); const a = []; for (;;) a.push(new Uint8Array(1 << 20)); }' });
    const steady = await createScriptRunner({
      language: 'javascript',
      file: 'script.js',
      source: 'export default async ({ request, send }) => { const keep = []; for (let i = 0; i < 8; i++) { keep.push(new Uint8Array(1 << 20)); await send(request); } return { status: 200, body: String(keep.length) }; }',
    });
    const interleave = recordingSend(async (request) => {
      await new Promise((resolve) => setImmediate(resolve));
      return { status: 200, headers: {}, body: request.body };
    });
    const [bombed, ok] = await Promise.allSettled([
      bomb.run({ operationId: 'Op', request: scriptRequest(), send: interleave }),
      steady.run({ operationId: 'Op', request: scriptRequest(), send: interleave }),
    ]);
    assert.equal(bombed.status, 'rejected');
    assert.equal(ok.status === 'fulfilled' ? ok.value.body : ok.reason, '8');
  });
});
