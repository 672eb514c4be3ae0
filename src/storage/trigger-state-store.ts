/** The `trigger_states` and `flow_keys` tables behind {@link TriggerStateStore} and {@link FlowKeyStore}. */
import type { Kysely, Selectable } from 'kysely';
import { UserInputError } from '../core/index.ts';
import type { Clock } from '../core/index.ts';
import { StorageErrorCode } from './errors.ts';
import { requireName } from './input-checks.ts';
import { fromJsonText, toJsonText } from './json-column.ts';
import type { Database, TriggerStatesTable } from './schema.ts';
import type { FlowKeyRecord, FlowKeyStore, TriggerStateRecord, TriggerStateStore } from './store.ts';

/** Creates the trigger state store over a migrated database (or a transaction). */
export function createTriggerStateStore(db: Kysely<Database>, clock: Clock): TriggerStateStore {
  return {
    async get(flowId, triggerName) {
      const row = await db.selectFrom('trigger_states').selectAll().where('flow_id', '=', flowId).where('trigger_name', '=', triggerName).executeTakeFirst();
      return row === undefined ? undefined : toRecord(row);
    },

    async listForFlow(flowId) {
      const rows = await db.selectFrom('trigger_states').selectAll().where('flow_id', '=', flowId).orderBy('trigger_name').execute();
      return rows.map(toRecord);
    },

    async listAll() {
      const rows = await db.selectFrom('trigger_states').selectAll().orderBy('flow_id').orderBy('trigger_name').execute();
      return rows.map(toRecord);
    },

    async put(input) {
      requireName(input.flowId, 'trigger state flowId');
      requireName(input.triggerName, 'trigger state triggerName');
      const now = clock.now();
      const columns = {
        ...(input.activeVersion === undefined ? {} : { active_version: input.activeVersion }),
        ...(input.cursor === undefined ? {} : { cursor: input.cursor === null ? null : toJsonText(input.cursor, 'trigger cursor') }),
        ...(input.subscription === undefined ? {} : { subscription: input.subscription === null ? null : toJsonText(input.subscription, 'trigger subscription') }),
        ...(input.nextAt === undefined ? {} : { next_at: input.nextAt }),
        ...(input.lastStatus === undefined ? {} : { last_status: input.lastStatus }),
        ...(input.lastError === undefined ? {} : { last_error: input.lastError === null ? null : toJsonText(input.lastError, 'trigger error') }),
        ...(input.lastFiredAt === undefined ? {} : { last_fired_at: input.lastFiredAt }),
        ...(input.lastCheckedAt === undefined ? {} : { last_checked_at: input.lastCheckedAt }),
        updated_at: now,
      };
      if (input.expectedTick === null) {
        if (input.environmentId === undefined) {
          throw new UserInputError('a new trigger state needs its environmentId', { code: StorageErrorCode.InvalidStoreInput });
        }
        const row = await db
          .insertInto('trigger_states')
          .values({
            flow_id: input.flowId,
            trigger_name: input.triggerName,
            environment_id: input.environmentId,
            active_version: null,
            tick: 1,
            cursor: null,
            subscription: null,
            next_at: null,
            last_status: null,
            last_error: null,
            last_fired_at: null,
            last_checked_at: null,
            ...columns,
          })
          .onConflict((oc) => oc.columns(['flow_id', 'trigger_name']).doNothing())
          .returningAll()
          .executeTakeFirst();
        return row === undefined ? undefined : toRecord(row);
      }
      const row = await db
        .updateTable('trigger_states')
        .set({ ...columns, tick: input.expectedTick + 1 })
        .where('flow_id', '=', input.flowId)
        .where('trigger_name', '=', input.triggerName)
        .where('tick', '=', input.expectedTick)
        .returningAll()
        .executeTakeFirst();
      return row === undefined ? undefined : toRecord(row);
    },

    async delete(flowId, triggerName) {
      const result = await db
        .deleteFrom('trigger_states')
        .where('flow_id', '=', flowId)
        .$if(triggerName !== undefined, (q) => q.where('trigger_name', '=', triggerName ?? ''))
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}

/** Creates the flow callback key store. */
export function createFlowKeyStore(db: Kysely<Database>, clock: Clock): FlowKeyStore {
  return {
    async get(flowId) {
      const row = await db.selectFrom('flow_keys').selectAll().where('flow_id', '=', flowId).executeTakeFirst();
      return row === undefined ? undefined : toKey(row);
    },
    async insert(flowId, sealedKey) {
      const row = await db
        .insertInto('flow_keys')
        .values({ flow_id: flowId, sealed_key: sealedKey, created_at: clock.now() })
        .onConflict((oc) => oc.column('flow_id').doNothing())
        .returningAll()
        .executeTakeFirst();
      return row === undefined ? undefined : toKey(row);
    },
    async replace(flowId, sealedKey) {
      const row = await db
        .insertInto('flow_keys')
        .values({ flow_id: flowId, sealed_key: sealedKey, created_at: clock.now() })
        .onConflict((oc) => oc.column('flow_id').doUpdateSet({ sealed_key: sealedKey, created_at: clock.now() }))
        .returningAll()
        .executeTakeFirstOrThrow();
      return toKey(row);
    },
    async delete(flowId) {
      const result = await db.deleteFrom('flow_keys').where('flow_id', '=', flowId).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
  };
}

function toRecord(row: Selectable<TriggerStatesTable>): TriggerStateRecord {
  return Object.freeze({
    flowId: row.flow_id,
    triggerName: row.trigger_name,
    environmentId: row.environment_id,
    activeVersion: row.active_version === null ? null : Number(row.active_version),
    tick: Number(row.tick),
    cursor: row.cursor === null ? null : fromJsonText(row.cursor, 'trigger cursor'),
    subscription: row.subscription === null ? null : fromJsonText(row.subscription, 'trigger subscription'),
    nextAt: row.next_at === null ? null : Number(row.next_at),
    lastStatus: row.last_status,
    lastError: row.last_error === null ? null : fromJsonText(row.last_error, 'trigger error'),
    lastFiredAt: row.last_fired_at === null ? null : Number(row.last_fired_at),
    lastCheckedAt: row.last_checked_at === null ? null : Number(row.last_checked_at),
    updatedAt: Number(row.updated_at),
  });
}

function toKey(row: { flow_id: string; sealed_key: string; created_at: number }): FlowKeyRecord {
  return Object.freeze({ flowId: row.flow_id, sealedKey: row.sealed_key, createdAt: Number(row.created_at) });
}
