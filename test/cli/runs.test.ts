/**
 * `plugboard runs list|show`, run as a user would: runs are made with `plugboard flow run` in a
 * temporary data directory, then listed and shown; `--json` is compared with what the HTTP API
 * answers for the same run on the same database.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCatalog } from '../../src/catalog/index.ts';
import { systemClock } from '../../src/core/index.ts';
import { BUILTIN_CONNECTORS_DIR, createApp, ensureAdminToken } from '../../src/server/index.ts';
import { openStore, storeConfigFromEnv } from '../../src/storage/index.ts';
import { runCli } from '../kit/cli.ts';

const RUN_FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'workflows', 'runs');
const LOOP_FLOW = 'variables-foreach-condition';
const TERMINATE_FLOW = 'terminate';

let dataDir: string;
/** Run ids in the order they were made. */
const made: { flow: string; runId: string }[] = [];

function flowRun(fixture: string, trigger: unknown): void {
  const triggerFile = join(dataDir, `trigger-${made.length}.json`);
  writeFileSync(triggerFile, JSON.stringify(trigger));
  const result = runCli(dataDir, ['flow', 'run', join(RUN_FIXTURES, `${fixture}.json`), '--trigger', triggerFile, '--json']);
  assert.equal(result.code, 0, result.stderr);
  made.push({ flow: fixture, runId: JSON.parse(result.stdout).runId });
}

before(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'plugboard-cli-runs-'));
  flowRun(LOOP_FLOW, { body: { orders: [{ id: 'a', amount: 5 }, { id: 'b', amount: 20 }, { id: 'c', amount: 1 }] } });
  flowRun(TERMINATE_FLOW, { body: { ok: false } });
  flowRun(LOOP_FLOW, { body: { orders: [{ id: 'd', amount: 50 }] } });
});
after(() => rmSync(dataDir, { recursive: true, force: true }));

describe('plugboard runs list', () => {
  test('--json lists every run of the environment, newest first, with its flow name', () => {
    const result = runCli(dataDir, ['runs', 'list', '--json']);
    assert.equal(result.code, 0, result.stderr);
    const runs = JSON.parse(result.stdout);
    assert.deepEqual(
      runs.map((r: { id: string; flowName: string }) => ({ runId: r.id, flow: r.flowName })),
      [...made].reverse(),
    );
    const failed = runs.find((r: { flowName: string }) => r.flowName === TERMINATE_FLOW);
    assert.equal(failed.status, 'Failed');
    assert.deepEqual(failed.error, { code: 'NotOk', message: 'the caller said not ok' });
    assert.equal(failed.trigger.name, 'manual');
  });

  test('prints a table of id, flow, status, start and duration', () => {
    const result = runCli(dataDir, ['runs', 'list']);
    assert.equal(result.code, 0, result.stderr);
    const lines = result.stdout.trimEnd().split('\n');
    assert.match(lines[0] ?? '', /^ID\s+FLOW\s+STATUS\s+START\s+DURATION$/);
    assert.equal(lines.length, 1 + made.length);
    const terminate = made[1]?.runId ?? '';
    assert.match(result.stdout, new RegExp(`^${terminate}\\s+terminate\\s+Failed\\s+\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\dZ\\s+\\d+(\\.\\d)? m?s$`, 'm'));
  });

  test('--flow takes a name or an id and lists only that flow’s runs', () => {
    const byName = JSON.parse(runCli(dataDir, ['runs', 'list', '--flow', LOOP_FLOW, '--json']).stdout);
    const loopRuns = made.filter((m) => m.flow === LOOP_FLOW).map((m) => m.runId).reverse();
    assert.deepEqual(byName.map((r: { id: string }) => r.id), loopRuns);
    const byId = JSON.parse(runCli(dataDir, ['runs', 'list', '--flow', byName[0].flowId, '--json']).stdout);
    assert.deepEqual(byId, byName);
    const limited = JSON.parse(runCli(dataDir, ['runs', 'list', '--top', '1', '--json']).stdout);
    assert.deepEqual(limited.map((r: { id: string }) => r.id), [made.at(-1)?.runId]);
  });

  test('an unknown flow or environment is one error line and exit 1; an empty environment says so', () => {
    const flow = runCli(dataDir, ['runs', 'list', '--flow', 'no-such-flow']);
    assert.equal(flow.code, 1);
    assert.match(flow.stderr, /^error: no flow has the id or name "no-such-flow" in environment "default"/);
    const env = runCli(dataDir, ['runs', 'list', '--env', 'nowhere']);
    assert.equal(env.code, 1);
    assert.match(env.stderr, /^error: environment "nowhere" does not exist/);
    assert.equal(runCli(dataDir, ['env', 'create', 'empty']).code, 0);
    const empty = runCli(dataDir, ['runs', 'list', '--env', 'empty']);
    assert.equal(empty.code, 0, empty.stderr);
    assert.match(empty.stdout, /^no runs in environment "empty"/);
  });
});

