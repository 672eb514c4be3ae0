/**
 * `plugboard start [--port n]`: run the server in this process until SIGINT/SIGTERM. The first
 * signal stops gracefully (the port closes, actions in flight finish or checkpoint, interrupted
 * runs are queued for the next start) and exits 0; a second one exits at once (130).
 */
import { errorMessage } from '../../core/index.ts';
import { loadConfig, startServer } from '../../server/index.ts';

/** Runs the server; resolves with the exit code once it has stopped. */
export async function start(options: { readonly port?: number }): Promise<number> {
  const config = loadConfig(process.env, options.port === undefined ? {} : { port: options.port });
  const server = await startServer(config);
  if (server.bootstrap.kind === 'generated') {
    process.stderr.write(
      `\nFirst start: an admin API token was created. It is shown only this once — keep it safe:\n\n  ${server.bootstrap.token}\n\n` +
        `Use it as \`Authorization: Bearer <token>\`. (Set PLUGBOARD_BOOTSTRAP_TOKEN to choose it yourself.)\n\n`,
    );
  }
  process.stderr.write(`Plugboard is listening on ${server.url} (storage: ${server.store.driver}, data: ${config.store.driver === 'sqlite' ? config.dataDir : 'PostgreSQL'})\n`);
  return new Promise((resolve) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) {
        // A second signal: the operator does not want to wait. Unfinished runs resume at the next start, as after a crash.
        process.stderr.write(`${signal} again: stopping now without waiting for actions in flight\n`);
        process.exit(130);
      }
      stopping = true;
      process.stderr.write(`${signal}: Plugboard is stopping — no new requests; actions in flight finish (waits are checkpointed) and their runs resume at the next start\n`);
      server.close().then(
        () => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          process.stderr.write('Plugboard stopped\n');
          resolve(0);
        },
        (error: unknown) => {
          process.stderr.write(`Plugboard did not stop cleanly: ${errorMessage(error)}\n`);
          resolve(1);
        },
      );
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
