/**
 * Connection endpoints: `/api/environments/{env}/connections…`. Every response is built from the
 * service's views, which never hold a secret value, and each route's response schema lists the
 * fields it may send, so nothing else can slip out.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Catalog } from '../../catalog/index.ts';
import type { Actor, ConnectionService, ConnectionTester, ConnectionView, ConnectorConnectionLookup } from '../../connections/index.ts';
import { PlugboardError } from '../../core/index.ts';
import type { ConnectionShareRecord } from '../../storage/index.ts';

/** The connection service's view of the catalog: a connector's title and connection parameters (latest version). */
export function catalogConnectorLookup(catalog: Catalog): ConnectorConnectionLookup {
  return async (environment, connectorName) => {
    const { definition } = await catalog.show(environment, connectorName);
    return { title: definition.info.title, connection: definition.connection };
  };
}

/** What the connection routes need from the app options. */
export interface ConnectionRouteOptions {
  readonly connections: ConnectionService;
  /** Runs a connection's test; without one, `POST …/test` answers 501. */
  readonly connectionTester?: ConnectionTester;
}

const EnvParams = Type.Object({ env: Type.String({ description: 'Environment name, e.g. `default`.' }) });
const ConnectionParams = Type.Object({ env: Type.String(), id: Type.String({ description: 'Connection id.' }) });
const ShareParams = Type.Object({ env: Type.String(), id: Type.String(), principalId: Type.String() });

const Values = Type.Record(Type.String(), Type.Unknown(), { description: 'Parameter values by name (secret ones included on input; never on output).' });

const ConnectionBody = Type.Object({
  id: Type.String(),
  environment: Type.String(),
  connectorName: Type.String(),
  displayName: Type.String(),
  ownerId: Type.String(),
  parameterSet: Type.Union([Type.String(), Type.Null()]),
  values: Type.Record(Type.String(), Type.Unknown(), { description: 'Non-secret parameter values.' }),
  secrets: Type.Record(Type.String(), Type.Object({ set: Type.Literal(true) }), { description: 'Secret parameters that hold a value; the values are never returned.' }),
  status: Type.Union([Type.Literal('connected'), Type.Literal('error'), Type.Literal('unauthenticated')]),
  lastError: Type.Union([Type.String(), Type.Null()]),
  access: Type.Union([Type.Literal('owner'), Type.Literal('shared'), Type.Literal('admin')]),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});

const ShareBody = Type.Object({ principalId: Type.String(), createdAt: Type.String() });
const SharesBody = Type.Object({ value: Type.Array(ShareBody) });

const CreateBody = Type.Object(
  {
    connectorName: Type.String({ minLength: 1, description: 'Catalog name of the connector.' }),
    displayName: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    parameterSet: Type.Optional(Type.String({ minLength: 1, description: 'Required when the connector has connection parameter sets.' })),
    values: Type.Optional(Values),
  },
  { additionalProperties: false },
);

const UpdateBody = Type.Object(
  {
    displayName: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    values: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: 'Values to set; null removes one; secret parameters not named keep their value.' })),
  },
  { additionalProperties: false },
);

const ErrorResponse = Type.Object({ error: Type.Object({ code: Type.String(), message: Type.String() }) });

const TestBody = Type.Object({
  connection: ConnectionBody,
  outcome: Type.Object({ status: Type.String(), message: Type.Optional(Type.String()) }),
});

function toBody(view: ConnectionView): Static<typeof ConnectionBody> {
  return {
    id: view.id,
    environment: view.environment,
    connectorName: view.connectorName,
    displayName: view.displayName,
    ownerId: view.ownerId,
    parameterSet: view.parameterSet,
    values: { ...view.values },
    secrets: { ...view.secrets },
    status: view.status,
    lastError: view.lastError,
    access: view.access,
    createdAt: new Date(view.createdAt).toISOString(),
    updatedAt: new Date(view.updatedAt).toISOString(),
  };
}

function sharesBody(shares: readonly ConnectionShareRecord[]): Static<typeof SharesBody> {
  return { value: shares.map((s) => ({ principalId: s.principalId, createdAt: new Date(s.createdAt).toISOString() })) };
}

