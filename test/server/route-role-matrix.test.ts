/**
 * The route × role matrix (T-A1, T-A2, T-A3): every route the app registers, called by every kind
 * of caller against real resources, must answer the status the table below declares. A route that
 * declares no permission, or that is missing from the table, fails the test — so a new route is
 * added here together with the answer each caller must get.
 *
 * Callers, in environment `default` unless said otherwise:
 * - anonymous: no token;
 * - user: role `user`, shares nothing;
 * - runOnly: role `user`, a run-only user of the flow;
 * - coOwner: role `maker`, a co-owner of the flow (the flow's connection is NOT shared with them);
 * - owner: role `maker`, owns the flow and the connection;
 * - otherMaker: role `maker`, shares nothing;
 * - admin: default role `admin`;
 * - otherEnvAdmin: default role `user`, `admin` only in environment `other`.
 *
 * Every request is also sent with spoofed trust headers (T-A2) and must answer the same; URL
 * variants (trailing slash, case, doubled slash, encoded separators) must never succeed where the
 * canonical URL is refused; and no response of any route carries the connection's secret value.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { createCatalog } from '../../src/catalog/index.ts';
import { createConnectionService } from '../../src/connections/index.ts';
import type { ConnectionService } from '../../src/connections/index.ts';
import { newId, systemClock } from '../../src/core/index.ts';
import { createPlugboardMetrics } from '../../src/observability/index.ts';
import { createEmbeddedQueue } from '../../src/queue/index.ts';
import type { JobQueue } from '../../src/queue/index.ts';
import { generateMasterKey, openSecrets } from '../../src/secrets/index.ts';
import { BUILTIN_CONNECTORS_DIR, catalogConnectorLookup, createApp, createGatewayWiring, generateToken, hashToken } from '../../src/server/index.ts';
import type { GatewayWiring, RegisteredRoute } from '../../src/server/index.ts';
import { createCallbackKeys } from '../../src/server/callback-keys.ts';
import { openStore } from '../../src/storage/index.ts';
import type { EnvironmentRecord, PrincipalRecord, PrincipalRole, Store } from '../../src/storage/index.ts';
import { createRunLauncher, createTriggerService } from '../../src/workflow/index.ts';

const CALLERS = ['anonymous', 'user', 'runOnly', 'coOwner', 'owner', 'otherMaker', 'admin', 'otherEnvAdmin'] as const;
type Caller = (typeof CALLERS)[number];
type SignedIn = Exclude<Caller, 'anonymous'>;

/** The status each caller must get. */
type Expectation = Readonly<Record<Caller, number>>;

/** One request of a case. */
interface Request {
  readonly url: string;
  readonly payload?: unknown;
}

/** One row of the table: a route (method and URL pattern as registered) and how to call it. */
interface Row {
  /** `METHOD /url/:pattern`, exactly as Fastify registers it. */
  readonly route: string;
  /** Builds the request for one caller, creating fresh resources when the route changes or deletes them. */
  readonly request: (caller: Caller) => Promise<Request>;
  readonly expect: Expectation;
  /** Why the row expects what it does, when it is not obvious. */
  readonly note?: string;
}

/** A secret value stored in the connection: no response may carry it. */
const CANARY = `canary-${newId()}`;
const FLOW_DEFINITION = {
  triggers: { manual: { type: 'Request', kind: 'Http', inputs: { method: 'POST' } } },
  actions: { Hello: { type: 'Compose', inputs: "@triggerBody()?['name']", runAfter: {} } },
};
const FIXTURE = resolve(import.meta.dirname, '../fixtures/gateway/keyed-echo');
const ENV = '/api/environments/default';

// ---- expectation shapes -------------------------------------------------------------------

