/**
 * The one place where permissions are checked. Every `/api` route declares in its config the
 * permission it needs and, when it acts on a flow, a run or (on `/apim`) a connection, the route
 * parameter that names it; the auth hook calls {@link createAuthorizer}'s `authorize`, which
 * resolves the caller's role where the route acts and its access to the flow, and decides.
 *
 * - The role where a route acts: the caller's assignment in the environment of the route (the
 *   `env` route parameter, or the environment of the `/apim` connection), else its default role.
 * - Flow access: admins (there) have all of it; the owner and co-owners edit; run-only users start
 *   the flow and see the runs they started. A role caps it: a `user` never edits, even as owner
 *   or co-owner. A flow the caller has no access to is "not found", whether it exists or not.
 *
 * Routes do no role checks of their own; lists are filtered by the decision this returns
 * (`flowsVisibleTo`, `runsStartedBy`).
 *
 * The scrape-only token (PLUGBOARD_METRICS_TOKEN) stands for no principal and holds only what
 * {@link scrapeTokenHolds} says; anywhere else the auth hook treats it as an unknown token.
 */
import { NotFoundError, PlugboardError } from '../core/index.ts';
import type { Clock } from '../core/index.ts';
import type { PrincipalRecord, PrincipalRole, Store } from '../storage/index.ts';
import { FlowsErrorCode } from '../workflow/index.ts';

/** Everything a route can require. */
export type Permission =
  | 'catalog:read'
  | 'catalog:write'
  | 'environments:read'
  | 'api:read'
  /** See connections (the service shows only owned and shared ones, except to admins). */
  | 'connections:read'
  /** Create, change, share and delete connections (the service further limits this to owners and admins). */
  | 'connections:write'
  /** Use a connection (test it, call through it); the service requires ownership or a share. */
  | 'connections:use'
  /** See an environment's OAuth app registrations (client ids; secrets never). */
  | 'oauth-apps:read'
  /** Register, change and remove OAuth apps (client id and secret per identity provider or connector). */
  | 'oauth-apps:write'
  /** List the flows one may see; on a flow: see its definition, versions and members (edit access). */
  | 'flows:read'
  /** Create flows; on a flow: change, enable, disable and delete it (edit access). */
  | 'flows:write'
  /** On a flow: start a run by hand (run access). */
  | 'flows:run'
  /** On a flow: add, change and remove co-owners and run-only users (edit access). */
  | 'flows:share'
  /** On a flow or a run: see the run history (run access: only the runs one started). */
  | 'runs:read'
  /** See the role of every principal in an environment. */
  | 'roles:read'
  /** Assign and remove roles in an environment. */
  | 'roles:write'
  /** Read `GET /metrics` (counts span every environment, so admins by their default role only). */
  | 'metrics:read';

/**
 * What a route acts on, beyond its environment (its `env` parameter, when it has one). `param`
 * names the route parameter holding the id.
 */
export type RouteResource =
  | { readonly kind: 'flow'; readonly param: string }
  /** A run of a flow: run access sees only the runs one started. */
  | { readonly kind: 'run'; readonly flowParam: string; readonly param: string }
  /** A connection addressed without an environment (`/apim`): the role is the one in the connection's environment. */
  | { readonly kind: 'connection'; readonly param: string };

/** How much of a flow a caller may do: start it (and see own runs), edit it, or everything (admins). */
export type FlowAccessLevel = 'run' | 'edit' | 'admin';

/**
 * What {@link Authorizer.authorize} decided for a request it allowed. Routes that list filter with
 * it (and only with it), so what a caller sees is decided here too.
 */
export interface AccessDecision {
  /** The caller's role where the route acts. */
  readonly role: PrincipalRole;
  /** The caller's access to the flow the route acts on, when it acts on one. */
  readonly flow?: { readonly id: string; readonly level: FlowAccessLevel };
  /** The flows of the environment the caller may list: those this principal owns or is a member of; null: every flow (an admin there). */
  readonly flowsVisibleTo: string | null;
  /**
   * The runs of the flow the caller may list: only those this principal started (run access);
   * null: every run (edit access). Absent when the route acts on no flow.
   */
  readonly runsStartedBy?: string | null;
}

