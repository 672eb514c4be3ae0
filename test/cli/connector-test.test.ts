import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runCli } from '../kit/cli.ts';
import { corpusFolder } from '../kit/corpus.ts';

const keyedEcho = resolve(import.meta.dirname, '..', 'fixtures', 'gateway', 'keyed-echo');
const airmeet = corpusFolder('certified-connectors', 'Airmeet');
const pixela = corpusFolder('independent-publisher-connectors', 'Pixela');

let dataDir: string;
function plugboard(...args: string[]) {
  return runCli(dataDir, args);
}

before(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'plugboard-cli-test-'));
});
after(() => rmSync(dataDir, { recursive: true, force: true }));

interface PathReport {
  path: string;
  ok: boolean;
  error?: string;
  operations: { operationId: string; ok: boolean; status: number | null; error: string | null }[];
}

describe('plugboard connector test --mock', () => {
  test('--json prints one element per path in order, every operation reported; exit 0 when all pass', () => {
    const { code, stdout, stderr } = plugboard('connector', 'test', keyedEcho, airmeet, '--mock', '--json');
    assert.equal(code, 0, stderr + stdout.slice(0, 2000));
    const reports = JSON.parse(stdout) as PathReport[];
    assert.deepEqual(reports.map((report) => report.path), [keyedEcho, airmeet]);
    assert.deepEqual(reports[0]?.operations.map((operation) => operation.operationId), ['ListItems', 'GetItem', 'Echo']);
    assert.ok(reports.every((report) => report.ok && report.operations.every((operation) => operation.ok && operation.status !== null && operation.error === null)));
    const subscribe = reports[1]?.operations.find((operation) => operation.operationId === 'AirmeetTriggers');
    assert.equal(subscribe?.status, 201, 'a webhook subscription answers 201');
  });

  test('a connector with a broken definition fails its path and the command exits 1', () => {
    const { code, stdout } = plugboard('connector', 'test', keyedEcho, pixela, '--mock', '--json');
    assert.equal(code, 1);
    const reports = JSON.parse(stdout) as PathReport[];
    assert.equal(reports.length, 2);
    assert.equal(reports[0]?.ok, true);
    assert.equal(reports[1]?.ok, false);
    assert.match(reports[1]?.error ?? '', /graphID/, 'the reason names the undefined connection parameter');
  });

  test('without --mock the command explains what it needs, in one line', () => {
    const { code, stderr } = plugboard('connector', 'test', keyedEcho);
    assert.equal(code, 1);
    assert.match(stderr, /needs --mock/);
    assert.doesNotMatch(stderr, /\n\s+at /, 'no stack trace');
  });
});
