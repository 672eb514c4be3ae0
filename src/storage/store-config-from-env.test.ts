/** storeConfigFromEnv: which driver the environment variables select, and how bad values fail. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { UserInputError } from '../core/index.ts';
import { storeConfigFromEnv } from './store-config-from-env.ts';

const dir = mkdtempSync(join(tmpdir(), 'plugboard-env-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Asserts a UserInputError whose message names `variable`. */
function rejectsNaming(variable: string) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof UserInputError, `expected UserInputError, got ${String(error)}`);
    assert.equal(error.code, 'InvalidStoreConfig');
    assert.ok(error.message.includes(variable), `message should name ${variable}: ${error.message}`);
    assert.equal(error.details?.['variable'], variable);
    return true;
  };
}

describe('storeConfigFromEnv', () => {
  it('uses SQLite in the default data directory, creating it with mode 0700', () => {
    const dataDir = join(dir, 'default', 'nested');
    const config = storeConfigFromEnv({}, { dataDir });
    assert.deepEqual(config, { driver: 'sqlite', file: join(dataDir, 'plugboard.db'), synchronous: 'normal' });
    const stat = statSync(dataDir);
    assert.ok(stat.isDirectory());
    assert.equal(stat.mode & 0o777, 0o700);
  });

  it('prefers PLUGBOARD_DATA_DIR over the default, and ignores empty values', () => {
    const dataDir = join(dir, 'from-env');
    assert.deepEqual(storeConfigFromEnv({ PLUGBOARD_DATA_DIR: dataDir, PLUGBOARD_DATABASE_URL: '' }, { dataDir: join(dir, 'unused') }), {
      driver: 'sqlite',
      file: join(dataDir, 'plugboard.db'),
      synchronous: 'normal',
    });
    assert.equal(statSync(dataDir).isDirectory(), true);
    assert.throws(() => statSync(join(dir, 'unused')));
  });

  it('takes PLUGBOARD_SQLITE_SYNC (normal or full) and refuses other values naming the variable', () => {
    const dataDir = join(dir, 'sync');
    assert.equal((storeConfigFromEnv({ PLUGBOARD_DATA_DIR: dataDir, PLUGBOARD_SQLITE_SYNC: 'FULL' }, { dataDir }) as { synchronous?: string }).synchronous, 'full');
    assert.throws(() => storeConfigFromEnv({ PLUGBOARD_DATA_DIR: dataDir, PLUGBOARD_SQLITE_SYNC: 'off' }, { dataDir }), (error: Error & { details?: { variable?: string } }) => {
      assert.match(error.message, /PLUGBOARD_SQLITE_SYNC is "off" — use normal .* or full/);
      assert.equal(error.details?.variable, 'PLUGBOARD_SQLITE_SYNC');
      return true;
    });
  });

  it('selects PostgreSQL for postgres:// and postgresql:// URLs, with an optional schema', () => {
    const dataDir = join(dir, 'not-created');
    assert.deepEqual(storeConfigFromEnv({ PLUGBOARD_DATABASE_URL: 'postgres://u:p@db:5432/plugboard' }, { dataDir }), {
      driver: 'postgres',
      url: 'postgres://u:p@db:5432/plugboard',
    });
    assert.deepEqual(storeConfigFromEnv({ PLUGBOARD_DATABASE_URL: 'postgresql://db/x', PLUGBOARD_DATABASE_SCHEMA: 'tenant_a' }, { dataDir }), {
      driver: 'postgres',
      url: 'postgresql://db/x',
      schema: 'tenant_a',
    });
    assert.throws(() => statSync(dataDir), 'no data directory is needed for PostgreSQL');
  });

  it('reads the URL from PLUGBOARD_DATABASE_URL_FILE', () => {
    const file = join(dir, 'url.txt');
    writeFileSync(file, 'postgres://u:secret@db/plugboard\n');
    assert.deepEqual(storeConfigFromEnv({ PLUGBOARD_DATABASE_URL_FILE: file }, { dataDir: dir }), { driver: 'postgres', url: 'postgres://u:secret@db/plugboard' });
  });

  it('refuses a non-PostgreSQL URL, naming the variable and the fix without echoing credentials', () => {
    assert.throws(
      () => storeConfigFromEnv({ PLUGBOARD_DATABASE_URL: 'mysql://root:hunter2@db/plugboard' }, { dataDir: dir }),
      (error: unknown) => {
        rejectsNaming('PLUGBOARD_DATABASE_URL')(error);
        assert.ok(error instanceof Error);
        assert.match(error.message, /"mysql:"/);
        assert.match(error.message, /postgres:\/\//);
        assert.match(error.message, /unset it/);
        assert.doesNotMatch(error.message, /hunter2/);
        return true;
      },
    );
  });

  it('refuses conflicting, empty or unreadable URL sources and a bad schema', () => {
    const empty = join(dir, 'empty.txt');
    writeFileSync(empty, '  \n');
    assert.throws(() => storeConfigFromEnv({ PLUGBOARD_DATABASE_URL: 'postgres://a/b', PLUGBOARD_DATABASE_URL_FILE: empty }, { dataDir: dir }), rejectsNaming('PLUGBOARD_DATABASE_URL_FILE'));
    assert.throws(() => storeConfigFromEnv({ PLUGBOARD_DATABASE_URL_FILE: empty }, { dataDir: dir }), rejectsNaming('PLUGBOARD_DATABASE_URL_FILE'));
    assert.throws(() => storeConfigFromEnv({ PLUGBOARD_DATABASE_URL_FILE: join(dir, 'missing.txt') }, { dataDir: dir }), rejectsNaming('PLUGBOARD_DATABASE_URL_FILE'));
    assert.throws(() => storeConfigFromEnv({ PLUGBOARD_DATABASE_URL: 'postgres://a/b', PLUGBOARD_DATABASE_SCHEMA: 'Has-Dash' }, { dataDir: dir }), rejectsNaming('PLUGBOARD_DATABASE_SCHEMA'));
    assert.throws(() => storeConfigFromEnv({ PLUGBOARD_DATABASE_SCHEMA: 'tenant_a' }, { dataDir: dir }), rejectsNaming('PLUGBOARD_DATABASE_SCHEMA'));
  });

  it('refuses a data directory that cannot be created, naming PLUGBOARD_DATA_DIR', () => {
    const blocker = join(dir, 'a-file');
    writeFileSync(blocker, '');
    assert.throws(() => storeConfigFromEnv({ PLUGBOARD_DATA_DIR: join(blocker, 'sub') }, { dataDir: dir }), rejectsNaming('PLUGBOARD_DATA_DIR'));
  });
});