/** Input of {@link Authorizer.authorize}. */
export interface AuthorizeRequest {
  readonly principal: PrincipalRecord;
  readonly permission: Permission;
  readonly resource?: RouteResource;
  /** The route parameters (`env` and those the resource names). */
  readonly params: Readonly<Record<string, unknown>>;
  /** The route accepts a role looked up up to {@link ROLE_LOOKUP_REUSE_MS} ago (the `/apim` data plane). */
  readonly reuse?: boolean;
}

/** Decides requests; throws `Forbidden` (403) or a "not found" (404) error when it refuses. */
export interface Authorizer {
  authorize(request: AuthorizeRequest): Promise<AccessDecision>;
}

/** How long a role lookup is reused by routes that accept it (the same window as their token lookup). */
export const ROLE_LOOKUP_REUSE_MS = 2000;

const ROLE_PERMISSIONS: Readonly<Record<PrincipalRole, readonly Permission[]>> = {
  admin: [
    'catalog:read', 'catalog:write', 'environments:read', 'api:read', 'connections:read', 'connections:write', 'connections:use', 'oauth-apps:read', 'oauth-apps:write',
    'flows:read', 'flows:write', 'flows:run', 'flows:share', 'runs:read', 'roles:read', 'roles:write', 'metrics:read',
  ],
  maker: ['catalog:read', 'catalog:write', 'environments:read', 'api:read', 'connections:read', 'connections:write', 'connections:use', 'oauth-apps:read', 'flows:read', 'flows:write', 'flows:run', 'flows:share', 'runs:read'],
  // Users run what is shared with them: they may see and use shared connections, never create or change one.
  // Likewise flows: they list the flows shared with them, start them and see the runs they started.
  user: ['catalog:read', 'environments:read', 'api:read', 'connections:read', 'connections:use', 'flows:read', 'flows:run', 'runs:read'],
};

/** The flow access a permission needs on a flow; a permission not listed needs edit access. */
const FLOW_LEVEL_NEEDED: Partial<Record<Permission, FlowAccessLevel>> = {
  'flows:read': 'edit',
  'flows:write': 'edit',
  'flows:share': 'edit',
  'flows:run': 'run',
  'runs:read': 'run',
};

/** Permissions that only make sense on a flow: a route declaring one without a flow resource is refused. */
const FLOW_ONLY: ReadonlySet<Permission> = new Set(['flows:run', 'flows:share', 'runs:read']);

/** Flow permissions that also act on a whole environment (create, list), where the route's only parameter is `env`. */
const FLOW_PERMISSIONS: ReadonlySet<Permission> = new Set(['flows:read', 'flows:write', 'flows:run', 'flows:share', 'runs:read']);

const LEVEL_RANK: Readonly<Record<FlowAccessLevel, number>> = { run: 1, edit: 2, admin: 3 };

/** Most role lookups kept for reuse; beyond it the map starts again. */
const MAX_REUSED_ROLES = 10_000;

/**
 * What the scrape-only token holds: reading `GET /metrics`, so Prometheus needs no admin token.
 * Nothing else, ever: it is a shared secret in a scraper's config, not a principal.
 */
const SCRAPE_TOKEN_PERMISSIONS: ReadonlySet<Permission> = new Set(['metrics:read']);

/** True when the scrape-only token (PLUGBOARD_METRICS_TOKEN) holds `permission`. */
export function scrapeTokenHolds(permission: Permission): boolean {
  return SCRAPE_TOKEN_PERMISSIONS.has(permission);
}

/** True when `role` holds `permission` (before any flow access is considered). */
export function roleHasPermission(role: PrincipalRole, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].includes(permission);
}

function forbidden(message: string, code = 'Forbidden'): PlugboardError {
  return new PlugboardError(message, { code, kind: 'forbidden' });
}

