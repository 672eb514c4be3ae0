/**
 * Durable runs: `start` writes the run and its job in one transaction; a worker of the
 * `workflow.runs` queue executes it (resuming from the journal when an earlier attempt died or a
 * Wait suspended it); `waitForReply` hands the Response (or the end) back to the caller.
 *
 * Lifecycle: `cancel` ends a run `Cancelled` in the store at once (its open attempts too) and
 * aborts it when this process executes it; another process executing it notices at its next
 * action start or within `cancelCheckMs`. `resubmit` starts a new run of the flow's current
 * version with the same trigger outputs. Stopping the worker (SIGTERM) lets actions in flight
 * finish, checkpoints waiting ones, and queues the run again so that the next start resumes it.
 */
import type { Clock, Logger } from '../../core/index.ts';
import { ConflictError, NotFoundError, PlugboardError, UserInputError, errorMessage, newId, silentLogger } from '../../core/index.ts';
import { createWorkflowEvaluator, isRecord } from '../../expressions/index.ts';
import { bindLogger } from '../../observability/index.ts';
import type { RunObserver } from '../../observability/index.ts';
import type { JobQueue, JobWorker } from '../../queue/index.ts';
import type { FlowRecord, FlowVersionRecord, RunSummary, Store } from '../../storage/index.ts';
import { StorageErrorCode } from '../../storage/index.ts';
import type { ActionContext, ActionResponse, ChildFlowPort, HttpPort } from '../actions/contract.ts';
import { ActionErrorCode } from '../actions/errors.ts';
import { createBuiltInActionRegistry } from '../actions/registry.ts';
import type { ActionRegistry } from '../actions/registry.ts';
import { loadWorkflowDefinition } from '../definition/load-workflow-definition.ts';
import type { LoadedWorkflow } from '../definition/load-workflow-definition.ts';
import { createValueEvaluator } from '../actions/value-evaluator.ts';
import { createJournal, recordedResponse } from './journal.ts';
import { createVersionCache } from './version-cache.ts';
import { createRunBatchWriter } from './run-batch-writer.ts';
import { RunEngine } from './run-engine.ts';
import type { ReplyingRunInput, ReplyingRuns, RunLauncher, RunLifecycle, RunReply, StartRunInput } from './run-launcher-types.ts';
import { RUNS_QUEUE, createQueuedRun } from './queued-run.ts';
import { commitRunEnd, recordAll, runEnd, writeDeferredIn } from './run-end.ts';
import { workflowObject } from './run-workflow.ts';
import { triggerConcurrencyOf } from '../rules/trigger-concurrency.ts';
import type { TriggerConcurrency } from '../rules/trigger-concurrency.ts';
import { isCallableTrigger } from '../triggers/request-trigger.ts';

export { RUNS_QUEUE } from './queued-run.ts';

/** How long a parent's Workflow action waits for its child's reply. */
const CHILD_FLOW_TIMEOUT_MS = 24 * 3_600_000;

/** Waits longer than this suspend the run (its job ends; a timer job continues it). */
const DEFAULT_INLINE_WAIT_MS = 5_000;

/** How often a process looks whether the runs it executes were cancelled by another process. */
const DEFAULT_CANCEL_CHECK_MS = 5_000;

/** The error of a cancelled run. */
const RUN_CANCELLED_CODE = 'RunCancelled';

/** The longest pause between two looks at the store while `waitForReply` waits for a run of another process. */
const MAX_REPLY_POLL_MS = 5_000;

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
  /** Told when runs start and end and when actions end (metrics). */
  readonly observer?: RunObserver;
  /**
   * How soon `waitForReply` first looks at the store again for a run executed by another process
   * (ms); default 250. The pause doubles after each look, up to 5 s (or this, when longer). A run
   * executed by this process hands its reply over directly, without looking.
   */
  readonly replyPollMs?: number;
  /**
   * How often the runs this process executes are checked for a cancel made by another process (ms;
   * one query for all of them); default {@link DEFAULT_CANCEL_CHECK_MS}. A run also sees it when it
   * starts its next action, at no extra cost.
   */
  readonly cancelCheckMs?: number;
  /**
   * Whether a run of `parent` may start `child` through a Workflow action. The server answers with
   * ADR 0004's rule for starting a flow, for the parent's owner (a child runs with its own owner's
   * connections, so calling it needs the access a caller of the API would need). Without it any
   * flow of the environment may be called (the CLI runs in-process, as the operator).
   */
  readonly mayRunChild?: (parent: RunFlowContext, child: FlowRecord) => Promise<boolean>;
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

