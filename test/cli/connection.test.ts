/** `plugboard connection …` and `plugboard secrets rotate-master-key`, run as a user would, on a temporary data directory. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { corpusFolder } from '../kit/corpus.ts';

const MAIN = resolve(import.meta.dirname, '..', '..', 'src', 'cli', 'main.ts');
const actsoft = corpusFolder('certified-connectors', 'Actsoft');
const questionAnswering = corpusFolder('certified-connectors', 'CognitiveServicesQuestionAnswering');

let dataDir: string;
function plugboard(args: readonly string[], env: Readonly<Record<string, string>> = {}) {
  const result = spawnSync(process.execPath, ['--disable-warning=ExperimentalWarning', MAIN, ...args], {
    encoding: 'utf8',
    env: { ...process.env, PLUGBOARD_DATA_DIR: dataDir, PLUGBOARD_DATABASE_URL: '', PLUGBOARD_MASTER_KEY: '', PLUGBOARD_MASTER_KEY_FILE: '', ...env },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}
const keyLines = (): string[] => readFileSync(join(dataDir, 'master.key'), 'utf8').split('\n').filter((l) => /^[A-Za-z0-9+/]{43}=$/.test(l));

before(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'plugboard-cli-conn-'));
  for (const folder of [actsoft, questionAnswering]) {
    const imported = plugboard(['connector', 'import', folder]);
    assert.equal(imported.code, 0, imported.stderr);
  }
});
after(() => rmSync(dataDir, { recursive: true, force: true }));

describe('plugboard connection', () => {
  test('creates a connection from --param and --param-file, lists, shows and deletes it, never printing the secret', () => {
    const secretFile = join(dataDir, 'api-key.txt');
    writeFileSync(secretFile, 'cli-secret-from-file-42\n', { mode: 0o600 });
    const created = plugboard(['connection', 'create', 'actsoft', '--param-file', `api_key=${secretFile}`, '--display-name', 'Field team', '--json']);
    assert.equal(created.code, 0, created.stderr);
    const view = JSON.parse(created.stdout);
    assert.equal(view.displayName, 'Field team');
    assert.deepEqual(view.secrets, { api_key: { set: true } });
    assert.equal(view.status, 'connected');
    assert.equal(statSync(join(dataDir, 'master.key')).mode & 0o777, 0o600, 'the embedded key file is private');

    const list = plugboard(['connection', 'list', '--json']);
    assert.equal(list.code, 0, list.stderr);
    assert.ok(JSON.parse(list.stdout).some((c: { id: string }) => c.id === view.id));
    const table = plugboard(['connection', 'list']);
    assert.match(table.stdout, new RegExp(`${view.id}\\s+Field team\\s+actsoft\\s+connected`));

    const shown = plugboard(['connection', 'show', view.id]);
    assert.equal(shown.code, 0, shown.stderr);
    assert.match(shown.stdout, /api_key: \(secret, set\)/);
    for (const out of [created, list, table, shown]) assert.doesNotMatch(out.stdout + out.stderr, /cli-secret-from-file/);

    const deleted = plugboard(['connection', 'delete', view.id]);
    assert.equal(deleted.code, 0, deleted.stderr);
    assert.match(deleted.stdout, /deleted connection/);
    const gone = plugboard(['connection', 'show', view.id]);
    assert.equal(gone.code, 1);
    assert.match(gone.stderr, /^error: connection .* does not exist/);
  });

  test('reports a missing parameter or parameter set as one line naming it, exit 1', () => {
    const missing = plugboard(['connection', 'create', 'actsoft']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /^error: connection parameter "api_key" \(API Key\) of connector "actsoft" is required/);
    assert.match(missing.stderr, /--param-file api_key=<file>/);
    const noSet = plugboard(['connection', 'create', 'cognitiveservicesquestionanswering', '--param', 'apiKey=k', '--param', 'siteUrl=https://x']);
    assert.equal(noSet.code, 1);
    assert.match(noSet.stderr, /--set <name>/);
    const withSet = plugboard(['connection', 'create', 'cognitiveservicesquestionanswering', '--set', 'keyBasedAuth', '--param', 'apiKey=qna-key=with=equals', '--param', 'siteUrl=https://qna.example.com']);
    assert.equal(withSet.code, 0, withSet.stderr);
    assert.match(withSet.stdout, /^created connection [0-9a-f-]{36} \(Language - Question Answering, connector cognitiveservicesquestionanswering\) — connected/);
    const malformed = plugboard(['connection', 'create', 'actsoft', '--param', 'just-a-secret-value']);
    assert.equal(malformed.code, 1);
    assert.doesNotMatch(malformed.stderr, /just-a-secret-value/);
    const unknownActor = plugboard(['connection', 'list', '--as', 'nobody']);
    assert.equal(unknownActor.code, 1);
    assert.match(unknownActor.stderr, /no principal is named "nobody"/);
  });
});

describe('plugboard secrets rotate-master-key', () => {
  test('rotates the embedded key, keeps every connection readable, and a wrong key is refused at start', () => {
    const created = plugboard(['connection', 'create', 'actsoft', '--param', 'api_key=rotate-me-123', '--json']);
    assert.equal(created.code, 0, created.stderr);
    const id = JSON.parse(created.stdout).id;
    const before = keyLines();
    assert.equal(before.length, 1);

    const rotated = plugboard(['secrets', 'rotate-master-key', '--json']);
    assert.equal(rotated.code, 0, rotated.stderr);
    const report = JSON.parse(rotated.stdout);
    assert.equal(report.version, 2);
    assert.equal(report.registered, true);
    assert.equal(report.generated, true);
    assert.ok(report.rewrapped >= 2);
    assert.deepEqual(report.retired, [1]);
    const after = keyLines();
    assert.equal(after.length, 1);
    assert.notEqual(after[0], before[0], 'the key file holds the new key only');
    assert.equal(plugboard(['connection', 'show', id]).code, 0);

    const text = plugboard(['secrets', 'rotate-master-key']);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /master key version 3 is current \(a new generated key\); \d+ secrets re-wrapped; retired version 2/);

    const wrong = plugboard(['connection', 'list'], { PLUGBOARD_MASTER_KEY: Buffer.alloc(32, 7).toString('base64') });
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /^error: the master key does not match this database/);
    assert.match(wrong.stderr, /PLUGBOARD_MASTER_KEY/);
  });

  test('takes the new key from --new-key-file', () => {
    const file = join(dataDir, 'new.key');
    writeFileSync(file, `${Buffer.alloc(32, 9).toString('base64')}\n`);
    const rotated = plugboard(['secrets', 'rotate-master-key', '--new-key-file', file, '--json']);
    assert.equal(rotated.code, 0, rotated.stderr);
    assert.equal(JSON.parse(rotated.stdout).generated, false);
    assert.deepEqual(keyLines(), [Buffer.alloc(32, 9).toString('base64')]);
    const twoKeys = join(dataDir, 'two.key');
    writeFileSync(twoKeys, `${Buffer.alloc(32, 1).toString('base64')}\n${Buffer.alloc(32, 2).toString('base64')}\n`);
    const refused = plugboard(['secrets', 'rotate-master-key', '--new-key-file', twoKeys]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /holds 2 keys/);
  });
});
