/** The `flow_members` table behind {@link FlowMemberStore}: co-owners and run-only users of flows. */
import type { Kysely, Selectable } from 'kysely';
import { NotFoundError } from '../core/index.ts';
import type { Clock } from '../core/index.ts';
import { atomically } from './atomically.ts';
import { StorageErrorCode } from './errors.ts';
import { requireOneOf, storedOneOf } from './input-checks.ts';
import type { Database, FlowMembersTable } from './schema.ts';
import type { FlowMemberAccess, FlowMemberRecord, FlowMemberStore } from './store.ts';

/** The kinds of flow access the schema accepts. */
export const FLOW_MEMBER_ACCESS: readonly FlowMemberAccess[] = ['co-owner', 'run-only'];

/** Creates the flow member store over a migrated database. */
export function createFlowMemberStore(db: Kysely<Database>, clock: Clock): FlowMemberStore {
  return {
    async put(input) {
      requireOneOf(input.access, FLOW_MEMBER_ACCESS, 'flow member access');
      return atomically(db, async (trx) => {
        const flow = await trx.selectFrom('flows').select('id').where('id', '=', input.flowId).executeTakeFirst();
        if (flow === undefined) throw new NotFoundError(`flow ${input.flowId} does not exist`, { code: StorageErrorCode.FlowNotFound, details: { id: input.flowId } });
        const principal = await trx.selectFrom('principals').select('id').where('id', '=', input.principalId).executeTakeFirst();
        if (principal === undefined) {
          throw new NotFoundError(`principal ${input.principalId} does not exist`, { code: StorageErrorCode.PrincipalNotFound, details: { id: input.principalId } });
        }
        const row = await trx
          .insertInto('flow_members')
          .values({ flow_id: input.flowId, principal_id: input.principalId, access: input.access, created_at: clock.now() })
          .onConflict((oc) => oc.columns(['flow_id', 'principal_id']).doUpdateSet({ access: input.access }))
          .returningAll()
          .executeTakeFirstOrThrow();
        return toMember(row);
      });
    },

    async get(flowId, principalId) {
      const row = await db.selectFrom('flow_members').selectAll().where('flow_id', '=', flowId).where('principal_id', '=', principalId).executeTakeFirst();
      return row === undefined ? undefined : toMember(row);
    },

    async list(flowId) {
      const rows = await db.selectFrom('flow_members').selectAll().where('flow_id', '=', flowId).orderBy('created_at').orderBy('principal_id').execute();
      return rows.map(toMember);
    },

    async delete(flowId, principalId) {
      const row = await db.deleteFrom('flow_members').where('flow_id', '=', flowId).where('principal_id', '=', principalId).returning('principal_id').executeTakeFirst();
      return row !== undefined;
    },
  };
}

function toMember(row: Selectable<FlowMembersTable>): FlowMemberRecord {
  return Object.freeze({
    flowId: row.flow_id,
    principalId: row.principal_id,
    access: storedOneOf(row.access, FLOW_MEMBER_ACCESS, `access of principal ${row.principal_id} to flow ${row.flow_id}`),
    createdAt: row.created_at,
  });
}
