/**
 * The state machine of one run: schedules actions by `runAfter` (independent branches at once),
 * runs Foreach iterations with their concurrency, and journals every attempt in the store
 * (`startAction` → `finishAction`, `recordAction` for skips) before any successor starts. Leaf
 * actions go through the executor registry; the control actions (Scope, If, Switch, Foreach,
 * Until) are handled here because they run other actions.
 *
 * Resume: given the journal of an earlier execution of the same run, a finished leaf action is
 * not run again — its recorded result is applied (history, variables, reply, termination); an
 * attempt left unfinished runs again as a new attempt (the store closes the old one `Aborted`);
 * control actions are entered again and their recorded children restored the same way.
 *
 * Suspension: a Wait longer than `inlineWaitMs` leaves its attempt open and ends the execution
 * early (`suspendedUntil`); the caller schedules the continuation, which resumes from the journal.
 *
 * Cancellation (`cancelSignal`, or a journal write refused because the run already ended): no
 * action starts any more, actions in flight are aborted through their signal, and nothing more is
 * journaled — whoever cancelled closed the run and its open attempts. Stopping (`stopSignal`,
 * SIGTERM): no action starts any more, actions in flight finish and are journaled, except those
 * that wait (Wait, Workflow), which stay open as checkpoints; executing the run again resumes it.
 */
import { ConflictError } from '../../core/index.ts';
import type { Clock, Logger } from '../../core/index.ts';
import { createWorkflowEvaluator, isRecord } from '../../expressions/index.ts';
import type { ExpressionContext } from '../../expressions/index.ts';
import { StorageErrorCode } from '../../storage/index.ts';
import type { ActionRecord, RecordActionInput, StoreTransaction } from '../../storage/index.ts';
import type { RunObserver } from '../../observability/index.ts';
import { realSleep } from '../../queue/index.ts';
import type { ActionContext, ActionErrorInfo, ActionInput, ActionOutcome, ActionResponse, HttpPort, RunTermination } from '../actions/contract.ts';
import { evaluateCondition } from '../actions/conditions.ts';
import { foreachItems } from '../actions/foreach-items.ts';
import { failureOf } from '../actions/registry.ts';
import type { ActionRegistry } from '../actions/registry.ts';
import { historyView, inheritedSecureParts } from '../actions/secure-data.ts';
import type { SecuredProducer } from '../actions/secure-data.ts';
import { switchCase } from '../actions/switch-case.ts';
import type { SwitchCaseDefinition } from '../actions/switch-case.ts';
import { createValueEvaluator } from '../actions/value-evaluator.ts';
import type { ValueEvaluator } from '../actions/value-evaluator.ts';
import { createVariableStore } from '../actions/variable-store.ts';
import type { VariableStore } from '../actions/variable-store.ts';
import type { ActionContainer, WorkflowAction, WorkflowDefinition } from '../definition/model.ts';
import { hasOperationOption } from '../definition/operation-options.ts';
import { CONTAINER_FAILED_ERROR, loopStatus, scopeStatus } from '../rules/aggregate-status.ts';
import type { ContainerStatus, FinishedAction } from '../rules/aggregate-status.ts';
import { parseIsoDuration } from '../rules/iso-duration.ts';
import { shouldRun, skipError } from '../rules/should-run.ts';
import type { ActionStatus } from '../rules/status.ts';
import { EMPTY_JOURNAL, isFinalRecord, recordedResponse, recordedTermination, replayVariableEffect } from './journal.ts';
import type { RunJournal } from './journal.ts';
import { recordAll } from './run-end.ts';

/** Defaults of an Until's `limit` (wdl.md §4). */
export const UNTIL_DEFAULTS: Readonly<{ count: number; timeoutMs: number }> = Object.freeze({ count: 60, timeoutMs: 3_600_000 });

/** Foreach concurrency: default 20 iterations at once, 1–50 (wdl.md §7). */
export const FOREACH_CONCURRENCY: Readonly<{ default: number; min: number; max: number }> = Object.freeze({ default: 20, min: 1, max: 50 });

/** How one action ended (its last attempt / last iteration), as the run result reports it. */
export interface RunActionResult {
  readonly status: ActionStatus;
  readonly outputs: unknown;
  readonly error: ActionErrorInfo | null;
}

/** The journal writes the engine makes; the store's `runs` (or a transaction's) satisfy it. */
export type RunJournalWriter = Pick<StoreTransaction['runs'], 'startAction' | 'finishAction' | 'recordAction'>;

