/**
 * The example workflow library (test/fixtures/workflows/library/*.json): every case runs through
 * `plugboard flow run --json` in its own data directory (four CLI processes at a time) and its
 * `expect` is matched against the run document (see run-expectation.ts for the rules). The
 * expectations are Logic Apps' documented behaviour, not what our engine prints.
 *
 * Cases the engine cannot pass yet are listed in KNOWN_GAPS with the reason; for those the test
 * asserts that they still fail, so fixing one forces removing it from the list.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { CliRun } from '../../kit/cli.ts';
import { runCliAsync } from '../../kit/cli.ts';
import { startLibraryBackend } from './library-backend.ts';
import type { LibraryBackend } from './library-backend.ts';
import { describeMismatches, matchRunDocument } from './run-expectation.ts';

const REPO = resolve(import.meta.dirname, '..', '..', '..');
const LIBRARY = join(REPO, 'test', 'fixtures', 'workflows', 'library');
/** Node's compile cache for the CLI processes: each of the ~90 runs then starts about twice as fast. */
const COMPILE_CACHE = join(tmpdir(), 'plugboard-test-compile-cache');

/** Case name → why the engine fails it today. Remove an entry when its case passes. */
const KNOWN_GAPS: Readonly<Record<string, string>> = {
  'secure-trigger-outputs': "the trigger's runtimeConfiguration.secureData is not applied: a Compose reading the trigger body shows it",
  'workflow-child': 'flow run wires no child-flow port into the engine, so Workflow fails with ChildFlowNotAvailable',
  'workflow-child-error': 'flow run wires no child-flow port into the engine, so Workflow fails with ChildFlowNotAvailable',
  'api-connection': 'flow run wires no connector port into the engine, so ApiConnection fails with ConnectorNotAvailable',
  'api-connection-not-found': 'flow run wires no connector port into the engine, so ApiConnection fails with ConnectorNotAvailable',
  'open-api-connection': 'flow run wires no connector port into the engine, so OpenApiConnection fails with ConnectorNotAvailable',
};

/** A case file. */
interface LibraryCase {
  readonly name: string;
  readonly file: string;
  readonly description: string;
  /** Takes several seconds on purpose (retry intervals, waits): started first. */
  readonly slow: boolean;
  readonly setup: CaseSetup;
  readonly trigger?: unknown;
  readonly parameters?: Readonly<Record<string, unknown>>;
  readonly definition: unknown;
  readonly expect: Readonly<Record<string, unknown>>;
}

/** What must exist in the data directory before the case runs. */
interface CaseSetup {
  /** Reference name → a connector folder (relative to the repository) and its connection parameters; `$CONNECTION_ID:<reference>` is replaced by the connection's id. */
  readonly connections: Readonly<Record<string, { readonly connector: string; readonly parameters: Readonly<Record<string, string>> }>>;
  /** Flow name → a child definition; each is run once first, which creates the flow by that name. */
  readonly children: Readonly<Record<string, unknown>>;
}

const cases = loadCases();
let backend: LibraryBackend;
const scratch = mkdtempSync(join(tmpdir(), 'plugboard-library-'));

before(async () => {
  backend = await startLibraryBackend();
});
after(async () => {
  await backend.close();
  rmSync(scratch, { recursive: true, force: true });
});

