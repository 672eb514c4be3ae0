/** The `flows` and `flow_versions` tables behind {@link FlowStore}. */
import type { Kysely, Selectable } from 'kysely';
import { ConflictError, NotFoundError, PlugboardError, newId } from '../core/index.ts';
import type { Clock } from '../core/index.ts';
import { atomically } from './atomically.ts';
import { compareCodeUnits } from './compare-code-units.ts';
import { StorageErrorCode } from './errors.ts';
import { requireName, requireOneOf, storedOneOf } from './input-checks.ts';
import { fromJsonObjectText, fromJsonText, toJsonObjectText, toJsonText } from './json-column.ts';
import { deleteRunsOfFlow } from './run-store.ts';
import type { Database, FlowVersionsTable, FlowsTable } from './schema.ts';
import type { FlowRecord, FlowState, FlowStore, FlowVersionInput, FlowVersionRecord, FlowWithVersion } from './store.ts';

/** The states the store accepts. */
export const FLOW_STATES: readonly FlowState[] = ['enabled', 'disabled'];

/** Options of {@link createFlowStore}. */
export interface FlowStoreOptions {
  readonly clock: Clock;
  /** Lock the flow row with `FOR UPDATE` in addVersion (PostgreSQL; SQLite write transactions are exclusive already). */
  readonly lockRows: boolean;
}

/** Creates the flow store over a migrated database (or a transaction). */
export function createFlowStore(db: Kysely<Database>, options: FlowStoreOptions): FlowStore {
  const { clock, lockRows } = options;

  const get = async (id: string): Promise<FlowRecord | undefined> => {
    const row = await db.selectFrom('flows').selectAll().where('id', '=', id).executeTakeFirst();
    return row === undefined ? undefined : toFlow(row);
  };

  const notFound = (id: string) => new NotFoundError(`flow ${id} does not exist`, { code: StorageErrorCode.FlowNotFound, details: { id } });
  const nameTaken = (name: string) =>
    new ConflictError(`a flow named "${name}" already exists in this environment — choose another name or update the existing flow`, {
      code: StorageErrorCode.FlowExists,
      details: { name },
    });

  return {
    async create(input) {
      requireName(input.name, 'flow name');
      if (input.id !== undefined) requireName(input.id, 'flow id');
      const state = input.state ?? 'enabled';
      requireOneOf(state, FLOW_STATES, 'flow state');
      const content = versionContent(input, input.name);
      return atomically(db, async (trx) => {
        const environment = await trx.selectFrom('environments').select('id').where('id', '=', input.environmentId).executeTakeFirst();
        if (environment === undefined) {
          throw new NotFoundError(`environment ${input.environmentId} does not exist`, { code: StorageErrorCode.EnvironmentNotFound, details: { id: input.environmentId } });
        }
        const ownerId = input.ownerId ?? null;
        if (ownerId !== null) {
          const owner = await trx.selectFrom('principals').select('id').where('id', '=', ownerId).executeTakeFirst();
          if (owner === undefined) throw new NotFoundError(`principal ${ownerId} does not exist`, { code: StorageErrorCode.PrincipalNotFound, details: { id: ownerId } });
        }
        const id = input.id ?? newId();
        const now = clock.now();
        // No conflict target: a taken id and a taken name both end here, told apart below.
        const row = await trx
          .insertInto('flows')
          .values({ id, environment_id: input.environmentId, name: input.name, owner_id: ownerId, state, current_version: 1, created_at: now, updated_at: now })
          .onConflict((oc) => oc.doNothing())
          .returningAll()
          .executeTakeFirst();
        if (row === undefined) {
          const sameId = input.id === undefined ? undefined : await trx.selectFrom('flows').select('id').where('id', '=', id).executeTakeFirst();
          if (sameId !== undefined) throw new ConflictError(`flow ${id} already exists — use a new id`, { code: StorageErrorCode.FlowExists, details: { id } });
          throw nameTaken(input.name);
        }
        const versionRow: Selectable<FlowVersionsTable> = { flow_id: id, version: 1, ...content, created_at: now };
        await trx.insertInto('flow_versions').values(versionRow).execute();
        return withVersion(row, versionRow);
      });
    },

    get,

    async getByName(environmentId, name) {
      const row = await db.selectFrom('flows').selectAll().where('environment_id', '=', environmentId).where('name', '=', name).executeTakeFirst();
      return row === undefined ? undefined : toFlow(row);
    },

    async getVersion(flowId, version) {
      if (version !== undefined && (!Number.isSafeInteger(version) || version < 1)) return undefined;
      const row = await db
        .selectFrom('flow_versions')
        .innerJoin('flows', 'flows.id', 'flow_versions.flow_id')
        .selectAll('flow_versions')
        .where('flow_versions.flow_id', '=', flowId)
        .$if(version === undefined, (q) => q.whereRef('flow_versions.version', '=', 'flows.current_version'))
        .$if(version !== undefined, (q) => q.where('flow_versions.version', '=', version ?? 0))
        .executeTakeFirst();
      return row === undefined ? undefined : toVersion(row);
    },

    async list(environmentId) {
      const rows = await db.selectFrom('flows').selectAll().where('environment_id', '=', environmentId).execute();
      return rows.map(toFlow).sort((a, b) => compareCodeUnits(a.name, b.name));
    },

    async listVisibleTo(environmentId, principalId) {
      const rows = await db
        .selectFrom('flows')
        .selectAll()
        .where('environment_id', '=', environmentId)
        .where((eb) =>
          eb.or([
            eb('owner_id', '=', principalId),
            eb.exists(eb.selectFrom('flow_members').select('flow_members.flow_id').whereRef('flow_members.flow_id', '=', 'flows.id').where('flow_members.principal_id', '=', principalId)),
          ]),
        )
        .execute();
      return rows.map(toFlow).sort((a, b) => compareCodeUnits(a.name, b.name));
    },

    async addVersion(flowId, input) {
      return atomically(db, async (trx) => {
        const flow = await trx
          .selectFrom('flows')
          .selectAll()
          .where('id', '=', flowId)
          .$if(lockRows, (q) => q.forUpdate())
          .executeTakeFirst();
        if (flow === undefined) throw notFound(flowId);
        const now = clock.now();
        const versionRow: Selectable<FlowVersionsTable> = { flow_id: flowId, version: flow.current_version + 1, ...versionContent(input, flow.name), created_at: now };
        await trx.insertInto('flow_versions').values(versionRow).execute();
        const updated = await trx
          .updateTable('flows')
          .set({ current_version: versionRow.version, updated_at: now })
          .where('id', '=', flowId)
          .returningAll()
          .executeTakeFirst();
        if (updated === undefined) {
          throw new PlugboardError(`flow ${flowId} is missing inside its own transaction`, { code: StorageErrorCode.StoreInvariantBroken });
        }
        return withVersion(updated, versionRow);
      });
    },

    async update(id, patch) {
      if (patch.name !== undefined) requireName(patch.name, 'flow name');
      if (patch.state !== undefined) requireOneOf(patch.state, FLOW_STATES, 'flow state');
      return atomically(db, async (trx) => {
        const current = await trx.selectFrom('flows').selectAll().where('id', '=', id).executeTakeFirst();
        if (current === undefined) throw notFound(id);
        if (patch.name !== undefined && patch.name !== current.name) {
          const taken = await trx.selectFrom('flows').select('id').where('environment_id', '=', current.environment_id).where('name', '=', patch.name).executeTakeFirst();
          if (taken !== undefined) throw nameTaken(patch.name);
        }
        const row = await trx
          .updateTable('flows')
          .set({
            updated_at: clock.now(),
            ...(patch.name === undefined ? {} : { name: patch.name }),
            ...(patch.state === undefined ? {} : { state: patch.state }),
          })
          .where('id', '=', id)
          .returningAll()
          .executeTakeFirst();
        if (row === undefined) throw notFound(id);
        return toFlow(row);
      });
    },

    async delete(id) {
      return atomically(db, async (trx) => {
        const flow = await trx.selectFrom('flows').select('id').where('id', '=', id).executeTakeFirst();
        if (flow === undefined) return false;
        // Explicit rather than ON DELETE CASCADE: the foreign keys then prove nothing is left behind.
        await deleteRunsOfFlow(trx, id);
        await trx.deleteFrom('flow_members').where('flow_id', '=', id).execute();
        await trx.deleteFrom('flow_versions').where('flow_id', '=', id).execute();
        await trx.deleteFrom('flows').where('id', '=', id).execute();
        return true;
      });
    },
  };
}