/** A principal's access to a flow, given its role in the flow's environment; undefined when none. */
async function flowAccessLevel(
  store: Store,
  request: { readonly principalId: string; readonly role: PrincipalRole; readonly flow: { readonly id: string; readonly ownerId: string | null } },
): Promise<FlowAccessLevel | undefined> {
  const { principalId, role, flow } = request;
  if (role === 'admin') return 'admin';
  let level: FlowAccessLevel | undefined;
  if (flow.ownerId === principalId) level = 'edit';
  else {
    const member = await store.flowMembers.get(flow.id, principalId);
    level = member === undefined ? undefined : member.access === 'co-owner' ? 'edit' : 'run';
  }
  // A user's role caps what any membership gives: they start flows, never change them.
  return level !== undefined && role === 'user' ? 'run' : level;
}

/**
 * True when the principal may start the flow, by the rule `authorize` applies to `flows:run`: its
 * role in the flow's environment (an assignment there, else its default role; an unknown principal
 * gets the least, `user`) holds `flows:run`, and it is an admin there, the owner, a co-owner or a
 * run-only user. For runs that start other flows (a Workflow action acts for its flow's owner).
 */
export async function principalMayRunFlow(
  store: Store,
  request: { readonly principalId: string; readonly flow: { readonly id: string; readonly environmentId: string; readonly ownerId: string | null } },
): Promise<boolean> {
  const { principalId, flow } = request;
  const role = (await store.environmentRoles.get(flow.environmentId, principalId))?.role ?? (await store.principals.get(principalId))?.role ?? 'user';
  if (!roleHasPermission(role, 'flows:run')) return false;
  const level = await flowAccessLevel(store, { principalId, role, flow });
  return level !== undefined && LEVEL_RANK[level] >= LEVEL_RANK[FLOW_LEVEL_NEEDED['flows:run'] ?? 'edit'];
}