/** How one execution of a run ended (see {@link DurableRuns.execute}). */
export type ExecutionOutcome = 'finished' | 'suspended' | 'stopped' | 'cancelled' | 'gone' | 'queued';

/** The longest pause between two admission checks of a run queued behind its trigger's concurrency limit. */
const MAX_QUEUED_RECHECK_MS = 2_000;

/** Options of {@link DurableRuns.execute}. */
export interface ExecuteOptions {
  /** Aborted when this process stops: actions in flight finish or checkpoint, nothing new starts (`stopped`). */
  readonly stopSignal?: AbortSignal;
}

/**
 * The launcher plus the worker that executes what it starts, and the run lifecycle: `cancel` also
 * resolves `waitForReply` with the Cancelled end; another process executing the run stops at its
 * next action start or within `cancelCheckMs`.
 */
export interface DurableRuns extends RunLauncher, RunLifecycle, ReplyingRuns {
  /**
   * Starts executing queued runs in this process. The worker's `stop()` (SIGTERM) stops starting
   * actions, lets actions in flight finish (Wait and Workflow actions are left open as
   * checkpoints) and queues each interrupted run again, then resolves.
   */
  work(options?: RunWorkerOptions): JobWorker;
  /**
   * Executes (or resumes) one run now, in this process; what the worker calls per job.
   * `finished`: it ended now; `suspended`: a long Wait holds it (a timer job continues it);
   * `stopped`: `stopSignal` ended the execution early (execute it again to resume); `cancelled`:
   * it was cancelled while it ran; `gone`: nothing to do (unknown, already ended, or taken over);
   * `queued`: its trigger's concurrency limit has no free slot yet (nothing ran; execute it again later).
   */
  execute(runId: string, options?: ExecuteOptions): Promise<ExecutionOutcome>;
  /** Answers every pending `waitForReply` with `undefined` and stops background checks (at shutdown). */
  close(): void;
}

type ReplyListener = (reply: RunReply | undefined) => void;

