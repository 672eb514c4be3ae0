/** Test kit: runs the `plugboard` CLI in a child process on a given data directory. */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

/** The CLI entry point. */
export const CLI_MAIN = resolve(import.meta.dirname, '..', '..', 'src', 'cli', 'main.ts');

/** What one CLI run printed and returned. */
export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `plugboard …args` with SQLite in `dataDir` (never PostgreSQL), plus `env`. */
export function runCli(dataDir: string, args: readonly string[], env: Readonly<Record<string, string>> = {}): CliRun {
  const result = spawnSync(process.execPath, ['--disable-warning=ExperimentalWarning', CLI_MAIN, ...args], {
    encoding: 'utf8',
    env: { ...process.env, PLUGBOARD_DATA_DIR: dataDir, PLUGBOARD_DATABASE_URL: '', ...env },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}