/** Creates the authorizer over the store (it reads environments, role assignments, flows, members and run summaries). */
export function createAuthorizer(store: Store, clock: Clock): Authorizer {
  const recentRoles = new Map<string, { readonly at: number; readonly role: PrincipalRole | undefined }>();
  // A connection never moves to another environment.
  const connectionEnvironments = new Map<string, string>();

  async function assignedRole(environmentId: string, principalId: string, reuse: boolean): Promise<PrincipalRole | undefined> {
    const key = `${environmentId}\u0000${principalId}`;
    const now = clock.now();
    const hit = reuse ? recentRoles.get(key) : undefined;
    if (hit !== undefined && now - hit.at < ROLE_LOOKUP_REUSE_MS) return hit.role;
    const role = (await store.environmentRoles.get(environmentId, principalId))?.role;
    if (reuse || recentRoles.has(key)) {
      if (recentRoles.size >= MAX_REUSED_ROLES) recentRoles.clear();
      recentRoles.set(key, { at: now, role });
    }
    return role;
  }

  async function environmentOfConnection(connectionId: string): Promise<string | undefined> {
    const known = connectionEnvironments.get(connectionId);
    if (known !== undefined) return known;
    const record = await store.connections.get(connectionId);
    if (record === undefined) return undefined;
    if (connectionEnvironments.size >= MAX_REUSED_ROLES) connectionEnvironments.clear();
    connectionEnvironments.set(connectionId, record.environmentId);
    return record.environmentId;
  }

  /** The caller's access to a flow of the environment; undefined when none (or no such flow). */
  async function flowLevel(principal: PrincipalRecord, role: PrincipalRole, flow: { readonly id: string; readonly ownerId: string | null }): Promise<FlowAccessLevel | undefined> {
    return flowAccessLevel(store, { principalId: principal.id, role, flow });
  }

  return {
    async authorize(request) {
      const { principal, permission, resource, params } = request;
      const environmentName = typeof params['env'] === 'string' ? params['env'] : undefined;
      const environment = environmentName === undefined ? undefined : await store.environments.getByName(environmentName);
      let environmentId = environment?.id;
      if (resource?.kind === 'connection') {
        const connectionId = params[resource.param];
        environmentId = typeof connectionId === 'string' ? await environmentOfConnection(connectionId) : undefined;
      }
      const role = environmentId === undefined ? principal.role : ((await assignedRole(environmentId, principal.id, request.reuse === true)) ?? principal.role);
      const flowsVisibleTo = role === 'admin' ? null : principal.id;
      const where = environmentName === undefined ? '' : ` in environment "${environmentName}"`;
      if (!roleHasPermission(role, permission)) {
        throw forbidden(`your role${where} (${role}) may not do this — it needs ${permission}; an admin can assign roles with PUT /api/environments/{env}/roles/{principalId}`);
      }
      if (resource === undefined || resource.kind === 'connection') {
        // Fail closed: a flow permission on a route that addresses something below the environment
        // (a flow id, a run id…) without declaring it would otherwise cover every flow.
        const addressesMore = Object.keys(params).some((name) => name !== 'env');
        if (FLOW_ONLY.has(permission) || (FLOW_PERMISSIONS.has(permission) && addressesMore)) {
          throw forbidden(`this route declares ${permission} but not the flow it acts on (config.resource) — the server is misconfigured, so nobody may call it`, 'RouteMisconfigured');
        }
        return { role, flowsVisibleTo };
      }

      const flowParam = resource.kind === 'flow' ? resource.param : resource.flowParam;
      const flowId = params[flowParam];
      if (environmentName === undefined || typeof flowId !== 'string') throw forbidden(`this route declares a flow resource without an environment or flow parameter — the server is misconfigured`, 'RouteMisconfigured');
      if (environment === undefined) {
        throw new NotFoundError(`environment "${environmentName}" does not exist — list them with GET /api/environments`, { code: FlowsErrorCode.EnvironmentNotFound, details: { environment: environmentName } });
      }
      const flow = await store.flows.get(flowId);
      const level = flow === undefined || flow.environmentId !== environment.id ? undefined : await flowLevel(principal, role, flow);
      if (flow === undefined || level === undefined) throw await flowNotFound({ principal, role, environment, flowId });
      const needed = FLOW_LEVEL_NEEDED[permission] ?? 'edit';
      if (LEVEL_RANK[level] < LEVEL_RANK[needed]) {
        throw forbidden(`you may start flow ${flow.id} ("${flow.name}") and see your own runs, but not do this (it needs ${permission} with edit access) — its owner or a co-owner can make you a co-owner`, 'FlowForbidden');
      }
      if (resource.kind === 'run') {
        const runId = params[resource.param];
        const run = typeof runId === 'string' ? await store.runs.getSummary(runId) : undefined;
        // Run access sees only the runs one started; any other run is "not found" as if it did not exist.
        if (run === undefined || run.flowId !== flow.id || (level === 'run' && run.startedBy !== principal.id)) {
          throw new NotFoundError(`run ${String(runId)} of flow ${flow.id} ("${flow.name}") does not exist — list its runs with GET /api/environments/${environmentName}/flows/${flow.id}/runs`, {
            code: FlowsErrorCode.RunNotFound,
            details: { flowId: flow.id, runId },
          });
        }
      }
      return { role, flow: { id: flow.id, level }, flowsVisibleTo, runsStartedBy: level === 'run' ? principal.id : null };
    },
  };

  /** "Not found", told the same whether the flow is missing or hidden; hints at a visible flow's id when a name was given. */
  async function flowNotFound(context: { principal: PrincipalRecord; role: PrincipalRole; environment: { id: string; name: string }; flowId: string }): Promise<NotFoundError> {
    const { environment, flowId } = context;
    const named = await store.flows.getByName(environment.id, flowId);
    const visible = named !== undefined && (await flowLevel(context.principal, context.role, named)) !== undefined;
    const hint = visible ? ` — flows are addressed by id, and "${flowId}" is a name: use its id ${named.id}` : ` — list the flows you can see with GET /api/environments/${environment.name}/flows`;
    return new NotFoundError(`flow ${flowId} does not exist in environment "${environment.name}"${hint}`, { code: FlowsErrorCode.FlowNotFound, details: { flowId } });
  }
}