/** What the engine needs besides the definition. */
export interface RunEngineOptions {
  readonly runs: RunJournalWriter;
  readonly clock: Clock;
  readonly runId: string;
  readonly registry: ActionRegistry;
  readonly parameters: Readonly<Record<string, unknown>>;
  readonly triggerOutputs: unknown;
  readonly workflow: unknown;
  readonly http?: HttpPort;
  /** Extra ports handed to every leaf action (connectors, child flows, …). */
  readonly ports?: Partial<ActionContext>;
  /** Attempts an earlier execution of this run recorded (resume); default: none. */
  readonly journal?: RunJournal;
  /**
   * Waits up to this long happen in this process (sleeping); longer ones suspend the execution
   * (`suspendedUntil`). `Infinity` (the default) never suspends.
   */
  readonly inlineWaitMs?: number;
  /** Sleeps `ms` (a Wait, done in-process), ending early when `signal` aborts; default: the queue's real timers. */
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Told when a Response action produced the run's reply (before the run ends). */
  readonly onResponse?: (response: ActionResponse) => void;
  /** Evaluates action inputs; share one between runs (it caches parsed templates). Default: a new one on `clock`. */
  readonly evaluateValue?: ValueEvaluator;
  /**
   * Aborted when the run was cancelled: no action starts any more, actions in flight are aborted
   * through their signal, nothing more is journaled (the canceller closed the run and its attempts).
   */
  readonly cancelSignal?: AbortSignal;
  /**
   * Aborted when this process stops (SIGTERM) or loses the run: no action starts any more; actions
   * in flight finish and are journaled, except waiting ones (Wait, Workflow), left open as
   * checkpoints. The execution then ends early ({@link RunEngine.stopped}).
   */
  readonly stopSignal?: AbortSignal;
  /**
   * Writes deferred results of pure actions together (one transaction when the host has one);
   * default: one `recordAction` each. See {@link RunEngine.takeDeferred}.
   */
  readonly writeDeferred?: (records: readonly RecordActionInput[]) => Promise<void>;
  /** Told when each leaf or control action of this execution ends (metrics). */
  readonly observer?: Pick<RunObserver, 'actionFinished'>;
  /** Lines about this run's actions (bound to the flow and run ids by the host). */
  readonly logger?: Logger;
  /**
   * In-memory mode for a run not written yet: only pure built-ins (and skips) run, their results
   * kept back ({@link RunEngine.takeDeferred}); the first action that would need a journal write
   * before it starts (a side effect, a control action, a Wait…) is not started — the execution
   * ends there ({@link RunEngine.handedOver}) and the host runs the whole run again durably.
   */
  readonly pureOnly?: boolean;
}

/**
 * Leaf actions that only wait (a timer, a child flow's reply): when the process stops they are not
 * waited for but left open, and run again (a Wait: for what is left of its interval) on resume.
 */
const CHECKPOINTED_ON_STOP: ReadonlySet<string> = new Set(['wait', 'workflow']);

/** What a stopped wait for an action's outcome yields. */
const STOPPED = Symbol('stopped');

/** Deferred pure results written at once when this many are waiting (bounds memory in long loops). */
const DEFERRED_BATCH = 100;

/**
 * Built-in actions without effects outside the run: a crash while one runs loses nothing, so it is
 * journaled once, when it ends (one write instead of start + finish). Everything else (Http,
 * connectors, child flows, inline code, Wait…) is journaled as started before it runs.
 */
const JOURNALED_AT_END: ReadonlySet<string> = new Set([
  'compose',
  'parsejson',
  'query',
  'select',
  'join',
  'table',
  'initializevariable',
  'setvariable',
  'incrementvariable',
  'decrementvariable',
  'appendtoarrayvariable',
  'appendtostringvariable',
  'terminate',
  'response',
]);

/** Where an action runs: its loop iteration and the loop values visible there. */
interface Frame {
  readonly iterationKey: string;
  readonly items: Readonly<Record<string, unknown>>;
  readonly iterationIndexes: Readonly<Record<string, number>>;
  readonly item?: unknown;
  readonly hasItem: boolean;
  /** Results of actions run in this loop iteration: inside it, `body('X')` reads this iteration's X. */
  readonly local?: Map<string, HistoryEntry>;
  readonly parent?: Frame;
}

/** What expressions see as `actions('X')`. */
interface HistoryEntry {
  readonly name: string;
  readonly status: ActionStatus;
  readonly inputs: unknown;
  readonly outputs: unknown;
  readonly error: ActionErrorInfo | null;
}

interface ExecutedAction {
  readonly status: ActionStatus;
  readonly inputs?: unknown;
  readonly outputs?: unknown;
  readonly error?: ActionErrorInfo;
  /** The unredacted outcome, for expressions of later actions (when history hides parts). */
  readonly real?: ActionOutcome;
  readonly trackedProperties?: Record<string, unknown>;
}

/** An action that did not finish in this execution (a suspended Wait, or a container holding one). */
const PENDING = 'Pending' as const;
type Step = ActionStatus | typeof PENDING;

const TERMINATED_SKIP: ActionErrorInfo = Object.freeze({ code: 'ActionSkipped', message: 'The action was skipped because a Terminate action ended the run.' });

/** The frame of the top-level actions (outside every loop). */
const ROOT_FRAME: Frame = Object.freeze({ iterationKey: '', items: {}, iterationIndexes: {}, hasItem: false });

