/**
 * The Fastify application: plugins, the auth hook, the error mapper and the route modules.
 * Listening is the caller's business (see `server.ts`); tests use `app.inject`.
 */
import Fastify from 'fastify';
import type { FastifyBaseLogger, FastifyContextConfig, FastifyInstance } from 'fastify';
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
import { connectionUseCheck, registerFlowRoutes } from './routes/flows.ts';
import { registerRoleRoutes } from './routes/roles.ts';
import { registerRunLifecycleRoutes } from './routes/run-lifecycle.ts';
import { registerTriggerRoutes } from './routes/triggers.ts';
import { withTriggerLifecycle } from './flow-lifecycle.ts';
import { LOG_OPTIONS } from './log-serializers.ts';
import { createFlowService } from '../workflow/index.ts';
import type { RunLauncher, RunLifecycle, TriggerService } from '../workflow/index.ts';
import type { PlugboardMetrics } from '../observability/index.ts';
import { registerMetricsRoutes } from './routes/metrics.ts';

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
  /**
   * The process's pino logger, shared with the run engine and the gateway so every JSON line goes
   * through one logger; when given, `logLevel` and `logStream` are not used.
   */
  readonly logger?: FastifyBaseLogger;
  /** The connection service; without it the connection routes are not registered. */
  readonly connections?: ConnectionService;
  /** Tests connections for `POST …/connections/{id}/test` (the gateway supplies it); without it that route answers 501. */
  readonly connectionTester?: ConnectionTester;
  /** The gateway (invoker, OAuth, egress); with `connections` and `secrets` it enables /apim and the OAuth routes. */
  readonly gateway?: GatewayWiring;
  readonly secrets?: Secrets;
  /** Starts flow runs (`POST …/flows/{id}/run`); without it that route answers 501. The flow routes are always registered. */
  readonly runs?: RunLauncher;
  /** Cancels and resubmits runs (`POST …/runs/{runId}/cancel|resubmit`); without it those routes answer 501. */
  readonly runLifecycle?: RunLifecycle;
  /** The trigger service; with it and `runs` the trigger routes (callback URLs, trigger states) are registered. */
  readonly triggers?: TriggerService;
  /** The process's metrics; with them `GET /metrics` is registered (without them it is not). */
  readonly metrics?: Pick<PlugboardMetrics, 'render'>;
  /** Who may read `GET /metrics`: `token` (default; `metrics:read`, admins) or `public` (no token). */
  readonly metricsAccess?: 'token' | 'public';
  /** The scrape-only bearer token (PLUGBOARD_METRICS_TOKEN): it reads `GET /metrics` and nothing else. */
  readonly metricsToken?: string;
  /**
   * Sees every route as it is registered, with the permission and resource it declares (the
   * route × role matrix test lists the routes with it).
   */
  readonly onRoute?: (route: RegisteredRoute) => void;
}

/** A route as {@link AppOptions.onRoute} sees it. */
export interface RegisteredRoute {
  readonly method: string | readonly string[];
  readonly url: string;
  readonly config: FastifyContextConfig | undefined;
}

/** Creates the HTTP application (not yet listening). */
export async function createApp(options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    ...(options.logger !== undefined
      ? { loggerInstance: options.logger }
      : {
          logger:
            options.logLevel === false
              ? false
              : { level: options.logLevel ?? 'info', ...LOG_OPTIONS, ...(options.logStream === undefined ? {} : { stream: options.logStream }) },
        }),
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
  const { onRoute } = options;
  if (onRoute !== undefined) app.addHook('onRoute', (route) => onRoute({ method: route.method, url: route.url, config: route.config }));
  app.addHook('onRequest', createAuthHook(options.store, { clock: options.clock ?? systemClock, metricsToken: options.metricsToken }));
  registerSystemRoutes(app, options);
  registerRoleRoutes(app, { store: options.store });
  registerCatalogRoutes(app, options);
  if (options.connections !== undefined) {
    registerConnectionRoutes(app, { connections: options.connections, connectionTester: options.connectionTester ?? options.gateway?.tester });
    if (options.gateway !== undefined && options.secrets !== undefined) {
      registerGatewayRoutes(app, { store: options.store, connections: options.connections, gateway: options.gateway, secrets: options.secrets });
    }
  }
  if (options.triggers !== undefined && options.runs !== undefined) registerTriggerRoutes(app, { store: options.store, triggers: options.triggers, runs: options.runs });
  if (options.metrics !== undefined) registerMetricsRoutes(app, { metrics: options.metrics, access: options.metricsAccess ?? 'token' });
  const flowService = createFlowService({
    store: options.store,
    ...(options.runs === undefined ? {} : { runs: options.runs }),
    // Connection references a change adds must be usable by the editor (without connections, such changes are refused).
    ...(options.connections === undefined ? {} : { connectionUse: connectionUseCheck(options.connections) }),
  });
  // With triggers, every flow change reconciles the flow's triggers (schedules, webhook subscriptions).
  const flows = options.triggers === undefined ? flowService : withTriggerLifecycle(flowService, options.triggers);
  registerRunLifecycleRoutes(app, { ...(options.runLifecycle === undefined ? {} : { runs: options.runLifecycle }) });
  registerFlowRoutes(app, { flows, ...(options.runs === undefined ? {} : { runs: options.runs }) });
  await app.ready();
  return app;
}
