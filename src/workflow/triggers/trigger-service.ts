/**
 * The trigger service: keeps every enabled flow's triggers running and starts runs from them.
 *
 * - **Reconcile** (`reconcile(flowId)`, after every change of a flow and at start): an enabled
 *   flow's triggers are made active for its current version — schedules and polling triggers get
 *   their next job, webhooks subscribe (a failed subscribe disables the flow and keeps the error
 *   on the trigger); a disabled or deleted flow's triggers are made inactive and unsubscribed.
 * - **Jobs** (queue `workflow.triggers`, one job per due check): a job carries the state's `tick`;
 *   the check's outcome — the new cursor, the runs it starts and the next job — commits in ONE
 *   transaction guarded by a compare-and-set on that tick. A job delivered again after its
 *   transaction committed finds a newer tick and does nothing; one delivered again before it
 *   committed checks again from the same cursor. Nothing is lost or fired twice.
 * - **Calls** (`invoke`): a Request trigger's signed callback URL starts runs; the signature is
 *   checked against the flow's callback key before anything else is read from the call.
 */
import type { Clock, Logger } from '../../core/index.ts';
import { NotFoundError, PlugboardError, UserInputError, errorMessage, isPlugboardError, silentLogger } from '../../core/index.ts';
import { isRecord } from '../../expressions/index.ts';
import type { RunObserver, TriggerObserver } from '../../observability/index.ts';
import type { JobQueue, JobWorker } from '../../queue/index.ts';
import type { FlowRecord, FlowVersionRecord, Store, StoreTransaction, TriggerStateRecord } from '../../storage/index.ts';
import { loadWorkflowDefinition } from '../definition/load-workflow-definition.ts';
import type { LoadedWorkflow } from '../definition/load-workflow-definition.ts';
import type { WorkflowTrigger } from '../definition/model.ts';
import { createQueuedRun } from '../engine/queued-run.ts';
import { createVersionCache } from '../engine/version-cache.ts';
import type { ReplyingRuns, RunReply } from '../engine/run-launcher-types.ts';
import { buildCallbackUrl, createCallbackVerifier } from './callback-url.ts';
import type { CallbackQuery, CallbackUrl } from './callback-url.ts';
import { CallRefusedError, callBody, isCallableTrigger, requestTriggerOutputs, requestTriggerSpec } from './request-trigger.ts';
import type { CallbackRequest, IncomingCall, RequestTriggerSpec } from './request-trigger.ts';
import { triggerConcurrencyOf } from '../rules/trigger-concurrency.ts';
import { fireSchedule, firstCheckAt, nextCheckAt, scheduleOf, triggerKindOf } from './trigger-schedule.ts';
import type { TriggerKind } from './trigger-schedule.ts';

/** The queue trigger checks go through. */
export const TRIGGERS_QUEUE = 'workflow.triggers';

/** How long a flow (state, current version) and its callback key are reused on the callback path (ms). */
export const CALLBACK_LOOKUP_REUSE_MS = 1_000;

/**
 * The shortest wait a poll's `Retry-After` gets (ms): 0 or a past date would otherwise poll again
 * at once, forever.
 */
export const RETRY_AFTER_MIN_MS = 1_000;

/** The longest wait a poll's `Retry-After` gets (ms): a far-future one would otherwise park the trigger. */
export const RETRY_AFTER_MAX_MS = 24 * 3_600_000;

/** What one poll of a polling trigger found. */
export interface PollOutcome {
  readonly outcome: 'fired' | 'skipped' | 'failed';
  /** Trigger outputs, one per run to start (after splitOn and conditions). */
  readonly firings: readonly unknown[];
  /** The cursor to keep for the next poll (committed with the runs). */
  readonly cursor: unknown;
  /** The service asked to be polled again after this long (Retry-After). */
  readonly retryAfterMs?: number;
  readonly error?: { readonly code: string; readonly message: string };
}

