import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../kit/cli.ts';
import { corpusFolder } from '../kit/corpus.ts';

import { CLI_MAIN as MAIN } from '../kit/cli.ts';
const planner = corpusFolder('certified-connectors', 'Planner');
const broken = corpusFolder('certified-connectors', 'CognitiveServicesTextAnalytics');
const yelp = corpusFolder('independent-publisher-connectors', 'Yelp');

let dataDir: string;
function plugboard(...args: string[]) {
  return runCli(dataDir, args);
}

before(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'plugboard-cli-'));
});
after(() => rmSync(dataDir, { recursive: true, force: true }));

describe('plugboard connector validate', () => {
  test('--json prints one element per path, in order, and exits 1 when any has errors', () => {
    const missing = join(dataDir, 'no-such-connector');
    const { code, stdout } = plugboard('connector', 'validate', planner, broken, yelp, missing, '--json');
    assert.equal(code, 1);
    const reports = JSON.parse(stdout);
    assert.equal(reports.length, 4);
    assert.deepEqual(reports.map((r: { path: string }) => r.path), [planner, broken, yelp, missing]);
    const [p, z, y, m] = reports;
    assert.equal(p.loaded, true);
    assert.equal(p.title, 'Planner');
    assert.ok(p.operations > 0);
    assert.deepEqual(p.errors, []);
    assert.equal(z.loaded, false);
    assert.equal(z.errors.length, 1);
    assert.equal(typeof z.errors[0].line, 'number');
    assert.equal(typeof z.errors[0].column, 'number');
    assert.equal(y.loaded, true, 'the cp1252 file is repaired');
    assert.ok(y.warnings.some((w: { code: string }) => w.code === 'repaired-encoding'));
    assert.equal(m.loaded, false);
    assert.match(m.errors[0].message, /does not exist/);
    for (const r of reports) assert.deepEqual(Object.keys(r).sort(), ['errors', 'loaded', 'operations', 'path', 'title', 'triggers', 'warnings']);
  });

  test('exits 0 when no connector has errors, and prints a readable summary', () => {
    const { code, stdout, stderr } = plugboard('connector', 'validate', planner);
    assert.equal(code, 0, stderr);
    assert.match(stdout, /✔ .*Planner — \d+ operations/);
  });

  test('an unparseable definition is reported with file, line and column, not a stack trace', () => {
    const { code, stdout, stderr } = plugboard('connector', 'validate', broken);
    assert.equal(code, 1);
    assert.match(stdout, /apiDefinition\.swagger\.json:\d+:\d+/);
    assert.doesNotMatch(stdout + stderr, /at .*\.ts:\d+:\d+\)/);
  });
});

describe('plugboard connector import / list / show / delete', () => {
  test('imports, keeps versions, shows and deletes', () => {
    const first = plugboard('connector', 'import', planner);
    assert.equal(first.code, 0, first.stderr + first.stdout);
    assert.match(first.stdout, /planner v1 \(new\)/);
    const again = plugboard('connector', 'import', planner);
    assert.match(again.stdout, /planner v1 \(unchanged\)/);

    const list = plugboard('connector', 'list', '--json');
    assert.equal(list.code, 0, list.stderr);
    const names = JSON.parse(list.stdout).map((c: { name: string }) => c.name);
    assert.ok(names.includes('planner'));
    assert.ok(names.includes('plugboard'), 'built-in connectors are in the same catalog');

    const show = plugboard('connector', 'show', 'planner', '--operations', '--json');
    assert.equal(show.code, 0, show.stderr);
    const shown = JSON.parse(show.stdout);
    assert.equal(shown.version, 1);
    assert.equal(shown.operations.length, shown.actions + shown.triggers);
    assert.ok(shown.operations.some((o: { operationId: string }) => o.operationId === 'CreateTask_V3'));

    const del = plugboard('connector', 'delete', 'planner');
    assert.equal(del.code, 0, del.stderr);
    const gone = plugboard('connector', 'show', 'planner');
    assert.equal(gone.code, 1);
    assert.match(gone.stderr, /^error: connector "planner" is not in the catalog/m);
    assert.doesNotMatch(gone.stderr, /\.ts:\d+/);
  });

  test('refuses to import a definition with errors and says why', () => {
    const res = plugboard('connector', 'import', broken);
    assert.equal(res.code, 1);
    assert.match(res.stdout, /was not imported/);
    assert.match(res.stdout, /json-syntax/);
  });

  test('a new environment has the built-in connectors', () => {
    assert.equal(plugboard('env', 'create', 'team-a').code, 0);
    const list = plugboard('connector', 'list', '--env', 'team-a', '--json');
    assert.deepEqual(JSON.parse(list.stdout).map((c: { name: string }) => c.name), ['plugboard']);
  });

  test('an unknown environment is a clear error', () => {
    const res = plugboard('connector', 'list', '--env', 'nowhere');
    assert.equal(res.code, 1);
    assert.match(res.stderr, /environment "nowhere" does not exist/);
  });
});

describe('plugboard start', () => {
  test('serves /healthz, prints the first admin token once, and stops on SIGTERM', async () => {
    const startOnce = async (): Promise<{ stderr: string; health: unknown; exitCode: number | null }> => {
      const child = spawn(process.execPath, ['--disable-warning=ExperimentalWarning', MAIN, 'start', '--port', '0'], {
        env: { ...process.env, PLUGBOARD_DATA_DIR: join(dataDir, 'server'), PLUGBOARD_LOG_LEVEL: 'silent', PLUGBOARD_BOOTSTRAP_TOKEN: '', PLUGBOARD_DATABASE_URL: '' },
      });
      let stderr = '';
      const url = await new Promise<string>((resolveUrl, reject) => {
        const timer = setTimeout(() => reject(new Error(`server did not start: ${stderr}`)), 30_000);
        child.stderr.on('data', (chunk: Buffer) => {
          stderr += chunk.toString();
          const match = /listening on (\S+)/.exec(stderr);
          if (match?.[1] !== undefined) {
            clearTimeout(timer);
            resolveUrl(match[1]);
          }
        });
      });
      const health = await (await fetch(`${url}/healthz`)).json();
      const token = /\n {2}(pb_\S+)\n/.exec(stderr)?.[1];
      if (token !== undefined) {
        const res = await fetch(`${url}/api/environments`, { headers: { authorization: `Bearer ${token}` } });
        assert.equal(res.status, 200, 'the printed token works');
      }
      const exitCode = await new Promise<number | null>((resolveExit) => {
        child.on('exit', (code) => resolveExit(code));
        child.kill('SIGTERM');
      });
      return { stderr, health, exitCode };
    };
    const first = await startOnce();
    assert.deepEqual(first.health, { status: 'ok', storage: 'sqlite' });
    assert.match(first.stderr, /admin API token was created/);
    assert.equal(first.exitCode, 0);
    const second = await startOnce();
    assert.doesNotMatch(second.stderr, /pb_/, 'the token is printed only on first start');
  });
});