/** The state of one run while it executes. */
export class RunEngine {
  terminated: RunTermination | undefined;
  response: ActionResponse | undefined;
  /** Set when a Wait suspended the execution: the earliest time the run must continue (epoch ms). */
  suspendedUntil: number | undefined;
  private readonly options: RunEngineOptions;
  /** Aborted when the run is cancelled or found ended in the store: aborts every action in flight. */
  private readonly ended = new AbortController();
  /**
   * Results of pure built-ins (Compose, variables, Response…) not written yet. They are written
   * before the next side-effecting action starts, every {@link DEFERRED_BATCH} records, and by the
   * host with the run's end (one commit for the whole tail of pure actions). A crash before that
   * re-runs them on resume — they are deterministic and touch nothing outside the run.
   */
  private deferred: RecordActionInput[] = [];
  /** Set in `pureOnly` mode when an action needing a journal write was reached (see {@link handedOver}). */
  private handOver = false;
  /** False when the top-level actions did not all finish in this execution. */
  private complete = true;
  private readonly journal: RunJournal;
  private readonly variables: VariableStore = createVariableStore();
  /** What expressions read outside loops: real values, even of secured actions (last one wins). */
  private readonly history = new Map<string, HistoryEntry>();
  /** What the result reports: run history's view (secured parts hidden), in the order actions finished. */
  private readonly reported = new Map<string, RunActionResult>();
  private readonly results = new Map<string, unknown[]>();
  /** Type and secured parts of every leaf action run so far, for secure-data propagation. */
  private readonly producers = new Map<string, SecuredProducer>();
  /** Whether any producer so far has a secured part. */
  private anySecured = false;
  private readonly evaluateValue: ValueEvaluator;
  private readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;

  constructor(options: RunEngineOptions) {
    this.options = options;
    this.journal = options.journal ?? EMPTY_JOURNAL;
    this.evaluateValue = options.evaluateValue ?? createValueEvaluator({ evaluator: createWorkflowEvaluator({ clock: options.clock }) });
    this.sleep = options.sleep ?? realSleep;
    const cancel = options.cancelSignal;
    if (cancel?.aborted === true) this.ended.abort();
    else cancel?.addEventListener('abort', () => this.ended.abort(), { once: true });
  }

  /** True when a Wait suspended the execution before the run's end. */
  get suspended(): boolean {
    return this.suspendedUntil !== undefined;
  }

  /**
   * True when the run was cancelled, or the store refused a journal write because the run already
   * ended (cancelled by another process, or finished by a worker that took it over): this
   * execution's results no longer count.
   */
  get cancelled(): boolean {
    return this.ended.signal.aborted;
  }

  /** True when a `pureOnly` execution reached an action it may not start (its results do not count). */
  get handedOver(): boolean {
    return this.handOver;
  }

  /** True when the stop signal ended the execution before the run's end: execute the run again to resume it. */
  get stopped(): boolean {
    return !this.cancelled && this.options.stopSignal?.aborted === true && !this.complete;
  }

  /** No new action may start: the run was cancelled or the process stops. */
  private get halted(): boolean {
    return this.cancelled || this.handOver || this.options.stopSignal?.aborted === true;
  }

  /** Runs the definition's top-level actions; returns how each ended (incomplete when suspended, stopped or cancelled). */
  async runDefinition(definition: WorkflowDefinition): Promise<FinishedAction[]> {
    const { finished, complete } = await this.runContainer(definition.actions, ROOT_FRAME);
    this.complete = complete;
    return finished;
  }

  /** The deferred pure results not written yet, handed to the host to write with the run's end (emptied). */
  takeDeferred(): RecordActionInput[] {
    const taken = this.deferred;
    this.deferred = [];
    return taken;
  }

  /** Writes the deferred pure results; false when the run ended elsewhere meanwhile. */
  async flushDeferred(): Promise<boolean> {
    if (this.deferred.length === 0) return true;
    const batch = this.takeDeferred();
    const writeAll = this.options.writeDeferred ?? ((records: readonly RecordActionInput[]) => recordAll(this.options.runs, records));
    return (await this.write(async () => { await writeAll(batch); return true; })) === true;
  }

