/** The `runs`, `run_actions` and `run_blobs` tables behind {@link RunStore}: the engine's journal. */
import { Buffer } from 'node:buffer';
import type { Insertable, Kysely, Selectable } from 'kysely';
import { sql } from 'kysely';
import { ConflictError, NotFoundError, PlugboardError, UserInputError, newId } from '../core/index.ts';
import type { Clock } from '../core/index.ts';
import { atomically } from './atomically.ts';
import { compareCodeUnits } from './compare-code-units.ts';
import { StorageErrorCode } from './errors.ts';
import { requireName, requireOneOf, storedOneOf } from './input-checks.ts';
import { fromJsonObjectText, fromJsonText, toJsonObjectText, toJsonText } from './json-column.ts';
import { RUN_BLOB_THRESHOLD_BYTES, loadBlobs, readValue, storeValue } from './run-blobs.ts';
import type { BlobTexts, StoredValue } from './run-blobs.ts';
import type { Database, RunActionsTable, RunsTable } from './schema.ts';
import type {
  ActionAddress,
  ActionRecord,
  CreateRunInput,
  FinishActionInput,
  FinishedRunStatus,
  RunRecord,
  RunScanOptions,
  RunStatus,
  RunStore,
  RunSummary,
  UnfinishedRunStatus,
} from './store.ts';

/** Every status a run or an action can have (Logic Apps names). */
export const RUN_STATUSES: readonly RunStatus[] = ['Running', 'Waiting', 'Succeeded', 'Failed', 'Cancelled', 'Skipped', 'TimedOut', 'Aborted'];
/** The statuses a run or an action can still leave. */
export const UNFINISHED_RUN_STATUSES: readonly UnfinishedRunStatus[] = ['Running', 'Waiting'];
/** The final statuses. */
export const FINISHED_RUN_STATUSES: readonly FinishedRunStatus[] = ['Succeeded', 'Failed', 'Cancelled', 'Skipped', 'TimedOut', 'Aborted'];

/** Written as SQL text (not bound parameters) so that SQLite can use the partial indexes on it. */
const UNFINISHED = sql<boolean>`status in ('Running', 'Waiting')`;

/** The error recorded on an attempt closed because a newer attempt of the same action started. */
const ABANDONED_ERROR = {
  code: 'AttemptAbandoned',
  message: 'the process running this attempt stopped before it finished (a crash or a lost job lock); the action was started again as a new attempt',
};

const DEFAULT_PAGE = 50;
const MAX_PAGE = 1000;

/** The run columns without the large values. */
const SUMMARY_COLUMNS = [
  'id',
  'flow_id',
  'flow_version',
  'environment_id',
  'status',
  'trigger_name',
  'error',
  'correlation_id',
  'client_tracking_id',
  'started_by',
  'started_at',
  'ended_at',
] as const;

type SummaryRow = Pick<Selectable<RunsTable>, (typeof SUMMARY_COLUMNS)[number]>;

/** Options of {@link createRunStore}. */
export interface RunStoreOptions {
  readonly clock: Clock;
  /**
   * Take a share lock on the run row while starting an action (PostgreSQL), so that a concurrent
   * `finish` waits and no attempt starts on a run that just finished. SQLite's write transactions
   * are exclusive already.
   */
  readonly lockRows: boolean;
  /** Defaults to {@link RUN_BLOB_THRESHOLD_BYTES}. */
  readonly blobThresholdBytes?: number;
}