/** The authenticated principal (the auth hook has set it for every non-public route). */
function actorOf(request: FastifyRequest): Actor {
  const principal = request.principal;
  if (principal === undefined) throw new PlugboardError('no authenticated principal on a protected route', { code: 'Unauthorized', kind: 'unauthorized' });
  return { id: principal.id, role: principal.role };
}

/** Registers the connection routes. */
export function registerConnectionRoutes(app: FastifyInstance, options: ConnectionRouteOptions): void {
  const typed = app.withTypeProvider<TypeBoxTypeProvider>();
  const { connections } = options;
  const read = { permission: 'connections:read' as const };
  const write = { permission: 'connections:write' as const };
  const use = { permission: 'connections:use' as const };
  const tags = ['connections'];

  typed.get(
    '/api/environments/:env/connections',
    { config: read, schema: { summary: 'List the connections you own or that are shared with you (admins: all)', tags, params: EnvParams, response: { 200: Type.Object({ value: Type.Array(ConnectionBody) }) } } },
    async (request) => ({ value: (await connections.list(request.params.env, actorOf(request))).map(toBody) }),
  );

  typed.post(
    '/api/environments/:env/connections',
    { config: write, schema: { summary: 'Create a connection', tags, params: EnvParams, body: CreateBody, response: { 201: ConnectionBody } } },
    async (request, reply) => {
      const view = await connections.create(request.params.env, actorOf(request), request.body);
      return reply.status(201).send(toBody(view));
    },
  );

  typed.get(
    '/api/environments/:env/connections/:id',
    { config: read, schema: { summary: 'Show a connection (secret values are never returned)', tags, params: ConnectionParams, response: { 200: ConnectionBody } } },
    async (request) => toBody(await connections.get(request.params.env, actorOf(request), request.params.id)),
  );

  typed.patch(
    '/api/environments/:env/connections/:id',
    { config: write, schema: { summary: 'Change a connection’s name or values (owner or admin)', tags, params: ConnectionParams, body: UpdateBody, response: { 200: ConnectionBody } } },
    async (request) => toBody(await connections.update(request.params.env, actorOf(request), request.params.id, request.body)),
  );

  typed.delete(
    '/api/environments/:env/connections/:id',
    { config: write, schema: { summary: 'Delete a connection (owner or admin)', tags, params: ConnectionParams } },
    async (request, reply) => {
      await connections.delete(request.params.env, actorOf(request), request.params.id);
      return reply.status(204).send();
    },
  );

  typed.post(
    '/api/environments/:env/connections/:id/test',
    { config: use, schema: { summary: 'Test a connection and record its status', tags, params: ConnectionParams, response: { 200: TestBody, 501: ErrorResponse } } },
    async (request, reply) => {
      const tester = options.connectionTester;
      if (tester === undefined) {
        // Until the gateway is wired in (it supplies a tester that calls the connector's test
        // operation), the route exists but says plainly that it cannot test yet.
        return reply.status(501).send({
          error: { code: 'ConnectionTestUnavailable', message: 'testing connections is not available yet: this server has no connector gateway wired in' },
        });
      }
      const result = await connections.test(request.params.env, actorOf(request), request.params.id, tester);
      return { connection: toBody(result.connection), outcome: result.outcome };
    },
  );

  typed.get(
    '/api/environments/:env/connections/:id/shares',
    { config: read, schema: { summary: 'List whom a connection is shared with (owner or admin)', tags, params: ConnectionParams, response: { 200: SharesBody } } },
    async (request) => sharesBody(await connections.listShares(request.params.env, actorOf(request), request.params.id)),
  );

  typed.post(
    '/api/environments/:env/connections/:id/shares',
    {
      config: write,
      schema: {
        summary: 'Share a connection for use (owner or admin); the principal can never read its secrets',
        tags,
        params: ConnectionParams,
        body: Type.Object({ principalId: Type.String({ minLength: 1 }) }, { additionalProperties: false }),
        response: { 200: SharesBody },
      },
    },
    async (request) => sharesBody(await connections.share(request.params.env, actorOf(request), request.params.id, request.body.principalId)),
  );

  typed.delete(
    '/api/environments/:env/connections/:id/shares/:principalId',
    { config: write, schema: { summary: 'Stop sharing a connection with a principal (owner or admin)', tags, params: ShareParams } },
    async (request, reply) => {
      await connections.unshare(request.params.env, actorOf(request), request.params.id, request.params.principalId);
      return reply.status(204).send();
    },
  );
}
