/**
 * Gateway routes: the runtime URL `/apim/{connector}/{connectionId}/{path…}` (Power Platform's
 * shape), operation calls by id for code and agents, design-time dynamic lookups, the OAuth
 * sign-in of a connection (`…/authorize` → provider → `/api/oauth/callback`), and the OAuth app
 * registrations an admin configures per environment.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { ConnectionService } from '../../connections/index.ts';
import { NotFoundError, PlugboardError } from '../../core/index.ts';
import { dynamicSchema, dynamicValues } from '../../gateway/index.ts';
import type { Caller, InvokeResult } from '../../gateway/index.ts';
import type { Secrets } from '../../secrets/index.ts';
import type { PrincipalRecord, Store } from '../../storage/index.ts';
import type { GatewayWiring } from '../gateway-wiring.ts';

/** What the gateway routes need. */
export interface GatewayRouteOptions {
  readonly store: Store;
  readonly connections: ConnectionService;
  readonly gateway: GatewayWiring;
  readonly secrets: Secrets;
}

const BINDING_COOKIE = 'pb_oauth_binding';
const BINDING_CONTEXT = { environmentId: 'oauth', ownerId: 'browser-binding', purpose: 'oauth-binding' } as const;

const ConnectionParams = Type.Object({ env: Type.String(), id: Type.String({ description: 'Connection id.' }) });
const InvokeBody = Type.Object(
  {
    operationId: Type.String({ minLength: 1 }),
    arguments: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: 'Parameter values by name; the body parameter takes the whole body.' })),
    followPages: Type.Optional(Type.Boolean({ description: 'Follow x-ms-pageable next links (default true).' })),
  },
  { additionalProperties: false },
);
const DynamicBody = Type.Object(
  {
    operationId: Type.String({ minLength: 1 }),
    parameter: Type.String({ minLength: 1, description: 'Parameter name, or `body/path/to/property` for a body property.' }),
    arguments: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  },
  { additionalProperties: false },
);
const AppParams = Type.Object({ env: Type.String(), key: Type.String({ description: 'Connector catalog name, or `idp:<identityProvider>` for every connector of that provider.' }) });
const AppBody = Type.Object(
  {
    clientId: Type.String({ minLength: 1 }),
    clientSecret: Type.Optional(Type.Union([Type.String({ minLength: 1 }), Type.Null()], { description: 'Write-only; null for a public client.' })),
    settings: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  },
  { additionalProperties: false },
);

function callerOf(request: FastifyRequest): Caller {
  const principal = request.principal as PrincipalRecord;
  return { principalId: principal.id, role: principal.role };
}

function invokeResultBody(result: InvokeResult) {
  return { operationId: result.operationId, status: result.status, headers: result.headers, body: result.body ?? null, pages: result.pages };
}

