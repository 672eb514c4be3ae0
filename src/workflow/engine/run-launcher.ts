/**
 * Durable runs: `start` writes the run and its job in one transaction; a worker of the
 * `workflow.runs` queue executes it (resuming from the journal when an earlier attempt died or a
 * Wait suspended it); `waitForReply` hands the Response (or the end) back to the caller.
 */
import type { Clock, Logger } from '../../core/index.ts';
import { ConflictError, NotFoundError, PlugboardError, silentLogger } from '../../core/index.ts';
import { createWorkflowEvaluator, isRecord } from '../../expressions/index.ts';
import type { JobQueue, JobWorker } from '../../queue/index.ts';
import type { FlowVersionRecord, Store } from '../../storage/index.ts';
import type { ActionContext, ActionResponse, ChildFlowPort, HttpPort } from '../actions/contract.ts';
import { createBuiltInActionRegistry } from '../actions/registry.ts';
import type { ActionRegistry } from '../actions/registry.ts';
import { loadWorkflowDefinition } from '../definition/load-workflow-definition.ts';
import type { LoadedWorkflow } from '../definition/load-workflow-definition.ts';
import { createValueEvaluator } from '../actions/value-evaluator.ts';
import { createJournal, recordedResponse } from './journal.ts';
import { RunEngine } from './run-engine.ts';
import type { RunLauncher, RunReply, StartRunInput } from './run-launcher-types.ts';
import { runEnd, workflowObject } from './run-workflow.ts';

/** The queue durable runs go through. */
export const RUNS_QUEUE = 'workflow.runs';

/** How long a parent's Workflow action waits for its child's reply. */
export const CHILD_FLOW_TIMEOUT_MS = 24 * 3_600_000;

/** Waits longer than this suspend the run (its job ends; a timer job continues it). */
export const DEFAULT_INLINE_WAIT_MS = 5_000;

/** Options of {@link createRunLauncher}. */
export interface RunLauncherOptions {
  readonly store: Store;
  readonly queue: JobQueue;
  readonly clock: Clock;
  readonly registry?: ActionRegistry;
  readonly http?: HttpPort;
  /** Ports for connector actions, inline code… given the run's flow (its connection references). */
  readonly ports?: (flow: RunFlowContext) => Partial<ActionContext>;
  /** Default {@link DEFAULT_INLINE_WAIT_MS}. */
  readonly inlineWaitMs?: number;
  readonly logger?: Logger;
  /** How often `waitForReply` looks at the store for runs executed by other processes (ms); default 250. */
  readonly replyPollMs?: number;
}

/** What ports get to know about the run they serve. */
export interface RunFlowContext {
  readonly flowId: string;
  readonly environmentId: string;
  /** The flow's owner: connector actions act for this principal (null: created by the system). */
  readonly ownerId: string | null;
  readonly runId: string;
  readonly connectionReferences: Readonly<Record<string, unknown>>;
  readonly parameters: Readonly<Record<string, unknown>>;
}

/** Options of {@link DurableRuns.work}. */
export interface RunWorkerOptions {
  /** Runs executed at once by this process; default 20 (a parent waiting for a child flow holds one). */
  readonly concurrency?: number;
  /** Job lock (ms): how soon another process takes over the runs of one that died; default 30,000. */
  readonly lockMs?: number;
  readonly pollMs?: number;
}

/** The launcher plus the worker that executes what it starts. */
export interface DurableRuns extends RunLauncher {
  /** Starts executing queued runs in this process. */
  work(options?: RunWorkerOptions): JobWorker;
  /** Executes (or resumes) one run now, in this process; what the worker calls per job. */
  execute(runId: string): Promise<'finished' | 'suspended' | 'gone'>;
}

type ReplyListener = (reply: RunReply) => void;

