/** Health, the API's own OpenAPI document, and environments. */
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { AppOptions } from '../app.ts';

/** Registers `/healthz`, `/api/openapi.json` and `/api/environments`. */
export function registerSystemRoutes(app: FastifyInstance, options: AppOptions): void {
  app.get(
    '/healthz',
    {
      config: { permission: 'public' },
      schema: { hide: true },
    },
    async () => ({ status: 'ok', storage: options.store.driver }),
  );

  app.get('/api/openapi.json', { config: { permission: 'api:read' }, schema: { hide: true } }, async () => app.swagger());

  app.get(
    '/api/environments',
    {
      config: { permission: 'environments:read' },
      schema: {
        summary: 'List environments',
        tags: ['environments'],
        response: {
          200: Type.Object({
            value: Type.Array(Type.Object({ name: Type.String(), displayName: Type.String(), createdAt: Type.String() })),
          }),
        },
      },
    },
    async () => {
      const environments = await options.store.environments.list();
      return { value: environments.map((e) => ({ name: e.name, displayName: e.displayName, createdAt: new Date(e.createdAt).toISOString() })) };
    },
  );
}