/** Everyone, without a token too. */
const everyone = (status: number): Expectation => ({ anonymous: status, user: status, runOnly: status, coOwner: status, owner: status, otherMaker: status, admin: status, otherEnvAdmin: status });
/** Every principal whose role holds the permission; 401 without a token. */
const signedIn = (status: number): Expectation => ({ ...everyone(status), anonymous: 401 });
/** Admins (in `default`) only. */
const adminOnly = (status: number): Expectation => ({ ...everyone(403), anonymous: 401, admin: status });
/** Makers and admins (creating things in the environment). */
const makers = (status: number): Expectation => ({ anonymous: 401, user: 403, runOnly: 403, coOwner: status, owner: status, otherMaker: status, admin: status, otherEnvAdmin: 403 });
/**
 * Edit access to the flow: owner, co-owner, admin. `roleless` is what callers whose role lacks the
 * permission get (403), or 404 when their role holds it but the flow is not theirs to see.
 */
const flowEditors = (status: number, roleless: 403 | 404): Expectation => ({ anonymous: 401, user: roleless, runOnly: 403, coOwner: status, owner: status, otherMaker: 404, admin: status, otherEnvAdmin: roleless });
/** Run access to the flow: run-only users too (for runs: the runs they started). */
const flowRunners = (status: number): Expectation => ({ anonymous: 401, user: 404, runOnly: status, coOwner: status, owner: status, otherMaker: 404, admin: status, otherEnvAdmin: 404 });
/** Who may use the owner's connection: its owner and admins; `roleless` for roles without the permission. */
const connectionOwner = (status: number, roleless: 403 | 404): Expectation => ({ anonymous: 401, user: roleless, runOnly: roleless, coOwner: 404, owner: status, otherMaker: 404, admin: status, otherEnvAdmin: roleless });

// ---- the world the table is called against ------------------------------------------------

interface World {
  readonly app: FastifyInstance;
  readonly store: Store;
  readonly connections: ConnectionService;
  readonly gateway: GatewayWiring;
  readonly queue: JobQueue;
  readonly routes: RegisteredRoute[];
  readonly tokens: Readonly<Record<SignedIn, string>>;
  readonly principals: Readonly<Record<SignedIn | 'bystander', PrincipalRecord>>;
  readonly environment: EnvironmentRecord;
  /** The owner's flow (run-only user and co-owner are members) and its connection. */
  readonly flowId: string;
  readonly connectionId: string;
  /** Runs of the flow: one each started by the run-only user and by the owner. */
  readonly runOnlyRunId: string;
  readonly ownerRunId: string;
  readonly backendHost: string;
  close(): Promise<void>;
}

