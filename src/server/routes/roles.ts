/**
 * Role endpoints: `/api/environments/{env}/roles…`. Every principal has a default role; an admin
 * of an environment can give a principal another role there (an assignment), and take it away
 * again (the default applies once more). Only admins in the environment may see or change them
 * (`roles:read`, `roles:write`, decided by `permissions.ts`).
 */
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { NotFoundError } from '../../core/index.ts';
import type { EnvironmentRecord, EnvironmentRoleRecord, PrincipalRecord, Store } from '../../storage/index.ts';

/** What the role routes need. */
export interface RoleRouteOptions {
  readonly store: Store;
}

const Role = Type.Union([Type.Literal('admin'), Type.Literal('maker'), Type.Literal('user')]);
const EnvParams = Type.Object({ env: Type.String({ description: 'Environment name, e.g. `default`.' }) });
const PrincipalParams = Type.Object({ env: Type.String(), principalId: Type.String({ description: 'Principal id.' }) });
const RoleBody = Type.Object({
  principalId: Type.String(),
  name: Type.String(),
  kind: Type.String({ description: '`user` or `service-account`.' }),
  defaultRole: Role,
  assignedRole: Type.Union([Role, Type.Null()], { description: 'The role assigned in this environment; null when the default role applies.' }),
  role: Role,
});
const ErrorResponse = Type.Object({ error: Type.Object({ code: Type.String(), message: Type.String(), details: Type.Optional(Type.Record(Type.String(), Type.Unknown())) }) });

function roleBody(principal: PrincipalRecord, assigned: EnvironmentRoleRecord | undefined): Static<typeof RoleBody> {
  return {
    principalId: principal.id,
    name: principal.name,
    kind: principal.kind,
    defaultRole: principal.role,
    assignedRole: assigned?.role ?? null,
    role: assigned?.role ?? principal.role,
  };
}

/** Registers `GET /api/environments/{env}/roles` and `PUT|DELETE …/roles/{principalId}`. */
export function registerRoleRoutes(app: FastifyInstance, options: RoleRouteOptions): void {
  const typed = app.withTypeProvider<TypeBoxTypeProvider>();
  const { store } = options;
  const tags = ['roles'];

  const environmentNamed = async (name: string): Promise<EnvironmentRecord> => {
    const environment = await store.environments.getByName(name);
    if (environment === undefined) throw new NotFoundError(`environment "${name}" does not exist — list them with GET /api/environments`, { code: 'EnvironmentNotFound', details: { environment: name } });
    return environment;
  };
  const principalWithId = async (id: string): Promise<PrincipalRecord> => {
    const principal = await store.principals.get(id);
    if (principal === undefined) throw new NotFoundError(`no principal has the id ${id} — list them with GET /api/environments/{env}/roles`, { code: 'PrincipalNotFound', details: { principalId: id } });
    return principal;
  };

  typed.get(
    '/api/environments/:env/roles',
    {
      config: { permission: 'roles:read' },
      schema: { summary: 'Every enabled principal with its role in the environment (admins)', tags, params: EnvParams, response: { 200: Type.Object({ value: Type.Array(RoleBody) }), 404: ErrorResponse } },
    },
    async (request) => {
      const environment = await environmentNamed(request.params.env);
      const assigned = new Map((await store.environmentRoles.list(environment.id)).map((record) => [record.principalId, record]));
      const principals = (await store.principals.list()).filter((principal) => principal.disabledAt === null);
      return { value: principals.map((principal) => roleBody(principal, assigned.get(principal.id))) };
    },
  );

  typed.put(
    '/api/environments/:env/roles/:principalId',
    {
      config: { permission: 'roles:write' },
      schema: {
        summary: "Give a principal a role in the environment, replacing its default role there (admins); takes effect on the principal's next request",
        tags,
        params: PrincipalParams,
        body: Type.Object({ role: Role }, { additionalProperties: false }),
        response: { 200: RoleBody, 400: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request) => {
      const environment = await environmentNamed(request.params.env);
      const principal = await principalWithId(request.params.principalId);
      const assigned = await store.environmentRoles.put({ environmentId: environment.id, principalId: principal.id, role: request.body.role });
      return roleBody(principal, assigned);
    },
  );

  typed.delete(
    '/api/environments/:env/roles/:principalId',
    {
      config: { permission: 'roles:write' },
      schema: { summary: "Remove a principal's role in the environment: its default role applies again (204; 404 `RoleAssignmentNotFound`)", tags, params: PrincipalParams },
    },
    async (request, reply) => {
      const environment = await environmentNamed(request.params.env);
      if (!(await store.environmentRoles.delete(environment.id, request.params.principalId))) {
        throw new NotFoundError(`principal ${request.params.principalId} has no role assigned in environment "${environment.name}" — its default role applies there already`, {
          code: 'RoleAssignmentNotFound',
          details: { principalId: request.params.principalId },
        });
      }
      return reply.status(204).send();
    },
  );
}
