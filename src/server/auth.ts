/**
 * Caller authentication for `/api`: `Authorization: Bearer <token>`, looked up by hash. The
 * permission and resource each route declares are then decided by `permissions.ts` (the one
 * place), called from here and nowhere else.
 *
 * Data-plane routes (the `/apim` runtime route) set `reuseTokenLookup`: their token lookup may be
 * up to {@link TOKEN_LOOKUP_REUSE_MS} old, which saves a database query per call. Every other
 * route looks the token up afresh, and each fresh lookup also refreshes (or drops) the reused one.
 *
 * The scrape-only token (PLUGBOARD_METRICS_TOKEN), when configured, is recognised before any
 * lookup by comparing hashes in constant time; it authorizes only what `scrapeTokenHolds` allows
 * and is answered as an unknown token everywhere else.
 */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { PlugboardError, UserInputError } from '../core/index.ts';
import { isRecord } from '../expressions/index.ts';
import type { Clock } from '../core/index.ts';
import type { PrincipalRecord, Store } from '../storage/index.ts';
import { createAuthorizer, scrapeTokenHolds } from './permissions.ts';
import type { AccessDecision, Permission, RouteResource } from './permissions.ts';
import { hashToken } from './tokens.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * The permission a route needs; `public` routes need no token; `token-if-sent` routes need none
     * but check one that is sent (the OAuth callback: a browser redirect carries a cookie, an API
     * client its token).
     */
    permission?: Permission | 'public' | 'token-if-sent';
    /**
     * What the route acts on, named by a route parameter: a flow, a run of a flow, or (on `/apim`)
     * a connection. The environment is always the `env` route parameter when there is one.
     */
    resource?: RouteResource;
    /**
     * The route accepts a token lookup up to {@link TOKEN_LOOKUP_REUSE_MS} old: a revoked token, a
     * disabled principal or a changed role takes effect on it within that time (an expired token at once).
     */
    reuseTokenLookup?: boolean;
  }
  interface FastifyRequest {
    /**
     * The caller, as seen where the route acts: `role` is its role in the route's environment
     * (its assignment there, else its default role), so every service that checks a role sees
     * that one.
     */
    principal?: PrincipalRecord;
    /** What `permissions.ts` decided (the role, the flow access): routes filter lists with it. */
    access?: AccessDecision;
  }
}

/** How long a token lookup is reused by routes that accept it (`reuseTokenLookup`). */
export const TOKEN_LOOKUP_REUSE_MS = 2000;

/** Most token lookups kept for reuse; beyond it the oldest is dropped. */
const MAX_REUSED_LOOKUPS = 10_000;

type FoundToken = NonNullable<Awaited<ReturnType<Store['apiTokens']['findActiveByHash']>>>;

const UNKNOWN_TOKEN = 'the API token is unknown, revoked or expired — create a new one';

function unauthorized(message: string): PlugboardError {
  return new PlugboardError(message, { code: 'Unauthorized', kind: 'unauthorized' });
}

/** Options of {@link createAuthHook}. */
export interface AuthHookOptions {
  readonly clock: Clock;
  /** The scrape-only token (PLUGBOARD_METRICS_TOKEN); absent: there is none. */
  readonly metricsToken?: string | undefined;
}

/** Builds the onRequest hook that authenticates and authorizes every route. */
export function createAuthHook(store: Store, options: AuthHookOptions) {
  const { clock } = options;
  const authorizer = createAuthorizer(store, clock);
  // Only the hash is kept; hashes have one length, so the comparison takes the same time whatever is sent.
  const scrapeTokenHash = options.metricsToken === undefined ? undefined : Buffer.from(hashToken(options.metricsToken), 'hex');
  // Keyed by token hash, oldest first (an entry is re-inserted when refreshed); holds no raw token.
  const recent = new Map<string, { readonly at: number; readonly found: FoundToken }>();

  async function findToken(tokenHash: string, reuse: boolean): Promise<FoundToken | undefined> {
    const now = clock.now();
    if (reuse) {
      const hit = recent.get(tokenHash);
      const expiresAt = hit?.found.token.expiresAt ?? null;
      if (hit !== undefined && now - hit.at < TOKEN_LOOKUP_REUSE_MS && (expiresAt === null || expiresAt > now)) return hit.found;
    }
    const found = await store.apiTokens.findActiveByHash(tokenHash, now);
    const known = recent.delete(tokenHash);
    if (found !== undefined && (reuse || known)) {
      recent.set(tokenHash, { at: now, found });
      for (const [key, entry] of recent) {
        if (recent.size <= MAX_REUSED_LOOKUPS && now - entry.at < TOKEN_LOOKUP_REUSE_MS) break;
        recent.delete(key);
      }
    }
    return found;
  }

  return async function authenticate(request: FastifyRequest): Promise<void> {
    const permission = request.routeOptions.config.permission;
    // Checked first, public routes included: every route's parameters reach queries.
    const params = request.is404 ? {} : paramsOf(request);
    if (permission === 'public') return;
    if (permission === 'token-if-sent' && request.headers.authorization === undefined) return;
    // Unknown routes outside /api answer 404 to anyone; under /api only to authenticated callers,
    // so the API's shape is not probed anonymously.
    if (request.is404 && !request.url.startsWith('/api')) return;
    const header = request.headers.authorization;
    if (header === undefined) throw unauthorized('this endpoint needs an API token — send `Authorization: Bearer <token>`');
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (match?.[1] === undefined) throw unauthorized('the Authorization header must have the form `Bearer <token>`');
    const tokenHash = hashToken(match[1]);
    if (scrapeTokenHash !== undefined && timingSafeEqual(scrapeTokenHash, Buffer.from(tokenHash, 'hex'))) {
      // No principal: the route runs without one, and any route the token does not cover never learns it was special.
      if (!request.is404 && permission !== undefined && permission !== 'token-if-sent' && scrapeTokenHolds(permission)) return;
      throw unauthorized(UNKNOWN_TOKEN);
    }
    const reuse = request.routeOptions.config.reuseTokenLookup === true;
    const found = await findToken(tokenHash, reuse);
    if (found === undefined) throw unauthorized(UNKNOWN_TOKEN);
    request.principal = found.principal;
    if (request.is404 || permission === 'token-if-sent') return;
    // A route without a declared permission is refused: forgetting to declare one must not open it.
    if (permission === undefined) throw new PlugboardError('this route declares no permission, so nobody may call it — the server is misconfigured', { code: 'Forbidden', kind: 'forbidden' });
    const decision = await authorizer.authorize({
      principal: found.principal,
      permission,
      ...(request.routeOptions.config.resource === undefined ? {} : { resource: request.routeOptions.config.resource }),
      params,
      reuse,
    });
    request.access = decision;
    if (decision.role !== found.principal.role) request.principal = Object.freeze({ ...found.principal, role: decision.role });
  };
}

/**
 * The route parameters as a plain record (Fastify has parsed them before onRequest hooks run).
 * A parameter holding NUL (`%00`) is refused: no name or id contains one, and PostgreSQL refuses
 * text holding it (22021), so it would otherwise end as a 500 in the first query.
 */
function paramsOf(request: FastifyRequest): Readonly<Record<string, unknown>> {
  const params: unknown = request.params;
  if (!isRecord(params)) return {};
  for (const [name, value] of Object.entries(params)) {
    if (typeof value === 'string' && value.includes('\u0000')) {
      throw new UserInputError(`path parameter "${name}" holds a NUL character (%00), which no name or id contains — remove it from the URL`, {
        code: 'RequestInvalid',
        details: { parameter: name },
      });
    }
  }
  return params;
}