async function createWorld(): Promise<World> {
  const backend = createServer((request, response) => {
    // Echoes what the gateway sent, headers included: a secret the gateway adds must not come back.
    response.setHeader('content-type', 'application/json');
    response.end(JSON.stringify({ id: '1', name: 'One', value: [{ id: '1', name: 'One' }], method: request.method, url: request.url, headers: request.headers }));
  });
  await new Promise<void>((done) => backend.listen(0, '127.0.0.1', done));
  const backendHost = `127.0.0.1:${(backend.address() as AddressInfo).port}`;

  const store = await openStore({ driver: 'sqlite', memory: true });
  const secrets = await openSecrets({ config: { kind: 'value', keys: [generateMasterKey()] }, keys: store.secretKeys });
  const catalog = createCatalog({ store, builtinDir: BUILTIN_CONNECTORS_DIR });
  await catalog.syncBuiltins('default');
  await catalog.importPath(FIXTURE, { environment: 'default', name: 'keyed-echo' });
  const connections = createConnectionService({ store, secrets, connectors: catalogConnectorLookup(catalog) });
  const gateway = createGatewayWiring({
    store,
    catalog,
    connections,
    secrets,
    config: { egress: { allow: ['127.0.0.1/32'], allowMetadata: false, timeoutMs: 10_000, maxResponseBytes: 1024 * 1024 }, rateLimit: { calls: 100_000, windowMs: 60_000 }, publicUrl: 'http://127.0.0.1:9' },
  });
  // No worker: started runs stay queued, which is all the routes need.
  const queue = createEmbeddedQueue({ store });
  const runs = createRunLauncher({ store, queue, clock: systemClock });
  const triggers = createTriggerService({ store, queue, clock: systemClock, keys: createCallbackKeys(store, secrets), publicUrl: 'http://127.0.0.1:9' });
  const routes: RegisteredRoute[] = [];
  const app = await createApp({
    store,
    catalog,
    connections,
    gateway,
    secrets,
    runs,
    runLifecycle: runs,
    triggers,
    metrics: createPlugboardMetrics(),
    logLevel: false,
    onRoute: (route) => routes.push(route),
  });

  const environment = await store.environments.ensure('default');
  const other = await store.environments.create({ name: 'other' });
  const principal = async (name: string, role: PrincipalRole) => store.principals.create({ kind: 'user', name, role });
  const principals = {
    user: await principal('uma', 'user'),
    runOnly: await principal('rob', 'user'),
    coOwner: await principal('cody', 'maker'),
    owner: await principal('olive', 'maker'),
    otherMaker: await principal('mark', 'maker'),
    admin: await principal('ada', 'admin'),
    otherEnvAdmin: await principal('eve', 'user'),
    bystander: await principal('zed', 'user'),
  };
  await store.environmentRoles.put({ environmentId: other.id, principalId: principals.otherEnvAdmin.id, role: 'admin' });
  const tokenOf = async (who: PrincipalRecord): Promise<string> => {
    const token = generateToken();
    await store.apiTokens.create({ principalId: who.id, name: who.name, tokenHash: hashToken(token) });
    return token;
  };
  const tokens: Record<SignedIn, string> = {
    user: await tokenOf(principals.user),
    runOnly: await tokenOf(principals.runOnly),
    coOwner: await tokenOf(principals.coOwner),
    owner: await tokenOf(principals.owner),
    otherMaker: await tokenOf(principals.otherMaker),
    admin: await tokenOf(principals.admin),
    otherEnvAdmin: await tokenOf(principals.otherEnvAdmin),
  };

  const ownerActor = { id: principals.owner.id, role: 'maker' };
  const connection = await connections.create('default', ownerActor, { connectorName: 'keyed-echo', values: { api_key: CANARY, host: backendHost } });
  const created = await app.inject({
    method: 'POST',
    url: `${ENV}/flows`,
    headers: { authorization: `Bearer ${tokens.owner}` },
    payload: { name: 'matrix-flow', definition: FLOW_DEFINITION, connectionReferences: { echo: { connection: connection.id, connector: 'keyed-echo' } } },
  });
  assert.equal(created.statusCode, 201, created.body);
  const flowId: string = created.json().id;
  await store.flowMembers.put({ flowId, principalId: principals.runOnly.id, access: 'run-only' });
  await store.flowMembers.put({ flowId, principalId: principals.coOwner.id, access: 'co-owner' });
  const run = async (startedBy: string) => {
    const record = await store.runs.create({ flowId, flowVersion: 1, triggerName: 'manual', triggerOutputs: { headers: {}, queries: {}, body: null }, startedBy });
    await store.runs.recordAction({ runId: record.id, name: 'Hello', status: 'Succeeded', outputs: 'hi' });
    return record.id;
  };
  return {
    app,
    store,
    connections,
    gateway,
    queue,
    routes,
    tokens,
    principals,
    environment,
    flowId,
    connectionId: connection.id,
    runOnlyRunId: await run(principals.runOnly.id),
    ownerRunId: await run(principals.owner.id),
    backendHost,
    async close() {
      await app.close();
      await queue.stop();
      await gateway.close();
      await store.close();
      backend.close();
    },
  };
}

// ---- the table ------------------------------------------------------------------------------