/** What the trigger kinds need besides the store: the ports of the flow they act for. */
export interface TriggerPorts {
  /** Polls a polling trigger (Http, ApiConnection, OpenApiConnection) once. */
  poll(input: TriggerCallInput & { readonly cursor: unknown; readonly signal: AbortSignal }): Promise<PollOutcome>;
  /** Subscribes a webhook trigger; resolves with what unsubscribing needs (JSON). Throws a PlugboardError when the service refused. */
  subscribe(input: TriggerCallInput & { readonly callbackUrl: string }): Promise<unknown>;
  /** Ends a subscription made by `subscribe` (the flow may be gone by then). */
  unsubscribe(input: {
    readonly flowId: string;
    readonly environmentId: string;
    readonly triggerName: string;
    readonly subscription: unknown;
    /** The flow version that subscribed (its connections and parameters unsubscribe); null when unknown. */
    readonly version: number | null;
    /** The callback URL the subscription was made with (signed with the current key); undefined when the flow is gone. */
    readonly callbackUrl: string | undefined;
  }): Promise<void>;
  /** Trigger outputs of a webhook notification (checked against what the trigger expects). */
  notification?(input: TriggerCallInput & { readonly call: IncomingCall; readonly subscription: unknown }): Promise<readonly unknown[]>;
}

/** The flow, version and trigger a port call is about. */
export interface TriggerCallInput {
  readonly flow: FlowRecord;
  readonly version: FlowVersionRecord;
  readonly loaded: LoadedWorkflow;
  readonly trigger: WorkflowTrigger;
}

/** Where callback keys come from (sealed per flow by the secrets area; see the server's wiring). */
export interface CallbackKeys {
  /** The flow's key, created on first use. */
  keyFor(flow: Pick<FlowRecord, 'id' | 'environmentId'>): Promise<Uint8Array>;
  /** Replaces the flow's key: every URL issued before stops working. */
  regenerate(flow: Pick<FlowRecord, 'id' | 'environmentId'>): Promise<void>;
}

/** Options of {@link createTriggerService}. */
export interface TriggerServiceOptions {
  readonly store: Store;
  readonly queue: JobQueue;
  readonly clock: Clock;
  readonly keys: CallbackKeys;
  /** The server's external base URL (callback URLs start with it); a function when known only once listening. */
  readonly publicUrl: string | (() => string);
  readonly ports?: Partial<TriggerPorts>;
  readonly logger?: Logger;
  /** Told about each trigger check and each run a trigger starts (metrics). */
  readonly observer?: Partial<TriggerObserver & Pick<RunObserver, 'runStarted'>>;
  /**
   * Starts the runs whose caller waits for a Response (their pure first steps execute at once, see
   * {@link ReplyingRuns.startAndReply}); without it such runs are only queued and the caller waits
   * with the launcher's `waitForReply`.
   */
  readonly replyingRuns?: ReplyingRuns;
  /** How long `invoke` waits for a Response through `replyingRuns` (ms); default 120,000. */
  readonly replyWaitMs?: number;
}

/** A trigger of a flow's current version, with its state (the flow's triggers view). */
export interface TriggerView {
  readonly name: string;
  readonly type: string;
  readonly kind: TriggerKind;
  /** Undefined before the trigger was first activated. */
  readonly state: TriggerStateRecord | undefined;
}

/** The runs a call started. */
export interface InvokeResult {
  readonly flow: FlowRecord;
  readonly runIds: readonly string[];
  /** True when the call should wait for the run's Response (one run, a Response action, no splitOn). */
  readonly replies: boolean;
  /** Present when the service already waited (`replyingRuns`): the reply, undefined when it timed out. */
  readonly reply?: { readonly answer: RunReply | undefined };
}

/** The trigger service. */
export interface TriggerService {
  /** Brings a flow's triggers in line with the flow (enabled: active on its current version; else inactive). */
  reconcile(flowId: string): Promise<void>;
  /** Reconciles every flow and every orphaned trigger state (at start). */
  reconcileAll(): Promise<void>;
  /** Unsubscribes and deactivates a flow's triggers before the flow is deleted. */
  beforeDelete(flowId: string): Promise<void>;
  /** The triggers of the flow's current version with their states (for the flow's view: status, last error, next check). */
  triggers(flow: FlowRecord): Promise<readonly TriggerView[]>;
  /** A trigger's signed callback URL (`listCallbackUrl`); 404 `TriggerNotFound`, 400 `TriggerNotCallable` for a trigger not started by a call. */
  callbackUrl(flow: FlowRecord, triggerName: string): Promise<CallbackUrl>;
  /** Replaces the flow's callback key: earlier URLs stop working; webhooks subscribe again with URLs under the new key. */
  regenerateKey(flow: FlowRecord): Promise<void>;
  /**
   * Checks a callback call's flow and signature only (CallRefusedError 404 `FlowNotFound`, 401
   * `CallbackSignatureInvalid`, as `invoke`): the route calls it before the body is read, so an
   * unsigned caller cannot make the server take in a body of up to 32 MB.
   */
  verifyCall(flowId: string, triggerName: string, query: CallbackQuery): Promise<void>;
  /** A call of a callback URL: checks the signature, then parses the body, checks the trigger's contract and starts the run(s). */
  invoke(flowId: string, triggerName: string, query: CallbackQuery, request: CallbackRequest): Promise<InvokeResult>;
  /** Starts the worker of trigger checks. */
  work(options?: { readonly concurrency?: number; readonly lockMs?: number; readonly pollMs?: number }): JobWorker;
}

