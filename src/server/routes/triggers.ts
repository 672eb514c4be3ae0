/**
 * Trigger endpoints.
 *
 * - Management (`/api`, bearer token): `GET …/flows/{id}/triggers` (each trigger's kind and state:
 *   last status and error, next check), `POST …/flows/{id}/triggers/{trigger}/listCallbackUrl`,
 *   `POST …/flows/{id}/regenerateAccessKey` (every earlier callback URL stops working).
 * - Callbacks (`/workflows/{flowId}/triggers/{trigger}/paths/invoke[/{relativePath}]`, no token):
 *   the signed URL `listCallbackUrl` gives. A wrong or missing signature answers 401 and starts
 *   nothing; it is checked before the body is read. A Request trigger's call starts a run and answers with the flow's Response action
 *   when it has one (waiting up to {@link CALLBACK_REPLY_WAIT_MS}), else 202 with
 *   `x-ms-workflow-run-id`. Webhook notifications start runs the same way.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { NotFoundError, PlugboardError } from '../../core/index.ts';
import type { FlowRecord, Store } from '../../storage/index.ts';
import type { RunLauncher, TriggerService } from '../../workflow/index.ts';
import { sendActionResponse } from './action-response.ts';

/** How long a callback call waits for the flow's Response action before answering 504. */
export const CALLBACK_REPLY_WAIT_MS = 120_000;

/** What the trigger routes need. */
export interface TriggerRouteOptions {
  readonly store: Store;
  readonly triggers: TriggerService;
  readonly runs: RunLauncher;
}

const FlowParams = Type.Object({ env: Type.String(), id: Type.String({ description: 'Flow id.' }) });
const TriggerParams = Type.Object({ env: Type.String(), id: Type.String(), trigger: Type.String({ description: 'Trigger name as in the definition.' }) });
const ErrorResponse = Type.Object({ error: Type.Object({ code: Type.String(), message: Type.String(), details: Type.Optional(Type.Unknown()), requestId: Type.Optional(Type.String()) }) });
const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse };
const tags = ['Triggers'];

const CallbackUrlBody = Type.Object({
  value: Type.String({ description: 'The whole URL to call (keep it secret: it starts runs without a token).' }),
  method: Type.String(),
  basePath: Type.String(),
  queries: Type.Object({ 'api-version': Type.String(), sp: Type.String(), sv: Type.String(), sig: Type.String() }),
  relativePath: Type.Optional(Type.String()),
  relativePathParameters: Type.Optional(Type.Array(Type.String())),
});

const TriggerStateBody = Type.Object({
  name: Type.String(),
  type: Type.String(),
  kind: Type.String({ description: 'request, schedule, polling, webhook or other.' }),
  state: Type.String({ description: 'active or inactive.' }),
  lastStatus: Type.Union([Type.String(), Type.Null()]),
  lastError: Type.Unknown(),
  lastCheckedTime: Type.Union([Type.String(), Type.Null()]),
  lastFiredTime: Type.Union([Type.String(), Type.Null()]),
  nextCheckTime: Type.Union([Type.String(), Type.Null()]),
});

const iso = (ms: number | null): string | null => (ms === null || ms >= 8.64e15 ? null : new Date(ms).toISOString());

