/**
 * `npm run bench:foreach`: a Foreach over 100,000 items at concurrency 50, each iteration one
 * Compose, every attempt journaled in an SQLite file store (the embedded default). Target: under
 * 60 s (DESIGN.md §5). Baseline in the same run: the same loop as a plain `for` over the items
 * writing one row per item in the same database (what the journal costs at minimum).
 *
 * Options: ITEMS (default 100000), CONCURRENCY (default 50).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '../src/core/index.ts';
import { openStore } from '../src/storage/index.ts';
import { loadWorkflowDefinition, runWorkflow } from '../src/workflow/index.ts';

const items = Number(process.env['ITEMS'] ?? 100_000);
const concurrency = Number(process.env['CONCURRENCY'] ?? 50);
const dir = mkdtempSync(join(tmpdir(), 'plugboard-bench-foreach-'));

try {
  const store = await openStore({ driver: 'sqlite', file: join(dir, 'plugboard.db') });
  const definition = {
    triggers: { manual: { type: 'Request', kind: 'Http', inputs: {} } },
    actions: {
      Each: {
        type: 'Foreach',
        foreach: '@range(0, triggerBody()?[\'count\'])',
        runtimeConfiguration: { concurrency: { repetitions: concurrency } },
        actions: { Double: { type: 'Compose', inputs: '@mul(item(), 2)', runAfter: {} } },
        runAfter: {},
      },
    },
  };
  const loaded = loadWorkflowDefinition(definition);
  const memoryBefore = process.memoryUsage().rss;
  const started = performance.now();
  const result = await runWorkflow({ store, loaded, clock: systemClock, triggerOutputs: { body: { count: items } } });
  const seconds = (performance.now() - started) / 1000;
  const memoryAfter = process.memoryUsage().rss;
  if (result.status !== 'Succeeded') throw new Error(`the run ended ${result.status}: ${JSON.stringify(result.error)}`);
  const journaled = (await store.runs.listActions(result.runId)).length;

  // Baseline: one journal row per item, written sequentially by a plain loop (no engine).
  const baselineRun = await store.runs.create({ flowId: result.flowId, flowVersion: 1, triggerName: 'manual', triggerOutputs: null });
  const baseStarted = performance.now();
  for (let index = 0; index < items; index++) {
    await store.runs.recordAction({ runId: baselineRun.id, name: 'Double', iterationKey: `Each[${index}]`, status: 'Succeeded', outputs: index * 2 });
  }
  const baseSeconds = (performance.now() - baseStarted) / 1000;
  await store.close();

  const lines = [
    `Foreach over ${items.toLocaleString('en-US')} items, concurrency ${concurrency}, one Compose per iteration (SQLite file store)`,
    `  engine:   ${seconds.toFixed(1)} s (${Math.round(items / seconds).toLocaleString('en-US')} iterations/s), ${journaled.toLocaleString('en-US')} attempts journaled, RSS +${Math.round((memoryAfter - memoryBefore) / 1_048_576)} MiB`,
    `  baseline: ${baseSeconds.toFixed(1)} s to write ${items.toLocaleString('en-US')} journal rows in a plain loop`,
    `  target:   under 60 s — ${seconds < 60 ? 'met' : 'NOT met'}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