describe('the example workflow library', () => {
  test('has a case for every action type the engine knows and every runAfter status', () => {
    const types = new Set<string>();
    const statuses = new Set<string>();
    for (const c of cases) collectTypes(c.definition, types, statuses);
    for (const type of ['Compose', 'ParseJson', 'Query', 'Select', 'Join', 'Table', 'InitializeVariable', 'SetVariable', 'IncrementVariable', 'DecrementVariable', 'AppendToArrayVariable', 'AppendToStringVariable', 'If', 'Switch', 'Foreach', 'Until', 'Scope', 'Terminate', 'Wait', 'Response', 'Http', 'JavaScriptCode', 'Workflow', 'ApiConnection', 'OpenApiConnection']) {
      assert.ok(types.has(type.toLowerCase()), `no library case uses a ${type} action`);
    }
    for (const status of ['succeeded', 'failed', 'skipped', 'timedout']) assert.ok(statuses.has(status), `no library case has runAfter ${status}`);
    assert.ok(cases.length >= 50, `the library has ${cases.length} cases; it should have at least 50`);
  });

  test('the expectation matcher reports every difference with its path, and only listed members', () => {
    const document = {
      status: 'Failed',
      error: { code: 'ActionFailed', message: 'An action failed.' },
      outputs: {},
      response: null,
      actions: {
        A: { status: 'Failed', outputs: null, error: { code: 'InvalidTemplate', message: 'div by zero' } },
        Get: { status: 'Succeeded', outputs: { statusCode: 200, headers: { date: 'now' }, body: { n: 1, extra: true } }, error: null },
      },
    };
    assert.deepEqual(matchRunDocument({ status: 'Failed', error: { code: 'ActionFailed' }, actions: { A: { status: 'Failed', error: { code: 'InvalidTemplate' } } } }, document), []);
    assert.deepEqual(matchRunDocument({ status: 'Failed', actions: { Get: { outputs: { $partial: true, statusCode: 200, body: { $partial: true, n: 1 } } } } }, document), []);
    const paths = (expect: Record<string, unknown>) => matchRunDocument(expect, document).map((m) => m.path);
    assert.deepEqual(paths({ status: 'Succeeded', actions: {} }), ['status']);
    assert.deepEqual(paths({ status: 'Failed', actions: { Missing: { status: 'Succeeded' } } }), ['actions.Missing']);
    assert.deepEqual(paths({ status: 'Failed', actions: { A: { error: { code: 'BadRequest' } } } }), ['actions.A.error.code']);
    assert.deepEqual(paths({ status: 'Failed', actions: { Get: { outputs: { $partial: true, body: { n: 1 } } } } }), ['actions.Get.outputs.body'], 'a nested object without $partial must list every member');
    assert.deepEqual(paths({ status: 'Failed', error: null, actions: {} }), ['error']);
    assert.deepEqual(paths({ status: 'Failed', response: { statusCode: 200 }, actions: {} }), ['response']);
    assert.deepEqual(paths({ status: 'Failed', actions: { A: { outputs: [1] } } }), ['actions.A.outputs']);
  });

  test('every KNOWN_GAPS entry names a case of the library', () => {
    const names = new Set(cases.map((c) => c.name));
    assert.deepEqual(Object.keys(KNOWN_GAPS).filter((name) => !names.has(name)), []);
  });
});

describe('library cases through plugboard flow run --json', { concurrency: 4 }, () => {
  const ordered = [...cases.filter((c) => c.slow), ...cases.filter((c) => !c.slow)];
  for (const c of ordered) {
    const gap = KNOWN_GAPS[c.name];
    test(`${c.name}: ${c.description}`, { timeout: 120_000 }, async (t) => {
      const { ran, problems } = await runCase(c);
      if (gap === undefined) {
        assert.equal(problems.length, 0, `case ${c.name} (${c.file}) does not match its expectation:\n${problems.join('\n')}`);
        return;
      }
      // A known gap must still be a valid workflow that runs to its end: only its results may differ.
      assert.ok(ran, `known gap ${c.name} did not run (${gap}):\n${problems.join('\n')}`);
      assert.ok(problems.length > 0, `case ${c.name} passes now — remove it from KNOWN_GAPS (was: ${gap})`);
      t.diagnostic(`known gap: ${gap} — ${problems[0] ?? ''}`.slice(0, 300));
    });
  }
});

/** Runs one case: whether `flow run` finished a run (exit 0, JSON printed), and what differs from the expectation. */
async function runCase(c: LibraryCase): Promise<{ readonly ran: boolean; readonly problems: readonly string[] }> {
  const dataDir = mkdtempSync(join(scratch, `${c.name}-`));
  // Definitions are named after their flow; the other input files go apart so no name can clash.
  const inputs = join(dataDir, 'inputs');
  mkdirSync(inputs);
  const env = { PLUGBOARD_EGRESS_ALLOW: '127.0.0.1/32', NODE_COMPILE_CACHE: COMPILE_CACHE };
  const placeholders = new Map<string, string>([
    ['$BASE_URL', backend.baseUrl],
    ['$BASE_HOST', backend.host],
  ]);

  const imported = new Set<string>();
  for (const [reference, connection] of Object.entries(c.setup.connections)) {
    const folder = join(REPO, connection.connector);
    const connector = basename(folder);
    if (!imported.has(connector)) {
      await cli(dataDir, ['connector', 'import', folder, '--name', connector], env, 'import the connector');
      imported.add(connector);
    }
    const params = Object.entries(connection.parameters).flatMap(([name, value]) => ['--param', `${name}=${substitute(value, placeholders)}`]);
    const created = await cli(dataDir, ['connection', 'create', connector, ...params, '--json'], env, 'create the connection');
    const id: unknown = (JSON.parse(created.stdout) as Record<string, unknown>)['id'];
    assert.equal(typeof id, 'string', `case ${c.name}: connection create printed no id`);
    placeholders.set(`$CONNECTION_ID:${reference}`, String(id));
  }
  for (const [name, definition] of Object.entries(c.setup.children)) {
    const file = join(dataDir, `${name}.json`);
    writeFileSync(file, JSON.stringify({ definition: substitute(definition, placeholders) }));
    await cli(dataDir, ['flow', 'run', file, '--json'], env, `create the child flow ${name}`);
  }

  // The file is named after the case: the flow (and workflow().name) gets the case's name.
  const definitionFile = join(dataDir, `${c.name}.json`);
  writeFileSync(definitionFile, JSON.stringify(substitute(c.definition, placeholders)));
  const args = ['flow', 'run', definitionFile, '--json'];
  if (c.trigger !== undefined) {
    const triggerFile = join(inputs, 'trigger.json');
    writeFileSync(triggerFile, JSON.stringify(substitute(c.trigger, placeholders)));
    args.push('--trigger', triggerFile);
  }
  if (c.parameters !== undefined) {
    const parametersFile = join(inputs, 'parameters.json');
    writeFileSync(parametersFile, JSON.stringify(substitute(c.parameters, placeholders)));
    args.push('--parameters', parametersFile);
  }
  const run = await runCliAsync(dataDir, args, { env });
  if (run.code !== 0) return { ran: false, problems: [`flow run exited ${String(run.code)}: ${run.stderr.trim().slice(0, 2000)}`] };
  let document: unknown;
  try {
    document = JSON.parse(run.stdout);
  } catch {
    return { ran: false, problems: [`flow run --json printed no JSON: ${run.stdout.slice(0, 500)}`] };
  }
  const mismatches = matchRunDocument(c.expect, document);
  if (mismatches.length === 0) return { ran: true, problems: [] };
  return { ran: true, problems: [describeMismatches(mismatches), `run document: ${JSON.stringify(document).slice(0, 4000)}`] };
}

