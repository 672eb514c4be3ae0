/**
 * Run lifecycle endpoints, in the shape of the Logic Apps management API:
 * `POST /api/environments/{env}/flows/{id}/runs/{runId}/cancel` (Workflow Runs - Cancel) and
 * `POST …/runs/{runId}/resubmit` (a new run of the flow's current version with the same trigger
 * outputs, like Power Automate's "Resubmit" and Logic Apps' trigger history resubmit).
 *
 * Permissions: both need `flows:run` on the run (resource `run`): whoever may start the flow may
 * cancel or resubmit the runs they can see — with run access only the runs they started (others
 * are "not found"), with edit access (owner, co-owner, admin) every run of the flow. A resubmitted
 * run is recorded as started by the caller.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { PlugboardError } from '../../core/index.ts';
import { FlowsErrorCode, runSummaryView } from '../../workflow/index.ts';
import type { RunLifecycle } from '../../workflow/index.ts';

/** What the run lifecycle routes need. */
export interface RunLifecycleRouteOptions {
  /** Cancels and resubmits runs; without it both routes answer 501. */
  readonly runs?: RunLifecycle;
}

const RunParams = Type.Object({
  env: Type.String({ description: 'Environment name, e.g. `default`.' }),
  id: Type.String({ description: 'Flow id (not its name).' }),
  runId: Type.String({ description: 'Run id.' }),
});
const Time = Type.String({ description: 'ISO-8601 UTC.' });
const CancelledBody = Type.Object({
  id: Type.String(),
  flowId: Type.String(),
  flowVersion: Type.Integer(),
  status: Type.String({ description: 'Cancelled.' }),
  startTime: Time,
  endTime: Type.Union([Time, Type.Null()]),
  error: Type.Unknown({ description: '`{ code: "RunCancelled", message }`.' }),
  correlationId: Type.Union([Type.String(), Type.Null()]),
  clientTrackingId: Type.Union([Type.String(), Type.Null()]),
});
const ResubmittedBody = Type.Object({
  runId: Type.String({ description: 'The new run.' }),
  resubmittedFrom: Type.String({ description: 'The original run (also the new run’s correlationId).' }),
});
const ErrorResponse = Type.Object({ error: Type.Object({ code: Type.String(), message: Type.String(), details: Type.Optional(Type.Record(Type.String(), Type.Unknown())) }) });
const errors = { 404: ErrorResponse, 409: ErrorResponse, 501: ErrorResponse };

/**
 * The run the routes act on. The auth hook runs for every route and the authorizer answers 404
 * (`EnvironmentNotFound`, `FlowNotFound`, `RunNotFound`) unless the run belongs to the flow and the
 * flow to the environment of the path — and hides runs of others from run access — so the
 * handlers check nothing again.
 */
const RUN_RESOURCE = { kind: 'run', flowParam: 'id', param: 'runId' } as const;

/** Registers the cancel and resubmit routes. */
export function registerRunLifecycleRoutes(app: FastifyInstance, options: RunLifecycleRouteOptions): void {
  const typed = app.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['runs'];
  const runsPath = (env: string, id: string) => `/api/environments/${encodeURIComponent(env)}/flows/${encodeURIComponent(id)}/runs`;

  /** The run id of the path, once the authorizer has decided on its flow; without a decision nothing is acted on. */
  const decidedRun = (request: FastifyRequest, params: { readonly id: string; readonly runId: string }): string => {
    if (request.access?.flow?.id !== params.id) {
      throw new PlugboardError('this route has no access decision on the run (the auth hook did not decide it) — the server is misconfigured, so it acts on nothing', { code: 'RouteMisconfigured', kind: 'forbidden' });
    }
    return params.runId;
  };

  const lifecycle = (): RunLifecycle => {
    if (options.runs === undefined) {
      throw new PlugboardError('this server cannot cancel or resubmit runs: no run launcher is wired in', { code: FlowsErrorCode.RunLauncherUnavailable, kind: 'operational' });
    }
    return options.runs;
  };

  typed.post(
    '/api/environments/:env/flows/:id/runs/:runId/cancel',
    {
      config: { permission: 'flows:run' as const, resource: RUN_RESOURCE },
      schema: {
        summary: 'Cancel a run that is queued, waiting or running',
        description:
          'The run ends `Cancelled` at once (error `RunCancelled`); actions in flight are aborted and end `Cancelled`, no further action starts. ' +
          'A run executed by another server process stops there at its next action start or within 5 s. ' +
          'A run that already ended answers 409 `RunAlreadyFinished`. Needs `flows:run` (run access: only the runs one started).',
        tags,
        params: RunParams,
        response: { 200: CancelledBody, ...errors },
      },
    },
    async (request) => {
      const runId = decidedRun(request, request.params);
      return runSummaryView(await lifecycle().cancel(runId));
    },
  );

  typed.post(
    '/api/environments/:env/flows/:id/runs/:runId/resubmit',
    {
      config: { permission: 'flows:run' as const, resource: RUN_RESOURCE },
      schema: {
        summary: "Resubmit a run: a new run of the flow's current version with the same trigger and trigger outputs",
        description:
          'Answers 202 `{ runId, resubmittedFrom }` with the new run in `Location` and `x-ms-workflow-run-id`; the new run’s `correlationId` is the original run. ' +
          'A disabled flow answers 409 `FlowDisabled`; a current version without the original trigger answers 409 `ResubmitTriggerMissing`. Needs `flows:run` (run access: only the runs one started).',
        tags,
        params: RunParams,
        response: { 202: ResubmittedBody, ...errors },
      },
    },
    async (request, reply) => {
      const { env, id } = request.params;
      const runId = decidedRun(request, request.params);
      const startedBy = request.principal?.id;
      const started = await lifecycle().resubmit(runId, startedBy === undefined ? {} : { startedBy });
      return reply
        .status(202)
        .header('x-ms-workflow-run-id', started.runId)
        .header('location', absoluteUrl(request, `${runsPath(env, id)}/${encodeURIComponent(started.runId)}`))
        .send({ runId: started.runId, resubmittedFrom: runId });
    },
  );
}

/** `https://host:port` + `path`, from the request (the URL the caller used). */
function absoluteUrl(request: FastifyRequest, path: string): string {
  return `${request.protocol}://${request.host}${path}`;
}
