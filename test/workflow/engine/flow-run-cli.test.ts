import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runCli } from '../../kit/cli.ts';

const RUN_FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures', 'workflows', 'runs');

let dataDir: string;
before(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'plugboard-flow-run-'));
});
after(() => rmSync(dataDir, { recursive: true, force: true }));

describe('plugboard flow run', () => {
  test('--json prints the run document with the response and every action, and exits 0', () => {
    const trigger = join(dataDir, 'trigger.json');
    const parameters = join(dataDir, 'parameters.json');
    writeFileSync(trigger, JSON.stringify({ headers: {}, queries: {}, body: { name: 'Ada', tags: [1, 2, 3] } }));
    writeFileSync(parameters, JSON.stringify({ greeting: 'Welcome' }));
    const { code, stdout, stderr } = runCli(dataDir, ['flow', 'run', join(RUN_FIXTURES, 'request-compose-response.json'), '--trigger', trigger, '--parameters', parameters, '--json']);
    assert.equal(code, 0, stderr);
    const document = JSON.parse(stdout);
    assert.equal(typeof document.runId, 'string');
    assert.deepEqual({ ...document, runId: 'x' }, {
      runId: 'x',
      status: 'Succeeded',
      error: null,
      outputs: { message: 'Welcome, Ada!' },
      response: { statusCode: 201, headers: { 'Content-Type': 'application/json' }, body: { message: 'Welcome, Ada!', count: 3 } },
      actions: {
        Compose_greeting: { status: 'Succeeded', outputs: { message: 'Welcome, Ada!', count: 3 }, error: null },
        Response: { status: 'Succeeded', outputs: { statusCode: 201, headers: { 'Content-Type': 'application/json' }, body: { message: 'Welcome, Ada!', count: 3 } }, error: null },
      },
    });
  });

  test('a run that ends Failed still exits 0 and reports the Terminate error', () => {
    const trigger = join(dataDir, 'not-ok.json');
    writeFileSync(trigger, JSON.stringify({ body: { ok: false } }));
    const { code, stdout, stderr } = runCli(dataDir, ['flow', 'run', join(RUN_FIXTURES, 'terminate.json'), '--trigger', trigger, '--json']);
    assert.equal(code, 0, stderr);
    const document = JSON.parse(stdout);
    assert.equal(document.status, 'Failed');
    assert.deepEqual(document.error, { code: 'NotOk', message: 'the caller said not ok' });
    assert.equal(document.actions.After.status, 'Skipped');
  });

  test('without --json it prints a per-action table', () => {
    const { code, stdout } = runCli(dataDir, ['flow', 'run', join(RUN_FIXTURES, 'until.json')]);
    assert.equal(code, 0);
    assert.match(stdout, /: Succeeded/);
    assert.match(stdout, /^Until_three\s+Succeeded/m);
    assert.match(stdout, /^Final\s+Succeeded/m);
  });

  test('an invalid definition exits 1 and prints its issues', () => {
    const invalid = join(dataDir, 'invalid.json');
    writeFileSync(invalid, JSON.stringify({ triggers: {}, actions: { A: { type: 'Composee', inputs: 1 } } }));
    const { code, stdout, stderr } = runCli(dataDir, ['flow', 'run', invalid, '--json']);
    assert.equal(code, 1);
    assert.equal(stdout, '');
    assert.match(stderr, /action-type-unknown/);
  });

  test('a missing file or no definition argument is a usage error (exit 2)', () => {
    assert.equal(runCli(dataDir, ['flow', 'run', join(dataDir, 'nope.json')]).code, 2);
    assert.equal(runCli(dataDir, ['flow', 'run']).code, 2);
    const notJson = join(dataDir, 'trigger.txt');
    writeFileSync(notJson, 'not json');
    const run = runCli(dataDir, ['flow', 'run', join(RUN_FIXTURES, 'until.json'), '--trigger', notJson]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /--trigger file .* is not JSON/);
  });
});
