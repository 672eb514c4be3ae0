/**
 * The Fastify application: plugins, the auth hook, the error mapper and the route modules.
 * Listening is the caller's business (see `server.ts`); tests use `app.inject`.
 */
import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Catalog } from '../catalog/index.ts';
import type { ConnectionService, ConnectionTester } from '../connections/index.ts';
import { systemClock } from '../core/index.ts';
import type { Clock } from '../core/index.ts';
import type { Store } from '../storage/index.ts';
import { createAuthHook } from './auth.ts';
import { handleError } from './error-mapper.ts';
import { registerCatalogRoutes } from './routes/catalog.ts';
import { registerConnectionRoutes } from './routes/connections.ts';
import { registerGatewayRoutes } from './routes/gateway.ts';
import type { GatewayWiring } from './gateway-wiring.ts';
import type { Secrets } from '../secrets/index.ts';
import { registerSystemRoutes } from './routes/system.ts';
import { registerFlowRoutes } from './routes/flows.ts';
import { createFlowService } from '../workflow/index.ts';
import type { RunLauncher } from '../workflow/index.ts';

/** Options for {@link createApp}. */
export interface AppOptions {
  readonly store: Store;
  readonly catalog: Catalog;
  readonly clock?: Clock;
  /** pino log level, or false for no logs (tests). */
  readonly logLevel?: string | false;
  readonly version?: string;
  /** Where log lines go (default stdout); tests pass a collector. */
  readonly logStream?: { write(line: string): void };
  /** The connection service; without it the connection routes are not registered. */
  readonly connections?: ConnectionService;
  /** Tests connections for `POST …/connections/{id}/test` (the gateway supplies it); without it that route answers 501. */
  readonly connectionTester?: ConnectionTester;
  /** The gateway (invoker, OAuth, egress); with `connections` and `secrets` it enables /apim and the OAuth routes. */
  readonly gateway?: GatewayWiring;
  readonly secrets?: Secrets;
  /** Starts flow runs (`POST …/flows/{id}/run`); without it that route answers 501. The flow routes are always registered. */
  readonly runs?: RunLauncher;
}

/** Creates the HTTP application (not yet listening). */
export async function createApp(options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger:
      options.logLevel === false
        ? false
        : { level: options.logLevel ?? 'info', redact: ['req.headers.authorization'], ...(options.logStream === undefined ? {} : { stream: options.logStream }) },
    bodyLimit: 32 * 1024 * 1024,
  }).withTypeProvider<TypeBoxTypeProvider>();
  app.setErrorHandler(handleError);
  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send({ error: { code: 'RouteNotFound', message: `no route ${request.method} ${request.url.split('?')[0]} — see /api/openapi.json` } }),
  );
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Plugboard API', version: options.version ?? '0.1.0', description: 'Connector catalog, connections, flows and runs.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
  });
  app.addHook('onRequest', createAuthHook(options.store, options.clock ?? systemClock));
  registerSystemRoutes(app, options);
  registerCatalogRoutes(app, options);
  if (options.connections !== undefined) {
    registerConnectionRoutes(app, { connections: options.connections, connectionTester: options.connectionTester ?? options.gateway?.tester });
    if (options.gateway !== undefined && options.secrets !== undefined) {
      registerGatewayRoutes(app, { store: options.store, connections: options.connections, gateway: options.gateway, secrets: options.secrets });
    }
  }
  registerFlowRoutes(app, { flows: createFlowService({ store: options.store, ...(options.runs === undefined ? {} : { runs: options.runs }) }), ...(options.runs === undefined ? {} : { runs: options.runs }) });
  await app.ready();
  return app;
}