  /**
   * A journal write; `undefined` when the store refused it because the run (or this attempt)
   * already ended elsewhere — the execution is then cancelled.
   */
  private async write<T>(work: () => Promise<T>): Promise<T | undefined> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof ConflictError && (error.code === StorageErrorCode.RunAlreadyFinished || error.code === StorageErrorCode.ActionAlreadyFinished)) {
        this.ended.abort();
        return undefined;
      }
      throw error;
    }
  }

  /** Sleeps `ms`; false when the run was cancelled or the process stops before the time is up. */
  private async pause(ms: number): Promise<boolean> {
    const signals = [this.ended.signal, ...(this.options.stopSignal === undefined ? [] : [this.options.stopSignal])];
    const signal = signals.length === 1 ? this.ended.signal : AbortSignal.any(signals);
    if (signal.aborted) return false;
    await this.sleep(ms, signal);
    return !signal.aborted;
  }

  /** The outcome of `work`, or {@link STOPPED} as soon as the process stops (the work goes on unobserved). */
  private async untilStopped(work: Promise<ActionOutcome>): Promise<ActionOutcome | typeof STOPPED> {
    const stop = this.options.stopSignal;
    if (stop === undefined) return work;
    if (stop.aborted) return STOPPED;
    let onStop: (() => void) | undefined;
    const stopped = new Promise<typeof STOPPED>((resolve) => {
      onStop = () => resolve(STOPPED);
      stop.addEventListener('abort', onStop, { once: true });
    });
    try {
      return await Promise.race([work, stopped]);
    } finally {
      if (onStop !== undefined) stop.removeEventListener('abort', onStop);
    }
  }

  /**
   * Runs a container's actions in runAfter order, every ready action at once; returns how each
   * ended, and whether some could not finish in this execution (a suspended Wait).
   */
  private async runContainer(container: ActionContainer, frame: Frame): Promise<{ finished: FinishedAction[]; complete: boolean }> {
    const statuses: Record<string, ActionStatus | undefined> = {};
    const finished: FinishedAction[] = [];
    const pending = [...container.actions];
    const running = new Map<string, Promise<{ action: WorkflowAction; step: Step }>>();
    let complete = true;
    while (pending.length > 0 || running.size > 0) {
      for (let index = 0; index < pending.length && !this.halted; ) {
        const action = pending[index];
        if (action !== undefined && (this.terminated !== undefined || shouldRun(action.runAfter, statuses).kind !== 'wait')) {
          pending.splice(index, 1);
          running.set(action.name, this.runOne(action, frame, statuses).then((step) => ({ action, step })));
        } else {
          index++;
        }
      }
      if (running.size === 0) {
        // Nothing can start: the rest waits on a suspended action, on a cycle (validation rejects
        // those), or on an execution that was cancelled or stops.
        if (!complete || this.halted) break;
        const [action] = pending.splice(0, 1);
        if (action === undefined) break;
        running.set(action.name, this.runOne(action, frame, statuses).then((step) => ({ action, step })));
      }
      const { action, step } = await Promise.race(running.values());
      running.delete(action.name);
      if (step === PENDING) {
        complete = false;
        continue;
      }
      statuses[action.name] = step;
      finished.push({ name: action.name, status: step, runAfter: action.runAfter });
    }
    return { finished, complete: complete && pending.length === 0 };
  }

  private async runOne(action: WorkflowAction, frame: Frame, statuses: Readonly<Record<string, ActionStatus | undefined>>): Promise<Step> {
    if (this.halted) return PENDING;
    if (this.terminated !== undefined) {
      await this.skip(action, frame, TERMINATED_SKIP);
      return 'Skipped';
    }
    const decision = shouldRun(action.runAfter, statuses);
    if (decision.kind !== 'run') {
      const error = decision.kind === 'skip' ? skipError(action.name, decision.unmet) : { code: 'ActionConditionFailed', message: `The runAfter condition of action '${action.name}' can never be met (a cycle).` };
      await this.skip(action, frame, error);
      return 'Skipped';
    }
    const recorded = this.journal.latest(frame.iterationKey, action.name);
    const control = isControl(action);
    if (recorded !== undefined && isFinalRecord(recorded) && !control) return this.restore(action, frame, recorded);
    // A control action is entered again on resume (its children restore themselves); it keeps
    // its open attempt. A leaf attempt left open ran in a process that died: it runs again.
    const reuse = recorded !== undefined && (control || action.type.toLowerCase() === 'wait') ? recorded : undefined;
    const atEnd = reuse === undefined && JOURNALED_AT_END.has(action.type.toLowerCase()) && action.raw['limit'] === undefined;
    let attemptId: string | undefined = reuse?.id;
    if (reuse === undefined && !atEnd && this.options.pureOnly === true) {
      this.handOver = true;
      return PENDING;
    }
    if (reuse === undefined && !atEnd) {
      // Pure results before a side effect are committed before it starts.
      if ((await this.flushDeferred()) === false) return PENDING;
      // Starting an attempt reads the run's status in the store: a run cancelled elsewhere stops here, at no extra cost.
      const started = await this.write(() => this.options.runs.startAction({ runId: this.options.runId, name: action.name, iterationKey: frame.iterationKey }));
      if (started === undefined) return PENDING;
      attemptId = started.id;
    }
    const began = this.options.clock.now();
    const executed = await this.execute(action, frame, reuse);
    if (executed === PENDING || this.cancelled) return PENDING;
    this.options.observer?.actionFinished({ type: action.type, status: executed.status, durationMs: this.options.clock.now() - began });
    if (executed.status === 'Failed' || executed.status === 'TimedOut') {
      this.options.logger?.info('action ended without success', { action: action.name, actionType: action.type, status: executed.status, code: executed.error?.code });
    }
    if (reuse !== undefined && isFinalRecord(reuse)) return executed.status;
    const result = {
      status: executed.status,
      inputs: executed.inputs ?? null,
      outputs: executed.outputs ?? null,
      error: executed.error ?? null,
      ...(executed.trackedProperties === undefined ? {} : { trackedProperties: executed.trackedProperties }),
    };
    const id = attemptId;
    if (id === undefined) {
      // Stamped by the store when written: written in execution order, before any later attempt starts.
      this.deferred.push({ runId: this.options.runId, name: action.name, iterationKey: frame.iterationKey, ...result });
      // (A pureOnly execution has no run to write to yet: it is bounded by the definition's action count.)
      if (this.deferred.length >= DEFERRED_BATCH && this.options.pureOnly !== true && (await this.flushDeferred()) === false) return PENDING;
      return executed.status;
    }
    const written = await this.write(() => this.options.runs.finishAction(id, result));
    return written === undefined ? PENDING : executed.status;
  }

  /** Applies a finished leaf action's recorded result instead of running it again. */
  private restore(action: WorkflowAction, frame: Frame, record: ActionRecord): ActionStatus {
    const status = record.status as ActionStatus;
    const error = isRecord(record.error) ? (record.error as unknown as ActionErrorInfo) : undefined;
    replayVariableEffect(action.type, record, this.variables);
    const type = action.type.toLowerCase();
    if (type === 'response') {
      const response = recordedResponse(record);
      if (response !== undefined) this.response = response;
    }
    if (type === 'terminate') {
      const termination = recordedTermination(record);
      if (termination !== undefined) this.terminated = termination;
    }
    this.producers.set(action.name, { type: action.type });
    const result = { status, inputs: record.inputs, outputs: record.outputs, ...(error === undefined ? {} : { error }) };
    this.remember(action.name, result, frame);
    this.reported.set(action.name, { status, outputs: record.outputs ?? null, error: error ?? null });
    return status;
  }

  /** Records `action` (and everything nested in it) as Skipped. */
  private async skip(action: WorkflowAction, frame: Frame, error: ActionErrorInfo): Promise<void> {
    if (this.cancelled) return;
    const recorded = this.journal.latest(frame.iterationKey, action.name);
    if (recorded === undefined || !isFinalRecord(recorded)) {
      const skipped: RecordActionInput = { runId: this.options.runId, name: action.name, iterationKey: frame.iterationKey, status: 'Skipped', error };
      if (this.options.pureOnly === true) {
        this.deferred.push(skipped);
      } else {
        // The history keeps the order things happened in: what ran before the skip is written first.
        await this.flushDeferred();
        await this.write(() => this.options.runs.recordAction(skipped));
      }
    }
    this.remember(action.name, { status: 'Skipped', error }, frame);
    this.reported.set(action.name, { status: 'Skipped', outputs: null, error });
    for (const container of action.containers) {
      for (const child of container.actions) await this.skip(child, frame, { code: 'ActionSkipped', message: `The action was skipped because its container '${action.name}' did not run it.` });
    }
  }

  private async execute(action: WorkflowAction, frame: Frame, reuse: ActionRecord | undefined): Promise<ExecutedAction | typeof PENDING> {
    const input = actionInputOf(action);
    let executed: ExecutedAction | typeof PENDING;
    try {
      switch (action.type.toLowerCase()) {
        case 'scope':
          executed = await this.runScope(action, frame);
          break;
        case 'if':
          executed = await this.runIf(action, frame);
          break;
        case 'switch':
          executed = await this.runSwitch(action, frame);
          break;
        case 'foreach':
          executed = await this.runForeach(action, frame);
          break;
        case 'until':
          executed = await this.runUntil(action, frame, reuse);
          break;
        default:
          executed = await this.runLeaf(action, input, frame, reuse);
      }
    } catch (error) {
      executed = { status: 'Failed', error: failureOf(input, error) };
    }
    if (executed === PENDING) return PENDING;
    const tracked = this.trackedProperties(action, executed, frame);
    if (tracked !== undefined) executed = { ...executed, trackedProperties: tracked };
    this.remember(action.name, executed.real ?? executed, frame);
    this.reported.set(action.name, { status: executed.status, outputs: executed.outputs ?? null, error: executed.error ?? null });
    return executed;
  }

  private async runLeaf(action: WorkflowAction, input: ActionInput, frame: Frame, reuse: ActionRecord | undefined): Promise<ExecutedAction | typeof PENDING> {
    // A Wait resumed from the journal measures its interval from when its attempt started.
    const clock: Clock = reuse !== undefined ? { now: () => reuse.startedAt } : this.options.clock;
    const timeoutMs = actionTimeoutMs(action);
    const controller = timeoutMs === undefined ? undefined : new AbortController();
    // Aborted by its own limit.timeout or by the run's cancellation.
    const signal = controller === undefined ? this.ended.signal : AbortSignal.any([controller.signal, this.ended.signal]);
    const context: ActionContext = {
      sleep: this.sleep,
      ...this.options.ports,
      evaluate: (value, extra) => this.evaluateValue(value, { ...this.expressionContext(frame), ...extra }),
      variables: this.variables,
      clock,
      workflowSnapshot: () => {
        const context = this.expressionContext(frame);
        return { trigger: context.trigger, actions: context.actions ?? {}, workflow: this.options.workflow };
      },
      ...(this.options.http === undefined ? {} : { http: this.options.http }),
      signal,
    };
    const work = withTimeout(this.options.registry.execute(input, context), timeoutMs, controller, action.name);
    const outcome = CHECKPOINTED_ON_STOP.has(action.type.toLowerCase()) ? await this.untilStopped(work) : await work;
    if (outcome === STOPPED) {
      // Left open: the child flow's reply is not waited for; the action runs again on resume.
      work.catch(() => undefined);
      return PENDING;
    }
    if (outcome.waitUntil !== undefined && outcome.status === 'Succeeded') {
      const delay = outcome.waitUntil - this.options.clock.now();
      if (delay > (this.options.inlineWaitMs ?? Number.POSITIVE_INFINITY)) {
        this.suspendedUntil = Math.min(this.suspendedUntil ?? Number.POSITIVE_INFINITY, outcome.waitUntil);
        return PENDING;
      }
      if (timeoutMs !== undefined && delay > timeoutMs) {
        // The Wait outlives its own limit.timeout: it ends TimedOut when the limit is reached.
        if (!(await this.pause(timeoutMs))) return PENDING;
        return { status: 'TimedOut', inputs: outcome.inputs, error: { code: 'ActionTimedOut', message: `action '${action.name}' did not finish within its limit.timeout of ${timeoutMs} ms and was stopped` } };
      }
      // Cut short by a stop, the Wait stays open (a checkpoint); resumed, it waits what is left.
      if (delay > 0 && !(await this.pause(delay))) return PENDING;
    }
    if (outcome.terminate !== undefined) this.terminated = outcome.terminate;
    if (outcome.response !== undefined && outcome.status === 'Succeeded') {
      if (this.response !== undefined) {
        return { status: 'Failed', error: { code: 'ActionResponseAlreadySent', message: `action '${action.name}': a Response was already sent by an earlier action; a run replies once` } };
      }
      this.response = outcome.response;
      this.options.onResponse?.(outcome.response);
    }
    // An action that reads a secured result hides its inputs too (Logic Apps propagates secure
    // data), and its outputs when they carry it (Compose; inline code, which reads through
    // workflowContext): otherwise a Compose of a secured Http body would show the secret in history.
    const inherited = inheritedSecureParts({ type: action.type, rawInputs: action.raw['inputs'] }, {
      producer: (name) => (name === null ? undefined : this.producerNamed(name)),
      anySecured: this.anySecured,
    });
    const effective: ActionOutcome = inherited === undefined ? outcome : { ...outcome, secure: { inputs: true, outputs: (outcome.secure?.outputs ?? false) || inherited.outputs } };
    this.producers.set(action.name, { type: action.type, ...(effective.secure === undefined ? {} : { secure: effective.secure }) });
    if (effective.secure !== undefined && (effective.secure.inputs || effective.secure.outputs)) this.anySecured = true;
    // Run history hides secured parts; expressions of later actions still read the real values.
    const shown = historyView(effective);
    return { status: outcome.status, inputs: shown.inputs, outputs: shown.outputs, real: outcome, ...(outcome.error === undefined ? {} : { error: outcome.error }) };
  }

  /** The producer named `name`, matched ignoring case as expressions and inline code match action names. */
  private producerNamed(name: string): SecuredProducer | undefined {
    const exact = this.producers.get(name);
    if (exact !== undefined) return exact;
    const lower = name.toLowerCase();
    for (const [key, producer] of this.producers) if (key.toLowerCase() === lower) return producer;
    return undefined;
  }

  private async runScope(action: WorkflowAction, frame: Frame): Promise<ExecutedAction | typeof PENDING> {
    const body = action.containers[0];
    const { finished, complete } = body === undefined ? { finished: [], complete: true } : await this.runContainer(body, frame);
    if (!complete) return PENDING;
    return this.containerEnd(action, scopeStatus(finished), finished);
  }

  private async runIf(action: WorkflowAction, frame: Frame): Promise<ExecutedAction | typeof PENDING> {
    const result = await this.beforeChildren(action, frame, () =>
      evaluateCondition(action.raw['expression'], { evaluate: (value, extra) => this.evaluateValue(value, { ...this.expressionContext(frame), ...extra }) }),
    );
    const taken = action.containers.find((c) => c.parent?.branch === (result ? 'actions' : 'else'));
    for (const other of action.containers) if (other !== taken) for (const child of other.actions) await this.skip(child, frame, notTaken(action.name));
    const { finished, complete } = taken === undefined ? { finished: [], complete: true } : await this.runContainer(taken, frame);
    if (!complete) return PENDING;
    const ended = this.containerEnd(action, scopeStatus(finished), finished);
    return { ...ended, inputs: { expressionResult: result }, outputs: { expression: result } };
  }

  private async runSwitch(action: WorkflowAction, frame: Frame): Promise<ExecutedAction | typeof PENDING> {
    const on = await this.beforeChildren(action, frame, () => this.evaluateValue(action.raw['expression'], this.expressionContext(frame)));
    const rawCases = action.raw['cases'];
    const cases: Record<string, SwitchCaseDefinition> = {};
    if (isRecord(rawCases)) for (const [name, value] of Object.entries(rawCases)) cases[name] = isRecord(value) ? value : {};
    const matched = await this.beforeChildren(action, frame, () => switchCase(on, cases));
    const taken = action.containers.find((c) => (matched === undefined ? c.parent?.branch === 'default' : c.parent?.branch === 'case' && c.parent.caseName === matched));
    for (const other of action.containers) if (other !== taken) for (const child of other.actions) await this.skip(child, frame, notTaken(action.name));
    const { finished, complete } = taken === undefined ? { finished: [], complete: true } : await this.runContainer(taken, frame);
    if (!complete) return PENDING;
    const ended = this.containerEnd(action, scopeStatus(finished), finished);
    return { ...ended, inputs: { expressionValue: on }, outputs: { case: matched ?? null } };
  }

  private async runForeach(action: WorkflowAction, frame: Frame): Promise<ExecutedAction | typeof PENDING> {
    const items = await this.beforeChildren(action, frame, () => foreachItems(this.evaluateValue(action.raw['foreach'], this.expressionContext(frame))));
    const body = action.containers[0];
    const iterations: (ContainerStatus | undefined)[] = new Array(items.length);
    const concurrency = foreachConcurrency(action);
    let next = 0;
    let complete = true;
    const worker = async (): Promise<void> => {
      while (next < items.length && this.terminated === undefined && !this.halted) {
        const index = next++;
        const inner = loopFrame(frame, { name: action.name, index, item: items[index], hasItem: true });
        const ran = body === undefined ? { finished: [], complete: true } : await this.runContainer(body, inner);
        if (!ran.complete) complete = false;
        iterations[index] = scopeStatus(ran.finished);
        this.collectResults(action.name, ran.finished, inner);
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, Math.max(1, items.length)) }, worker));
    if (!complete || (next < items.length && this.terminated === undefined)) return PENDING;
    const ran = iterations.filter((status): status is ContainerStatus => status !== undefined);
    const status = loopStatus(ran);
    return { status, inputs: { foreachItems: items.length }, outputs: { iterations: ran.length }, ...(status === 'Failed' ? { error: { ...CONTAINER_FAILED_ERROR } } : {}) };
  }

  private async runUntil(action: WorkflowAction, frame: Frame, reuse: ActionRecord | undefined): Promise<ExecutedAction | typeof PENDING> {
    const limit = untilLimit(action.raw['limit']);
    const body = action.containers[0];
    // On resume the timeout counts from when the loop first started.
    const started = reuse?.startedAt ?? this.options.clock.now();
    const iterations: ContainerStatus[] = [];
    let met = false;
    for (let index = 0; this.terminated === undefined; index++) {
      if (this.halted) return PENDING;
      const inner = loopFrame(frame, { name: action.name, index, hasItem: false });
      const ran = body === undefined ? { finished: [], complete: true } : await this.runContainer(body, inner);
      if (!ran.complete) return PENDING;
      iterations.push(scopeStatus(ran.finished));
      this.collectResults(action.name, ran.finished, inner);
      met = evaluateCondition(action.raw['expression'], { evaluate: (value, extra) => this.evaluateValue(value, { ...this.expressionContext(inner), ...extra }) });
      // Limits are checked between passes: an overrunning pass is not interrupted (wdl.md §4).
      if (met || index + 1 >= limit.count || this.options.clock.now() - started >= limit.timeoutMs) break;
    }
    // An Until ends with the status of its last pass (an earlier failed pass that the loop got past
    // does not fail it); with `FailWhenLimitsReached` a limit reached before the condition fails it.
    const last = iterations[iterations.length - 1];
    const failWhenLimits = hasOperationOption(action.raw, 'FailWhenLimitsReached');
    const status: ContainerStatus = last === 'Failed' || (failWhenLimits && !met && this.terminated === undefined) ? 'Failed' : 'Succeeded';
    return {
      status,
      inputs: { limit: { count: limit.count, timeoutMs: limit.timeoutMs } },
      outputs: { iterations: iterations.length, conditionMet: met },
      ...(status === 'Failed'
        ? { error: last === 'Failed' ? { ...CONTAINER_FAILED_ERROR } : { code: 'UntilLimitsReached', message: `Until '${action.name}' reached its limit (${limit.count} passes or ${limit.timeoutMs} ms) before its condition held, and FailWhenLimitsReached is set` } }
        : {}),
    };
  }

  /**
   * Runs a control action's own evaluation (condition, Switch value, Foreach items); when it
   * throws, the children will never run, so they are recorded Skipped before the action fails.
   */
  private async beforeChildren<T>(action: WorkflowAction, frame: Frame, work: () => T): Promise<T> {
    try {
      return work();
    } catch (error) {
      for (const container of action.containers) for (const child of container.actions) await this.skip(child, frame, notTaken(action.name));
      throw error;
    }
  }

  private containerEnd(action: WorkflowAction, status: ContainerStatus, children: readonly FinishedAction[]): ExecutedAction {
    this.results.set(action.name, children.map((child) => this.historyObject(child.name)));
    return status === 'Failed' ? { status, error: { ...CONTAINER_FAILED_ERROR } } : { status };
  }

  private collectResults(loop: string, children: readonly FinishedAction[], frame: Frame): void {
    const list = this.results.get(loop) ?? [];
    for (const child of children) list.push(frame.local?.get(child.name) ?? this.historyObject(child.name));
    this.results.set(loop, list);
  }

  private remember(name: string, result: { readonly status: ActionStatus; readonly inputs?: unknown; readonly outputs?: unknown; readonly error?: ActionErrorInfo }, frame: Frame): void {
    const entry: HistoryEntry = { name, status: result.status, inputs: result.inputs ?? null, outputs: result.outputs ?? null, error: result.error ?? null };
    this.history.set(name, entry);
    frame.local?.set(name, entry);
  }

  private historyObject(name: string): unknown {
    return this.history.get(name) ?? { name, status: 'Skipped', inputs: null, outputs: null, error: null };
  }

  /** `trackedProperties` evaluated after the action, with `action()` = its result. */
  private trackedProperties(action: WorkflowAction, executed: ExecutedAction, frame: Frame): Record<string, unknown> | undefined {
    const declared = action.raw['trackedProperties'];
    if (!isRecord(declared)) return undefined;
    const self = { name: action.name, status: executed.status, inputs: executed.real?.inputs ?? executed.inputs ?? null, outputs: executed.real?.outputs ?? executed.outputs ?? null, error: executed.error ?? null };
    const tracked: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(declared)) {
      try {
        tracked[name] = this.evaluateValue(value, { ...this.expressionContext(frame), action: self }) ?? null;
      } catch {
        // A tracked property that does not evaluate is left empty; it never changes the action's status.
        tracked[name] = null;
      }
    }
    return tracked;
  }

  /** The expression context of an evaluation in `frame`, built from the run's state now. */
  private expressionContext(frame: Frame): ExpressionContext {
    const actions: Record<string, HistoryEntry> = Object.fromEntries(this.history);
    // Inside a loop iteration, its own actions win over other iterations' (concurrent Foreach).
    const chain: Frame[] = [];
    for (let at: Frame | undefined = frame; at !== undefined; at = at.parent) if (at.local !== undefined) chain.push(at);
    for (let index = chain.length - 1; index >= 0; index--) for (const [name, entry] of chain[index]?.local ?? []) actions[name] = entry;
    return {
      parameters: this.options.parameters,
      variables: this.variables.values(),
      trigger: { outputs: this.options.triggerOutputs },
      actions,
      results: Object.fromEntries(this.results),
      items: frame.items,
      iterationIndexes: frame.iterationIndexes,
      workflow: this.options.workflow,
      utcNow: new Date(this.options.clock.now()).toISOString(),
      ...(frame.hasItem ? { item: frame.item } : {}),
    };
  }

  /** The definition's `outputs` section evaluated at the end; one that fails to evaluate is null. */
  definitionOutputs(definition: WorkflowDefinition): Record<string, unknown> {
    const declared = definition.raw['outputs'];
    const outputs: Record<string, unknown> = {};
    if (!isRecord(declared)) return outputs;
    for (const [name, entry] of Object.entries(declared)) {
      try {
        outputs[name] = this.evaluateValue(isRecord(entry) ? entry['value'] : null, this.expressionContext(ROOT_FRAME)) ?? null;
      } catch {
        // A failing output expression does not change the run's status; the output is absent (null).
        outputs[name] = null;
      }
    }
    return outputs;
  }

  /** Every action's last result, by name (a loop body's actions: their last iteration). */
  resultsByName(): Record<string, RunActionResult> {
    return Object.fromEntries(this.reported);
  }
}