function table(world: World): Row[] {
  const { store, principals, flowId, connectionId } = world;
  const flow = `${ENV}/flows/${flowId}`;
  const connection = `${ENV}/connections/${connectionId}`;
  const ownerActor = { id: principals.owner.id, role: 'maker' };
  const unique = (prefix: string) => `${prefix}-${newId().slice(-12)}`;
  /** A flow of the owner with the same members as the main flow (for routes that change or delete it). */
  const freshFlow = async (): Promise<string> => {
    const { flow: created } = await store.flows.create({ environmentId: world.environment.id, name: unique('fresh'), ownerId: principals.owner.id, definition: FLOW_DEFINITION });
    await store.flowMembers.put({ flowId: created.id, principalId: principals.runOnly.id, access: 'run-only' });
    await store.flowMembers.put({ flowId: created.id, principalId: principals.coOwner.id, access: 'co-owner' });
    return created.id;
  };
  /** A run of the main flow the run-only user started (for routes that end or repeat it). */
  const freshRun = async (): Promise<string> =>
    (await store.runs.create({ flowId, flowVersion: 1, triggerName: 'manual', triggerOutputs: { headers: {}, queries: {}, body: null }, startedBy: principals.runOnly.id })).id;
  const freshConnection = async (): Promise<string> => (await world.connections.create('default', ownerActor, { connectorName: 'keyed-echo', values: { api_key: CANARY, host: world.backendHost } })).id;
  const fixed = (url: string, payload?: unknown) => async (): Promise<Request> => (payload === undefined ? { url } : { url, payload });
  const lookup = { operationId: 'GetItem', parameter: 'id' };
  const apim = `/apim/keyed-echo/${connectionId}/items/1`;
  const callback = `/workflows/${flowId}/triggers/manual/paths/invoke`;

  return [
    // System
    { route: 'GET /healthz', request: fixed('/healthz'), expect: everyone(200) },
    { route: 'GET /api/openapi.json', request: fixed('/api/openapi.json'), expect: signedIn(200) },
    { route: 'GET /api/environments', request: fixed('/api/environments'), expect: signedIn(200) },
    { route: 'GET /metrics', request: fixed('/metrics'), expect: adminOnly(200), note: 'metrics span every environment: the default role decides, so an admin of another environment only is refused' },

    // Roles
    { route: 'GET /api/environments/:env/roles', request: fixed(`${ENV}/roles`), expect: adminOnly(200) },
    { route: 'PUT /api/environments/:env/roles/:principalId', request: fixed(`${ENV}/roles/${principals.bystander.id}`, { role: 'maker' }), expect: adminOnly(200) },
    {
      route: 'DELETE /api/environments/:env/roles/:principalId',
      request: async () => {
        await store.environmentRoles.put({ environmentId: world.environment.id, principalId: principals.bystander.id, role: 'maker' });
        return { url: `${ENV}/roles/${principals.bystander.id}` };
      },
      expect: adminOnly(204),
    },

    // Catalog
    { route: 'GET /api/environments/:env/connectors', request: fixed(`${ENV}/connectors`), expect: signedIn(200) },
    { route: 'GET /api/environments/:env/connectors/:name', request: fixed(`${ENV}/connectors/keyed-echo`), expect: signedIn(200) },
    { route: 'GET /api/environments/:env/connectors/:name/operations', request: fixed(`${ENV}/connectors/keyed-echo/operations`), expect: signedIn(200) },
    { route: 'GET /api/environments/:env/connectors/:name/versions', request: fixed(`${ENV}/connectors/keyed-echo/versions`), expect: signedIn(200) },
    { route: 'GET /api/environments/:env/connectors/:name/versions/:version', request: fixed(`${ENV}/connectors/keyed-echo/versions/1`), expect: signedIn(200) },

    // Connections (the owner's; not shared with anyone, not even the flow's co-owner)
    { route: 'GET /api/environments/:env/connections', request: fixed(`${ENV}/connections`), expect: signedIn(200), note: 'filtered: each sees their own (admins all)' },
    { route: 'POST /api/environments/:env/connections', request: async () => ({ url: `${ENV}/connections`, payload: { connectorName: 'keyed-echo', values: { api_key: CANARY, host: world.backendHost } } }), expect: makers(201) },
    { route: 'GET /api/environments/:env/connections/:id', request: fixed(connection), expect: connectionOwner(200, 404) },
    { route: 'PATCH /api/environments/:env/connections/:id', request: async () => ({ url: connection, payload: { displayName: unique('renamed') } }), expect: connectionOwner(200, 403) },
    { route: 'DELETE /api/environments/:env/connections/:id', request: async () => ({ url: `${ENV}/connections/${await freshConnection()}` }), expect: connectionOwner(204, 403) },
    { route: 'POST /api/environments/:env/connections/:id/test', request: fixed(`${connection}/test`), expect: connectionOwner(200, 404) },
    { route: 'GET /api/environments/:env/connections/:id/shares', request: fixed(`${connection}/shares`), expect: connectionOwner(200, 404) },
    { route: 'POST /api/environments/:env/connections/:id/shares', request: async () => ({ url: `${ENV}/connections/${await freshConnection()}/shares`, payload: { principalId: principals.bystander.id } }), expect: connectionOwner(200, 403) },
    {
      route: 'DELETE /api/environments/:env/connections/:id/shares/:principalId',
      request: async () => {
        const id = await freshConnection();
        await world.connections.share('default', ownerActor, id, principals.bystander.id);
        return { url: `${ENV}/connections/${id}/shares/${principals.bystander.id}` };
      },
      expect: connectionOwner(204, 403),
    },
    { route: 'POST /api/environments/:env/connections/:id/invoke', request: fixed(`${connection}/invoke`, { operationId: 'GetItem', arguments: { id: '1' } }), expect: connectionOwner(200, 404) },
    { route: 'POST /api/environments/:env/connections/:id/dynamic-values', request: fixed(`${connection}/dynamic-values`, lookup), expect: connectionOwner(200, 404) },
    {
      route: 'POST /api/environments/:env/connections/:id/dynamic-schema',
      request: fixed(`${connection}/dynamic-schema`, lookup),
      expect: connectionOwner(400, 404),
      note: 'keyed-echo has no dynamic schema: those who may use the connection get 400 DynamicBindingMissing, the others "not found"',
    },
    {
      route: 'POST /api/environments/:env/connections/:id/authorize',
      request: fixed(`${connection}/authorize`),
      expect: connectionOwner(400, 403),
      note: 'keyed-echo signs in with an API key, not OAuth: those who may sign it in get 400, the others are refused first',
    },
    ...(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const).map((method) => ({
      route: `${method} /apim/:connector/:connectionId/*`,
      request: fixed(apim, method === 'GET' || method === 'HEAD' || method === 'DELETE' || method === 'OPTIONS' ? undefined : { name: 'x' }),
      expect: connectionOwner(method === 'GET' ? 200 : 404, 404),
      note: 'the runtime URL: GET /items/{id} is an operation of the connector (200); other methods on it are not (404) — for those who may use the connection',
    })),

    // OAuth
    {
      route: 'GET /api/oauth/callback',
      request: fixed('/api/oauth/callback?state=nope&code=nope'),
      expect: { ...everyone(400), anonymous: 401 },
      note: 'token-if-sent: without a token or binding cookie 401; with any token the unknown state is refused (400 OAuthStateInvalid) whatever the role',
    },
    { route: 'GET /api/environments/:env/oauth-apps', request: fixed(`${ENV}/oauth-apps`), expect: makers(200) },
    { route: 'PUT /api/environments/:env/oauth-apps/:key', request: async () => ({ url: `${ENV}/oauth-apps/${unique('app')}`, payload: { clientId: 'client', clientSecret: CANARY } }), expect: adminOnly(200) },
    {
      route: 'DELETE /api/environments/:env/oauth-apps/:key',
      request: async () => {
        const key = unique('app');
        await world.gateway.oauthApps.put({ environmentId: world.environment.id, key, clientId: 'client', clientSecret: null, settings: {} });
        return { url: `${ENV}/oauth-apps/${key}` };
      },
      expect: adminOnly(204),
    },

    // Flows
    { route: 'GET /api/environments/:env/flows', request: fixed(`${ENV}/flows`), expect: signedIn(200), note: 'filtered: the flows one owns or shares (admins all)' },
    { route: 'POST /api/environments/:env/flows', request: async () => ({ url: `${ENV}/flows`, payload: { name: unique('created'), definition: FLOW_DEFINITION } }), expect: makers(201) },
    { route: 'GET /api/environments/:env/flows/:id', request: fixed(flow), expect: flowEditors(200, 404) },
    { route: 'GET /api/environments/:env/flows/:id/versions/:version', request: fixed(`${flow}/versions/1`), expect: flowEditors(200, 404) },
    { route: 'PATCH /api/environments/:env/flows/:id', request: async () => ({ url: `${ENV}/flows/${await freshFlow()}`, payload: { name: unique('patched') } }), expect: flowEditors(200, 403) },
    { route: 'DELETE /api/environments/:env/flows/:id', request: async () => ({ url: `${ENV}/flows/${await freshFlow()}` }), expect: flowEditors(204, 403) },
    { route: 'POST /api/environments/:env/flows/:id/enable', request: async () => ({ url: `${ENV}/flows/${await freshFlow()}/enable` }), expect: flowEditors(200, 403) },
    { route: 'POST /api/environments/:env/flows/:id/disable', request: async () => ({ url: `${ENV}/flows/${await freshFlow()}/disable` }), expect: flowEditors(200, 403) },
    { route: 'POST /api/environments/:env/flows/:id/run', request: fixed(`${flow}/run`, { body: { name: 'matrix' } }), expect: flowRunners(202) },
    { route: 'GET /api/environments/:env/flows/:id/runs', request: fixed(`${flow}/runs`), expect: flowRunners(200), note: 'filtered: run-only users see the runs they started' },
    { route: 'GET /api/environments/:env/flows/:id/runs/:runId', request: fixed(`${flow}/runs/${world.runOnlyRunId}`), expect: flowRunners(200) },
    { route: 'GET /api/environments/:env/flows/:id/runs/:runId/actions/:name/repetitions', request: fixed(`${flow}/runs/${world.runOnlyRunId}/actions/Hello/repetitions`), expect: flowRunners(200) },
    { route: 'POST /api/environments/:env/flows/:id/runs/:runId/cancel', request: async () => ({ url: `${flow}/runs/${await freshRun()}/cancel` }), expect: flowRunners(200) },
    { route: 'POST /api/environments/:env/flows/:id/runs/:runId/resubmit', request: async () => ({ url: `${flow}/runs/${await freshRun()}/resubmit` }), expect: flowRunners(202) },
    { route: 'GET /api/environments/:env/flows/:id/members', request: fixed(`${flow}/members`), expect: flowEditors(200, 404) },
    { route: 'PUT /api/environments/:env/flows/:id/members/:principalId', request: fixed(`${flow}/members/${principals.bystander.id}`, { access: 'run-only' }), expect: flowEditors(200, 403) },
    {
      route: 'DELETE /api/environments/:env/flows/:id/members/:principalId',
      request: async () => {
        const id = await freshFlow();
        await store.flowMembers.put({ flowId: id, principalId: principals.bystander.id, access: 'run-only' });
        return { url: `${ENV}/flows/${id}/members/${principals.bystander.id}` };
      },
      expect: flowEditors(204, 403),
    },

    // Triggers
    { route: 'GET /api/environments/:env/flows/:id/triggers', request: fixed(`${flow}/triggers`), expect: flowEditors(200, 404) },
    { route: 'POST /api/environments/:env/flows/:id/triggers/:trigger/listCallbackUrl', request: fixed(`${flow}/triggers/manual/listCallbackUrl`), expect: flowEditors(200, 403) },
    { route: 'POST /api/environments/:env/flows/:id/regenerateAccessKey', request: async () => ({ url: `${ENV}/flows/${await freshFlow()}/regenerateAccessKey` }), expect: flowEditors(204, 403) },
    ...(['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const).flatMap((method) =>
      [callback, `${callback}/extra`].map((url, index) => ({
        route: `${method} /workflows/:flowId/triggers/:trigger/paths/invoke${index === 0 ? '' : '/*'}`,
        request: fixed(url, method === 'GET' || method === 'DELETE' ? undefined : { name: 'x' }),
        expect: everyone(401),
        note: 'public, but only with a valid signature: a bearer token of any role opens nothing',
      })),
    ),
  ];
}

// ---- calling ----------------------------------------------------------------------------

/** Headers a caller may forge to look trusted (T-A2); none may change an answer. */
const SPOOFED: Readonly<Record<string, string>> = {
  'x-forwarded-for': '127.0.0.1',
  'x-forwarded-host': 'localhost',
  'x-forwarded-proto': 'https',
  'x-real-ip': '127.0.0.1',
  'x-request-from': 'internal',
  origin: 'http://127.0.0.1',
  referer: 'http://127.0.0.1/admin',
};

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
type Method = (typeof METHODS)[number];

function methodOf(route: string): Method {
  const method = METHODS.find((candidate) => route.startsWith(`${candidate} `));
  if (method === undefined) throw new Error(`the row "${route}" does not start with a method (${METHODS.join(', ')})`);
  return method;
}

/** Every `METHOD url` Fastify registered (HEAD routes Fastify adds for GET routes are checked through their GET). */
function registeredKeys(routes: readonly RegisteredRoute[]): Map<string, RegisteredRoute> {
  const keys = new Map<string, RegisteredRoute>();
  for (const route of routes) {
    for (const method of typeof route.method === 'string' ? [route.method] : route.method) keys.set(`${method} ${route.url}`, route);
  }
  return keys;
}

describe('route × role matrix', () => {
  let world: World;
  let rows: Row[];
  /** Every response body, checked for the secret at the end. */
  const bodies: string[] = [];

  before(async () => {
    world = await createWorld();
    rows = table(world);
  });
  after(async () => world.close());

  const send = async (caller: Caller, method: Method, request: Request, headers: Record<string, string> = {}) => {
    const response = await world.app.inject({
      method,
      url: request.url,
      headers: { ...headers, ...(caller === 'anonymous' ? {} : { authorization: `Bearer ${world.tokens[caller]}` }), ...(request.payload === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(request.payload === undefined ? {} : { payload: JSON.stringify(request.payload) }),
    });
    bodies.push(response.body, JSON.stringify(response.headers));
    return response;
  };

  test('every registered route declares a permission and is in the table', () => {
    const registered = registeredKeys(world.routes);
    const inTable = new Set(rows.map((row) => row.route));
    const problems: string[] = [];
    for (const [key, route] of registered) {
      if (typeof route.config?.permission !== 'string') problems.push(`${key} declares no permission (config.permission) — every route must, even a public one ('public')`);
      const getOfHead = key.startsWith('HEAD ') && registered.has(`GET ${key.slice(5)}`);
      if (!inTable.has(key) && !getOfHead) {
        problems.push(`${key} is not in the route × role matrix — add a row for it to table() in test/server/route-role-matrix.test.ts with the status each caller must get (and, if it acts on a flow or run, declare config.resource)`);
      }
    }
    for (const key of inTable) if (!registered.has(key)) problems.push(`the matrix has a row for ${key}, but no such route is registered — remove or correct the row`);
    assert.deepEqual(problems, []);
  });

  test('each route answers each caller as the table declares, with spoofed trust headers too', async () => {
    const failures: string[] = [];
    for (const row of rows) {
      const method = methodOf(row.route);
      for (const caller of CALLERS) {
        for (const [variant, headers] of [['plain', {}], ['spoofed headers', SPOOFED]] as const) {
          const request = await row.request(caller);
          const response = await send(caller, method, request, headers);
          if (response.statusCode !== row.expect[caller]) {
            failures.push(`${row.route} as ${caller} (${variant}): expected ${row.expect[caller]}, got ${response.statusCode} ${response.body.slice(0, 200)}`);
          }
        }
      }
    }
    assert.deepEqual(failures, []);
  });

  test('a HEAD route Fastify adds for a GET route answers like the GET route', async () => {
    const registered = registeredKeys(world.routes);
    const explicit = new Set(rows.map((row) => row.route));
    const failures: string[] = [];
    for (const row of rows.filter((r) => methodOf(r.route) === 'GET' && registered.has(`HEAD ${r.route.slice(4)}`) && !explicit.has(`HEAD ${r.route.slice(4)}`))) {
      for (const caller of CALLERS) {
        const response = await send(caller, 'HEAD', await row.request(caller));
        if (response.statusCode !== row.expect[caller]) failures.push(`HEAD ${row.route.slice(4)} as ${caller}: expected ${row.expect[caller]}, got ${response.statusCode}`);
      }
    }
    assert.deepEqual(failures, []);
  });

  test('URL variants never succeed where the canonical URL is refused', async () => {
    const variants = (url: string): string[] => {
      const [path = '', query] = url.split('?');
      const withQuery = (p: string) => (query === undefined ? p : `${p}?${query}`);
      return [
        withQuery(`${path}/`),
        withQuery(path.toUpperCase()),
        withQuery(path.replace(/^\/(api|apim|workflows)\//, (_, area: string) => `/${area.toUpperCase()}/`)),
        withQuery(path.replace(/\//g, '//')),
        withQuery(path.replace(/\/([^/]*)$/, '%2F$1')),
        withQuery(`${path}%00`),
        withQuery(`${path}/.`),
      ];
    };
    const failures: string[] = [];
    for (const row of rows) {
      const method = methodOf(row.route);
      for (const caller of CALLERS) {
        if (row.expect[caller] < 400) continue;
        for (const url of variants((await row.request(caller)).url)) {
          const response = await send(caller, method, { ...(await row.request(caller)), url });
          if (response.statusCode < 400) failures.push(`${method} ${url} as ${caller} answered ${response.statusCode}, but ${row.route} refuses ${caller} with ${row.expect[caller]}`);
        }
      }
    }
    assert.deepEqual(failures, []);
  });

  test('a run-only user sees only the runs they started; the owner sees every run', async () => {
    const runs = async (caller: Caller) => (await send(caller, 'GET', { url: `${ENV}/flows/${world.flowId}/runs?$top=250` })).json().value.map((run: { id: string; startedBy: string | null }) => run);
    const seenByRunOnly: Array<{ id: string; startedBy: string | null }> = await runs('runOnly');
    assert.ok(seenByRunOnly.length > 0);
    assert.ok(seenByRunOnly.every((run) => run.startedBy === world.principals.runOnly.id), JSON.stringify(seenByRunOnly));
    const ids: string[] = (await runs('owner')).map((run: { id: string }) => run.id);
    assert.ok(ids.includes(world.ownerRunId) && ids.includes(world.runOnlyRunId));
    const other = await send('runOnly', 'GET', { url: `${ENV}/flows/${world.flowId}/runs/${world.ownerRunId}` });
    assert.equal(other.statusCode, 404, 'another principal’s run does not exist for a run-only user');
    assert.equal((await send('runOnly', 'POST', { url: `${ENV}/flows/${world.flowId}/runs/${world.ownerRunId}/cancel` })).statusCode, 404);
  });

  test('flow listings show only the flows one owns or shares; admins see all', async () => {
    const listed = async (caller: Caller) => new Set((await send(caller, 'GET', { url: `${ENV}/flows` })).json().value.map((f: { id: string }) => f.id));
    for (const caller of ['runOnly', 'coOwner', 'owner', 'admin'] as const) assert.ok((await listed(caller)).has(world.flowId), caller);
    for (const caller of ['user', 'otherMaker', 'otherEnvAdmin'] as const) assert.ok(!(await listed(caller)).has(world.flowId), caller);
    const all = (await world.store.flows.list(world.environment.id)).map((f) => f.id);
    assert.deepEqual(await listed('admin'), new Set(all));
  });

  test('an admin of another environment is an admin there, and only there', async () => {
    const there = await send('otherEnvAdmin', 'GET', { url: '/api/environments/other/roles' });
    assert.equal(there.statusCode, 200, there.body);
    assert.equal((await send('otherEnvAdmin', 'GET', { url: `${ENV}/roles` })).statusCode, 403);
    const created = await send('otherEnvAdmin', 'POST', { url: '/api/environments/other/flows', payload: { name: 'theirs', definition: FLOW_DEFINITION } });
    assert.equal(created.statusCode, 201, created.body);
    // A role taken away takes effect on the next request.
    await world.store.environmentRoles.delete((await world.store.environments.getByName('other'))?.id ?? '', world.principals.otherEnvAdmin.id);
    assert.equal((await send('otherEnvAdmin', 'GET', { url: '/api/environments/other/roles' })).statusCode, 403);
    await world.store.environmentRoles.put({ environmentId: (await world.store.environments.getByName('other'))?.id ?? '', principalId: world.principals.otherEnvAdmin.id, role: 'admin' });
  });

  test('no response of any route carries the connection’s secret', () => {
    assert.ok(bodies.length > 1000, `only ${bodies.length} responses were checked`);
    const leaks = bodies.filter((body) => body.includes(CANARY));
    assert.deepEqual(leaks.map((body) => body.slice(0, 300)), []);
  });
});
