/** `plugboard expr`: one expression from the command line, or many as JSON lines on stdin. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CLI_MAIN } from '../kit/cli.ts';

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'plugboard-expr-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

function plugboard(args: readonly string[], input?: string) {
  const result = spawnSync(process.execPath, ['--disable-warning=ExperimentalWarning', CLI_MAIN, 'expr', ...args], {
    encoding: 'utf8',
    input,
    env: { ...process.env, PLUGBOARD_DATA_DIR: dir, PLUGBOARD_DATABASE_URL: '' },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('plugboard expr', () => {
  test('prints the JSON value of an expression, exact for integers beyond 2^53', () => {
    const sum = plugboard(['@add(1, 2)']);
    assert.equal(sum.code, 0, sum.stderr);
    assert.equal(sum.stdout, '3\n');
    const ticks = plugboard(["@ticks('2018-01-01T00:00:00Z')"]);
    assert.equal(ticks.stdout, '636503616000000000\n');
    const text = plugboard(["Hello @{toUpper('world')}"]);
    assert.equal(JSON.parse(text.stdout), 'Hello WORLD');
  });

  test('reads the run state from --context', () => {
    const file = join(dir, 'context.json');
    writeFileSync(file, JSON.stringify({ parameters: { name: 'Sophia' }, utcNow: '2018-03-01T00:00:00Z', actions: { A: { outputs: { body: { value: [1, 2] } } } } }));
    const result = plugboard(["@createArray(parameters('name'), getFutureTime(5, 'Day'), outputs('A')?['body/value'])", '--context', file]);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout), ['Sophia', '2018-03-06T00:00:00.0000000Z', [1, 2]]);
  });

  test('a wrong expression prints one error line and exits 1', () => {
    const result = plugboard(['@add(1']);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /^error: expression syntax error at column 7/);
    assert.doesNotMatch(result.stderr, /at .*\.ts:\d+/);
    const unknown = plugboard(["@variables('missing')"]);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /variable `missing` does not exist/);
  });

  test('--jsonl answers each line with a value or an error, in order', () => {
    const lines = [
      JSON.stringify({ expression: '@div(11, 5.0)' }),
      JSON.stringify({ expression: "@variables('a')", context: { variables: { a: [true] } } }),
      '',
      'not json',
      JSON.stringify({ expression: '@noSuchFunction()' }),
      JSON.stringify({ context: {} }),
      JSON.stringify({ expression: "@ticks('2018-01-01')" }),
    ];
    const result = plugboard(['--jsonl'], `${lines.join('\n')}\n`);
    assert.equal(result.code, 0, result.stderr);
    const out = result.stdout.trimEnd().split('\n');
    assert.equal(out.length, 6);
    assert.deepEqual(JSON.parse(out[0] ?? ''), { value: 2.2 });
    assert.deepEqual(JSON.parse(out[1] ?? ''), { value: [true] });
    assert.equal(JSON.parse(out[2] ?? '').error.code, 'ExpressionRequestInvalid');
    assert.equal(JSON.parse(out[3] ?? '').error.code, 'ExpressionEvaluation');
    assert.match(JSON.parse(out[3] ?? '').error.message, /unknown function `noSuchFunction`/);
    assert.equal(JSON.parse(out[4] ?? '').error.code, 'ExpressionRequestInvalid');
    assert.equal(out[5], '{"value":636503616000000000}');
  });
});