/** Creates the durable run launcher and its worker. */
export function createRunLauncher(options: RunLauncherOptions): DurableRuns {
  const { store, queue, clock } = options;
  const logger = options.logger ?? silentLogger;
  const registry = options.registry ?? createBuiltInActionRegistry();
  const inlineWaitMs = options.inlineWaitMs ?? DEFAULT_INLINE_WAIT_MS;
  const pollMs = options.replyPollMs ?? 250;
  const maxPollMs = Math.max(pollMs, MAX_REPLY_POLL_MS);
  const listeners = new Map<string, Set<ReplyListener>>();
  // One evaluator for every run of this launcher: it caches parsed templates (evaluation is synchronous).
  const evaluateValue = createValueEvaluator({ evaluator: createWorkflowEvaluator({ clock }) });
  // Flow versions never change: each is loaded (parsed, normalised) once.
  const loadedVersions = new Map<string, LoadedVersion>();
  const versions = createVersionCache(store);
  // Runs executed in memory by concurrent callers commit together.
  const writeRun = createRunBatchWriter({ store });
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

  /** Tells the observer a run ended here (finished or cancelled), timed from its stored start to its end. */
  const runFinished = (summary: RunSummary): void => {
    options.observer?.runFinished({ status: summary.status, durationMs: (summary.endedAt ?? clock.now()) - summary.startedAt });
  };

  // Where runs queued behind a concurrency limit stand (for how soon their job looks again).
  const queuedPositions = new Map<string, number>();
  /** The concurrency limit of the trigger that started a run of this version, if it has one. */
  const concurrencyOf = (flowId: string, version: FlowVersionRecord, triggerName: string | null): TriggerConcurrency | undefined => {
    const trigger = loadVersion(flowId, version).loaded.definition?.triggers.find((candidate) => candidate.name === triggerName);
    return trigger === undefined ? undefined : triggerConcurrencyOf(trigger);
  };

  // Runs executing in this process, each with the controller that cancels it.
  const executing = new Map<string, Set<AbortController>>();
  // The Response of a run executing here, kept until its execution ends: a waiter that comes after
  // the Response ran gets it at once (it may not be in the store yet: pure results are written later).
  const responded = new Map<string, RunReply>();
  const cancelCheckMs = options.cancelCheckMs ?? DEFAULT_CANCEL_CHECK_MS;
  let cancelCheck: NodeJS.Timeout | undefined;
  let closed = false;

  /** Aborts the executions of runs that another process ended (cancelled): one query for all of them. */
  async function checkCancels(): Promise<void> {
    const ids = [...executing.keys()].slice(0, 1000);
    if (ids.length === 0) return;
    const statuses = await store.runs.getStatuses(ids);
    for (const id of ids) {
      const status = statuses.get(id);
      if (status !== 'Running' && status !== 'Waiting') for (const controller of executing.get(id) ?? []) controller.abort();
    }
  }

  function track(runId: string, controller: AbortController): () => void {
    const set = executing.get(runId) ?? new Set<AbortController>();
    set.add(controller);
    executing.set(runId, set);
    if (cancelCheck === undefined && !closed) {
      cancelCheck = setInterval(() => {
        checkCancels().catch((error: unknown) => logger.warn('could not check executing runs for cancellation', { error: errorMessage(error) }));
      }, cancelCheckMs);
      cancelCheck.unref();
    }
    return () => {
      set.delete(controller);
      if (set.size === 0 && executing.get(runId) === set) executing.delete(runId);
      if (executing.size === 0 && cancelCheck !== undefined) {
        clearInterval(cancelCheck);
        cancelCheck = undefined;
      }
    };
  }

  /** After this execution found its run ended elsewhere: hands the stored end to the waiters. */
  async function settleEnded(runId: string): Promise<ExecutionOutcome> {
    const reply = await storedReply(runId).catch(() => undefined);
    if (reply === undefined || reply.status === 'Running' || reply.status === 'Waiting') return 'gone';
    publish(reply);
    return reply.status === 'Cancelled' ? 'cancelled' : 'gone';
  }

  async function execute(runId: string, executeOptions: ExecuteOptions = {}): Promise<ExecutionOutcome> {
    const run = await store.runs.get(runId);
    if (run === undefined || (run.status !== 'Running' && run.status !== 'Waiting')) return 'gone';
    const flow = await store.flows.get(run.flowId);
    const version = await versions.get(run.flowId, run.flowVersion);
    if (flow === undefined || version === undefined) return 'gone';
    const { loaded } = loadVersion(flow.id, version);
    const definition = loaded.definition;
    if (definition === undefined) {
      const invalid = await endedElsewhere(() => store.runs.finish(runId, { status: 'Failed', error: { code: 'WorkflowDefinitionInvalid', message: `flow '${flow.name}' version ${version.version} holds no runnable definition` } }));
      if (invalid === ENDED) return settleEnded(runId);
      publish({ runId, status: 'Failed', response: null, error: { code: 'WorkflowDefinitionInvalid', message: 'the flow version holds no runnable definition' } });
      runFinished(invalid);
      return 'finished';
    }
    const limit = concurrencyOf(flow.id, version, run.triggerName);
    if (run.status === 'Waiting' && limit !== undefined) {
      // Queued behind the trigger's concurrency limit until a slot is free (a run past admission passes at once).
      const admission = await store.runs.admit(runId, limit.runs);
      if (admission.outcome === 'ended') return settleEnded(runId);
      if (admission.outcome === 'queued') {
        queuedPositions.set(runId, admission.position);
        return 'queued';
      }
    }
    if (run.status === 'Waiting') {
      // A cancel may win the race since the read above.
      if ((await endedElsewhere(() => store.runs.setStatus(runId, 'Running'))) === ENDED) return settleEnded(runId);
    }
    const journal = createJournal(await store.runs.listActions(runId));
    const parameters = loaded.parameters;
    const flowContext: RunFlowContext = { flowId: flow.id, environmentId: flow.environmentId, ownerId: flow.ownerId, runId, connectionReferences: version.connectionReferences, parameters };
    const extraPorts = options.ports?.(flowContext) ?? {};
    const cancel = new AbortController();
    const runLog = bindLogger(logger, { flowId: flow.id, runId });
    const engine = new RunEngine({
      logger: runLog,
      ...(options.observer === undefined ? {} : { observer: options.observer }),
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
      onResponse: (response) => {
        const reply: RunReply = { runId, status: 'Running', response, error: null };
        responded.set(runId, reply);
        publish(reply);
      },
      cancelSignal: cancel.signal,
      writeDeferred: writeDeferredIn(store),
      ...(executeOptions.stopSignal === undefined ? {} : { stopSignal: executeOptions.stopSignal }),
    });
    let top: Awaited<ReturnType<RunEngine['runDefinition']>>;
    const untrack = track(runId, cancel);
    try {
      top = await engine.runDefinition(definition);
    } finally {
      untrack();
      if (!executing.has(runId)) responded.delete(runId);
    }
    if (engine.cancelled) return settleEnded(runId);
    if (engine.stopped) {
      // What ran before the stop is kept (pure results are otherwise recomputed on resume, which is also fine).
      await engine.flushDeferred().catch(() => false);
      logger.debug('run execution stopped; it resumes from its journal', { runId });
      return 'stopped';
    }
    if (engine.suspended && engine.terminated === undefined) {
      const until = engine.suspendedUntil ?? clock.now();
      const suspended = await endedElsewhere(() =>
        store.transaction(async (tx) => {
          await recordAll(tx.runs, engine.takeDeferred());
          await tx.runs.setStatus(runId, 'Waiting');
          // Keyed by the due time: a crash after this commit and a redelivery do not add a second timer.
          await queue.enqueue(RUNS_QUEUE, { runId }, { runAt: Math.max(until, clock.now()), key: `${runId}@${until}`, transaction: tx });
        }),
      );
      if (suspended === ENDED) return settleEnded(runId);
      logger.debug('run suspended until a Wait is due', { runId, until: new Date(until).toISOString() });
      return 'suspended';
    }
    const ended = runEnd(top, engine.terminated);
    const outputs = engine.definitionOutputs(definition);
    // The pure results still deferred commit with the run's end: one transaction.
    const finished = await endedElsewhere(() => commitRunEnd(store, { runId, deferred: engine.takeDeferred(), ended, outputs }));
    if (finished === ENDED) return settleEnded(runId);
    publish({ runId, status: ended.status, response: engine.response ?? null, error: ended.error });
    options.observer?.runFinished({ status: ended.status, durationMs: clock.now() - run.startedAt });
    if (ended.status !== 'Succeeded') runLog.info('run ended', { status: ended.status, code: ended.error?.code });
    return 'finished';
  }

  /** The reply of a run as the store has it (another process may be executing it). */
  async function storedReply(runId: string): Promise<RunReply | undefined> {
    return (await readReply(runId)).reply;
  }

  /**
   * The stored reply, and whether the run's flow version has a Response action at all (when it has
   * none, only the run's end is a reply: polls then need its status only).
   */
  async function readReply(runId: string): Promise<{ readonly reply: RunReply | undefined; readonly responds: boolean }> {
    const run = await store.runs.getSummary(runId);
    if (run === undefined) throw new NotFoundError(`no run has the id '${runId}'`, { code: 'RunNotFound' });
    const version = await versions.get(run.flowId, run.flowVersion);
    const responseNames = version === undefined ? new Set<string>() : loadVersion(run.flowId, version).responseNames;
    let response: ActionResponse | null = null;
    if (responseNames.size > 0) {
      for (const record of await store.runs.listActions(runId)) {
        if (responseNames.has(record.name)) response = recordedResponse(record) ?? response;
      }
    }
    const responds = responseNames.size > 0;
    if (isUnfinished(run.status) && response === null) return { reply: undefined, responds };
    const error = isRecord(run.error) && typeof run.error['code'] === 'string' ? { code: run.error['code'], message: String(run.error['message'] ?? '') } : null;
    return { reply: { runId, status: run.status as RunReply['status'], response, error }, responds };
  }

  /**
   * One look at the store for a run executed elsewhere: its status first (one cheap query), its
   * actions only when a Response may have run or the run ended. Nothing while this process
   * executes the run: `publish` hands its reply over.
   */
  async function polledReply(runId: string, responds: boolean): Promise<RunReply | undefined> {
    if (executing.has(runId)) return undefined;
    const status = (await store.runs.getStatuses([runId])).get(runId);
    if (status === undefined || (isUnfinished(status) && !responds)) return undefined;
    return storedReply(runId);
  }

  /**
   * The Workflow action: runs a flow of the same environment (by id, else by name) through its
   * Request trigger and waits for its reply. A child without a Response answers when it ends:
   * 200 with no body when it succeeded, 502 with its error otherwise. Refused before any run:
   * `ChildFlowForbidden` (`mayRunChild` says no), `ChildFlowDisabled`, `TriggerNotFound` (the
   * child's current version has no such trigger), `TriggerNotCallable` (not a Request trigger).
   */
  function childFlowPort(parent: RunFlowContext): ChildFlowPort {
    return async (call) => {
      const byId = await store.flows.get(call.flowId);
      const child = byId !== undefined && byId.environmentId === parent.environmentId ? byId : await store.flows.getByName(parent.environmentId, call.flowId);
      if (child === undefined) {
        throw new NotFoundError(`the Workflow action names flow '${call.flowReference}', which is not a flow of this environment — give the id or the name of an existing flow`, { code: 'ChildFlowNotFound' });
      }
      if (options.mayRunChild !== undefined && !(await options.mayRunChild(parent, child))) {
        throw new PlugboardError(
          `flow '${child.name}' (${child.id}) may not be run by this flow: the owner of this flow has no run access to it — make that owner a co-owner or run-only user of '${child.name}', or call '${child.name}' through its callback URL instead`,
          { code: 'ChildFlowForbidden', kind: 'forbidden', details: { flowId: child.id } },
        );
      }
      if (child.state === 'disabled') throw new ConflictError(`flow '${child.name}' is disabled — enable it before calling it from another flow`, { code: 'ChildFlowDisabled' });
      const version = await versions.get(child.id, child.currentVersion);
      if (version === undefined) throw new NotFoundError(`flow '${child.name}' has no version ${child.currentVersion}`, { code: 'FlowVersionNotFound' });
      const triggers = loadVersion(child.id, version).loaded.definition?.triggers ?? [];
      const trigger = triggers.find((candidate) => candidate.name === call.triggerName);
      const callable = triggers.filter(isCallableTrigger).map((candidate) => `'${candidate.name}'`);
      const choose = callable.length === 0 ? `it has none, so it cannot be called from another flow` : `name one of ${callable.join(', ')} in host.triggerName`;
      if (trigger === undefined) {
        throw new NotFoundError(`flow '${child.name}' has no trigger '${call.triggerName}' in its current version — ${choose}`, { code: 'TriggerNotFound', details: { flowId: child.id, triggerName: call.triggerName } });
      }
      // Only a Request trigger is started by a call; any other would start with outputs it never produces.
      if (!isCallableTrigger(trigger)) {
        throw new UserInputError(`trigger '${trigger.name}' of flow '${child.name}' is a ${trigger.type} trigger, not a Request trigger — a Workflow action calls Request triggers only: ${choose}`, {
          code: 'TriggerNotCallable',
          details: { flowId: child.id, triggerName: trigger.name },
        });
      }
      const { runId } = await launcher.start({ flowId: child.id, version: version.version, triggerName: trigger.name, triggerOutputs: { headers: call.headers, queries: {}, body: call.body ?? null }, correlationId: parent.runId });
      // Cancelling the parent stops the wait (the child run goes on: cancel it on its own).
      const reply = await awaitReply(runId, CHILD_FLOW_TIMEOUT_MS, call.signal);
      if (call.signal?.aborted === true) throw new PlugboardError(`the wait for child flow '${child.name}' (run ${runId}) was cancelled`, { code: 'ChildFlowWaitCancelled', kind: 'operational' });
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
      const version = await versions.get(flow.id, versionNumber);
      if (version === undefined) throw new NotFoundError(`flow '${flow.name}' has no version ${versionNumber}`, { code: 'FlowVersionNotFound' });
      const triggerName = input.triggerName ?? loadVersion(flow.id, version).triggerName;
      const queued = concurrencyOf(flow.id, version, triggerName) !== undefined;
      const runId = await store.transaction((transaction) =>
        createQueuedRun({
          transaction,
          queue,
          run: {
            flowId: flow.id,
            flowVersion: versionNumber,
            triggerName,
            // Behind the trigger's concurrency limit: it waits for a slot (see execute).
            ...(queued ? { status: 'Waiting' as const } : {}),
            triggerOutputs: input.triggerOutputs ?? null,
            ...(input.correlationId === undefined ? {} : { correlationId: input.correlationId }),
            ...(input.clientTrackingId === undefined ? {} : { clientTrackingId: input.clientTrackingId }),
            ...(input.startedBy === undefined ? {} : { startedBy: input.startedBy }),
          },
        }),
      );
      const trigger = loadVersion(flow.id, version).loaded.definition?.triggers.find((candidate) => candidate.name === triggerName);
      options.observer?.runStarted({ trigger: trigger?.type ?? 'manual' });
      return { runId };
    },

    async startAndReply(input: ReplyingRunInput) {
      const { flow, version } = input;
      /** The durable path: the run and its job now, a worker executes it, the reply comes from it. */
      const throughQueue = async () => {
        const { runId } = await launcher.start({ flowId: flow.id, version: version.version, triggerName: input.triggerName, triggerOutputs: input.triggerOutputs, ...(input.clientTrackingId === undefined ? {} : { clientTrackingId: input.clientTrackingId }) });
        return { runId, reply: await awaitReply(runId, input.timeoutMs, undefined) };
      };
      // Behind its trigger's concurrency limit a run waits for a slot, which only its job can take.
      if (concurrencyOf(flow.id, version, input.triggerName) !== undefined) return throughQueue();
      const { loaded } = loadVersion(flow.id, version);
      const definition = loaded.definition;
      if (definition === undefined) return throughQueue();
      const runId = newId();
      const run = {
        id: runId,
        flowId: flow.id,
        flowVersion: version.version,
        triggerName: input.triggerName,
        triggerOutputs: input.triggerOutputs ?? null,
        startedAt: clock.now(),
        ...(input.clientTrackingId === undefined ? {} : { clientTrackingId: input.clientTrackingId }),
      };
      // What the in-memory execution tells observers and logs counts only if the run ends in it.
      const told: (() => void)[] = [];
      const runLog = bindLogger(logger, { flowId: flow.id, runId });
      const engine = new RunEngine({
        logger: deferredLogger(runLog, told),
        observer: { actionFinished: (event) => told.push(() => options.observer?.actionFinished(event)) },
        runs: NO_JOURNAL_WRITES,
        clock,
        runId,
        registry,
        parameters: loaded.parameters,
        triggerOutputs: run.triggerOutputs,
        workflow: workflowObject(flow, runId),
        evaluateValue,
        pureOnly: true,
      });
      const top = await engine.runDefinition(definition);
      // It reached a step that must be journaled before it starts (a side effect, a container, a
      // Wait…): nothing of this execution was written or answered, so the run starts over as any
      // other, through the queue — the same history, secured values and Terminate order.
      if (engine.handedOver) return throughQueue();
      const ended = runEnd(top, engine.terminated);
      await writeRun({ run, actions: engine.takeDeferred(), end: { ...ended, outputs: engine.definitionOutputs(definition) } });
      const trigger = definition.triggers.find((candidate) => candidate.name === input.triggerName);
      options.observer?.runStarted({ trigger: trigger?.type ?? 'manual' });
      for (const tell of told) tell();
      options.observer?.runFinished({ status: ended.status, durationMs: clock.now() - run.startedAt });
      if (ended.status !== 'Succeeded') runLog.info('run ended', { status: ended.status, code: ended.error?.code });
      return { runId, reply: { runId, status: ended.status, response: engine.response ?? null, error: ended.error } };
    },

    async waitForReply(runId, timeoutMs) {
      return awaitReply(runId, timeoutMs, undefined);
    },

    execute,

    async cancel(runId) {
      const error = { code: RUN_CANCELLED_CODE, message: `run ${runId} was cancelled: actions in flight were stopped and no further action started` };
      const summary = await store.runs.cancel(runId, {
        error,
        actionError: { code: ActionErrorCode.Cancelled, message: 'the run was cancelled while this action ran' },
      });
      for (const controller of executing.get(runId) ?? []) controller.abort();
      publish({ runId, status: 'Cancelled', response: null, error });
      runFinished(summary);
      logger.info('run cancelled', { runId });
      return summary;
    },

    async resubmit(runId, resubmitOptions = {}) {
      const run = await store.runs.get(runId);
      if (run === undefined) throw new NotFoundError(`no run has the id '${runId}' — it may have been deleted by run retention`, { code: 'RunNotFound' });
      const flow = await store.flows.get(run.flowId);
      if (flow === undefined) throw new NotFoundError(`the flow of run ${runId} no longer exists`, { code: 'FlowNotFound' });
      if (flow.state !== 'enabled') {
        throw new ConflictError(`flow '${flow.name}' is disabled — enable it, then resubmit run ${runId}`, { code: 'FlowDisabled', details: { flowId: flow.id } });
      }
      const version = await versions.get(flow.id, flow.currentVersion);
      const triggers = version === undefined ? [] : (loadVersion(flow.id, version).loaded.definition?.triggers ?? []);
      if (run.triggerName !== null && !triggers.some((trigger) => trigger.name === run.triggerName)) {
        throw new ConflictError(
          `run ${runId} was started by trigger '${run.triggerName}', which version ${flow.currentVersion} of flow '${flow.name}' no longer has — a resubmitted run uses the current version; start a new run instead`,
          { code: 'ResubmitTriggerMissing', details: { runId, triggerName: run.triggerName } },
        );
      }
      return launcher.start({
        flowId: flow.id,
        version: flow.currentVersion,
        ...(run.triggerName === null ? {} : { triggerName: run.triggerName }),
        triggerOutputs: run.triggerOutputs,
        correlationId: run.id,
        ...(run.clientTrackingId === null ? {} : { clientTrackingId: run.clientTrackingId }),
        ...(resubmitOptions.startedBy === undefined ? {} : { startedBy: resubmitOptions.startedBy }),
      });
    },

    close() {
      closed = true;
      if (cancelCheck !== undefined) clearInterval(cancelCheck);
      cancelCheck = undefined;
      for (const set of [...listeners.values()]) for (const release of [...set]) release(undefined);
    },

    work(workOptions = {}) {
      const stopping = new AbortController();
      const worker = queue.work(
        RUNS_QUEUE,
        async (job, context) => {
          const runId = isRecord(job.payload) && typeof job.payload['runId'] === 'string' ? job.payload['runId'] : undefined;
          if (runId === undefined) {
            logger.warn('workflow.runs job without a runId dropped', { jobId: job.id });
            return;
          }
          // A lost job lock stops the execution too: the job's next holder resumes the run.
          const outcome = await execute(runId, { stopSignal: AbortSignal.any([stopping.signal, context.signal]) });
          if (outcome === 'stopped' && !context.signal.aborted) {
            // Queued again before this job completes: the next start (or another process) resumes the run at once.
            await queue.enqueue(RUNS_QUEUE, { runId }, { key: `${runId}@resume:${job.id}` });
          }
          if (outcome === 'queued' && !context.signal.aborted) {
            // Looked at again soon, sooner the nearer its turn. Two keys taken in turn: a redelivery of
            // this job after it enqueued its successor finds that successor instead of adding another.
            const position = queuedPositions.get(runId) ?? 1;
            queuedPositions.delete(runId);
            const key = job.key === `${runId}@queued:0` ? `${runId}@queued:1` : `${runId}@queued:0`;
            await queue.enqueue(RUNS_QUEUE, { runId }, { key, runAt: clock.now() + Math.min(MAX_QUEUED_RECHECK_MS, 100 * position) });
          }
        },
        { concurrency: workOptions.concurrency ?? 20, ...(workOptions.lockMs === undefined ? {} : { lockMs: workOptions.lockMs }), ...(workOptions.pollMs === undefined ? {} : { pollMs: workOptions.pollMs }) },
      );
      return {
        queue: worker.queue,
        id: worker.id,
        async stop() {
          stopping.abort();
          await worker.stop();
        },
      };
    },
  };

  /**
   * Resolves with the run's reply as soon as it has one (a Response, or its end), `undefined` after
   * `timeoutMs`, when `signal` aborts or when the launcher closes.
   */
  function awaitReply(runId: string, timeoutMs: number, signal: AbortSignal | undefined): Promise<RunReply | undefined> {
    return new Promise<RunReply | undefined>((resolve, reject) => {
      let settled = false;
      let poll: NodeJS.Timeout | undefined;
      const set = listeners.get(runId) ?? new Set<ReplyListener>();
      listeners.set(runId, set);
      const settle = (): boolean => {
        if (settled) return false;
        settled = true;
        clearTimeout(timer);
        clearTimeout(poll);
        signal?.removeEventListener('abort', abort);
        set.delete(listener);
        if (set.size === 0 && listeners.get(runId) === set) listeners.delete(runId);
        return true;
      };
      const done = (reply: RunReply | undefined): void => {
        if (settle()) resolve(reply);
      };
      const fail = (error: unknown): void => {
        if (settle()) reject(error);
      };
      const listener: ReplyListener = (reply) => done(reply);
      const abort = (): void => done(undefined);
      set.add(listener);
      signal?.addEventListener('abort', abort, { once: true });
      const timer = setTimeout(() => done(undefined), timeoutMs);
      // Another process may run it: look at the store now and then, less often the longer it takes.
      const schedulePoll = (delayMs: number, responds: boolean): void => {
        if (settled) return;
        poll = setTimeout(() => {
          polledReply(runId, responds).then(
            (reply) => (reply === undefined ? schedulePoll(Math.min(delayMs * 2, maxPollMs), responds) : done(reply)),
            (error: unknown) => {
              // A failed look (a database hiccup) is not the run's answer: look again later.
              logger.debug('could not look up the reply of a run', { runId, error: errorMessage(error) });
              schedulePoll(Math.min(delayMs * 2, maxPollMs), responds);
            },
          );
        }, delayMs);
        poll.unref();
      };
      // Listening first, then reading the store: a reply published in between is not missed.
      readReply(runId).then(({ reply, responds }) => {
        const found = reply ?? responded.get(runId);
        if (found !== undefined || closed || signal?.aborted === true) done(found);
        else schedulePoll(pollMs, responds);
      }, fail);
    });
  }

  return launcher;
}