describe('plugboard runs show', () => {
  test('prints the run and a per-action table with attempts and loop iterations', () => {
    const first = made[0]?.runId ?? '';
    const result = runCli(dataDir, ['runs', 'show', first]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, new RegExp(`^run ${first}: Succeeded\\n  flow: ${LOOP_FLOW} \\(environment default\\), version \\d+\\n  trigger: manual\\n`));
    assert.match(result.stdout, /^ACTION\s+STATUS\s+ATTEMPTS\s+ITERATIONS\s+DURATION\s+ERROR$/m);
    assert.match(result.stdout, /^For_each_order\s+Succeeded\s+1\s+\d/m, 'the loop itself has no iteration count');
    assert.match(result.stdout, /^Add_amount\s+Succeeded\s+1\s+3\s/m);
    assert.match(result.stdout, /^Remember_big\s+Skipped\s+1\s+3\s.*ActionBranchingConditionNotSatisfied/m, 'the last iteration (amount 1) skipped it');

    const failed = runCli(dataDir, ['runs', 'show', made[1]?.runId ?? '']);
    assert.match(failed.stdout, /^ {2}error: NotOk: the caller said not ok$/m);
    assert.match(failed.stdout, /^After\s+Skipped\s+1\s/m);
  });

  test('--json prints the same document as GET …/flows/{id}/runs/{runId}', async () => {
    const runId = made[0]?.runId ?? '';
    const result = runCli(dataDir, ['runs', 'show', runId, '--json']);
    assert.equal(result.code, 0, result.stderr);
    const document = JSON.parse(result.stdout);
    assert.equal(document.actions.Add_amount.iterations, 3);
    assert.deepEqual(document.trigger.outputs.body.orders.map((o: { id: string }) => o.id), ['a', 'b', 'c']);

    const store = await openStore(storeConfigFromEnv({}, { dataDir }));
    try {
      await ensureAdminToken(store, { bootstrapToken: 'cli-runs-test-admin-token', clock: systemClock });
      const app = await createApp({ store, catalog: createCatalog({ store, builtinDir: BUILTIN_CONNECTORS_DIR }), logLevel: false });
      try {
        const res = await app.inject({
          method: 'GET',
          url: `/api/environments/default/flows/${document.flowId}/runs/${runId}`,
          headers: { authorization: 'Bearer cli-runs-test-admin-token' },
        });
        assert.equal(res.statusCode, 200, res.body);
        assert.deepEqual(res.json(), document);
      } finally {
        await app.close();
      }
    } finally {
      await store.close();
    }
  });

  test('an unknown run is one error line and exit 1', () => {
    const result = runCli(dataDir, ['runs', 'show', '00000000-0000-4000-8000-000000000000']);
    assert.equal(result.code, 1);
    assert.equal(result.stderr, 'error: run 00000000-0000-4000-8000-000000000000 does not exist — list runs with `plugboard runs list`\n');
  });
});
