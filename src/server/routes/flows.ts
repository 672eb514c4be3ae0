/**
 * Flow and run endpoints: `/api/environments/{env}/flows…`, the shape of the Logic Apps
 * management API (flows with versions, enable/disable, a manual run, runs with their actions and
 * loop repetitions), and the flow's members (co-owners, run-only users). Flows are addressed by
 * id; names are given only when creating one. Every response goes through a schema listing the
 * fields it may send.
 *
 * Each route declares its permission and the flow or run it acts on; `permissions.ts` decides
 * (a flow the caller may not see is "not found"). Listings are filtered with that decision
 * (`flowsVisibleTo`: the flows one owns or is a member of, admins all; `runsStartedBy`: the runs
 * one started, with run-only access); without a decision they fail closed (403 `RouteMisconfigured`).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { ConnectionService } from '../../connections/index.ts';
import { NotFoundError, PlugboardError, UserInputError } from '../../core/index.ts';
import { isRecord } from '../../expressions/index.ts';
import type { PrincipalRecord } from '../../storage/index.ts';
import { RUN_PAGE_LIMITS } from '../../workflow/index.ts';
import type { ConnectionUseCheck, FlowEditor, FlowService, RunLauncher } from '../../workflow/index.ts';
import type { AccessDecision, RouteResource } from '../permissions.ts';
import { sendActionResponse } from './action-response.ts';

/** How long `POST …/run?wait=true` waits for the run's Response (or its end) before answering 202. */
export const RUN_REPLY_WAIT_MS = 120_000;

/** What the flow routes need from the app options. */
export interface FlowRouteOptions {
  readonly flows: FlowService;
  /** Starts runs; without it `POST …/run` answers 501. */
  readonly runs?: RunLauncher;
}

const EnvParams = Type.Object({ env: Type.String({ description: 'Environment name, e.g. `default`.' }) });
const FlowParams = Type.Object({ env: Type.String(), id: Type.String({ description: 'Flow id (not its name).' }) });
const VersionParams = Type.Object({ env: Type.String(), id: Type.String(), version: Type.Integer({ minimum: 1 }) });
const RunParams = Type.Object({ env: Type.String(), id: Type.String(), runId: Type.String({ description: 'Run id.' }) });
const ActionParams = Type.Object({ env: Type.String(), id: Type.String(), runId: Type.String(), name: Type.String({ description: 'Action name as in the definition.' }) });
const MemberParams = Type.Object({ env: Type.String(), id: Type.String(), principalId: Type.String({ description: 'Principal id.' }) });

const MemberAccess = Type.Union([Type.Literal('co-owner'), Type.Literal('run-only')], { description: '`co-owner` edits the flow (a `user` role only runs it); `run-only` starts it and sees the runs they started.' });
const MemberBody = Type.Object({
  principalId: Type.String(),
  access: Type.Union([Type.Literal('owner'), Type.Literal('co-owner'), Type.Literal('run-only')]),
  createdTime: Type.String({ description: 'ISO-8601 UTC: when they got access (the owner: when the flow was created).' }),
});
const SetMemberBody = Type.Object({ access: MemberAccess }, { additionalProperties: false });

const State = Type.Union([Type.Literal('enabled'), Type.Literal('disabled')]);
const Status = Type.String({ description: 'Running, Waiting, Succeeded, Failed, Cancelled, Skipped, TimedOut or Aborted.' });
const Time = Type.String({ description: 'ISO-8601 UTC.' });
const References = Type.Record(Type.String(), Type.Unknown(), { description: 'Connection references by name: `{ "<name>": { "connectionName", "id", … } }`.' });

const FlowBody = Type.Object({
  id: Type.String(),
  name: Type.String(),
  state: State,
  version: Type.Integer({ description: 'The version shown (the current one unless another was asked for).' }),
  definition: Type.Unknown({ description: 'The workflow definition, as sent.' }),
  connectionReferences: References,
  createdTime: Time,
  changedTime: Time,
});

const FlowSummaryBody = Type.Object({ id: Type.String(), name: Type.String(), state: State, version: Type.Integer(), createdTime: Time, changedTime: Time });

const CreateBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 256, description: 'Unique in the environment (case-sensitive).' }),
    definition: Type.Unknown({ description: 'A workflow definition (`triggers`, `actions`, …), or a Logic Apps / Power Automate wrapper of one.' }),
    connectionReferences: Type.Optional(References),
    state: Type.Optional(State),
  },
  { additionalProperties: false },
);

const UpdateBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
    state: Type.Optional(State),
    definition: Type.Optional(Type.Unknown({ description: 'A new definition: stored as a new version.' })),
    connectionReferences: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: 'New connection references: stored as a new version.' })),
  },
  { additionalProperties: false, minProperties: 1 },
);

const TriggerBody = Type.Object(
  {
    headers: Type.Optional(Type.Record(Type.String(), Type.String())),
    queries: Type.Optional(Type.Record(Type.String(), Type.String())),
    body: Type.Optional(Type.Unknown()),
  },
  { additionalProperties: false, description: 'The trigger outputs the run starts with (`triggerBody()` is `body`).' },
);

/** The members of a manual run's body. */
const TRIGGER_MEMBERS: ReadonlySet<string> = new Set(['headers', 'queries', 'body']);

const RunQuery = Type.Object({
  wait: Type.Optional(Type.Boolean({ description: `Wait up to ${RUN_REPLY_WAIT_MS / 1000} s for the run's Response action (answered as the flow says) or its end.` })),
});

const RunsQuery = Type.Object({
  $top: Type.Optional(Type.Integer({ minimum: 1, maximum: RUN_PAGE_LIMITS.max, description: `Runs per page (default ${RUN_PAGE_LIMITS.default}).` })),
  $skiptoken: Type.Optional(Type.String({ description: 'From the `nextLink` of the previous page.' })),
});

const RunSummaryFields = {
  id: Type.String(),
  flowId: Type.String(),
  flowVersion: Type.Integer(),
  status: Status,
  startTime: Time,
  endTime: Type.Union([Time, Type.Null()]),
  error: Type.Unknown({ description: 'Why the run failed (`{ code, message }`); null otherwise.' }),
  correlationId: Type.Union([Type.String(), Type.Null()]),
  clientTrackingId: Type.Union([Type.String(), Type.Null()]),
  startedBy: Type.Union([Type.String(), Type.Null()], { description: 'Id of the principal who started the run by hand; null for runs a trigger or a parent flow started.' }),
};

const RunSummaryBody = Type.Object({ ...RunSummaryFields, trigger: Type.Object({ name: Type.Union([Type.String(), Type.Null()]) }) });

const AttemptFields = {
  status: Status,
  inputs: Type.Unknown(),
  outputs: Type.Unknown(),
  error: Type.Unknown(),
  attempts: Type.Integer({ description: 'Attempts of the shown iteration (more than 1 when a crash restarted the action).' }),
  startTime: Time,
  endTime: Type.Union([Time, Type.Null()]),
};

const ActionBody = Type.Object({
  ...AttemptFields,
  iterations: Type.Optional(Type.Integer({ description: 'For an action inside a loop: how many iterations ran it; the fields show the last one.' })),
});

const RunBody = Type.Object({
  ...RunSummaryFields,
  trigger: Type.Object({ name: Type.Union([Type.String(), Type.Null()]), outputs: Type.Unknown() }),
  outputs: Type.Unknown({ description: "The definition's evaluated `outputs`; null until the run ends." }),
  actions: Type.Record(Type.String(), ActionBody, { description: 'By action name, in the order the actions first started.' }),
});

const RepetitionBody = Type.Object({
  iterationKey: Type.String({ description: '`Loop[3]`, nested `Outer[3]/Inner[0]`; empty outside loops.' }),
  ...AttemptFields,
});

const RunStarted = Type.Object({ runId: Type.String() });
const ErrorResponse = Type.Object({ error: Type.Object({ code: Type.String(), message: Type.String(), details: Type.Optional(Type.Record(Type.String(), Type.Unknown())) }) });

/** `https://host:port` + `path`, from the request (the URL the caller used). */
function absoluteUrl(request: FastifyRequest, path: string): string {
  return `${request.protocol}://${request.host}${path}`;
}