/** True for a status a run has until it ends. */
function isUnfinished(status: string): boolean {
  return status === 'Running' || status === 'Waiting';
}

/** The journal writer of an in-memory execution (`pureOnly`): it never writes, and says so if asked to. */
const NO_JOURNAL_WRITES: Pick<Store['runs'], 'startAction' | 'finishAction' | 'recordAction'> = {
  startAction: () => Promise.reject(new PlugboardError('an in-memory execution tried to start an action in the journal', { code: 'InMemoryJournalWrite' })),
  finishAction: () => Promise.reject(new PlugboardError('an in-memory execution tried to finish an action in the journal', { code: 'InMemoryJournalWrite' })),
  recordAction: () => Promise.reject(new PlugboardError('an in-memory execution tried to record an action in the journal', { code: 'InMemoryJournalWrite' })),
};

/** A logger whose lines are kept in `told` (written when the caller replays it), not written at once. */
function deferredLogger(logger: Logger, told: (() => void)[]): Logger {
  const wrap = (level: 'debug' | 'info' | 'warn' | 'error') => (message: string, fields?: Record<string, unknown>) => {
    told.push(() => logger[level](message, fields));
  };
  return { ...logger, debug: wrap('debug'), info: wrap('info'), warn: wrap('warn'), error: wrap('error') };
}

/** Marks a store write refused because the run already ended (cancelled elsewhere). */
const ENDED = Symbol('ended');

/** Runs `write`; {@link ENDED} when the store says the run already has a final status. */
async function endedElsewhere<T>(write: () => Promise<T>): Promise<T | typeof ENDED> {
  try {
    return await write();
  } catch (error) {
    if (error instanceof ConflictError && error.code === StorageErrorCode.RunAlreadyFinished) return ENDED;
    throw error;
  }
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