function isControl(action: WorkflowAction): boolean {
  switch (action.type.toLowerCase()) {
    case 'scope':
    case 'if':
    case 'switch':
    case 'foreach':
    case 'until':
      return true;
    default:
      return false;
  }
}

function actionInputOf(action: WorkflowAction): ActionInput {
  return {
    name: action.name,
    type: action.type,
    inputs: action.inputs,
    pointer: action.pointer,
    ...(action.raw['runtimeConfiguration'] === undefined ? {} : { runtimeConfiguration: action.raw['runtimeConfiguration'] }),
    ...(action.kind === undefined ? {} : { kind: action.kind }),
  };
}

function notTaken(container: string): ActionErrorInfo {
  return { code: 'ActionBranchingConditionNotSatisfied', message: `The action was skipped because its branch of '${container}' was not taken.` };
}

function loopFrame(frame: Frame, loop: { readonly name: string; readonly index: number; readonly item?: unknown; readonly hasItem: boolean }): Frame {
  const key = `${loop.name}[${loop.index}]`;
  return {
    iterationKey: frame.iterationKey === '' ? key : `${frame.iterationKey}/${key}`,
    items: loop.hasItem ? { ...frame.items, [loop.name]: loop.item } : frame.items,
    iterationIndexes: { ...frame.iterationIndexes, [loop.name]: loop.index },
    ...(loop.hasItem ? { item: loop.item, hasItem: true } : frame.hasItem ? { item: frame.item, hasItem: true } : { hasItem: false }),
    local: new Map(),
    parent: frame,
  };
}

