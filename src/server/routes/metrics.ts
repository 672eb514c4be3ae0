/**
 * `GET /metrics`: the Prometheus text exposition of this process's metrics.
 *
 * Access (PLUGBOARD_METRICS_ACCESS): by default the route declares `metrics:read`, which only
 * admins hold — the counts span every environment. Prometheus sends the token with
 * `authorization: { credentials_file: … }` in its scrape config — better the scrape-only token
 * (PLUGBOARD_METRICS_TOKEN), which the auth hook accepts here and nowhere else, than an admin's
 * API token. `public` declares the route
 * public for deployments where only the scraper reaches the port; labels never carry ids, URLs
 * or secrets either way.
 */
import type { FastifyInstance } from 'fastify';
import { PROMETHEUS_CONTENT_TYPE } from '../../observability/index.ts';
import type { PlugboardMetrics } from '../../observability/index.ts';

/** Options of {@link registerMetricsRoutes}. */
export interface MetricsRouteOptions {
  readonly metrics: Pick<PlugboardMetrics, 'render'>;
  /** `token` (default): needs `metrics:read`; `public`: needs no token. */
  readonly access?: 'token' | 'public';
}

/** Registers `GET /metrics`. */
export function registerMetricsRoutes(app: FastifyInstance, options: MetricsRouteOptions): void {
  app.get(
    '/metrics',
    {
      config: { permission: options.access === 'public' ? 'public' : 'metrics:read' },
      schema: { hide: true },
      // A scrape every few seconds would fill the request log.
      logLevel: 'warn',
    },
    async (_request, reply) => {
      const text = await options.metrics.render();
      return reply.header('cache-control', 'no-store').type(PROMETHEUS_CONTENT_TYPE).send(text);
    },
  );
}