/** Creates the run store over a migrated database (or a transaction). */
export function createRunStore(db: Kysely<Database>, options: RunStoreOptions): RunStore {
  const { clock, lockRows } = options;
  const thresholdBytes = options.blobThresholdBytes ?? RUN_BLOB_THRESHOLD_BYTES;

  const runNotFound = (id: string) => new NotFoundError(`run ${id} does not exist`, { code: StorageErrorCode.RunNotFound, details: { id } });
  const runFinished = (id: string, status: string) =>
    new ConflictError(`run ${id} already finished with status ${status} — a finished run cannot change or start actions`, {
      code: StorageErrorCode.RunAlreadyFinished,
      details: { id, status },
    });
  const actionNotFound = (id: string) => new NotFoundError(`action attempt ${id} does not exist`, { code: StorageErrorCode.ActionNotFound, details: { id } });

  /** Explains why a conditional update of an unfinished run matched nothing. */
  const whyRunUnchanged = async (trx: Kysely<Database>, id: string): Promise<Error> => {
    const row = await trx.selectFrom('runs').select('status').where('id', '=', id).executeTakeFirst();
    return row === undefined ? runNotFound(id) : runFinished(id, row.status);
  };

  const toActions = async (trx: Kysely<Database>, rows: readonly Selectable<RunActionsTable>[], blobs: BlobTexts): Promise<ActionRecord[]> => {
    await loadBlobs(trx, rows.flatMap((r) => [r.inputs_blob, r.outputs_blob]), blobs);
    return rows.map((row) => toAction(row, blobs));
  };

  /** Inserts the next attempt of an action; earlier unfinished attempts become `Aborted`. */
  const insertAttempt = async (trx: Kysely<Database>, address: ActionAddress, attempt: AttemptContent): Promise<ActionRecord> => {
    const iterationKey = address.iterationKey ?? '';
    const now = clock.now();
    const blobs: BlobTexts = new Map();
    const field = (what: string) => `action "${address.name}"${iterationKey === '' ? '' : ` (${iterationKey})`} ${what}`;
    const target = (what: string) => ({ runId: address.runId, field: field(what), thresholdBytes, nowMs: now, written: blobs });
    const previous = await trx
      .selectFrom('run_actions')
      .select((eb) => eb.fn.max('attempt').as('attempt'))
      .where('run_id', '=', address.runId)
      .where('name', '=', address.name)
      .where('iteration_key', '=', iterationKey)
      .executeTakeFirst();
    await trx
      .updateTable('run_actions')
      .set({ status: 'Aborted', error: JSON.stringify(ABANDONED_ERROR), ended_at: now })
      .where('run_id', '=', address.runId)
      .where('name', '=', address.name)
      .where('iteration_key', '=', iterationKey)
      .where(UNFINISHED)
      .execute();
    const inputs = await storeValue(trx, attempt.inputs, target('inputs'));
    const outputs = await storeValue(trx, attempt.outputs, target('outputs'));
    const row = await trx
      .insertInto('run_actions')
      .values({
        id: newId(),
        run_id: address.runId,
        name: address.name,
        iteration_key: iterationKey,
        attempt: (previous?.attempt ?? 0) + 1,
        status: attempt.status,
        inputs: inputs.inline,
        inputs_blob: inputs.blob,
        outputs: outputs.inline,
        outputs_blob: outputs.blob,
        error: attempt.error === undefined ? null : toJsonText(attempt.error, field('error')),
        tracked_properties: trackedText(attempt.trackedProperties, field('trackedProperties')),
        idempotency_key: address.idempotencyKey ?? defaultIdempotencyKey(address.runId, address.name, iterationKey),
        started_at: now,
        ended_at: attempt.final ? now : null,
      })
      .onConflict((oc) => oc.columns(['run_id', 'name', 'iteration_key', 'attempt']).doNothing())
      .returningAll()
      .executeTakeFirst();
    if (row === undefined) {
      throw new ConflictError(`action "${address.name}" of run ${address.runId} was started twice at once — only one worker may run an action; retry after reading the run again`, {
        code: StorageErrorCode.ActionAttemptConflict,
        retryable: true,
        details: { runId: address.runId, name: address.name, iterationKey },
      });
    }
    return toAction(row, blobs);
  };

  const requireRun = async (trx: Kysely<Database>, runId: string, mustBeUnfinished: boolean): Promise<void> => {
    const run = await trx
      .selectFrom('runs')
      .select('status')
      .where('id', '=', runId)
      .$if(lockRows, (q) => q.forShare())
      .executeTakeFirst();
    if (run === undefined) throw runNotFound(runId);
    if (mustBeUnfinished && !isUnfinished(run.status)) throw runFinished(runId, run.status);
  };

  return {
    async create(input) {
      const status = checkCreate(input);
      const id = input.id ?? newId();
      return atomically(db, async (trx) => {
        const version = await environmentOfVersion(trx, input);
        const now = clock.now();
        const blobs: BlobTexts = new Map();
        const row = await trx
          .insertInto('runs')
          .values({
            id,
            flow_id: input.flowId,
            flow_version: input.flowVersion,
            environment_id: version.environment_id,
            status,
            trigger_name: input.triggerName ?? null,
            trigger_outputs: null,
            trigger_outputs_blob: null,
            outputs: null,
            outputs_blob: null,
            error: null,
            correlation_id: input.correlationId ?? null,
            client_tracking_id: input.clientTrackingId ?? null,
            started_by: input.startedBy ?? null,
            started_at: now,
            ended_at: null,
          })
          .onConflict((oc) => oc.column('id').doNothing())
          .returningAll()
          .executeTakeFirst();
        if (row === undefined) throw new ConflictError(`run ${id} already exists — use a new id`, { code: StorageErrorCode.RunExists, details: { id } });
        if (input.triggerOutputs === undefined) return toRun(row, blobs);
        // The blob refers to the run, so the run row comes first.
        const stored = await storeValue(trx, input.triggerOutputs, { runId: id, field: `run ${id} triggerOutputs`, thresholdBytes, nowMs: now, written: blobs });
        const updated = await trx
          .updateTable('runs')
          .set({ trigger_outputs: stored.inline, trigger_outputs_blob: stored.blob })
          .where('id', '=', id)
          .returningAll()
          .executeTakeFirstOrThrow();
        return toRun(updated, blobs);
      });
    },

    async createWithHistory(inputs) {
      for (const { run, actions, end } of inputs) {
        checkCreate(run);
        for (const action of actions) {
          checkAddress({ ...action, runId: run.id });
          checkFinish(action);
        }
        if (end !== undefined) requireOneOf(end.status, FINISHED_RUN_STATUSES, 'final run status');
      }
      if (inputs.length === 0) return;
      await atomically(db, async (trx) => {
        const now = clock.now();
        // Each flow version (and starter) is checked once, however many runs it has here.
        const checked = new Map<string, string>();
        const environmentIds: string[] = [];
        for (const { run } of inputs) {
          const key = `${run.flowId}@${run.flowVersion}@${run.startedBy ?? ''}`;
          let environmentId = checked.get(key);
          if (environmentId === undefined) {
            environmentId = (await environmentOfVersion(trx, run)).environment_id;
            checked.set(key, environmentId);
          }
          environmentIds.push(environmentId);
        }
        // Values above the blob threshold go to run_blobs, which refer to the run: run rows come first.
        const large: { runId: string; field: 'trigger' | 'outputs'; value: unknown }[] = [];
        const inlined = (runId: string, value: unknown, field: 'trigger' | 'outputs', what: string): string | null => {
          if (value === undefined) return null;
          const text = toJsonText(value, what);
          if (text.length > thresholdBytes / 3 && Buffer.byteLength(text, 'utf8') > thresholdBytes) {
            large.push({ runId, field, value });
            return null;
          }
          return text;
        };
        const runRows: Insertable<RunsTable>[] = inputs.map(({ run, end }, index) => ({
          id: run.id,
          flow_id: run.flowId,
          flow_version: run.flowVersion,
          environment_id: environmentIds[index] as string,
          status: end?.status ?? run.status ?? 'Running',
          trigger_name: run.triggerName ?? null,
          trigger_outputs: inlined(run.id, run.triggerOutputs, 'trigger', `run ${run.id} triggerOutputs`),
          trigger_outputs_blob: null,
          outputs: end === undefined ? null : inlined(run.id, end.outputs, 'outputs', `run ${run.id} outputs`),
          outputs_blob: null,
          error: end?.error === undefined ? null : toJsonText(end.error, `run ${run.id} error`),
          correlation_id: run.correlationId ?? null,
          client_tracking_id: run.clientTrackingId ?? null,
          started_by: run.startedBy ?? null,
          started_at: run.startedAt ?? now,
          ended_at: end === undefined ? null : now,
        }));
        for (let start = 0; start < runRows.length; start += 100) {
          const chunk = runRows.slice(start, start + 100);
          const written = await trx.insertInto('runs').values(chunk).onConflict((oc) => oc.column('id').doNothing()).returning('id').execute();
          if (written.length !== chunk.length) {
            const taken = chunk.find((row) => !written.some((w) => w.id === row.id))?.id;
            throw new ConflictError(`run ${taken} already exists — use a new id`, { code: StorageErrorCode.RunExists, details: { id: taken } });
          }
        }
        const blobs: BlobTexts = new Map();
        for (const { runId, field, value } of large) {
          const stored = await storeValue(trx, value, { runId, field: `run ${runId} ${field === 'trigger' ? 'triggerOutputs' : 'outputs'}`, thresholdBytes, nowMs: now, written: blobs });
          await trx
            .updateTable('runs')
            .set(field === 'trigger' ? { trigger_outputs: stored.inline, trigger_outputs_blob: stored.blob } : { outputs: stored.inline, outputs_blob: stored.blob })
            .where('id', '=', runId)
            .execute();
        }
        const rows: Insertable<RunActionsTable>[] = [];
        for (const { run, actions } of inputs) {
          const attempts = new Map<string, number>();
          for (const action of actions) {
            const iterationKey = action.iterationKey ?? '';
            const key = `${iterationKey}\u0000${action.name}`;
            const attempt = (attempts.get(key) ?? 0) + 1;
            attempts.set(key, attempt);
            const field = (what: string) => `action "${action.name}"${iterationKey === '' ? '' : ` (${iterationKey})`} ${what}`;
            const target = (what: string) => ({ runId: run.id, field: field(what), thresholdBytes, nowMs: now, written: blobs });
            const stored = await storeValue(trx, action.inputs, target('inputs'));
            const produced = await storeValue(trx, action.outputs, target('outputs'));
            rows.push({
              id: newId(),
              run_id: run.id,
              name: action.name,
              iteration_key: iterationKey,
              attempt,
              status: action.status,
              inputs: stored.inline,
              inputs_blob: stored.blob,
              outputs: produced.inline,
              outputs_blob: produced.blob,
              error: action.error === undefined ? null : toJsonText(action.error, field('error')),
              tracked_properties: trackedText(action.trackedProperties, field('trackedProperties')),
              idempotency_key: action.idempotencyKey ?? defaultIdempotencyKey(run.id, action.name, iterationKey),
              started_at: now,
              ended_at: now,
            });
          }
        }
        // Chunks keep each statement below the bound-parameter limits of both drivers.
        for (let start = 0; start < rows.length; start += 200) await trx.insertInto('run_actions').values(rows.slice(start, start + 200)).execute();
      });
    },

    async get(id) {
      const row = await db.selectFrom('runs').selectAll().where('id', '=', id).executeTakeFirst();
      if (row === undefined) return undefined;
      const blobs: BlobTexts = new Map();
      await loadBlobs(db, [row.trigger_outputs_blob, row.outputs_blob], blobs);
      return toRun(row, blobs);
    },

    async getSummary(id) {
      const row = await db.selectFrom('runs').select(SUMMARY_COLUMNS).where('id', '=', id).executeTakeFirst();
      return row === undefined ? undefined : toSummary(row);
    },

    async listForFlow(flowId, listOptions = {}) {
      const limit = pageLimit(listOptions.limit ?? DEFAULT_PAGE);
      const after = listOptions.after;
      const rows = await db
        .selectFrom('runs')
        .select(SUMMARY_COLUMNS)
        .where('flow_id', '=', flowId)
        .$if(listOptions.startedBy !== undefined, (q) => q.where('started_by', '=', listOptions.startedBy ?? ''))
        .$if(after !== undefined, (q) =>
          q.where((eb) =>
            eb.or([
              eb('started_at', '<', after?.startedAt ?? 0),
              eb.and([eb('started_at', '=', after?.startedAt ?? 0), eb('id', '<', after?.id ?? '')]),
            ]),
          ),
        )
        .orderBy('started_at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit)
        .execute();
      return rows.map(toSummary);
    },

    async recordStarter(id, principalId) {
      requireName(principalId, 'run startedBy');
      return atomically(db, async (trx) => {
        await requirePrincipal(trx, principalId);
        // coalesce keeps a starter recorded already.
        const row = await trx
          .updateTable('runs')
          .set((eb) => ({ started_by: eb.fn.coalesce('started_by', eb.val(principalId)) }))
          .where('id', '=', id)
          .returning(SUMMARY_COLUMNS)
          .executeTakeFirst();
        if (row === undefined) throw runNotFound(id);
        return toSummary(row);
      });
    },

    async setStatus(id, status) {
      requireOneOf(status, UNFINISHED_RUN_STATUSES, 'run status');
      return atomically(db, async (trx) => {
        const row = await trx.updateTable('runs').set({ status }).where('id', '=', id).where(UNFINISHED).returning(SUMMARY_COLUMNS).executeTakeFirst();
        if (row === undefined) throw await whyRunUnchanged(trx, id);
        return toSummary(row);
      });
    },

    async finish(id, input) {
      requireOneOf(input.status, FINISHED_RUN_STATUSES, 'final run status');
      const errorText = input.error === undefined ? null : toJsonText(input.error, `run ${id} error`);
      return atomically(db, async (trx) => {
        const now = clock.now();
        const exists = await trx.selectFrom('runs').select('status').where('id', '=', id).executeTakeFirst();
        if (exists === undefined) throw runNotFound(id);
        if (!isUnfinished(exists.status)) throw runFinished(id, exists.status);
        const outputs = await storeValue(trx, input.outputs, { runId: id, field: `run ${id} outputs`, thresholdBytes, nowMs: now, written: new Map() });
        const row = await trx
          .updateTable('runs')
          .set({ status: input.status, error: errorText, outputs: outputs.inline, outputs_blob: outputs.blob, ended_at: now })
          .where('id', '=', id)
          .where(UNFINISHED)
          .returning(SUMMARY_COLUMNS)
          .executeTakeFirst();
        // Rolls back the blob too when a concurrent finish won.
        if (row === undefined) throw await whyRunUnchanged(trx, id);
        return toSummary(row);
      });
    },

    async admit(id, limit) {
      requirePositiveInteger(limit, 'concurrency limit');
      return atomically(db, async (trx) => {
        const run = await trx.selectFrom('runs').select(['id', 'flow_id', 'status', 'started_at']).where('id', '=', id).executeTakeFirst();
        if (run === undefined) throw runNotFound(id);
        if (!isUnfinished(run.status)) return { outcome: 'ended' } as const;
        if (run.status === 'Running' || (await hasActions(trx, id))) return { outcome: 'admitted' } as const;
        // One decision per flow at a time (PostgreSQL; SQLite's write transactions are exclusive already).
        if (lockRows) await trx.selectFrom('flows').select('id').where('id', '=', run.flow_id).forUpdate().execute();
        const counts = await trx
          .selectFrom('runs')
          .select((eb) => [
            eb.fn.count<number>('id').filterWhere(sql<boolean>`(status = 'Running' or exists (select 1 from run_actions where run_actions.run_id = runs.id))`).as('active'),
            eb.fn
              .count<number>('id')
              .filterWhere(sql<boolean>`(status = 'Waiting' and not exists (select 1 from run_actions where run_actions.run_id = runs.id) and (started_at < ${run.started_at} or (started_at = ${run.started_at} and id < ${run.id})))`)
              .as('ahead'),
          ])
          .where('flow_id', '=', run.flow_id)
          .where(UNFINISHED)
          .executeTakeFirstOrThrow();
        const active = Number(counts.active);
        const ahead = Number(counts.ahead);
        if (active + ahead >= limit) return { outcome: 'queued', position: ahead + 1 } as const;
        await trx.updateTable('runs').set({ status: 'Running' }).where('id', '=', id).where('status', '=', 'Waiting').execute();
        return { outcome: 'admitted' } as const;
      });
    },

    async countQueued(flowId) {
      const row = await db
        .selectFrom('runs')
        .select((eb) => eb.fn.countAll<number>().as('queued'))
        .where('flow_id', '=', flowId)
        .where('status', '=', 'Waiting')
        .where(sql<boolean>`not exists (select 1 from run_actions where run_actions.run_id = runs.id)`)
        .executeTakeFirstOrThrow();
      return Number(row.queued);
    },

    async cancel(id, input) {
      const errorText = toJsonText(input.error, `run ${id} error`);
      const actionErrorText = toJsonText(input.actionError, `run ${id} cancelled action error`);
      return atomically(db, async (trx) => {
        const now = clock.now();
        const row = await trx
          .updateTable('runs')
          .set({ status: 'Cancelled', error: errorText, ended_at: now })
          .where('id', '=', id)
          .where(UNFINISHED)
          .returning(SUMMARY_COLUMNS)
          .executeTakeFirst();
        if (row === undefined) {
          const current = await trx.selectFrom('runs').select('status').where('id', '=', id).executeTakeFirst();
          if (current === undefined) throw runNotFound(id);
          throw new ConflictError(`run ${id} already ended with status ${current.status} — only a run that is still Running or Waiting can be cancelled; resubmit it to run it again`, {
            code: StorageErrorCode.RunAlreadyFinished,
            details: { id, status: current.status },
          });
        }
        await trx
          .updateTable('run_actions')
          .set({ status: 'Cancelled', error: actionErrorText, ended_at: now })
          .where('run_id', '=', id)
          .where(UNFINISHED)
          .execute();
        return toSummary(row);
      });
    },

    async getStatuses(ids) {
      if (ids.length > MAX_PAGE) {
        throw new UserInputError(`getStatuses takes at most ${MAX_PAGE} run ids, not ${ids.length} — ask in chunks`, { code: StorageErrorCode.InvalidStoreInput });
      }
      const statuses = new Map<string, RunStatus>();
      if (ids.length === 0) return statuses;
      const rows = await db.selectFrom('runs').select(['id', 'status']).where('id', 'in', [...new Set(ids)]).execute();
      for (const row of rows) statuses.set(row.id, storedOneOf(row.status, RUN_STATUSES, `run ${row.id} status`));
      return statuses;
    },

    async deleteFinishedBefore(cutoffMs, limit) {
      if (!Number.isSafeInteger(cutoffMs)) {
        throw new UserInputError(`retention cutoff ${String(cutoffMs)} is invalid — give epoch milliseconds as an integer`, { code: StorageErrorCode.InvalidStoreInput });
      }
      const batch = pageLimit(limit);
      return atomically(db, async (trx) => {
        const rows = await trx
          .selectFrom('runs')
          .select('id')
          .where('ended_at', '<', cutoffMs)
          // Belt and braces: a final status always has an end time, but an unfinished run is never deleted.
          .where(sql<boolean>`status not in ('Running', 'Waiting')`)
          .orderBy('ended_at')
          .limit(batch)
          .execute();
        const ids = rows.map((row) => row.id);
        if (ids.length === 0) return 0;
        await trx.deleteFrom('run_actions').where('run_id', 'in', ids).execute();
        await trx.deleteFrom('run_blobs').where('run_id', 'in', ids).execute();
        await trx.deleteFrom('runs').where('id', 'in', ids).execute();
        return ids.length;
      });
    },

    async startAction(input) {
      checkAddress(input);
      const status = input.status ?? 'Running';
      requireOneOf(status, UNFINISHED_RUN_STATUSES, 'new action status');
      return atomically(db, async (trx) => {
        await requireRun(trx, input.runId, true);
        return insertAttempt(trx, input, { status, inputs: input.inputs, final: false });
      });
    },

    async finishAction(actionId, input) {
      checkFinish(input);
      return atomically(db, async (trx) => {
        const current = await trx.selectFrom('run_actions').select(['run_id', 'name', 'status', 'inputs_blob']).where('id', '=', actionId).executeTakeFirst();
        if (current === undefined) throw actionNotFound(actionId);
        const alreadyFinished = () =>
          new ConflictError(`action "${current.name}" attempt ${actionId} already finished with status ${current.status} — start a new attempt instead`, {
            code: StorageErrorCode.ActionAlreadyFinished,
            details: { id: actionId, status: current.status },
          });
        if (!isUnfinished(current.status)) throw alreadyFinished();
        const now = clock.now();
        const blobs: BlobTexts = new Map();
        const target = (what: string) => ({ runId: current.run_id, field: `action "${current.name}" ${what}`, thresholdBytes, nowMs: now, written: blobs });
        const inputs: StoredValue | undefined = input.inputs === undefined ? undefined : await storeValue(trx, input.inputs, target('inputs'));
        const outputs = await storeValue(trx, input.outputs, target('outputs'));
        const row = await trx
          .updateTable('run_actions')
          .set({
            status: input.status,
            outputs: outputs.inline,
            outputs_blob: outputs.blob,
            error: input.error === undefined ? null : toJsonText(input.error, `action "${current.name}" error`),
            tracked_properties: trackedText(input.trackedProperties, `action "${current.name}" trackedProperties`),
            ended_at: now,
            ...(inputs === undefined ? {} : { inputs: inputs.inline, inputs_blob: inputs.blob }),
          })
          .where('id', '=', actionId)
          .where(UNFINISHED)
          .returningAll()
          .executeTakeFirst();
        if (row === undefined) throw alreadyFinished();
        if (inputs !== undefined && current.inputs_blob !== null) await trx.deleteFrom('run_blobs').where('id', '=', current.inputs_blob).execute();
        const [action] = await toActions(trx, [row], blobs);
        return mustBeDefined(action);
      });
    },

    async recordAction(input) {
      checkAddress(input);
      checkFinish(input);
      return atomically(db, async (trx) => {
        await requireRun(trx, input.runId, false);
        return insertAttempt(trx, input, { ...input, final: true });
      });
    },

    async getAction(id) {
      const row = await db.selectFrom('run_actions').selectAll().where('id', '=', id).executeTakeFirst();
      if (row === undefined) return undefined;
      const [action] = await toActions(db, [row], new Map());
      return action;
    },

    async listActions(runId) {
      const rows = await db.selectFrom('run_actions').selectAll().where('run_id', '=', runId).execute();
      const actions = await toActions(db, rows, new Map());
      // Ids are time-ordered and monotonic within a process: attempts started in the same
      // millisecond keep the order they were written in.
      return actions.sort((a, b) => a.startedAt - b.startedAt || compareCodeUnits(a.id, b.id));
    },

    async listUnfinished(scan) {
      const rows = await scanRuns(db, scan).execute();
      return rows.map(toSummary);
    },

    async listWithUnfinishedActions(scan) {
      const rows = await scanRuns(db, scan)
        .where((eb) =>
          eb.exists(eb.selectFrom('run_actions').select('run_actions.id').whereRef('run_actions.run_id', '=', 'runs.id').where(sql<boolean>`run_actions.status in ('Running', 'Waiting')`)),
        )
        .execute();
      return rows.map(toSummary);
    },
  };
}

/** Deletes a flow's runs with their actions and blobs (used by the flow store, inside its transaction). */
export async function deleteRunsOfFlow(trx: Kysely<Database>, flowId: string): Promise<void> {
  const runIds = trx.selectFrom('runs').select('id').where('flow_id', '=', flowId);
  await trx.deleteFrom('run_actions').where('run_id', 'in', runIds).execute();
  await trx.deleteFrom('run_blobs').where('run_id', 'in', runIds).execute();
  await trx.deleteFrom('runs').where('flow_id', '=', flowId).execute();
}

/** What an attempt starts (or is recorded) with. */
interface AttemptContent {
  readonly status: RunStatus;
  readonly inputs?: unknown;
  readonly outputs?: unknown;
  readonly error?: unknown;
  readonly trackedProperties?: Readonly<Record<string, unknown>> | null;
  /** A final attempt gets its end time at once. */
  readonly final: boolean;
}

function scanRuns(db: Kysely<Database>, scan: RunScanOptions) {
  const limit = pageLimit(scan.limit);
  return db
    .selectFrom('runs')
    .select(SUMMARY_COLUMNS)
    .where(sql<boolean>`runs.status in ('Running', 'Waiting')`)
    .$if(scan.afterId !== undefined, (q) => q.where('id', '>', scan.afterId ?? ''))
    .orderBy('id')
    .limit(limit);
}

function defaultIdempotencyKey(runId: string, name: string, iterationKey: string): string {
  return iterationKey === '' ? `${runId}/${name}` : `${runId}/${iterationKey}/${name}`;
}

function isUnfinished(status: string): boolean {
  return status === 'Running' || status === 'Waiting';
}

/** True when the run has started (or recorded) any action. */
async function hasActions(trx: Kysely<Database>, runId: string): Promise<boolean> {
  return (await trx.selectFrom('run_actions').select('id').where('run_id', '=', runId).limit(1).executeTakeFirst()) !== undefined;
}

/** Checks a new run's fields; returns its initial status. */
function checkCreate(input: CreateRunInput): UnfinishedRunStatus {
  if (input.id !== undefined) requireName(input.id, 'run id');
  requirePositiveInteger(input.flowVersion, 'run flowVersion');
  const status = input.status ?? 'Running';
  requireOneOf(status, UNFINISHED_RUN_STATUSES, 'new run status');
  for (const [value, what] of [
    [input.triggerName, 'run triggerName'],
    [input.correlationId, 'run correlationId'],
    [input.clientTrackingId, 'run clientTrackingId'],
    [input.startedBy, 'run startedBy'],
  ] as const) {
    if (value !== undefined && value !== null) requireName(value, what);
  }
  return status;
}

/** The environment of the run's flow version; NotFoundError naming the missing flow or version. Checks the starter too. */
async function environmentOfVersion(trx: Kysely<Database>, input: CreateRunInput): Promise<{ readonly environment_id: string }> {
  const version = await trx
    .selectFrom('flow_versions')
    .innerJoin('flows', 'flows.id', 'flow_versions.flow_id')
    .select('flows.environment_id')
    .where('flow_versions.flow_id', '=', input.flowId)
    .where('flow_versions.version', '=', input.flowVersion)
    .executeTakeFirst();
  if (version === undefined) {
    const flow = await trx.selectFrom('flows').select('id').where('id', '=', input.flowId).executeTakeFirst();
    if (flow === undefined) throw new NotFoundError(`flow ${input.flowId} does not exist`, { code: StorageErrorCode.FlowNotFound, details: { id: input.flowId } });
    throw new NotFoundError(`flow ${input.flowId} has no version ${input.flowVersion}`, {
      code: StorageErrorCode.FlowVersionNotFound,
      details: { id: input.flowId, version: input.flowVersion },
    });
  }
  if (input.startedBy !== undefined && input.startedBy !== null) await requirePrincipal(trx, input.startedBy);
  return version;
}

function checkAddress(address: ActionAddress): void {
  requireName(address.runId, 'action runId');
  requireName(address.name, 'action name');
  if (address.iterationKey !== undefined && typeof address.iterationKey !== 'string') {
    throw new UserInputError('action iterationKey must be a string — use "" outside loops', { code: StorageErrorCode.InvalidStoreInput });
  }
  if (address.idempotencyKey !== undefined) requireName(address.idempotencyKey, 'action idempotencyKey');
}

function checkFinish(input: FinishActionInput): void {
  requireOneOf(input.status, FINISHED_RUN_STATUSES, 'final action status');
}

function trackedText(value: Readonly<Record<string, unknown>> | null | undefined, field: string): string | null {
  return value === undefined || value === null ? null : toJsonObjectText(value, field);
}

/** NotFoundError unless the principal exists (principals are never deleted, so the check cannot race). */
async function requirePrincipal(trx: Kysely<Database>, principalId: string): Promise<void> {
  const principal = await trx.selectFrom('principals').select('id').where('id', '=', principalId).executeTakeFirst();
  if (principal === undefined) throw new NotFoundError(`principal ${principalId} does not exist`, { code: StorageErrorCode.PrincipalNotFound, details: { id: principalId } });
}

function requirePositiveInteger(value: number, field: string): void {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new UserInputError(`${field} ${String(value)} is invalid — use a positive integer`, { code: StorageErrorCode.InvalidStoreInput });
  }
}