/** Registers the routes. */
export function registerGatewayRoutes(app: FastifyInstance, options: GatewayRouteOptions): void {
  const typed = app.withTypeProvider<TypeBoxTypeProvider>();
  const { store, connections, gateway, secrets } = options;

  async function environmentIdOf(name: string): Promise<string> {
    const environment = await store.environments.getByName(name);
    if (environment === undefined) throw new NotFoundError(`environment \`${name}\` does not exist`, { code: 'EnvironmentNotFound' });
    return environment.id;
  }

  typed.post(
    '/api/environments/:env/connections/:id/invoke',
    { config: { permission: 'connections:use' }, schema: { tags: ['gateway'], summary: 'Call one operation of the connection\'s connector', params: ConnectionParams, body: InvokeBody } },
    async (request) => {
      const result = await gateway.invoker.invoke({
        environment: request.params.env,
        caller: callerOf(request),
        connectionId: request.params.id,
        operationId: request.body.operationId,
        arguments: request.body.arguments ?? {},
        followPages: request.body.followPages ?? true,
      });
      return invokeResultBody(result);
    },
  );

  const lookup = async (request: FastifyRequest<{ Params: { env: string; id: string }; Body: { operationId: string; parameter: string; arguments?: Record<string, unknown> } }>) => {
    const view = await connections.get(request.params.env, { id: callerOf(request).principalId, role: callerOf(request).role }, request.params.id);
    const { definition } = await gateway.connectors.resolve(request.params.env, view.connectorName);
    return {
      environment: request.params.env,
      caller: callerOf(request),
      connectionId: request.params.id,
      definition,
      operationId: request.body.operationId,
      parameter: request.body.parameter,
      arguments: request.body.arguments ?? {},
    };
  };

  typed.post(
    '/api/environments/:env/connections/:id/dynamic-values',
    { config: { permission: 'connections:use' }, schema: { tags: ['gateway'], summary: 'Values of a drop-down (x-ms-dynamic-values / x-ms-dynamic-list)', params: ConnectionParams, body: DynamicBody } },
    async (request) => ({ value: await dynamicValues(gateway.invoker, await lookup(request)) }),
  );

  typed.post(
    '/api/environments/:env/connections/:id/dynamic-schema',
    { config: { permission: 'connections:use' }, schema: { tags: ['gateway'], summary: 'Schema built at design time (x-ms-dynamic-schema / x-ms-dynamic-properties)', params: ConnectionParams, body: DynamicBody } },
    async (request) => ({ schema: (await dynamicSchema(gateway.invoker, await lookup(request))) ?? null }),
  );

  typed.post(
    '/api/environments/:env/connections/:id/authorize',
    { config: { permission: 'connections:write' }, schema: { tags: ['oauth'], summary: 'Start the OAuth sign-in of a connection', params: ConnectionParams } },
    async (request, reply) => {
      const caller = callerOf(request);
      const view = await connections.get(request.params.env, { id: caller.principalId, role: caller.role }, request.params.id);
      if (view.access === 'shared') {
        throw new PlugboardError('only the connection\'s owner (or an admin) may sign it in — a shared connection is used as it is', { code: 'ConnectionForbidden', kind: 'forbidden' });
      }
      const started = await gateway.oauth.beginAuthorization({
        environmentId: await environmentIdOf(request.params.env),
        principalId: caller.principalId,
        connectionId: view.id,
        redirectUri: gateway.redirectUri,
      });
      // Binds the sign-in to this browser too: the callback needs the bearer token or this cookie.
      const binding = await secrets.seal(caller.principalId, BINDING_CONTEXT);
      void reply.header('set-cookie', `${BINDING_COOKIE}=${encodeURIComponent(binding)}; Path=/api/oauth; HttpOnly; SameSite=Lax; Max-Age=600`);
      return { authorizationUrl: started.authorizationUrl, expiresAt: new Date(started.expiresAt).toISOString(), redirectUri: gateway.redirectUri };
    },
  );

  typed.get(
    '/api/oauth/callback',
    {
      config: { permission: 'token-if-sent' },
      schema: { tags: ['oauth'], summary: 'Where identity providers send the user back (state-checked, single use)' },
      // The query holds the authorization code and the state: logged without it, like any secret.
      logSerializers: { req: (request: FastifyRequest) => ({ method: request.method, url: request.url.split('?')[0], host: request.host, remoteAddress: request.ip }) },
    },
    async (request) => {
      const principalId = await callbackPrincipal(request);
      const query = request.query as Record<string, string | undefined>;
      const completed = await gateway.oauth.completeAuthorization({ principalId, query });
      await connections.setStatus(completed.connectionId, 'connected', null);
      return { connectionId: completed.connectionId, status: 'connected', account: completed.account ?? null };
    },
  );

  async function callbackPrincipal(request: FastifyRequest): Promise<string> {
    // The auth hook has checked a token that was sent (an API client completing the sign-in).
    if (request.principal !== undefined) return request.principal.id;
    const cookie = /(?:^|;\s*)pb_oauth_binding=([^;]+)/.exec(request.headers.cookie ?? '')?.[1];
    if (cookie === undefined) {
      throw new PlugboardError('this sign-in was not started in this browser (no binding cookie and no API token) — start it again from the connection', { code: 'OAuthStateInvalid', kind: 'unauthorized' });
    }
    try {
      return await secrets.open(decodeURIComponent(cookie), BINDING_CONTEXT);
    } catch {
      throw new PlugboardError('the sign-in binding cookie is invalid — start the sign-in again from the connection', { code: 'OAuthStateInvalid', kind: 'unauthorized' });
    }
  }

  typed.get(
    '/api/environments/:env/oauth-apps',
    { config: { permission: 'oauth-apps:read' }, schema: { tags: ['oauth'], summary: 'OAuth app registrations of the environment (secrets never shown)', params: Type.Object({ env: Type.String() }) } },
    async (request) => {
      const records = await store.oauthApps.list(await environmentIdOf(request.params.env));
      return { value: records.map((record) => ({ key: record.key, clientId: record.clientId, hasClientSecret: record.clientSecret !== null, settings: record.settings })) };
    },
  );

  typed.put(
    '/api/environments/:env/oauth-apps/:key',
    { config: { permission: 'oauth-apps:write' }, schema: { tags: ['oauth'], summary: 'Register (or replace) an OAuth app', params: AppParams, body: AppBody } },
    async (request) => {
      const environmentId = await environmentIdOf(request.params.env);
      await gateway.oauthApps.put({
        environmentId,
        key: request.params.key,
        clientId: request.body.clientId,
        clientSecret: request.body.clientSecret ?? null,
        settings: request.body.settings ?? {},
      });
      return { key: request.params.key, clientId: request.body.clientId, hasClientSecret: (request.body.clientSecret ?? null) !== null, settings: request.body.settings ?? {} };
    },
  );

  typed.delete(
    '/api/environments/:env/oauth-apps/:key',
    { config: { permission: 'oauth-apps:write' }, schema: { tags: ['oauth'], summary: 'Remove an OAuth app registration', params: AppParams } },
    async (request, reply) => {
      const removed = await gateway.oauthApps.delete(await environmentIdOf(request.params.env), request.params.key);
      if (!removed) throw new NotFoundError(`no OAuth app \`${request.params.key}\` in environment \`${request.params.env}\``, { code: 'OAuthAppNotFound' });
      return reply.status(204).send();
    },
  );

  registerRuntimeRoute(app, options);
}