/** The authenticated caller (the auth hook sets it on every route these register). */
function callerOf(request: FastifyRequest): PrincipalRecord {
  if (request.principal === undefined) throw new PlugboardError('no authenticated principal on a protected route', { code: 'Unauthorized', kind: 'unauthorized' });
  return request.principal;
}

/**
 * What `permissions.ts` decided for the request. Without a decision a listing cannot be filtered,
 * so it fails closed: nothing is listed.
 */
function accessOf(request: FastifyRequest): AccessDecision {
  if (request.access === undefined) {
    throw new PlugboardError('this route has no access decision (the auth hook did not decide it) — the server is misconfigured, so it lists nothing', { code: 'RouteMisconfigured', kind: 'forbidden' });
  }
  return request.access;
}

/** The caller as the flow service checks an editor: its id and its role in the environment. */
function editorOf(request: FastifyRequest): FlowEditor {
  const principal = callerOf(request);
  return { id: principal.id, role: principal.role };
}

/**
 * The flow service's connection check, answered by the connection service: a connection the
 * editor can see (owns, has shared, or administers) is one they may use; "not found" means not.
 */
export function connectionUseCheck(connections: Pick<ConnectionService, 'get'>): ConnectionUseCheck {
  return async ({ environment, actor, connectionId }) => {
    try {
      await connections.get(environment, actor, connectionId);
      return true;
    } catch (error) {
      if (error instanceof NotFoundError) return false;
      throw error;
    }
  };
}

