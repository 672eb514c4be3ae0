/**
 * The real server in a process of its own, for the trigger crash test. Argument: JSON
 * `{ dataDir, token, port? }`. Starts `startServer` on that data directory (SQLite), egress allowed
 * to loopback, runs and trigger checks reclaimed 1 s after a process dies (PLUGBOARD_RUN_LOCK_SECONDS,
 * instead of 30 s), prints `url <url>` once listening, and serves until killed.
 */
import { loadConfig } from '../../src/server/config/config.ts';
import { startServer } from '../../src/server/server.ts';

const options: { dataDir: string; token: string; port?: number } = JSON.parse(process.argv[2] ?? '{}');
const server = await startServer(
  loadConfig({
    PLUGBOARD_PORT: String(options.port ?? 0),
    PLUGBOARD_DATA_DIR: options.dataDir,
    PLUGBOARD_BOOTSTRAP_TOKEN: options.token,
    PLUGBOARD_LOG_LEVEL: 'silent',
    PLUGBOARD_EGRESS_ALLOW: '127.0.0.1',
    PLUGBOARD_RUN_LOCK_SECONDS: '1',
  }),
);
process.stdout.write(`url ${server.url}\n`);