function untilLimit(raw: unknown): { count: number; timeoutMs: number } {
  if (!isRecord(raw)) return { ...UNTIL_DEFAULTS };
  const count = typeof raw['count'] === 'number' && Number.isInteger(raw['count']) && raw['count'] > 0 ? raw['count'] : UNTIL_DEFAULTS.count;
  const timeout = typeof raw['timeout'] === 'string' ? parseIsoDuration(raw['timeout']) : undefined;
  return { count, timeoutMs: timeout ?? UNTIL_DEFAULTS.timeoutMs };
}

/** `runtimeConfiguration.concurrency.repetitions` (1–50, default 20); `operationOptions: Sequential` → 1. */
function foreachConcurrency(action: WorkflowAction): number {
  if (hasOperationOption(action.raw, 'Sequential')) return 1;
  const configuration = action.raw['runtimeConfiguration'];
  const concurrency = isRecord(configuration) && isRecord(configuration['concurrency']) ? configuration['concurrency']['repetitions'] : undefined;
  if (typeof concurrency !== 'number' || !Number.isInteger(concurrency)) return FOREACH_CONCURRENCY.default;
  return Math.min(FOREACH_CONCURRENCY.max, Math.max(FOREACH_CONCURRENCY.min, concurrency));
}

/** A leaf action's `limit.timeout` in ms, if set (Until's limit is its loop limit, handled apart). */
function actionTimeoutMs(action: WorkflowAction): number | undefined {
  const limit = action.raw['limit'];
  if (!isRecord(limit) || typeof limit['timeout'] !== 'string') return undefined;
  return parseIsoDuration(limit['timeout']);
}

/** Ends an action that outlives its `limit.timeout` as TimedOut (`ActionTimedOut`), aborting its work. */
async function withTimeout(work: Promise<ActionOutcome>, timeoutMs: number | undefined, controller: AbortController | undefined, name: string): Promise<ActionOutcome> {
  if (timeoutMs === undefined || controller === undefined) return work;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<ActionOutcome>((resolve) => {
    timer = setTimeout(() => {
      controller.abort();
      resolve({ status: 'TimedOut', error: { code: 'ActionTimedOut', message: `action '${name}' did not finish within its limit.timeout of ${timeoutMs} ms and was stopped` } });
    }, timeoutMs);
  });
  try {
    return await Promise.race([work, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}