function pageLimit(limit: number): number {
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_PAGE) {
    throw new UserInputError(`page limit ${String(limit)} is invalid — use an integer from 1 to ${MAX_PAGE}`, { code: StorageErrorCode.InvalidStoreInput });
  }
  return limit;
}

function mustBeDefined<T>(value: T | undefined): T {
  if (value === undefined) throw new PlugboardError('an updated action row did not map to a record', { code: StorageErrorCode.StoreInvariantBroken });
  return value;
}

function toSummary(row: SummaryRow): RunSummary {
  return Object.freeze({
    id: row.id,
    flowId: row.flow_id,
    flowVersion: row.flow_version,
    environmentId: row.environment_id,
    status: storedOneOf(row.status, RUN_STATUSES, `run ${row.id} status`),
    triggerName: row.trigger_name,
    error: row.error === null ? null : fromJsonText(row.error, `run ${row.id} error`),
    correlationId: row.correlation_id,
    clientTrackingId: row.client_tracking_id,
    startedBy: row.started_by,
    startedAt: row.started_at,
    endedAt: row.ended_at,
  });
}

function toRun(row: Selectable<RunsTable>, blobs: BlobTexts): RunRecord {
  return Object.freeze({
    ...toSummary(row),
    triggerOutputs: readValue(row.trigger_outputs, row.trigger_outputs_blob, blobs, `run ${row.id} triggerOutputs`),
    outputs: readValue(row.outputs, row.outputs_blob, blobs, `run ${row.id} outputs`),
  });
}

function toAction(row: Selectable<RunActionsTable>, blobs: BlobTexts): ActionRecord {
  const where = `action "${row.name}" attempt ${row.id}`;
  return Object.freeze({
    id: row.id,
    runId: row.run_id,
    name: row.name,
    iterationKey: row.iteration_key,
    attempt: row.attempt,
    status: storedOneOf(row.status, RUN_STATUSES, `${where} status`),
    inputs: readValue(row.inputs, row.inputs_blob, blobs, `${where} inputs`),
    outputs: readValue(row.outputs, row.outputs_blob, blobs, `${where} outputs`),
    error: row.error === null ? null : fromJsonText(row.error, `${where} error`),
    trackedProperties: row.tracked_properties === null ? null : fromJsonObjectText(row.tracked_properties, `${where} trackedProperties`),
    idempotencyKey: row.idempotency_key,
    startedAt: row.started_at,
    endedAt: row.ended_at,
  });
}