type CallbackVerifier = ReturnType<typeof createCallbackVerifier>;

/** A CAS loss inside a transaction: roll back, someone else already moved the state. */
class LostRace extends Error {}

/** Creates the trigger service. */
export function createTriggerService(options: TriggerServiceOptions): TriggerService {
  const { store, queue, clock, keys } = options;
  const logger = options.logger ?? silentLogger;
  const ports = options.ports ?? {};
  const loadedVersions = new Map<string, LoadedWorkflow>();
  const versions = createVersionCache(store);
  const chains = new Map<string, Promise<void>>();
  const flowCache = new Map<string, { readonly at: number; readonly flow: FlowRecord | undefined }>();
  const keyCache = new Map<string, { readonly at: number; readonly key: Uint8Array; readonly verify: CallbackVerifier }>();
  // Whether a loaded workflow has a Response action (callback calls then wait for it).
  const replyingWorkflows = new WeakMap<LoadedWorkflow, boolean>();

  const loadVersion = (version: FlowVersionRecord): LoadedWorkflow => {
    const cacheKey = `${version.flowId}@${version.version}`;
    let loaded = loadedVersions.get(cacheKey);
    if (loaded === undefined) {
      loaded = loadWorkflowDefinition(version.definition, { connectionReferences: version.connectionReferences });
      if (loadedVersions.size >= 500) loadedVersions.delete(loadedVersions.keys().next().value as string);
      loadedVersions.set(cacheKey, loaded);
    }
    return loaded;
  };

  /** Runs `work` after earlier work on the same flow in this process (reconciles never interleave). */
  function serialized(flowId: string, work: () => Promise<void>): Promise<void> {
    const previous = chains.get(flowId) ?? Promise.resolve();
    const next = previous.then(work, work);
    const tail = next.catch(() => undefined);
    chains.set(flowId, tail);
    void tail.then(() => {
      if (chains.get(flowId) === tail) chains.delete(flowId);
    });
    return next;
  }

  /** A run and its job; `Waiting` (queued for a slot) when the trigger has a concurrency limit. */
  async function createRun(tx: StoreTransaction, flow: FlowRecord, version: number, trigger: WorkflowTrigger, outputs: unknown, extra: { clientTrackingId?: string } = {}): Promise<string> {
    return createQueuedRun({
      transaction: tx,
      queue,
      run: {
        flowId: flow.id,
        flowVersion: version,
        triggerName: trigger.name,
        triggerOutputs: outputs ?? null,
        ...(triggerConcurrencyOf(trigger) === undefined ? {} : { status: 'Waiting' as const }),
        ...(extra.clientTrackingId === undefined ? {} : { clientTrackingId: extra.clientTrackingId }),
      },
    });
  }

  /** Why the trigger may not start more runs now (its queue of waiting runs is full); undefined when it may. */
  async function waitingQueueFull(flow: FlowRecord, trigger: WorkflowTrigger): Promise<string | undefined> {
    const limit = triggerConcurrencyOf(trigger);
    if (limit === undefined) return undefined;
    const queued = await store.runs.countQueued(flow.id);
    if (queued < limit.maximumWaitingRuns) return undefined;
    return `flow '${flow.name}' already has ${queued} runs waiting for one of its ${limit.runs} concurrent run slot${limit.runs === 1 ? '' : 's'} (trigger '${trigger.name}' allows ${limit.maximumWaitingRuns} waiting runs) — try again later, or raise runtimeConfiguration.concurrency on the trigger`;
  }

  async function ensureState(flow: FlowRecord, triggerName: string, existing: TriggerStateRecord | undefined): Promise<TriggerStateRecord> {
    if (existing !== undefined) return existing;
    const created = await store.triggerStates.put({ flowId: flow.id, triggerName, environmentId: flow.environmentId, expectedTick: null });
    if (created !== undefined) return created;
    const found = await store.triggerStates.get(flow.id, triggerName);
    if (found === undefined) throw new PlugboardError(`trigger state of '${triggerName}' vanished while it was created`, { code: 'TriggerStateLost' });
    return found;
  }

  async function unsubscribeState(state: TriggerStateRecord): Promise<TriggerStateRecord | undefined> {
    if (state.subscription === null) return state;
    if (ports.unsubscribe === undefined) throw new PlugboardError('webhook triggers are not available in this process', { code: 'WebhooksNotAvailable' });
    const flow = await store.flows.get(state.flowId);
    await ports.unsubscribe({
      flowId: state.flowId,
      environmentId: state.environmentId,
      triggerName: state.triggerName,
      subscription: state.subscription,
      version: state.activeVersion,
      callbackUrl: flow === undefined ? undefined : (await signedUrl(flow, state.triggerName, undefined)).value,
    });
    return store.triggerStates.put({ flowId: state.flowId, triggerName: state.triggerName, expectedTick: state.tick, subscription: null, activeVersion: null, nextAt: null, lastStatus: 'Unsubscribed', lastError: null });
  }

  async function deactivate(state: TriggerStateRecord): Promise<void> {
    if (state.subscription !== null) {
      try {
        await unsubscribeState(state);
      } catch (error) {
        // Kept with its subscription: the next reconcile tries again; the error is visible on the trigger.
        await store.triggerStates.put({ flowId: state.flowId, triggerName: state.triggerName, expectedTick: state.tick, activeVersion: null, nextAt: null, lastStatus: 'Failed', lastError: errorOf(error, 'UnsubscribeFailed', 'unsubscribing the webhook') });
        logger.warn('unsubscribing a webhook trigger failed; it is retried at the next reconcile', { flowId: state.flowId, trigger: state.triggerName, error: errorMessage(error) });
      }
      return;
    }
    if (state.activeVersion !== null || state.nextAt !== null) {
      // Pending jobs carry an older tick from now on: they do nothing.
      await store.triggerStates.put({ flowId: state.flowId, triggerName: state.triggerName, expectedTick: state.tick, activeVersion: null, nextAt: null });
    }
  }

  async function activate(flow: FlowRecord, version: FlowVersionRecord, loaded: LoadedWorkflow, trigger: WorkflowTrigger, existing: TriggerStateRecord | undefined): Promise<void> {
    let state = await ensureState(flow, trigger.name, existing);
    if (state.activeVersion === version.version) return;
    const kind = triggerKindOf(trigger);
    const now = clock.now();
    if (kind === 'webhook') {
      if (state.subscription !== null) {
        const after = await unsubscribeState(state);
        if (after === undefined) return; // Another process moved it; it reconciles too.
        state = after;
      }
      if (ports.subscribe === undefined) throw new PlugboardError('webhook triggers are not available in this process', { code: 'WebhooksNotAvailable' });
      let subscription: unknown;
      try {
        const url = await signedUrl(flow, trigger.name, undefined);
        subscription = await ports.subscribe({ flow, version, loaded, trigger, callbackUrl: url.value });
      } catch (error) {
        await store.triggerStates.put({ flowId: flow.id, triggerName: trigger.name, expectedTick: state.tick, activeVersion: null, nextAt: null, lastStatus: 'Failed', lastError: errorOf(error, 'SubscribeFailed', 'subscribing the webhook'), lastCheckedAt: now });
        await store.flows.update(flow.id, { state: 'disabled' });
        flowCache.delete(flow.id);
        logger.warn('subscribing a webhook trigger failed; the flow was disabled', { flowId: flow.id, trigger: trigger.name, error: errorMessage(error) });
        return;
      }
      await store.triggerStates.put({ flowId: flow.id, triggerName: trigger.name, expectedTick: state.tick, activeVersion: version.version, subscription: subscription ?? {}, nextAt: null, lastStatus: 'Subscribed', lastError: null, lastCheckedAt: now });
      return;
    }
    if (kind === 'schedule' || kind === 'polling') {
      const schedule = scheduleOf(trigger);
      const cursor = { ...(isRecord(state.cursor) ? state.cursor : {}), anchor: now };
      const first = firstCheckAt(schedule, cursor, now);
      const written = state;
      await store.transaction(async (tx) => {
        const updated = await tx.triggerStates.put({ flowId: flow.id, triggerName: trigger.name, expectedTick: written.tick, activeVersion: version.version, cursor, nextAt: first, lastError: null });
        if (updated === undefined) throw new LostRace();
        await enqueueCheck(tx, flow.id, trigger.name, updated.tick, first);
      }).catch((error: unknown) => {
        if (!(error instanceof LostRace)) throw error;
      });
      return;
    }
    await store.triggerStates.put({ flowId: flow.id, triggerName: trigger.name, expectedTick: state.tick, activeVersion: version.version, nextAt: null, lastError: null });
  }

  async function enqueueCheck(tx: StoreTransaction, flowId: string, triggerName: string, tick: number, runAt: number): Promise<void> {
    await queue.enqueue(TRIGGERS_QUEUE, { flowId, triggerName, tick }, { runAt, key: `${flowId}/${triggerName}#${tick}`, transaction: tx });
  }

  async function reconcileNow(flowId: string): Promise<void> {
    const flow = await store.flows.get(flowId);
    flowCache.delete(flowId);
    const states = new Map((await store.triggerStates.listForFlow(flowId)).map((state) => [state.triggerName, state]));
    const desired = new Map<string, WorkflowTrigger>();
    let version: FlowVersionRecord | undefined;
    let loaded: LoadedWorkflow | undefined;
    if (flow?.state === 'enabled') {
      version = await store.flows.getVersion(flow.id, flow.currentVersion);
      if (version !== undefined) {
        loaded = loadVersion(version);
        for (const trigger of loaded.definition?.triggers ?? []) desired.set(trigger.name, trigger);
      }
    }
    for (const state of states.values()) {
      if (!desired.has(state.triggerName)) await deactivate(state);
    }
    if (flow !== undefined && version !== undefined && loaded !== undefined) {
      for (const trigger of desired.values()) {
        try {
          await activate(flow, version, loaded, trigger, states.get(trigger.name));
        } catch (error) {
          // The flow stays as it is; the trigger shows why it does not run (GET …/triggers).
          const state = await store.triggerStates.get(flow.id, trigger.name);
          if (state !== undefined) await store.triggerStates.put({ flowId: flow.id, triggerName: trigger.name, expectedTick: state.tick, lastStatus: 'Failed', lastError: errorOf(error, 'TriggerActivationFailed', 'activating the trigger'), lastCheckedAt: clock.now() });
          logger.warn('activating a trigger failed', { flowId: flow.id, trigger: trigger.name, error: errorMessage(error) });
        }
      }
    }
    if (flow === undefined) {
      // A deleted flow: drop what is no longer needed (states still holding a subscription stay until unsubscribed).
      for (const state of await store.triggerStates.listForFlow(flowId)) {
        if (state.subscription === null) await store.triggerStates.delete(flowId, state.triggerName);
      }
    }
  }

  /** The triggers of the flow's current version (none when the version is missing). */
  async function currentTriggers(flow: FlowRecord): Promise<readonly WorkflowTrigger[]> {
    const version = await versions.get(flow.id, flow.currentVersion);
    return version === undefined ? [] : (loadVersion(version).definition?.triggers ?? []);
  }

  async function callbackUrl(flow: FlowRecord, triggerName: string): Promise<CallbackUrl> {
    const trigger = (await currentTriggers(flow)).find((t) => t.name === triggerName);
    if (trigger === undefined) throw new NotFoundError(`flow '${flow.name}' has no trigger '${triggerName}'`, { code: 'TriggerNotFound' });
    const kind = triggerKindOf(trigger);
    if (kind !== 'request' && kind !== 'webhook') {
      throw new UserInputError(`trigger '${trigger.name}' is a ${kind} trigger: it is not started by calling a URL, so it has no callback URL`, { code: 'TriggerNotCallable' });
    }
    return signedUrl(flow, triggerName, isCallableTrigger(trigger) ? requestTriggerSpec(trigger) : undefined);
  }

  /** The URL signed with the flow's current key; `spec` adds a Request trigger's method and relative path. */
  async function signedUrl(flow: FlowRecord, triggerName: string, spec: RequestTriggerSpec | undefined): Promise<CallbackUrl> {
    const key = await keys.keyFor(flow);
    return buildCallbackUrl({
      publicUrl: typeof options.publicUrl === 'string' ? options.publicUrl : options.publicUrl(),
      flowId: flow.id,
      triggerName,
      key,
      ...(spec?.method === undefined ? {} : { method: spec.method }),
      ...(spec?.relativePath === undefined ? {} : { relativePath: spec.relativePath }),
    });
  }

  async function cachedFlow(flowId: string): Promise<FlowRecord | undefined> {
    const now = clock.now();
    const hit = flowCache.get(flowId);
    if (hit !== undefined && now - hit.at < CALLBACK_LOOKUP_REUSE_MS) return hit.flow;
    const flow = await store.flows.get(flowId);
    if (flowCache.size >= 10_000) flowCache.delete(flowCache.keys().next().value as string);
    flowCache.set(flowId, { at: now, flow });
    return flow;
  }

  /** The signature check under the flow's current key (the key re-read after {@link CALLBACK_LOOKUP_REUSE_MS}). */
  async function cachedVerifier(flow: FlowRecord): Promise<CallbackVerifier> {
    const now = clock.now();
    const hit = keyCache.get(flow.id);
    if (hit !== undefined && now - hit.at < CALLBACK_LOOKUP_REUSE_MS) return hit.verify;
    const key = await keys.keyFor(flow);
    // The same key keeps its verifier (and the signatures it remembers).
    const verify = hit !== undefined && Buffer.from(hit.key).equals(Buffer.from(key)) ? hit.verify : createCallbackVerifier(key, flow.id);
    if (keyCache.size >= 10_000) keyCache.delete(keyCache.keys().next().value as string);
    keyCache.set(flow.id, { at: now, key, verify });
    return verify;
  }

  /** The flow a callback call is for, once its signature holds (both cached: cheap to ask twice). */
  async function verifiedFlow(flowId: string, triggerName: string, query: CallbackQuery): Promise<FlowRecord> {
    const flow = await cachedFlow(flowId);
    if (flow === undefined) throw new CallRefusedError(404, 'no flow answers at this callback URL — get a current URL with `listCallbackUrl`', { code: 'FlowNotFound' });
    const refusal = (await cachedVerifier(flow))(triggerName, query);
    if (refusal !== undefined) throw new CallRefusedError(401, refusal, { code: 'CallbackSignatureInvalid' });
    return flow;
  }

  /** One due check of a schedule or polling trigger (a job of {@link TRIGGERS_QUEUE}). */
  async function check(flowId: string, triggerName: string, tick: number, signal: AbortSignal): Promise<void> {
    const state = await store.triggerStates.get(flowId, triggerName);
    if (state === undefined || state.tick !== tick || state.activeVersion === null) return;
    const flow = await store.flows.get(flowId);
    if (flow === undefined || flow.state !== 'enabled') return;
    const version = await versions.get(flowId, state.activeVersion);
    if (version === undefined) return;
    const loaded = loadVersion(version);
    const trigger = loaded.definition?.triggers.find((t) => t.name === triggerName);
    if (trigger === undefined) return;
    const kind = triggerKindOf(trigger);
    const now = clock.now();
    const schedule = scheduleOf(trigger);
    const cursor: Record<string, unknown> = { ...(isRecord(state.cursor) ? state.cursor : {}) };
    let firings: readonly unknown[] = [];
    let status = 'Succeeded';
    let error: unknown = null;
    let retryAfterMs: number | undefined;
    const full = await waitingQueueFull(flow, trigger);
    if (full !== undefined) {
      // Nothing is fetched or fired while the queue is full: the cursor stays, the next check comes as scheduled.
      status = 'Skipped';
      error = { code: 'TooManyWaitingRuns', message: full };
      if (kind === 'schedule') Object.assign(cursor, fireSchedule(schedule, cursor, state.nextAt ?? now).cursor);
    } else if (kind === 'schedule') {
      const fired = fireSchedule(schedule, cursor, state.nextAt ?? now);
      firings = [fired.outputs];
      Object.assign(cursor, fired.cursor);
    } else if (kind === 'polling') {
      if (ports.poll === undefined) throw new PlugboardError('polling triggers are not available in this process', { code: 'PollingNotAvailable' });
      try {
        const outcome = await ports.poll({ flow, version, loaded, trigger, cursor: cursor['poll'] ?? null, signal });
        firings = outcome.outcome === 'fired' ? outcome.firings : [];
        cursor['poll'] = outcome.cursor ?? null;
        status = outcome.outcome === 'fired' ? 'Succeeded' : outcome.outcome === 'skipped' ? 'Skipped' : 'Failed';
        error = outcome.error ?? null;
        retryAfterMs = outcome.retryAfterMs;
      } catch (thrown) {
        // A failed poll keeps the cursor: the next poll asks again from the same place.
        status = 'Failed';
        error = errorOf(thrown, 'PollFailed', 'polling');
        logger.warn('polling a trigger failed; the next poll asks again from the same cursor', { flowId, trigger: triggerName, error: errorMessage(thrown) });
      }
    } else {
      return;
    }
    const nextAt =
      retryAfterMs !== undefined && retryAfterMs >= 0
        ? now + Math.min(RETRY_AFTER_MAX_MS, Math.max(RETRY_AFTER_MIN_MS, retryAfterMs))
        : nextCheckAt(schedule, cursor, state.nextAt ?? now, now);
    const runIds: string[] = [];
    try {
      await store.transaction(async (tx) => {
        const updated = await tx.triggerStates.put({
          flowId,
          triggerName,
          expectedTick: tick,
          cursor,
          nextAt,
          lastStatus: firings.length === 0 && status === 'Succeeded' ? 'Skipped' : status,
          lastError: error,
          lastCheckedAt: now,
          ...(firings.length > 0 ? { lastFiredAt: now } : {}),
        });
        if (updated === undefined) throw new LostRace();
        for (const outputs of firings) runIds.push(await createRun(tx, flow, version.version, trigger, outputs));
        await enqueueCheck(tx, flowId, triggerName, updated.tick, nextAt);
      });
    } catch (thrown) {
      if (thrown instanceof LostRace) return;
      throw thrown;
    }
    options.observer?.triggerPolled?.({ kind: trigger.type, outcome: status === 'Failed' ? 'failed' : runIds.length > 0 ? 'fired' : 'skipped' });
    for (const _ of runIds) options.observer?.runStarted?.({ trigger: trigger.type });
  }

  return {
    reconcile: (flowId) => serialized(flowId, () => reconcileNow(flowId)),

    async reconcileAll() {
      const seen = new Set<string>();
      for (const environment of await store.environments.list()) {
        for (const flow of await store.flows.list(environment.id)) {
          seen.add(flow.id);
          try {
            await serialized(flow.id, () => reconcileNow(flow.id));
          } catch (error) {
            logger.warn('reconciling a flow’s triggers failed', { flowId: flow.id, error: errorMessage(error) });
          }
        }
      }
      for (const state of await store.triggerStates.listAll()) {
        if (seen.has(state.flowId)) continue;
        seen.add(state.flowId);
        await serialized(state.flowId, () => reconcileNow(state.flowId)).catch((error: unknown) => {
          logger.warn('reconciling a deleted flow’s triggers failed', { flowId: state.flowId, error: errorMessage(error) });
        });
      }
    },

    beforeDelete: (flowId) =>
      serialized(flowId, async () => {
        flowCache.delete(flowId);
        keyCache.delete(flowId);
        for (const state of await store.triggerStates.listForFlow(flowId)) {
          // Unsubscribing must succeed before the flow (and its definition) goes away; its error stops the delete.
          const after = await unsubscribeState(state);
          const current = after ?? (await store.triggerStates.get(flowId, state.triggerName));
          if (current !== undefined) await store.triggerStates.delete(flowId, current.triggerName);
        }
        await store.flowKeys.delete(flowId);
      }),

    async triggers(flow) {
      const states = new Map((await store.triggerStates.listForFlow(flow.id)).map((state) => [state.triggerName, state]));
      return (await currentTriggers(flow)).map((trigger) => ({ name: trigger.name, type: trigger.type, kind: triggerKindOf(trigger), state: states.get(trigger.name) }));
    },

    callbackUrl,

    regenerateKey: (flow) =>
      serialized(flow.id, async () => {
        // Subscriptions hold URLs signed with the old key: end them while that key still signs the
        // unsubscribe call's URL (a failure is kept on the trigger, as when disabling), then
        // reconcile, which subscribes them again with URLs under the new key.
        for (const state of await store.triggerStates.listForFlow(flow.id)) {
          if (state.subscription !== null) await deactivate(state);
        }
        await keys.regenerate(flow);
        keyCache.delete(flow.id);
        await reconcileNow(flow.id);
      }),

    async verifyCall(flowId, triggerName, query) {
      await verifiedFlow(flowId, triggerName, query);
    },

    async invoke(flowId, triggerName, query, request) {
      const flow = await verifiedFlow(flowId, triggerName, query);
      if (flow.state !== 'enabled') throw new CallRefusedError(409, `flow '${flow.name}' is disabled, so its trigger '${triggerName}' starts no runs — enable the flow first`, { code: 'FlowDisabled' });
      const version = await versions.get(flow.id, flow.currentVersion);
      if (version === undefined) throw new NotFoundError(`flow '${flow.name}' has no version ${flow.currentVersion}`, { code: 'FlowVersionNotFound' });
      const loaded = loadVersion(version);
      const trigger = loaded.definition?.triggers.find((t) => t.name === triggerName);
      if (trigger === undefined) throw new CallRefusedError(404, `flow '${flow.name}' has no trigger '${triggerName}' in its current version`, { code: 'TriggerNotFound' });
      const full = await waitingQueueFull(flow, trigger);
      if (full !== undefined) throw new CallRefusedError(429, full, { code: 'TooManyWaitingRuns' });
      const call: IncomingCall = { ...request, body: callBody(request.headers['content-type'], request.body) };
      let firings: readonly unknown[];
      if (isCallableTrigger(trigger)) firings = [requestTriggerOutputs(trigger, call)];
      else if (triggerKindOf(trigger) === 'webhook' && ports.notification !== undefined) {
        // Only a live subscription of the current version is delivered to; anything else is an orphan.
        const state = await store.triggerStates.get(flow.id, trigger.name);
        if (state === undefined || state.subscription === null || state.activeVersion !== version.version) {
          throw new CallRefusedError(404, `trigger '${triggerName}' of flow '${flow.name}' has no active subscription — the notification is not for a subscription this flow holds now`, { code: 'SubscriptionNotActive' });
        }
        firings = await ports.notification({ flow, version, loaded, trigger, call, subscription: state.subscription });
      }
      else throw new CallRefusedError(404, `trigger '${triggerName}' of flow '${flow.name}' is not started by calling a URL`, { code: 'TriggerNotCallable' });
      const clientTrackingId = call.headers['x-ms-client-tracking-id'];
      let hasResponse = replyingWorkflows.get(loaded);
      if (hasResponse === undefined) {
        hasResponse = [...(loaded.definition?.actionsByName.values() ?? [])].some((action) => action.type.toLowerCase() === 'response');
        replyingWorkflows.set(loaded, hasResponse);
      }
      const replies = hasResponse && firings.length === 1 && trigger.raw['splitOn'] === undefined;
      // Runs behind a concurrency limit queue for a slot: they start through their job.
      if (replies && options.replyingRuns !== undefined && triggerConcurrencyOf(trigger) === undefined) {
        const { runId, reply } = await options.replyingRuns.startAndReply({
          flow,
          version,
          triggerName,
          triggerOutputs: firings[0] ?? null,
          ...(clientTrackingId === undefined ? {} : { clientTrackingId }),
          timeoutMs: options.replyWaitMs ?? 120_000,
        });
        return { flow, runIds: [runId], replies, reply: { answer: reply } };
      }
      const runIds = firings.length === 0 ? [] : await store.transaction(async (tx) => {
        const ids: string[] = [];
        for (const outputs of firings) ids.push(await createRun(tx, flow, version.version, trigger, outputs, clientTrackingId === undefined ? {} : { clientTrackingId }));
        return ids;
      });
      for (const _ of runIds) options.observer?.runStarted?.({ trigger: trigger.type });
      return { flow, runIds, replies: replies && runIds.length === 1 };
    },

    work(workOptions = {}) {
      return queue.work(
        TRIGGERS_QUEUE,
        async (job, context) => {
          const payload = isRecord(job.payload) ? job.payload : {};
          const { flowId, triggerName, tick } = payload;
          if (typeof flowId !== 'string' || typeof triggerName !== 'string' || typeof tick !== 'number') {
            logger.warn('workflow.triggers job with an unexpected payload dropped', { jobId: job.id });
            return;
          }
          await check(flowId, triggerName, tick, context.signal);
        },
        { concurrency: workOptions.concurrency ?? 4, ...(workOptions.lockMs === undefined ? {} : { lockMs: workOptions.lockMs }), ...(workOptions.pollMs === undefined ? {} : { pollMs: workOptions.pollMs }) },
      );
    },
  };
}

/**
 * A trigger's `lastError` (shown as-is by `GET …/triggers`). Only a PlugboardError's message is
 * meant for users; anything else (a driver error, a bug) may carry internals, so it is replaced by
 * a generic message — the caller logs the real one, as the server's error mapper does for routes.
 */
function errorOf(error: unknown, fallbackCode: string, what: string): { readonly code: string; readonly message: string } {
  if (isPlugboardError(error)) return { code: error.code, message: error.message };
  return { code: fallbackCode, message: `an unexpected error occurred while ${what} — the server log has the details` };
}
