/**
 * What the server and the CLI use to start runs that execute through the JobQueue, and to wait
 * for a run's reply (its Response action, or its end).
 */
import type { FlowRecord, FlowVersionRecord, RunSummary } from '../../storage/index.ts';
import type { ActionResponse } from '../actions/contract.ts';
import type { RunStatus } from '../rules/status.ts';

/** Input of {@link RunLauncher.start}. */
export interface StartRunInput {
  readonly flowId: string;
  /** The flow version to run; defaults to the flow's current version. */
  readonly version?: number;
  /** Defaults to the definition's first trigger. */
  readonly triggerName?: string;
  /** The trigger's outputs (`{ headers, queries, body }` for a Request/manual trigger). */
  readonly triggerOutputs: unknown;
  /** Correlates the run with its caller (e.g. a parent run's id). */
  readonly correlationId?: string;
  readonly clientTrackingId?: string;
  /** The principal starting the run by hand (recorded as the run's `startedBy`). */
  readonly startedBy?: string;
}

/** Options of {@link RunLifecycle.resubmit}. */
export interface ResubmitOptions {
  /** The principal resubmitting (recorded as the new run's `startedBy`). */
  readonly startedBy?: string;
}

/** What a run has answered so far. */
export interface RunReply {
  readonly runId: string;
  /** The run's status when the reply was taken (`Running` when a Response came before the end). */
  readonly status: RunStatus | 'Running' | 'Waiting';
  /** The Response action's reply, if one ran. */
  readonly response: ActionResponse | null;
  /** The run's error once it finished Failed. */
  readonly error: { readonly code: string; readonly message: string } | null;
}

/** Starts durable runs and waits for their replies. */
export interface RunLauncher {
  /**
   * Creates the run and the job that executes it in one transaction and returns at once; a worker
   * executes the run. NotFoundError for an unknown flow or version.
   */
  start(input: StartRunInput): Promise<{ readonly runId: string }>;
  /**
   * Resolves with the run's reply as soon as its Response action ran or the run finished,
   * whichever comes first; `undefined` when neither happened within `timeoutMs`.
   */
  waitForReply(runId: string, timeoutMs: number): Promise<RunReply | undefined>;
}

/** Input of {@link ReplyingRuns.startAndReply}. */
export interface ReplyingRunInput {
  readonly flow: FlowRecord;
  /** The version to run (read by the caller: the run starts on it). */
  readonly version: FlowVersionRecord;
  readonly triggerName: string;
  /** The trigger's outputs (`{ headers, queries, body }` of the call). */
  readonly triggerOutputs: unknown;
  readonly clientTrackingId?: string;
  /** How long to wait for the reply when the run goes on in a worker. */
  readonly timeoutMs: number;
}

/** Runs a caller waits for (a Request trigger with a Response action). */
export interface ReplyingRuns {
  /**
   * Starts a run and resolves with its reply (`undefined` after `timeoutMs`). The run's first pure
   * steps (Compose, variables, Response…) execute at once in this process, before anything is
   * written; the run is written with them in one transaction — finished when nothing else was
   * left, else `Running` with its job, and a worker continues it from its journal. The reply goes
   * out only after that commit, so an answered call always has its run. A run of a trigger with a
   * concurrency limit is only queued (`Waiting`, through `start`) and its reply awaited.
   */
  startAndReply(input: ReplyingRunInput): Promise<{ readonly runId: string; readonly reply: RunReply | undefined }>;
}

/** Cancelling and resubmitting runs (the run lifecycle routes and CLI commands). */
export interface RunLifecycle {
  /**
   * Cancels a run that is queued, Waiting or Running: it ends `Cancelled` (error `RunCancelled`) at
   * once, its actions in flight are aborted and end `Cancelled`, and no further action starts.
   * NotFoundError for an unknown run; ConflictError (`RunAlreadyFinished`) for a run that already ended.
   */
  cancel(runId: string): Promise<RunSummary>;
  /**
   * Starts a new run of the flow's current version with the original run's trigger name and
   * trigger outputs; its `correlationId` is the original run's id. NotFoundError for an unknown
   * run; ConflictError when the flow is disabled or its current version lacks the trigger.
   */
  resubmit(runId: string, options?: ResubmitOptions): Promise<{ readonly runId: string }>;
}