/** Registers the trigger routes. */
export function registerTriggerRoutes(app: FastifyInstance, options: TriggerRouteOptions): void {
  const { store, triggers, runs } = options;
  const typed = app.withTypeProvider<TypeBoxTypeProvider>();

  async function flowOf(env: string, id: string): Promise<FlowRecord> {
    const environment = await store.environments.getByName(env);
    const flow = environment === undefined ? undefined : await store.flows.get(id);
    if (environment === undefined || flow === undefined || flow.environmentId !== environment.id) {
      throw new NotFoundError(`environment '${env}' has no flow with the id '${id}'`, { code: 'FlowNotFound' });
    }
    return flow;
  }

  typed.get(
    '/api/environments/:env/flows/:id/triggers',
    {
      config: { permission: 'flows:read', resource: { kind: 'flow', param: 'id' } },
      schema: { summary: "A flow's triggers with their state", tags, params: FlowParams, response: { 200: Type.Object({ value: Type.Array(TriggerStateBody) }), ...errors } },
    },
    async (request) => {
      const flow = await flowOf(request.params.env, request.params.id);
      return {
        value: (await triggers.triggers(flow)).map(({ name, type, kind, state }) => ({
          name,
          type,
          kind,
          state: state?.activeVersion === flow.currentVersion && flow.state === 'enabled' ? 'active' : 'inactive',
          lastStatus: state?.lastStatus ?? null,
          lastError: state?.lastError ?? null,
          lastCheckedTime: iso(state?.lastCheckedAt ?? null),
          lastFiredTime: iso(state?.lastFiredAt ?? null),
          nextCheckTime: iso(state?.nextAt ?? null),
        })),
      };
    },
  );

  typed.post(
    '/api/environments/:env/flows/:id/triggers/:trigger/listCallbackUrl',
    {
      config: { permission: 'flows:write', resource: { kind: 'flow', param: 'id' } },
      schema: { summary: "A trigger's signed callback URL", description: 'The URL starts runs without a token: treat it as a secret. `regenerateAccessKey` invalidates it.', tags, params: TriggerParams, response: { 200: CallbackUrlBody, ...errors } },
    },
    async (request) => {
      const flow = await flowOf(request.params.env, request.params.id);
      const { relativePathParameters, ...url } = await triggers.callbackUrl(flow, request.params.trigger);
      return { ...url, ...(relativePathParameters === undefined ? {} : { relativePathParameters: [...relativePathParameters] }) };
    },
  );

  typed.post(
    '/api/environments/:env/flows/:id/regenerateAccessKey',
    {
      config: { permission: 'flows:write', resource: { kind: 'flow', param: 'id' } },
      schema: { summary: "Replace the flow's callback key", description: 'Every callback URL issued before stops working (within a second on other servers).', tags, params: FlowParams, response: { 204: Type.Null(), ...errors } },
    },
    async (request, reply) => {
      const flow = await flowOf(request.params.env, request.params.id);
      await triggers.regenerateKey(flow);
      return reply.status(204).send(null);
    },
  );

  // Callbacks: any method, any body type (kept as bytes when not JSON or text).
  app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: 32 * 1024 * 1024 }, (_request, body, done) => done(null, body));
    const paramsOf = (request: FastifyRequest) => request.params as { flowId: string; trigger: string; '*'?: string };
    const queriesOf = (request: FastifyRequest): Record<string, string> => {
      const queries: Record<string, string> = {};
      for (const [name, value] of Object.entries(request.query as Record<string, string | string[] | undefined>)) {
        if (value !== undefined) queries[name] = Array.isArray(value) ? value.join(',') : value;
      }
      return queries;
    };
    // The signature is checked before the body is read (404/401 as invoke answers them): an
    // unsigned caller cannot make the server buffer a body of up to 32 MB.
    scope.addHook('onRequest', async (request) => {
      const params = paramsOf(request);
      await triggers.verifyCall(params.flowId, params.trigger, queriesOf(request));
    });
    const handler = async (request: FastifyRequest, reply: FastifyReply) => {
      const params = paramsOf(request);
      const queries = queriesOf(request);
      // Every header reaches the trigger, Authorization too: the trigger leaves it out of its
      // outputs unless `operationOptions: IncludeAuthorizationHeadersInOutputs` asks for it.
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(request.headers)) {
        if (value === undefined) continue;
        headers[name] = Array.isArray(value) ? value.join(', ') : value;
      }
      // The body stays bytes here: the service parses it only once the signature holds.
      const result = await triggers.invoke(params.flowId, params.trigger, queries, {
        method: request.method,
        path: params['*'] ?? '',
        headers,
        queries,
        body: Buffer.isBuffer(request.body) ? request.body : undefined,
      });
      const [runId] = result.runIds;
      if (runId !== undefined) void reply.header('x-ms-workflow-run-id', runId);
      if (!result.replies || runId === undefined) return reply.status(202).send();
      const answer = result.reply !== undefined ? result.reply.answer : await runs.waitForReply(runId, CALLBACK_REPLY_WAIT_MS);
      if (answer === undefined) {
        throw new PlugboardError(`flow '${result.flow.name}' did not answer within ${CALLBACK_REPLY_WAIT_MS / 1000} s (run ${runId} goes on)`, { code: 'TriggerResponseTimedOut', kind: 'operational' });
      }
      if (answer.response !== null) return sendActionResponse(reply, answer.response);
      // Ended without running its Response action: Logic Apps answers 502 with the run's error.
      return reply
        .status(502)
        .header('content-type', 'application/json; charset=utf-8')
        .send(JSON.stringify({ error: answer.error ?? { code: 'NoResponse', message: `run ${runId} ended ${answer.status} without running its Response action` } }));
    };
    const config = { permission: 'public' as const };
    scope.route({ method: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'], url: '/workflows/:flowId/triggers/:trigger/paths/invoke', config, handler });
    scope.route({ method: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'], url: '/workflows/:flowId/triggers/:trigger/paths/invoke/*', config, handler });
  });
}
