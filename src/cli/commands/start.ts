/** `plugboard start [--port n]`: run the server in this process until SIGINT/SIGTERM. */
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
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      server.close().then(
        () => resolve(0),
        () => resolve(1),
      );
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
