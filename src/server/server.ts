/**
 * `plugboard start`: open the store, make sure an admin token exists, put the built-in connectors
 * in the default environment's catalog, and serve the HTTP API until stopped.
 */
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { createCatalog } from '../catalog/index.ts';
import { createConnectionService } from '../connections/index.ts';
import { errorMessage, silentLogger, systemClock } from '../core/index.ts';
import type { Logger } from '../core/index.ts';
import { createPinoLogger, createPlugboardMetrics } from '../observability/index.ts';
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
import { createTriggerWiring } from './trigger-wiring.ts';
import { LOG_OPTIONS } from './log-serializers.ts';
import { RUNS_QUEUE, TRIGGERS_QUEUE } from '../workflow/index.ts';

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
  // What has started so far, last started first: a failed start closes it again, even after the port opened.
  const started: Array<{ readonly what: string; readonly close: () => Promise<void> }> = [];
  let logger: Logger = silentLogger;
  try {
    // Before anything else: a wrong master key must stop the start (key check value), not the first request.
    const secrets = await openSecrets({ config: config.masterKey, keys: store.secretKeys });
    const bootstrap = await ensureAdminToken(store, { bootstrapToken: config.bootstrapToken, clock: systemClock });
    const catalog = createCatalog({ store, builtinDir: BUILTIN_CONNECTORS_DIR });
    await catalog.syncBuiltins();
    const connections = createConnectionService({ store, secrets, connectors: catalogConnectorLookup(catalog) });
    // One pino logger for HTTP, gateway and runs: JSON lines; run and action lines carry their ids (observability's bindLogger).
    const log = pino({ level: config.logLevel, ...LOG_OPTIONS });
    logger = createPinoLogger(log);
    const metrics = createPlugboardMetrics({ queues: [RUNS_QUEUE, TRIGGERS_QUEUE], queueDepth: (queue) => store.jobs.countLive(queue), logger });
    const gateway = createGatewayWiring({ store, catalog, connections, secrets, config, logger, calls: metrics });
    started.unshift({ what: 'the gateway', close: () => gateway.close() });
    const runner = createFlowRunner({ store, gateway, config, logger, observer: metrics });
    started.unshift({ what: 'the run workers', close: () => runner.stop() });
    // Callback URLs start with the public URL; with port 0 (tests) it is known once listening.
    let publicUrl = config.publicUrl;
    const triggerWiring = createTriggerWiring({ store, secrets, queue: runner.queue, gateway, publicUrl: () => publicUrl, logger, observer: metrics, replyingRuns: runner.runs, lockMs: config.runs.lockMs });
    started.unshift({ what: 'the trigger worker', close: () => triggerWiring.stop() });
    const app = await createApp({
      store,
      catalog,
      connections,
      gateway,
      secrets,
      runs: runner.runs,
      runLifecycle: runner.runs,
      triggers: triggerWiring.triggers,
      logger: log,
      ...(config.metrics.access === 'off' ? {} : { metrics, metricsAccess: config.metrics.access }),
      ...(config.metrics.token === undefined ? {} : { metricsToken: config.metrics.token }),
    });
    started.unshift({ what: 'the HTTP server', close: () => app.close() });
    const address = await app.listen({ port: config.port, host: config.host });
    // Runs start once the server listens; unfinished runs of a process that died resume here too.
    if (config.port === 0) publicUrl = address;
    runner.start();
    await triggerWiring.start();
    return {
      app,
      store,
      url: address,
      bootstrap,
      async close() {
        // Intake stops at once (the port closes) while triggers and runs drain alongside: a request
        // waiting for a run's reply is answered 202 when the runs stop, instead of holding the close.
        await Promise.all([
          app.close(),
          (async () => {
            await triggerWiring.stop();
            // Runs in flight finish their current action (waiting ones are checkpointed) and resume at the next start (SIGTERM).
            await runner.stop();
          })(),
        ]);
        await gateway.close();
        await store.close();
      },
    };
  } catch (error) {
    // E.g. a worker refusing its options after listen: the port must not stay open on a closed store.
    for (const { what, close } of [...started, { what: 'the store', close: () => store.close() }]) {
      try {
        await close();
      } catch (closeError) {
        logger.warn(`could not close ${what} after a failed start`, { error: errorMessage(closeError) });
      }
    }
    throw error;
  }
}