/** A setup step that must work (exit 0) for the case to mean anything. */
async function cli(dataDir: string, args: readonly string[], env: Readonly<Record<string, string>>, what: string): Promise<CliRun> {
  const run = await runCliAsync(dataDir, args, { env });
  assert.equal(run.code, 0, `could not ${what} (plugboard ${args.join(' ')}): ${run.stderr}`);
  return run;
}

/** Replaces every placeholder inside every string of `value` (keys too). */
function substitute<T>(value: T, placeholders: ReadonlyMap<string, string>): T {
  const text = (s: string): string => {
    let out = s;
    // Longest first: `$BASE_URL` must not be cut by a shorter placeholder.
    for (const key of [...placeholders.keys()].sort((a, b) => b.length - a.length)) out = out.split(key).join(placeholders.get(key) ?? key);
    return out;
  };
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return text(v);
    if (Array.isArray(v)) return v.map(walk);
    if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.entries(v).map(([k, inner]) => [text(k), walk(inner)]));
    return v;
  };
  return walk(value) as T;
}

function loadCases(): LibraryCase[] {
  const files = readdirSync(LIBRARY).filter((f) => f.endsWith('.json')).sort();
  return files.map((file) => {
    const name = file.slice(0, -'.json'.length);
    const raw: unknown = JSON.parse(readFileSync(join(LIBRARY, file), 'utf8'));
    const where = `test/fixtures/workflows/library/${file}`;
    assert.ok(isRecord(raw), `${where} must hold a JSON object`);
    const { description, definition, expect, trigger, parameters, slow, setup } = raw;
    assert.ok(typeof description === 'string' && description !== '', `${where}: "description" must be a non-empty string`);
    assert.ok(isRecord(definition), `${where}: "definition" must be an object`);
    assert.ok(isRecord(expect) && typeof expect['status'] === 'string' && isRecord(expect['actions']), `${where}: "expect" must have a "status" and an "actions" object`);
    assert.ok(parameters === undefined || isRecord(parameters), `${where}: "parameters" must be an object of parameter values`);
    assert.ok(slow === undefined || typeof slow === 'boolean', `${where}: "slow" must be a boolean`);
    assert.ok(setup === undefined || isRecord(setup), `${where}: "setup" must be an object`);
    const connections = setup?.['connections'] ?? {};
    const children = setup?.['children'] ?? {};
    assert.ok(isRecord(connections) && isRecord(children), `${where}: "setup.connections" and "setup.children" must be objects`);
    return {
      name,
      file: where,
      description,
      slow: slow === true,
      setup: { connections: connections as CaseSetup['connections'], children },
      ...(trigger === undefined ? {} : { trigger }),
      ...(parameters === undefined ? {} : { parameters }),
      definition,
      expect,
    };
  });
}

/** Lower-cased action types and runAfter statuses used anywhere in `value`. */
function collectTypes(value: unknown, types: Set<string>, statuses: Set<string>): void {
  if (Array.isArray(value)) {
    for (const item of value) collectTypes(item, types, statuses);
    return;
  }
  if (!isRecord(value)) return;
  if (typeof value['type'] === 'string') types.add(value['type'].toLowerCase());
  const runAfter = value['runAfter'];
  if (isRecord(runAfter)) for (const list of Object.values(runAfter)) if (Array.isArray(list)) for (const s of list) if (typeof s === 'string') statuses.add(s.toLowerCase());
  for (const inner of Object.values(value)) collectTypes(inner, types, statuses);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
