/**
 * Caller authentication for `/api`: `Authorization: Bearer <token>`, looked up by hash. The
 * permission each route declares is checked here and nowhere else.
 */
import type { FastifyRequest } from 'fastify';
import { PlugboardError } from '../core/index.ts';
import type { Clock } from '../core/index.ts';
import type { PrincipalRecord, Store } from '../storage/index.ts';
import { hasPermission } from './permissions.ts';
import type { Permission } from './permissions.ts';
import { hashToken } from './tokens.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The permission a route needs; `public` routes need no token. */
    permission?: Permission | 'public';
  }
  interface FastifyRequest {
    principal?: PrincipalRecord;
  }
}

function unauthorized(message: string): PlugboardError {
  return new PlugboardError(message, { code: 'Unauthorized', kind: 'unauthorized' });
}

/** Builds the onRequest hook that authenticates and authorizes every route. */
export function createAuthHook(store: Store, clock: Clock) {
  return async function authenticate(request: FastifyRequest): Promise<void> {
    const permission = request.routeOptions.config.permission;
    if (permission === 'public') return;
    // Unknown routes outside /api answer 404 to anyone; under /api only to authenticated callers,
    // so the API's shape is not probed anonymously.
    if (request.is404 && !request.url.startsWith('/api')) return;
    const header = request.headers.authorization;
    if (header === undefined) throw unauthorized('this endpoint needs an API token — send `Authorization: Bearer <token>`');
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (match?.[1] === undefined) throw unauthorized('the Authorization header must have the form `Bearer <token>`');
    const found = await store.apiTokens.findActiveByHash(hashToken(match[1]), clock.now());
    if (found === undefined) throw unauthorized('the API token is unknown, revoked or expired — create a new one');
    request.principal = found.principal;
    if (request.is404) return;
    // A route without a declared permission is refused: forgetting to declare one must not open it.
    if (permission === undefined || !hasPermission(found.principal, permission)) {
      throw new PlugboardError(`your role (${found.principal.role}) may not do this${permission === undefined ? '' : ` — it needs ${permission}`}`, { code: 'Forbidden', kind: 'forbidden' });
    }
  };
}
