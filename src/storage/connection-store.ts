/** The `connections` and `connection_shares` tables behind {@link ConnectionStore}. */
import type { Kysely, Selectable, Transaction } from 'kysely';
import { ConflictError, NotFoundError, PlugboardError, UserInputError, newId } from '../core/index.ts';
import type { Clock } from '../core/index.ts';
import { compareCodeUnits } from './compare-code-units.ts';
import { StorageErrorCode } from './errors.ts';
import { requireEpochMs, requireName, requireOneOf } from './input-checks.ts';
import { fromJsonObjectText, toJsonObjectText } from './json-column.ts';
import type { ConnectionSharesTable, ConnectionsTable, Database } from './schema.ts';
import type { ConnectionPatch, ConnectionRecord, ConnectionShareRecord, ConnectionStatus, ConnectionStore, RefreshLeaseRequest } from './store.ts';

/** The statuses the schema accepts. */
export const CONNECTION_STATUSES: readonly ConnectionStatus[] = ['connected', 'error', 'unauthenticated'];

/** Creates the connection store over a migrated database. */
export function createConnectionStore(db: Kysely<Database>, clock: Clock): ConnectionStore {
  const get = async (id: string): Promise<ConnectionRecord | undefined> => {
    const row = await db.selectFrom('connections').selectAll().where('id', '=', id).executeTakeFirst();
    return row === undefined ? undefined : toConnection(row);
  };

  const notFound = (id: string) =>
    new NotFoundError(`connection ${id} does not exist`, { code: StorageErrorCode.ConnectionNotFound, details: { id } });

  return {
    async create(input) {
      requireName(input.connectorName, 'connection connectorName');
      requireName(input.displayName, 'connection displayName');
      requireOneOf(input.status, CONNECTION_STATUSES, 'connection status');
      if (input.id !== undefined) requireName(input.id, 'connection id');
      if (input.parameterSet !== undefined && input.parameterSet !== null) requireName(input.parameterSet, 'connection parameterSet');
      const valuesText = toJsonObjectText(input.values, `connection "${input.displayName}" values`);
      return db.transaction().execute(async (trx) => {
        await requireRow(trx, { table: 'environments', id: input.environmentId, code: StorageErrorCode.EnvironmentNotFound });
        await requireRow(trx, { table: 'principals', id: input.ownerId, code: StorageErrorCode.PrincipalNotFound });
        const now = clock.now();
        const row = await trx
          .insertInto('connections')
          .values({
            id: input.id ?? newId(),
            environment_id: input.environmentId,
            connector_name: input.connectorName,
            display_name: input.displayName,
            owner_id: input.ownerId,
            parameter_set: input.parameterSet ?? null,
            values: valuesText,
            secrets: input.secrets ?? null,
            secrets_revision: 0,
            status: input.status,
            last_error: input.lastError ?? null,
            created_at: now,
            updated_at: now,
          })
          .onConflict((oc) => oc.column('id').doNothing())
          .returningAll()
          .executeTakeFirst();
        if (row === undefined) {
          throw new ConflictError(`connection ${input.id ?? ''} already exists — use a new id`, { code: StorageErrorCode.ConnectionExists, details: { id: input.id } });
        }
        return toConnection(row);
      });
    },

    get,

    async listForEnvironment(environmentId) {
      const rows = await db.selectFrom('connections').selectAll().where('environment_id', '=', environmentId).execute();
      return sortConnections(rows.map(toConnection));
    },

    async listVisibleTo(environmentId, principalId) {
      const rows = await db
        .selectFrom('connections')
        .selectAll()
        .where('environment_id', '=', environmentId)
        .where((eb) =>
          eb.or([
            eb('owner_id', '=', principalId),
            eb.exists(
              eb
                .selectFrom('connection_shares')
                .select('connection_shares.connection_id')
                .whereRef('connection_shares.connection_id', '=', 'connections.id')
                .where('connection_shares.principal_id', '=', principalId),
            ),
          ]),
        )
        .execute();
      return sortConnections(rows.map(toConnection));
    },

    async update(id, patch) {
      checkPatch(patch);
      const values = patch.values === undefined ? undefined : toJsonObjectText(patch.values, `connection ${id} values`);
      const row = await db
        .updateTable('connections')
        .set((eb) => ({
          updated_at: clock.now(),
          ...(patch.displayName === undefined ? {} : { display_name: patch.displayName }),
          ...(patch.parameterSet === undefined ? {} : { parameter_set: patch.parameterSet }),
          ...(values === undefined ? {} : { values }),
          ...(patch.secrets === undefined ? {} : { secrets: patch.secrets, secrets_revision: eb('secrets_revision', '+', 1) }),
        }))
        .where('id', '=', id)
        .$if(patch.expectedSecretsRevision !== undefined, (q) => q.where('secrets_revision', '=', patch.expectedSecretsRevision ?? -1))
        .returningAll()
        .executeTakeFirst();
      if (row !== undefined) return toConnection(row);
      if ((await get(id)) === undefined) throw notFound(id);
      throw new ConflictError(`connection ${id} was changed concurrently — read it again and retry`, {
        code: StorageErrorCode.ConnectionChanged,
        retryable: true,
        details: { id },
      });
    },

    async updateSecrets(id, expectedRevision, secrets) {
      const row = await db
        .updateTable('connections')
        .set((eb) => ({ secrets, secrets_revision: eb('secrets_revision', '+', 1), updated_at: clock.now() }))
        .where('id', '=', id)
        .where('secrets_revision', '=', expectedRevision)
        .returning('id')
        .executeTakeFirst();
      return row !== undefined;
    },

    async setStatus(id, status, lastError) {
      requireOneOf(status, CONNECTION_STATUSES, 'connection status');
      const row = await db
        .updateTable('connections')
        .set({ status, last_error: lastError, updated_at: clock.now() })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
      if (row === undefined) throw notFound(id);
      return toConnection(row);
    },

    async acquireRefreshLease(id, lease) {
      checkLease(lease);
      const { holder, nowMs, untilMs } = lease;
      // One statement, so the database's row lock decides between concurrent callers: on PostgreSQL
      // a waiting UPDATE re-checks the WHERE clause against the winner's row and finds it taken.
      const row = await db
        .updateTable('connections')
        .set({ refresh_lease_holder: holder, refresh_lease_until: untilMs })
        .where('id', '=', id)
        .where((eb) =>
          eb.or([eb('refresh_lease_holder', 'is', null), eb('refresh_lease_until', 'is', null), eb('refresh_lease_until', '<=', nowMs), eb('refresh_lease_holder', '=', holder)]),
        )
        .returning('id')
        .executeTakeFirst();
      return row !== undefined;
    },

    async releaseRefreshLease(id, holder) {
      requireName(holder, 'refresh lease holder');
      const row = await db
        .updateTable('connections')
        .set({ refresh_lease_holder: null, refresh_lease_until: null })
        .where('id', '=', id)
        .where('refresh_lease_holder', '=', holder)
        .returning('id')
        .executeTakeFirst();
      return row !== undefined;
    },

    async delete(id) {
      return db.transaction().execute(async (trx) => {
        // Explicit rather than ON DELETE CASCADE: the foreign keys then prove nothing is left behind.
        await trx.deleteFrom('connection_shares').where('connection_id', '=', id).execute();
        await trx.deleteFrom('oauth_states').where('connection_id', '=', id).execute();
        const deleted = await trx.deleteFrom('connections').where('id', '=', id).returning('id').executeTakeFirst();
        return deleted !== undefined;
      });
    },

    async share(id, principalId) {
      return db.transaction().execute(async (trx) => {
        await requireRow(trx, { table: 'connections', id, code: StorageErrorCode.ConnectionNotFound });
        await requireRow(trx, { table: 'principals', id: principalId, code: StorageErrorCode.PrincipalNotFound });
        await trx
          .insertInto('connection_shares')
          .values({ connection_id: id, principal_id: principalId, created_at: clock.now() })
          .onConflict((oc) => oc.columns(['connection_id', 'principal_id']).doNothing())
          .execute();
        const row = await trx
          .selectFrom('connection_shares')
          .selectAll()
          .where('connection_id', '=', id)
          .where('principal_id', '=', principalId)
          .executeTakeFirst();
        if (row === undefined) {
          throw new PlugboardError(`share of connection ${id} is missing inside its own transaction`, { code: StorageErrorCode.StoreInvariantBroken });
        }
        return toShare(row);
      });
    },

    async unshare(id, principalId) {
      const row = await db
        .deleteFrom('connection_shares')
        .where('connection_id', '=', id)
        .where('principal_id', '=', principalId)
        .returning('principal_id')
        .executeTakeFirst();
      return row !== undefined;
    },

    async listShares(id) {
      const rows = await db.selectFrom('connection_shares').selectAll().where('connection_id', '=', id).execute();
      return rows.map(toShare).sort((a, b) => a.createdAt - b.createdAt || compareCodeUnits(a.principalId, b.principalId));
    },
  };
}

