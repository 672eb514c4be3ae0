/** Read endpoints of the connector catalog. */
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { connectorSummary } from '../../connectors/index.ts';
import type { ConnectorDefinition } from '../../connectors/index.ts';
import type { ConnectorDetail } from '../../catalog/index.ts';
import type { ConnectorRecord } from '../../storage/index.ts';
import type { AppOptions } from '../app.ts';

const EnvParams = Type.Object({ env: Type.String({ description: 'Environment name, e.g. `default`.' }) });
const ConnectorParams = Type.Object({ env: Type.String(), name: Type.String({ description: 'Catalog name of the connector.' }) });
const VersionParams = Type.Object({ env: Type.String(), name: Type.String(), version: Type.Integer({ minimum: 1 }) });

const ConnectorSummary = Type.Object({
  name: Type.String(),
  title: Type.String(),
  publisher: Type.Union([Type.String(), Type.Null()]),
  builtin: Type.Boolean(),
  latestVersion: Type.Integer(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});

const OperationSummary = Type.Object({
  operationId: Type.String(),
  method: Type.String(),
  path: Type.String(),
  kind: Type.String(),
  triggerKind: Type.Union([Type.String(), Type.Null()]),
  summary: Type.Union([Type.String(), Type.Null()]),
  visibility: Type.Union([Type.String(), Type.Null()]),
  deprecated: Type.Boolean(),
});

function summaryOf(record: ConnectorRecord): Static<typeof ConnectorSummary> {
  return {
    name: record.name,
    title: record.title,
    publisher: record.publisher ?? null,
    builtin: record.builtin,
    latestVersion: record.latestVersion,
    createdAt: new Date(record.createdAt).toISOString(),
    updatedAt: new Date(record.updatedAt).toISOString(),
  };
}

function operationsOf(definition: ConnectorDefinition): Array<Static<typeof OperationSummary>> {
  return definition.operations.map((op) => ({
    operationId: op.operationId,
    method: op.method.toUpperCase(),
    path: op.path,
    kind: op.kind,
    triggerKind: op.trigger?.kind ?? null,
    summary: op.summary ?? null,
    visibility: op.visibility ?? null,
    deprecated: op.deprecated,
  }));
}

function detailOf(detail: ConnectorDetail) {
  const counts = connectorSummary(detail.definition);
  return {
    ...summaryOf(detail.connector),
    version: detail.version.version,
    versionCreatedAt: new Date(detail.version.createdAt).toISOString(),
    actions: counts.actions,
    triggers: counts.triggers,
    definition: detail.definition,
  };
}

/** Registers `/api/environments/{env}/connectors…`. */
export function registerCatalogRoutes(app: FastifyInstance, options: AppOptions): void {
  const typed = app.withTypeProvider<TypeBoxTypeProvider>();
  const { catalog } = options;
  const read = { permission: 'catalog:read' as const };

  typed.get(
    '/api/environments/:env/connectors',
    { config: read, schema: { summary: 'List the connectors of an environment', tags: ['connectors'], params: EnvParams, response: { 200: Type.Object({ value: Type.Array(ConnectorSummary) }) } } },
    async (request) => ({ value: (await catalog.list(request.params.env)).map(summaryOf) }),
  );

  typed.get(
    '/api/environments/:env/connectors/:name',
    { config: read, schema: { summary: 'Show a connector (latest version) with its normalized definition', tags: ['connectors'], params: ConnectorParams } },
    async (request) => detailOf(await catalog.show(request.params.env, request.params.name)),
  );

  typed.get(
    '/api/environments/:env/connectors/:name/operations',
    { config: read, schema: { summary: 'List the actions and triggers of a connector', tags: ['connectors'], params: ConnectorParams, response: { 200: Type.Object({ value: Type.Array(OperationSummary) }) } } },
    async (request) => ({ value: operationsOf((await catalog.show(request.params.env, request.params.name)).definition) }),
  );

  typed.get(
    '/api/environments/:env/connectors/:name/versions',
    {
      config: read,
      schema: {
        summary: 'List the versions of a connector',
        tags: ['connectors'],
        params: ConnectorParams,
        response: { 200: Type.Object({ value: Type.Array(Type.Object({ version: Type.Integer(), contentHash: Type.String(), createdAt: Type.String() })) }) },
      },
    },
    async (request) => ({
      value: (await catalog.versions(request.params.env, request.params.name)).map((v) => ({ version: v.version, contentHash: v.contentHash, createdAt: new Date(v.createdAt).toISOString() })),
    }),
  );

  typed.get(
    '/api/environments/:env/connectors/:name/versions/:version',
    { config: read, schema: { summary: 'Show one version of a connector', tags: ['connectors'], params: VersionParams } },
    async (request) => detailOf(await catalog.show(request.params.env, request.params.name, request.params.version)),
  );
}
