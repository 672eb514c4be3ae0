/**
 * The JobQueue port: durable background work with at-least-once delivery. Two drivers are
 * planned: `embedded` (the `jobs` table of the Store, this folder) and pg-boss (PostgreSQL). The
 * port promises only what both can keep; README.md lists what a pg-boss driver must provide.
 */
import type { Clock } from '../core/index.ts';
import type { StoreTransaction } from '../storage/index.ts';

/** A unit of work as a handler receives it. */
export interface Job {
  readonly id: string;
  readonly queue: string;
  /** The JSON value given to `enqueue`, parsed back (validate it: it comes from the database). */
  readonly payload: unknown;
  /**
   * 1 on the first delivery; 2, 3… after a failed attempt or after the worker running it died or
   * lost its lock. Handlers must be idempotent: an attempt may have done part of its work.
   */
  readonly attempt: number;
  /** The deduplication key given to `enqueue`, if any. */
  readonly key: string | null;
  readonly createdAt: number;
}

/** What a handler gets besides the job. */
export interface JobContext {
  /**
   * Aborted when this worker lost the job's lock (it could not extend it in time and another
   * worker may run the job now). Stop early: the outcome of this attempt is no longer recorded.
   */
  readonly signal: AbortSignal;
}

/** Processes one job. Resolving completes the job; throwing schedules another attempt (with backoff) or, after the last, a dead letter. */
export type JobHandler = (job: Job, context: JobContext) => Promise<void>;

/** Options of {@link JobQueue.enqueue}. */
export interface EnqueueOptions {
  /** Not delivered before this time (epoch ms); defaults to now. */
  readonly runAt?: number;
  /**
   * Deduplication: while a job of this queue with this key is queued or running, enqueueing
   * another returns the existing job's id with `created: false`. A completed or dead job frees the key.
   */
  readonly key?: string;
  /**
   * Write the job in this transaction: it becomes visible (and deliverable) only if the
   * transaction commits, together with the state change that caused it — no dual writes.
   */
  readonly transaction?: StoreTransaction;
}

/** What {@link JobQueue.enqueue} did. */
export interface EnqueueResult {
  readonly id: string;
  /** False when an existing job with the same key was found instead. */
  readonly created: boolean;
}

/** Waits `ms` milliseconds or until `signal` aborts, whichever comes first; never rejects. */
export type Sleep = (ms: number, signal: AbortSignal) => Promise<void>;

/** Options of {@link JobQueue.work}. */
export interface WorkOptions {
  /** Handlers of this worker running at once (1–1000); defaults to 1. */
  readonly concurrency?: number;
  /**
   * How often an idle worker looks for due jobs (ms); defaults to 1000. Jobs enqueued through the
   * same queue object in this process wake the worker at once; other processes' jobs and delayed
   * jobs are found by polling.
   */
  readonly pollMs?: number;
  /**
   * How long a claimed job stays locked (ms; at least 10); defaults to 30,000. The worker extends
   * the lock every `lockMs / 2` while the handler runs; if the worker dies, the job is delivered
   * again (as the next attempt) once the lock lapses.
   */
  readonly lockMs?: number;
  /** Attempts before a job becomes a dead letter (kept, never delivered again); defaults to 25. */
  readonly maxAttempts?: number;
  /** Delay before attempt `attempt + 1` after attempt `attempt` failed (ms); defaults to {@link defaultJobBackoff}. */
  readonly backoff?: (attempt: number) => number;
  /** Time for due dates and locks; defaults to the queue's clock. Processes sharing a database need synchronized clocks. */
  readonly clock?: Clock;
  /** Waits between polls and lock extensions; defaults to real timers. */
  readonly sleep?: Sleep;
  /** Names this worker in lock holders and logs; defaults to a random id. */
  readonly workerId?: string;
}

/** A running worker of one queue. */
export interface JobWorker {
  readonly queue: string;
  readonly id: string;
  /** Stops claiming jobs and resolves once every handler in flight has finished and its outcome is recorded (for SIGTERM). */
  stop(): Promise<void>;
}

/** Durable background work: enqueue jobs, run handlers for them. */
export interface JobQueue {
  /**
   * Adds a job to `queue` (letters, digits, `.`, `_`, `-`; at most 100). `payload` must be JSON.
   * With `options.transaction` the job commits or rolls back with that transaction.
   */
  enqueue(queue: string, payload: unknown, options?: EnqueueOptions): Promise<EnqueueResult>;
  /**
   * Starts a worker that delivers each job of `queue` to `handler` at least once: a job is locked
   * while its handler runs, deleted when the handler resolves, retried with backoff when it
   * throws, and delivered again when the worker dies (its lock lapses). A job never runs in two
   * handlers at once while its lock holds.
   */
  work(queue: string, handler: JobHandler, options?: WorkOptions): JobWorker;
  /** Stops every worker started through this queue (see {@link JobWorker.stop}). */
  stop(): Promise<void>;
}

/** 1 s, 2 s, 4 s… doubling per failed attempt, capped at 5 minutes. */
export function defaultJobBackoff(attempt: number): number {
  return Math.min(1000 * 2 ** Math.max(0, attempt - 1), 5 * 60 * 1000);
}