function versionContent(input: FlowVersionInput, flowName: string): Pick<Selectable<FlowVersionsTable>, 'definition' | 'connection_references'> {
  return {
    definition: toJsonText(input.definition, `flow "${flowName}" definition`),
    connection_references: toJsonObjectText(input.connectionReferences ?? {}, `flow "${flowName}" connectionReferences`),
  };
}

function withVersion(flow: Selectable<FlowsTable>, version: Selectable<FlowVersionsTable>): FlowWithVersion {
  return Object.freeze({ flow: toFlow(flow), version: toVersion(version) });
}

function toFlow(row: Selectable<FlowsTable>): FlowRecord {
  return Object.freeze({
    id: row.id,
    environmentId: row.environment_id,
    name: row.name,
    ownerId: row.owner_id,
    state: storedOneOf(row.state, FLOW_STATES, `flow ${row.id} state`),
    currentVersion: row.current_version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  });
}

function toVersion(row: Selectable<FlowVersionsTable>): FlowVersionRecord {
  const where = `flow ${row.flow_id} version ${row.version}`;
  return Object.freeze({
    flowId: row.flow_id,
    version: row.version,
    definition: fromJsonText(row.definition, `${where} definition`),
    connectionReferences: fromJsonObjectText(row.connection_references, `${where} connectionReferences`),
    createdAt: row.created_at,
  });
}
