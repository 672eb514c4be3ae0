/** Test kit: runs the `plugboard` CLI in a child process on a given data directory. */
import { spawn, spawnSync } from 'node:child_process';
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

/** Options of {@link runCliAsync}. */
export interface CliAsyncOptions {
  /** Extra environment variables. */
  readonly env?: Readonly<Record<string, string>>;
  /** Kills the process after this many ms (default 60 s); the run then reports code null. */
  readonly timeoutMs?: number;
}

/** Like {@link runCli}, without blocking the test process: several CLI runs can overlap. */
export function runCliAsync(dataDir: string, args: readonly string[], options: CliAsyncOptions = {}): Promise<CliRun> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['--disable-warning=ExperimentalWarning', CLI_MAIN, ...args], {
      env: { ...process.env, PLUGBOARD_DATA_DIR: dataDir, PLUGBOARD_DATABASE_URL: '', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8') });
    });
  });
}