/** Registers the flow and run routes. */
export function registerFlowRoutes(app: FastifyInstance, options: FlowRouteOptions): void {
  const typed = app.withTypeProvider<TypeBoxTypeProvider>();
  const { flows } = options;
  const flow: RouteResource = { kind: 'flow', param: 'id' };
  const aRun: RouteResource = { kind: 'run', flowParam: 'id', param: 'runId' };
  const list = { permission: 'flows:read' as const };
  const create = { permission: 'flows:write' as const };
  const read = { permission: 'flows:read' as const, resource: flow };
  const write = { permission: 'flows:write' as const, resource: flow };
  const share = { permission: 'flows:share' as const, resource: flow };
  const run = { permission: 'flows:run' as const, resource: flow };
  const runs = { permission: 'runs:read' as const, resource: flow };
  const oneRun = { permission: 'runs:read' as const, resource: aRun };
  const tags = ['flows'];
  const runTags = ['runs'];
  const errors = { 400: ErrorResponse, 404: ErrorResponse };
  const address = (params: { env: string; id: string }) => ({ environment: params.env, flowId: params.id });
  const base = (env: string, id: string) => `/api/environments/${encodeURIComponent(env)}/flows/${encodeURIComponent(id)}`;

  typed.get(
    '/api/environments/:env/flows',
    {
      config: list,
      schema: { summary: "List the environment's flows you own or share (admins: all), without definitions", tags, params: EnvParams, response: { 200: Type.Object({ value: Type.Array(FlowSummaryBody) }), 404: ErrorResponse } },
    },
    async (request) => {
      const { flowsVisibleTo } = accessOf(request);
      return { value: [...(await flows.list(request.params.env, flowsVisibleTo === null ? {} : { visibleTo: flowsVisibleTo }))] };
    },
  );

  typed.post(
    '/api/environments/:env/flows',
    {
      config: create,
      schema: {
        summary: 'Create a flow: the definition is validated (400 `WorkflowDefinitionInvalid` lists the issues with JSON pointers) and stored as version 1',
        description: 'The caller owns it. Every connection it references must be one the caller may use (400 `ConnectionReferenceNotUsable` otherwise).',
        tags,
        params: EnvParams,
        body: CreateBody,
        response: { 201: FlowBody, ...errors, 409: ErrorResponse },
      },
    },
    async (request, reply) => {
      const editor = editorOf(request);
      const view = await flows.create(request.params.env, { ...request.body, ownerId: editor.id, editor });
      return reply.status(201).header('location', absoluteUrl(request, base(request.params.env, view.id))).send(view);
    },
  );

  typed.get(
    '/api/environments/:env/flows/:id',
    { config: read, schema: { summary: 'Show a flow with its current version', tags, params: FlowParams, response: { 200: FlowBody, 404: ErrorResponse } } },
    async (request) => flows.get(address(request.params)),
  );

  typed.get(
    '/api/environments/:env/flows/:id/versions/:version',
    { config: read, schema: { summary: 'Show a flow with one of its versions', tags, params: VersionParams, response: { 200: FlowBody, 404: ErrorResponse } } },
    async (request) => flows.getVersion(address(request.params), request.params.version),
  );

  typed.patch(
    '/api/environments/:env/flows/:id',
    {
      config: write,
      schema: {
        summary: 'Change a flow: a new definition or new connection references become a new version (validated first); name and state change in place',
        description:
          'Owner, co-owners and admins. A connection the new version references and the current one does not must be one the caller may use (400 `ConnectionReferenceNotUsable`); references already there may stay.',
        tags,
        params: FlowParams,
        body: UpdateBody,
        response: { 200: FlowBody, ...errors, 409: ErrorResponse },
      },
    },
    async (request) => flows.update(address(request.params), { ...request.body, editor: editorOf(request) }),
  );

  typed.delete(
    '/api/environments/:env/flows/:id',
    { config: write, schema: { summary: 'Delete a flow with its versions and runs (204; 404 `FlowNotFound`)', tags, params: FlowParams } },
    async (request, reply) => {
      await flows.delete(address(request.params));
      return reply.status(204).send();
    },
  );

  for (const [action, state] of [['enable', 'enabled'], ['disable', 'disabled']] as const) {
    typed.post(
      `/api/environments/:env/flows/:id/${action}`,
      { config: write, schema: { summary: `${action === 'enable' ? 'Enable' : 'Disable'} a flow (idempotent)`, tags, params: FlowParams, response: { 200: FlowBody, 404: ErrorResponse } } },
      async (request) => flows.setState(address(request.params), state),
    );
  }

  typed.post(
    '/api/environments/:env/flows/:id/run',
    {
      config: run,
      preValidation: async (request) => {
        // `curl -X POST …/run` sends no body at all: that is a run with empty trigger outputs.
        if (request.body === undefined || request.body === null) request.body = {};
        // Unknown members would be dropped silently (Fastify removes them), losing the caller's payload.
        const unknown = isRecord(request.body) ? Object.keys(request.body).filter((key) => !TRIGGER_MEMBERS.has(key)) : [];
        if (unknown.length > 0) {
          throw new UserInputError(
            `the run body holds the trigger outputs { headers, queries, body }, not ${unknown.map((key) => `"${key}"`).join(', ')} — put the payload under "body", e.g. { "body": { "${unknown[0]}": … } }`,
            { code: 'RequestInvalid', details: { parameter: unknown[0] } },
          );
        }
      },
      schema: {
        summary: 'Run a flow by hand with the given trigger outputs',
        description:
          'Answers 202 `{ runId }` with the run in `Location`. With `?wait=true` it waits up to 120 s: a Response action is answered as the flow says ' +
          '(its status, headers and body); a run without one answers 200 `{ runId, status, error }` when it ends; still nothing after 120 s: 202 as without `wait`. ' +
          'A disabled flow answers 409 `FlowDisabled`. Every answer carries `x-ms-workflow-run-id`.',
        tags: runTags,
        params: FlowParams,
        querystring: RunQuery,
        body: TriggerBody,
        response: {
          200: Type.Unknown({ description: "With `wait=true`: the flow's Response (any status, headers and body), or `{ runId, status, error }` when the run ended without one." }),
          202: RunStarted,
          ...errors,
          409: ErrorResponse,
          501: ErrorResponse,
        },
      },
    },
    async (request, reply) => {
      const { env, id } = request.params;
      const { runId } = await flows.startRun(address(request.params), { trigger: request.body, startedBy: callerOf(request).id });
      void reply.header('x-ms-workflow-run-id', runId);
      const started = (): FastifyReply => reply.status(202).header('location', absoluteUrl(request, `${base(env, id)}/runs/${encodeURIComponent(runId)}`)).send({ runId });
      if (request.query.wait !== true || options.runs === undefined) return started();
      const answer = await options.runs.waitForReply(runId, RUN_REPLY_WAIT_MS);
      if (answer === undefined) return started();
      if (answer.response !== null) return sendActionResponse(reply, answer.response);
      // Serialized here: a 200 is otherwise the flow's own reply, which no schema may reshape.
      return reply.status(200).header('content-type', 'application/json; charset=utf-8').send(JSON.stringify({ runId, status: answer.status, error: answer.error }));
    },
  );

  typed.get(
    '/api/environments/:env/flows/:id/runs',
    {
      config: runs,
      schema: {
        summary: "List a flow's runs, newest first (paged: follow `nextLink`); run-only access lists the runs one started",
        tags: runTags,
        params: FlowParams,
        querystring: RunsQuery,
        response: { 200: Type.Object({ value: Type.Array(RunSummaryBody), nextLink: Type.Optional(Type.String()) }), ...errors },
      },
    },
    async (request) => {
      const { env, id } = request.params;
      const top = request.query.$top;
      const { runsStartedBy } = accessOf(request);
      if (runsStartedBy === undefined) {
        throw new PlugboardError('this route lists runs without a decision on the flow (config.resource) — the server is misconfigured, so it lists nothing', { code: 'RouteMisconfigured', kind: 'forbidden' });
      }
      const startedBy = runsStartedBy === null ? {} : { startedBy: runsStartedBy };
      const page = await flows.listRuns(address(request.params), { ...(top === undefined ? {} : { top }), ...(request.query.$skiptoken === undefined ? {} : { skipToken: request.query.$skiptoken }), ...startedBy });
      const value = [...page.value];
      if (page.skipToken === undefined) return { value };
      return { value, nextLink: absoluteUrl(request, `${base(env, id)}/runs?$top=${top ?? RUN_PAGE_LIMITS.default}&$skiptoken=${page.skipToken}`) };
    },
  );

  typed.get(
    '/api/environments/:env/flows/:id/runs/:runId',
    {
      config: oneRun,
      schema: {
        summary: 'Show a run with its trigger, outputs and actions (an action inside a loop shows its last iteration and the count of iterations)',
        tags: runTags,
        params: RunParams,
        response: { 200: RunBody, 404: ErrorResponse },
      },
    },
    async (request) => flows.getRun({ ...address(request.params), runId: request.params.runId }),
  );

  typed.get(
    '/api/environments/:env/flows/:id/runs/:runId/actions/:name/repetitions',
    {
      config: oneRun,
      schema: {
        summary: 'List every loop iteration of an action of a run (an action outside loops has one, with an empty iterationKey)',
        tags: runTags,
        params: ActionParams,
        response: { 200: Type.Object({ value: Type.Array(RepetitionBody) }), 404: ErrorResponse },
      },
    },
    async (request) => ({ value: [...(await flows.listRepetitions({ ...address(request.params), runId: request.params.runId }, request.params.name))] }),
  );

  const memberTags = ['flow members'];

  typed.get(
    '/api/environments/:env/flows/:id/members',
    { config: read, schema: { summary: "List a flow's owner, co-owners and run-only users (owner, co-owners, admins)", tags: memberTags, params: FlowParams, response: { 200: Type.Object({ value: Type.Array(MemberBody) }), 404: ErrorResponse } } },
    async (request) => ({ value: [...(await flows.listMembers(address(request.params)))] }),
  );

  typed.put(
    '/api/environments/:env/flows/:id/members/:principalId',
    {
      config: share,
      schema: {
        summary: 'Make a principal a co-owner or a run-only user of a flow, or change which (owner, co-owners, admins)',
        description: 'A co-owner may use the flow’s connections only inside the flow and never reads their secrets; a run-only user starts the flow and sees the runs they started.',
        tags: memberTags,
        params: MemberParams,
        body: SetMemberBody,
        response: { 200: MemberBody, ...errors },
      },
    },
    async (request) => flows.setMember(address(request.params), { principalId: request.params.principalId, access: request.body.access }),
  );

  typed.delete(
    '/api/environments/:env/flows/:id/members/:principalId',
    { config: share, schema: { summary: "Take a co-owner's or run-only user's access away (204; 404 `FlowMemberNotFound`)", tags: memberTags, params: MemberParams } },
    async (request, reply) => {
      await flows.removeMember(address(request.params), request.params.principalId);
      return reply.status(204).send();
    },
  );
}
