/**
 * `plugboard start`: open the store, make sure an admin token exists, put the built-in connectors
 * in the default environment's catalog, and serve the HTTP API until stopped.
 */
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { createCatalog } from '../catalog/index.ts';
import { createConnectionService } from '../connections/index.ts';
import { systemClock } from '../core/index.ts';
import { openSecrets } from '../secrets/index.ts';
import { openStore } from '../storage/index.ts';
import type { Store } from '../storage/index.ts';
import { createApp } from './app.ts';
import { ensureAdminToken } from './bootstrap.ts';
import type { BootstrapOutcome } from './bootstrap.ts';
import type { ResolvedConfig } from './config/config.ts';
import { catalogConnectorLookup } from './routes/connections.ts';
import { createGatewayWiring } from './gateway-wiring.ts';
import { createFlowRunner } from './flow-runner.ts';

/** The repository's built-in connectors. */
export const BUILTIN_CONNECTORS_DIR = join(import.meta.dirname, '..', '..', 'connectors');

/** A running server. */
export interface RunningServer {
  readonly app: FastifyInstance;
  readonly store: Store;
  readonly url: string;
  readonly bootstrap: BootstrapOutcome;
  close(): Promise<void>;
}

/** Starts the server on the configured host and port. */
export async function startServer(config: ResolvedConfig): Promise<RunningServer> {
  const store = await openStore(config.store);
  try {
    // Before anything else: a wrong master key must stop the start (key check value), not the first request.
    const secrets = await openSecrets({ config: config.masterKey, keys: store.secretKeys });
    const bootstrap = await ensureAdminToken(store, { bootstrapToken: config.bootstrapToken, clock: systemClock });
    const catalog = createCatalog({ store, builtinDir: BUILTIN_CONNECTORS_DIR });
    await catalog.syncBuiltins();
    const connections = createConnectionService({ store, secrets, connectors: catalogConnectorLookup(catalog) });
    const gateway = createGatewayWiring({ store, catalog, connections, secrets, config });
    const runner = createFlowRunner({ store, gateway, config });
    const app = await createApp({ store, catalog, connections, gateway, secrets, runs: runner.runs, logLevel: config.logLevel === 'silent' ? false : config.logLevel });
    const address = await app.listen({ port: config.port, host: config.host });
    // Runs start once the server listens; unfinished runs of a process that died resume here too.
    runner.start();
    return {
      app,
      store,
      url: address,
      bootstrap,
      async close() {
        await app.close();
        // Runs in flight finish their current action and stay resumable (SIGTERM).
        await runner.stop();
        await gateway.close();
        await store.close();
      },
    };
  } catch (error) {
    await store.close();
    throw error;
  }
}