/** A row another row refers to. */
interface Reference {
  readonly table: 'environments' | 'principals' | 'connections';
  readonly id: string;
  /** The NotFoundError code when it is missing. */
  readonly code: string;
}

const SINGULAR: Readonly<Record<Reference['table'], string>> = { environments: 'environment', principals: 'principal', connections: 'connection' };

/** NotFoundError unless the referenced row exists (checked inside the caller's transaction). */
async function requireRow(trx: Transaction<Database>, reference: Reference): Promise<void> {
  const { table, id, code } = reference;
  const row = await trx.selectFrom(table).select('id').where('id', '=', id).executeTakeFirst();
  if (row === undefined) throw new NotFoundError(`${SINGULAR[table]} ${id} does not exist`, { code, details: { id } });
}

function checkPatch(patch: ConnectionPatch): void {
  if (patch.displayName !== undefined) requireName(patch.displayName, 'connection displayName');
  if (patch.parameterSet !== undefined && patch.parameterSet !== null) requireName(patch.parameterSet, 'connection parameterSet');
  if (patch.expectedSecretsRevision !== undefined && patch.secrets === undefined) {
    throw new UserInputError('expectedSecretsRevision only applies together with secrets — pass both or neither', { code: StorageErrorCode.InvalidStoreInput });
  }
}