/** Creates the durable run launcher and its worker. */
export function createRunLauncher(options: RunLauncherOptions): DurableRuns {
  const { store, queue, clock } = options;
  const logger = options.logger ?? silentLogger;
  const registry = options.registry ?? createBuiltInActionRegistry();
  const inlineWaitMs = options.inlineWaitMs ?? DEFAULT_INLINE_WAIT_MS;
  const pollMs = options.replyPollMs ?? 250;
  const listeners = new Map<string, Set<ReplyListener>>();
  // One evaluator for every run of this launcher: it caches parsed templates (evaluation is synchronous).
  const evaluateValue = createValueEvaluator({ evaluator: createWorkflowEvaluator({ clock }) });
  // Flow versions never change: each is loaded (parsed, normalised) once.
  const loadedVersions = new Map<string, LoadedVersion>();
  const loadVersion = (flowId: string, version: FlowVersionRecord): LoadedVersion => {
    const key = `${flowId}@${version.version}`;
    let found = loadedVersions.get(key);
    if (found === undefined) {
      const loaded = loadWorkflowDefinition(version.definition, { connectionReferences: version.connectionReferences });
      found = { loaded, responseNames: responseActionNames(loaded), triggerName: loaded.definition?.triggers[0]?.name ?? null };
      if (loadedVersions.size >= 500) loadedVersions.delete(loadedVersions.keys().next().value as string);
      loadedVersions.set(key, found);
    }
    return found;
  };

  const publish = (reply: RunReply): void => {
    for (const listener of listeners.get(reply.runId) ?? []) listener(reply);
  };

  async function execute(runId: string): Promise<'finished' | 'suspended' | 'gone'> {
    const run = await store.runs.get(runId);
    if (run === undefined || (run.status !== 'Running' && run.status !== 'Waiting')) return 'gone';
    const flow = await store.flows.get(run.flowId);
    const version = await store.flows.getVersion(run.flowId, run.flowVersion);
    if (flow === undefined || version === undefined) return 'gone';
    const { loaded } = loadVersion(flow.id, version);
    const definition = loaded.definition;
    if (definition === undefined) {
      await store.runs.finish(runId, { status: 'Failed', error: { code: 'WorkflowDefinitionInvalid', message: `flow '${flow.name}' version ${version.version} holds no runnable definition` } });
      publish({ runId, status: 'Failed', response: null, error: { code: 'WorkflowDefinitionInvalid', message: 'the flow version holds no runnable definition' } });
      return 'finished';
    }
    if (run.status === 'Waiting') await store.runs.setStatus(runId, 'Running');
    const journal = createJournal(await store.runs.listActions(runId));
    const parameters = loaded.parameters;
    const flowContext: RunFlowContext = { flowId: flow.id, environmentId: flow.environmentId, ownerId: flow.ownerId, runId, connectionReferences: version.connectionReferences, parameters };
    const extraPorts = options.ports?.(flowContext) ?? {};
    const engine = new RunEngine({
      runs: store.runs,
      clock,
      runId,
      registry,
      parameters,
      triggerOutputs: run.triggerOutputs,
      workflow: workflowObject(flow, runId),
      journal,
      inlineWaitMs,
      evaluateValue,
      ...(options.http === undefined ? {} : { http: options.http }),
      ports: { childFlows: childFlowPort(flowContext), ...extraPorts },
      onResponse: (response) => publish({ runId, status: 'Running', response, error: null }),
    });
    const top = await engine.runDefinition(definition);
    if (engine.suspended && engine.terminated === undefined) {
      const until = engine.suspendedUntil ?? clock.now();
      await store.transaction(async (tx) => {
        await tx.runs.setStatus(runId, 'Waiting');
        // Keyed by the due time: a crash after this commit and a redelivery do not add a second timer.
        await queue.enqueue(RUNS_QUEUE, { runId }, { runAt: Math.max(until, clock.now()), key: `${runId}@${until}`, transaction: tx });
      });
      logger.debug('run suspended until a Wait is due', { runId, until: new Date(until).toISOString() });
      return 'suspended';
    }
    const ended = runEnd(top, engine.terminated);
    const outputs = engine.definitionOutputs(definition);
    await store.runs.finish(runId, { ...ended, outputs });
    publish({ runId, status: ended.status, response: engine.response ?? null, error: ended.error });
    return 'finished';
  }

  /** The reply of a run as the store has it (another process may be executing it). */
  async function storedReply(runId: string): Promise<RunReply | undefined> {
    const run = await store.runs.get(runId);
    if (run === undefined) throw new NotFoundError(`no run has the id '${runId}'`, { code: 'RunNotFound' });
    const version = await store.flows.getVersion(run.flowId, run.flowVersion);
    const responseNames = version === undefined ? new Set<string>() : loadVersion(run.flowId, version).responseNames;
    let response: ActionResponse | null = null;
    if (responseNames.size > 0) {
      for (const record of await store.runs.listActions(runId)) {
        if (responseNames.has(record.name)) response = recordedResponse(record) ?? response;
      }
    }
    const finished = run.status !== 'Running' && run.status !== 'Waiting';
    if (!finished && response === null) return undefined;
    const error = isRecord(run.error) && typeof run.error['code'] === 'string' ? { code: run.error['code'], message: String(run.error['message'] ?? '') } : null;
    return { runId, status: run.status as RunReply['status'], response, error };
  }

  /**
   * The Workflow action: runs a flow of the same environment (by id, else by name) through its
   * Request trigger and waits for its reply. A child without a Response answers when it ends:
   * 200 with no body when it succeeded, 502 with its error otherwise.
   */
  function childFlowPort(parent: RunFlowContext): ChildFlowPort {
    return async (call) => {
      const byId = await store.flows.get(call.flowId);
      const child = byId !== undefined && byId.environmentId === parent.environmentId ? byId : await store.flows.getByName(parent.environmentId, call.flowId);
      if (child === undefined) {
        throw new NotFoundError(`the Workflow action names flow '${call.flowReference}', which is not a flow of this environment — give the id or the name of an existing flow`, { code: 'ChildFlowNotFound' });
      }
      if (child.state === 'disabled') throw new ConflictError(`flow '${child.name}' is disabled — enable it before calling it from another flow`, { code: 'ChildFlowDisabled' });
      const { runId } = await launcher.start({ flowId: child.id, triggerName: call.triggerName, triggerOutputs: { headers: call.headers, queries: {}, body: call.body ?? null }, correlationId: parent.runId });
      const reply = await launcher.waitForReply(runId, CHILD_FLOW_TIMEOUT_MS);
      if (reply === undefined) throw new PlugboardError(`child flow '${child.name}' (run ${runId}) did not reply within ${CHILD_FLOW_TIMEOUT_MS / 3_600_000} hours`, { code: 'ChildFlowTimedOut', kind: 'operational' });
      if (reply.response !== null) return { status: reply.response.statusCode, headers: reply.response.headers, body: reply.response.body };
      return reply.status === 'Succeeded' ? { status: 200, headers: {}, body: undefined } : { status: 502, headers: {}, body: { error: reply.error ?? { code: 'ChildFlowFailed', message: `child flow run ${runId} ended ${reply.status}` } } };
    };
  }

  const launcher: DurableRuns = {
    async start(input: StartRunInput) {
      const flow = await store.flows.get(input.flowId);
      if (flow === undefined) throw new NotFoundError(`no flow has the id '${input.flowId}'`, { code: 'FlowNotFound' });
      const versionNumber = input.version ?? flow.currentVersion;
      const version = await store.flows.getVersion(flow.id, versionNumber);
      if (version === undefined) throw new NotFoundError(`flow '${flow.name}' has no version ${versionNumber}`, { code: 'FlowVersionNotFound' });
      const triggerName = input.triggerName ?? loadVersion(flow.id, version).triggerName;
      return store.transaction(async (tx) => {
        const run = await tx.runs.create({
          flowId: flow.id,
          flowVersion: versionNumber,
          triggerName,
          triggerOutputs: input.triggerOutputs ?? null,
          ...(input.correlationId === undefined ? {} : { correlationId: input.correlationId }),
          ...(input.clientTrackingId === undefined ? {} : { clientTrackingId: input.clientTrackingId }),
        });
        await queue.enqueue(RUNS_QUEUE, { runId: run.id }, { key: run.id, transaction: tx });
        return { runId: run.id };
      });
    },

    async waitForReply(runId, timeoutMs) {
      return new Promise<RunReply | undefined>((resolve, reject) => {
        let settled = false;
        const set = listeners.get(runId) ?? new Set<ReplyListener>();
        listeners.set(runId, set);
        const done = (reply: RunReply | undefined): void => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          clearInterval(poll);
          set.delete(listener);
          if (set.size === 0) listeners.delete(runId);
          resolve(reply);
        };
        const listener: ReplyListener = (reply) => done(reply);
        set.add(listener);
        const timer = setTimeout(() => done(undefined), timeoutMs);
        // Listening first, then reading the store: a reply published in between is not missed.
        storedReply(runId).then((reply) => reply !== undefined && done(reply), (error: unknown) => {
          done(undefined);
          reject(error);
        });
        // Another process may run it: look at the store now and then.
        const poll = setInterval(() => {
          storedReply(runId).then((reply) => reply !== undefined && done(reply), () => undefined);
        }, pollMs);
        poll.unref();
      });
    },

    execute,

    work(workOptions = {}) {
      return queue.work(
        RUNS_QUEUE,
        async (job) => {
          const runId = isRecord(job.payload) && typeof job.payload['runId'] === 'string' ? job.payload['runId'] : undefined;
          if (runId === undefined) {
            logger.warn('workflow.runs job without a runId dropped', { jobId: job.id });
            return;
          }
          await execute(runId);
        },
        { concurrency: workOptions.concurrency ?? 20, ...(workOptions.lockMs === undefined ? {} : { lockMs: workOptions.lockMs }), ...(workOptions.pollMs === undefined ? {} : { pollMs: workOptions.pollMs }) },
      );
    },
  };
  return launcher;
}

/** A flow version as the launcher uses it. */
interface LoadedVersion {
  readonly loaded: LoadedWorkflow;
  readonly responseNames: ReadonlySet<string>;
  readonly triggerName: string | null;
}

/** Names of the Response actions at any depth of a definition. */
function responseActionNames(loaded: LoadedWorkflow): Set<string> {
  const actions = loaded.definition?.actionsByName.values() ?? [];
  return new Set([...actions].filter((action) => action.type.toLowerCase() === 'response').map((action) => action.name));
}
