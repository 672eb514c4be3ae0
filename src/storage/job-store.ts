/** The `jobs` table behind {@link JobStore}: the embedded queue's storage. */
import type { Kysely, QueryCreator, Selectable } from 'kysely';
import { PlugboardError, UserInputError, newId } from '../core/index.ts';
import { atomically } from './atomically.ts';
import { StorageErrorCode } from './errors.ts';
import { requireEpochMs, requireName } from './input-checks.ts';
import { fromJsonText, toJsonText } from './json-column.ts';
import type { Database, JobsTable } from './schema.ts';
import type { JobRecord, JobStore } from './store.ts';

const MAX_CLAIM = 1000;
/** Longer error messages are cut: `last_error` is for people reading a dead letter, not a log. */
const MAX_ERROR_LENGTH = 4000;

/** Options of {@link createJobStore}. */
export interface JobStoreOptions {
  /** Source of `createdAt`. */
  readonly clock: { now(): number };
  /**
   * PostgreSQL: claim with `FOR UPDATE SKIP LOCKED`, so concurrent claimers take different rows
   * without waiting. SQLite has no row locks (and needs none: it runs one write at a time).
   */
  readonly lockRows: boolean;
}

/** Creates the job store over a migrated database (or a transaction). */
export function createJobStore(db: Kysely<Database>, options: JobStoreOptions): JobStore {
  const { clock, lockRows } = options;

  /** Rows held by `holder`: every change to a claimed job goes through this. */
  const held = (id: string, holder: string) => db.updateTable('jobs').where('id', '=', id).where('locked_by', '=', holder).where('failed_at', 'is', null);

  return {
    async insert(input) {
      requireName(input.queue, 'job queue');
      requireEpochMs(input.runAt, 'job runAt');
      const key = input.key ?? null;
      if (key !== null) requireName(key, 'job key');
      const payload = toJsonText(input.payload, `job payload for queue "${input.queue}"`);
      return atomically(db, async (trx) => {
        // On PostgreSQL the job holding the key may complete between the insert and the select; then insert again.
        for (let round = 0; round < 3; round += 1) {
          const id = newId();
          // No conflict target: besides the random id, the only unique index is the partial one on (queue, dedupe_key).
          const inserted = await trx
            .insertInto('jobs')
            .values({ id, queue: input.queue, payload, run_at: input.runAt, attempts: 0, locked_by: null, locked_until: null, dedupe_key: key, last_error: null, failed_at: null, created_at: clock.now() })
            .onConflict((oc) => oc.doNothing())
            .returning('id')
            .executeTakeFirst();
          if (inserted !== undefined) return Object.freeze({ id, created: true });
          const existing = await trx
            .selectFrom('jobs')
            .select('id')
            .where('queue', '=', input.queue)
            .where('dedupe_key', '=', key)
            .where('failed_at', 'is', null)
            .executeTakeFirst();
          if (existing !== undefined) return Object.freeze({ id: existing.id, created: false });
        }
        throw new PlugboardError(`job key "${String(key)}" in queue "${input.queue}" kept conflicting with jobs that were gone when looked up — enqueue it again`, {
          code: StorageErrorCode.StoreInvariantBroken,
          kind: 'conflict',
          retryable: true,
        });
      });
    },

    async claim(request) {
      requireName(request.queue, 'job queue');
      requireName(request.holder, 'job holder');
      requireEpochMs(request.nowMs, 'claim nowMs');
      requireEpochMs(request.lockUntilMs, 'claim lockUntilMs');
      if (!Number.isSafeInteger(request.limit) || request.limit < 1 || request.limit > MAX_CLAIM) {
        throw new UserInputError(`claim limit ${String(request.limit)} is invalid — use an integer from 1 to ${MAX_CLAIM}`, { code: StorageErrorCode.InvalidStoreInput });
      }
      const due = (executor: QueryCreator<Database>) =>
        executor
          .selectFrom('jobs')
          .select('id')
          .where('queue', '=', request.queue)
          .where('failed_at', 'is', null)
          .where('run_at', '<=', request.nowMs)
          .where((w) => w.or([w('locked_until', 'is', null), w('locked_until', '<=', request.nowMs)]))
          .orderBy('run_at')
          .orderBy('created_at')
          .limit(request.limit);
      const lock = { locked_by: request.holder, locked_until: request.lockUntilMs };
      // One statement on both drivers. PostgreSQL: the due rows are picked once in a materialized
      // CTE that skips rows other claimers locked (an IN subquery may be re-run by the planner and
      // then claim more than `limit`). SQLite runs write statements one at a time, across processes too.
      const rows = lockRows
        ? await db
            .with((w) => w('due').materialized(), (qb) => due(qb).forUpdate().skipLocked())
            .updateTable('jobs')
            .from('due')
            .set((eb) => ({ ...lock, attempts: eb('jobs.attempts', '+', 1) }))
            .whereRef('jobs.id', '=', 'due.id')
            .returningAll('jobs')
            .execute()
        : await db
            .updateTable('jobs')
            .set((eb) => ({ ...lock, attempts: eb('attempts', '+', 1) }))
            .where('id', 'in', due(db))
            .returningAll()
            .execute();
      return rows.map(toJob).sort((a, b) => a.runAt - b.runAt || a.createdAt - b.createdAt);
    },

    async extendLock(id, holder, untilMs) {
      requireEpochMs(untilMs, 'lock untilMs');
      const rows = await held(id, holder).set({ locked_until: untilMs }).returning('id').execute();
      return rows.length > 0;
    },

    async complete(id, holder) {
      const rows = await db.deleteFrom('jobs').where('id', '=', id).where('locked_by', '=', holder).where('failed_at', 'is', null).returning('id').execute();
      return rows.length > 0;
    },

    async release(id, holder, input) {
      requireEpochMs(input.runAt, 'job runAt');
      const rows = await held(id, holder)
        .set({ locked_by: null, locked_until: null, run_at: input.runAt, last_error: cut(input.error) })
        .returning('id')
        .execute();
      return rows.length > 0;
    },

    async fail(id, holder, input) {
      requireEpochMs(input.nowMs, 'job failure nowMs');
      const rows = await held(id, holder)
        .set({ locked_by: null, locked_until: null, failed_at: input.nowMs, last_error: cut(input.error) })
        .returning('id')
        .execute();
      return rows.length > 0;
    },

    async get(id) {
      const row = await db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
      return row === undefined ? undefined : toJob(row);
    },

    async countLive(queue) {
      const row = await db
        .selectFrom('jobs')
        .select((eb) => eb.fn.countAll<number>().as('count'))
        .where('queue', '=', queue)
        .where('failed_at', 'is', null)
        .executeTakeFirst();
      return Number(row?.count ?? 0);
    },

    async listFailed(queue, limit) {
      if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_CLAIM) {
        throw new UserInputError(`limit ${String(limit)} is invalid — use an integer from 1 to ${MAX_CLAIM}`, { code: StorageErrorCode.InvalidStoreInput });
      }
      const rows = await db.selectFrom('jobs').selectAll().where('queue', '=', queue).where('failed_at', 'is not', null).orderBy('failed_at').limit(limit).execute();
      return rows.map(toJob);
    },
  };
}

function cut(message: string): string {
  return message.length <= MAX_ERROR_LENGTH ? message : `${message.slice(0, MAX_ERROR_LENGTH - 1)}…`;
}

function toJob(row: Selectable<JobsTable>): JobRecord {
  return Object.freeze({
    id: row.id,
    queue: row.queue,
    payload: fromJsonText(row.payload, `job ${row.id} payload`),
    runAt: row.run_at,
    attempts: row.attempts,
    lockedBy: row.locked_by,
    lockedUntil: row.locked_until,
    key: row.dedupe_key,
    lastError: row.last_error,
    failedAt: row.failed_at,
    createdAt: row.created_at,
  });
}