function checkLease(lease: RefreshLeaseRequest): void {
  requireName(lease.holder, 'refresh lease holder');
  requireEpochMs(lease.nowMs, 'refresh lease nowMs');
  requireEpochMs(lease.untilMs, 'refresh lease untilMs');
  if (lease.untilMs <= lease.nowMs) {
    throw new UserInputError(`refresh lease untilMs ${lease.untilMs} is not after nowMs ${lease.nowMs} — pass the time the lease should end`, {
      code: StorageErrorCode.InvalidStoreInput,
    });
  }
}

function sortConnections(records: ConnectionRecord[]): ConnectionRecord[] {
  return records.sort((a, b) => a.createdAt - b.createdAt || compareCodeUnits(a.id, b.id));
}

function toConnection(row: Selectable<ConnectionsTable>): ConnectionRecord {
  const status = row.status;
  if (!isConnectionStatus(status)) {
    throw new PlugboardError(`connection ${row.id} has status "${status}", which the schema does not allow`, { code: StorageErrorCode.CorruptRow });
  }
  return Object.freeze({
    id: row.id,
    environmentId: row.environment_id,
    connectorName: row.connector_name,
    displayName: row.display_name,
    ownerId: row.owner_id,
    parameterSet: row.parameter_set,
    values: Object.freeze(fromJsonObjectText(row.values, `connection ${row.id} values`)),
    secrets: row.secrets,
    secretsRevision: row.secrets_revision,
    status,
    lastError: row.last_error,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  });
}

function isConnectionStatus(value: string): value is ConnectionStatus {
  return CONNECTION_STATUSES.some((s) => s === value);
}

function toShare(row: Selectable<ConnectionSharesTable>): ConnectionShareRecord {
  return Object.freeze({ connectionId: row.connection_id, principalId: row.principal_id, createdAt: row.created_at });
}