/** `/apim/{connector}/{connectionId}/{path…}`: any method, any body; the answer is the backend's (redacted). */
function registerRuntimeRoute(app: FastifyInstance, options: GatewayRouteOptions): void {
  void app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: 32 * 1024 * 1024 }, (_request, body, done) => done(null, body));
    const environmentNames = new Map<string, string>();
    // A connection never moves to another environment, so its environment is looked up once (the
    // invoker still resolves the connection, and its permission, on every call).
    const connectionEnvironments = new Map<string, string>();
    const environmentOf = async (connectionId: string): Promise<string> => {
      const known = connectionEnvironments.get(connectionId);
      if (known !== undefined) return known;
      const record = await options.store.connections.get(connectionId);
      if (record === undefined) throw new NotFoundError(`connection \`${connectionId}\` does not exist`, { code: 'ConnectionNotFound' });
      let environment = environmentNames.get(record.environmentId);
      if (environment === undefined) {
        environment = (await options.store.environments.list()).find((candidate) => candidate.id === record.environmentId)?.name ?? '';
        environmentNames.set(record.environmentId, environment);
      }
      if (connectionEnvironments.size >= 10_000) connectionEnvironments.clear();
      connectionEnvironments.set(connectionId, environment);
      return environment;
    };
    const handler = async (request: FastifyRequest, reply: FastifyReply) => {
      const params = request.params as { connector: string; connectionId: string; '*': string };
      const environment = await environmentOf(params.connectionId);
      // Most runtime calls carry no query string: parse the URL only when there is one.
      const query: [string, string][] = request.url.includes('?') ? [...new URL(request.url, 'http://plugboard.invalid').searchParams.entries()] : [];
      const headers: Record<string, string> = {};
      for (const name in request.headers) {
        if (name === 'authorization' || name === 'cookie' || name === 'host') continue;
        const value = request.headers[name];
        if (typeof value === 'string') headers[name] = value;
        else if (Array.isArray(value)) headers[name] = value.join(', ');
      }
      const result = await options.gateway.invoker.invokeRaw({
        environment,
        caller: callerOf(request),
        connectorName: params.connector,
        connectionId: params.connectionId,
        method: request.method,
        path: `/${params['*']}`,
        query,
        headers,
        body: parseRawBody(request.body, request.headers['content-type']),
      });
      for (const name in result.headers) {
        if (name === 'set-cookie' || name === 'content-length' || name === 'content-type') continue;
        void reply.header(name, result.headers[name]);
      }
      void reply.status(result.status);
      const body = result.body;
      if (body === undefined || body === null) return reply.send();
      if (typeof body === 'object' && body !== null && '$content' in body && typeof (body as Record<string, unknown>)['$content'] === 'string') {
        const record = body as Record<string, unknown>;
        void reply.header('content-type', String(record['$content-type'] ?? 'application/octet-stream'));
        return reply.send(Buffer.from(record['$content'] as string, 'base64'));
      }
      if (typeof body === 'string') {
        void reply.header('content-type', result.headers['content-type'] ?? 'text/plain; charset=utf-8');
        return reply.send(body);
      }
      void reply.header('content-type', 'application/json; charset=utf-8');
      return reply.send(JSON.stringify(body));
    };
    scope.route({
      method: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'],
      url: '/apim/:connector/:connectionId/*',
      // The data plane: a token lookup may be reused for a moment (see auth.ts). The caller's role is
      // the one in the connection's environment (the URL names no environment).
      config: { permission: 'connections:use', resource: { kind: 'connection', param: 'connectionId' }, reuseTokenLookup: true },
      schema: { hide: true },
      handler,
    });
  });
}

/** JSON and form bodies become values (the body parameter's value); other bodies stay bytes or text. */
function parseRawBody(body: unknown, contentType: string | undefined): unknown {
  if (!(body instanceof Buffer) || body.length === 0) return undefined;
  const type = (contentType ?? '').toLowerCase();
  if (type.includes('json')) {
    try {
      return JSON.parse(body.toString('utf8'));
    } catch {
      throw new PlugboardError('the request body is not valid JSON — check the Content-Type or the body', { code: 'RequestInvalid', kind: 'user' });
    }
  }
  if (type.startsWith('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(body.toString('utf8')));
  if (type.startsWith('text/')) return body.toString('utf8');
  return new Uint8Array(body);
}
