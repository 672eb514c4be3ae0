/** The `connectors` and `connector_versions` tables behind {@link ConnectorStore}. */
import type { Kysely, Selectable } from 'kysely';
import { NotFoundError, PlugboardError, UserInputError, newId } from '../core/index.ts';
import type { Clock } from '../core/index.ts';
import { compareCodeUnits } from './compare-code-units.ts';
import { StorageErrorCode } from './errors.ts';
import { requireName } from './input-checks.ts';
import { fromJsonArrayText, fromJsonText, toJsonText } from './json-column.ts';
import type { ConnectorVersionsTable, ConnectorsTable, Database } from './schema.ts';
import type {
  ConnectorRecord,
  ConnectorStore,
  ConnectorVersionRecord,
  ConnectorVersionSummary,
  ConnectorWithVersion,
  PutConnectorVersionInput,
  PutConnectorVersionResult,
} from './store.ts';

/** Options of {@link createConnectorStore}. */
export interface ConnectorStoreOptions {
  readonly clock: Clock;
  /**
   * Lock the connector row with `SELECT … FOR UPDATE` in putVersion. PostgreSQL needs it to
   * serialise concurrent writers; SQLite has no row locks (its write transactions are exclusive).
   */
  readonly lockRows: boolean;
}

/** The version columns without the definition blob. */
const SUMMARY_COLUMNS = ['id', 'connector_id', 'version', 'content_hash', 'source_kind', 'source_path', 'issues', 'created_at'] as const;

/** Creates the connector catalog store over a migrated database. */
export function createConnectorStore(db: Kysely<Database>, options: ConnectorStoreOptions): ConnectorStore {
  const { clock, lockRows } = options;

  const findConnector = (environmentId: string, name: string) =>
    db.selectFrom('connectors').selectAll().where('environment_id', '=', environmentId).where('name', '=', name).executeTakeFirst();

  const findVersion = (connectorId: string, version: number) =>
    db.selectFrom('connector_versions').selectAll().where('connector_id', '=', connectorId).where('version', '=', version).executeTakeFirst();

  const withVersion = async (connector: Selectable<ConnectorsTable> | undefined, version: number): Promise<ConnectorWithVersion | undefined> => {
    if (connector === undefined) return undefined;
    const row = await findVersion(connector.id, version);
    // Undefined too when a concurrent delete removed the versions after the connector was read.
    return row === undefined ? undefined : Object.freeze({ connector: toConnector(connector), version: toVersion(row) });
  };

  const putVersion = async (input: PutConnectorVersionInput): Promise<PutConnectorVersionResult> => {
    requireName(input.name, 'connector name');
    requireName(input.title, 'connector title');
    requireName(input.sourceKind, 'connector sourceKind');
    requireName(input.contentHash, 'connector contentHash');
    if (!Array.isArray(input.issues)) {
      throw new UserInputError(`connector "${input.name}": issues must be an array — pass [] when there are none`, {
        code: StorageErrorCode.InvalidStoreInput,
      });
    }
    const definitionText = toJsonText(input.definition, `connector "${input.name}" definition`);
    const issuesText = toJsonText(input.issues, `connector "${input.name}" issues`);

    return db.transaction().execute(async (trx) => {
      const environment = await trx.selectFrom('environments').select('id').where('id', '=', input.environmentId).executeTakeFirst();
      if (environment === undefined) {
        throw new NotFoundError(`environment ${input.environmentId} does not exist`, {
          code: StorageErrorCode.EnvironmentNotFound,
          details: { id: input.environmentId },
        });
      }
      const now = clock.now();
      // Concurrent first puts of one name: the loser's insert waits for the winner, then does nothing.
      await trx
        .insertInto('connectors')
        .values({
          id: newId(),
          environment_id: input.environmentId,
          name: input.name,
          title: input.title,
          publisher: input.publisher ?? null,
          builtin: input.builtin,
          latest_version: 0,
          created_at: now,
          updated_at: now,
        })
        .onConflict((oc) => oc.columns(['environment_id', 'name']).doNothing())
        .execute();
      const connector = mustExist(
        await trx
          .selectFrom('connectors')
          .selectAll()
          .where('environment_id', '=', input.environmentId)
          .where('name', '=', input.name)
          .$if(lockRows, (q) => q.forUpdate())
          .executeTakeFirst(),
        `connector "${input.name}" after upsert`,
      );

      if (connector.latest_version > 0) {
        const latest = mustExist(
          await trx
            .selectFrom('connector_versions')
            .selectAll()
            .where('connector_id', '=', connector.id)
            .where('version', '=', connector.latest_version)
            .executeTakeFirst(),
          `connector "${input.name}" version ${connector.latest_version}`,
        );
        if (latest.content_hash === input.contentHash) {
          return Object.freeze({ connector: toConnector(connector), version: toVersion(latest), created: false });
        }
      }

      const versionRow: Selectable<ConnectorVersionsTable> = {
        id: newId(),
        connector_id: connector.id,
        version: connector.latest_version + 1,
        content_hash: input.contentHash,
        source_kind: input.sourceKind,
        source_path: input.sourcePath ?? null,
        definition: definitionText,
        issues: issuesText,
        created_at: now,
      };
      await trx.insertInto('connector_versions').values(versionRow).execute();
      const updated = mustExist(
        await trx
          .updateTable('connectors')
          .set({
            latest_version: versionRow.version,
            title: input.title,
            publisher: input.publisher ?? null,
            builtin: input.builtin,
            updated_at: now,
          })
          .where('id', '=', connector.id)
          .returningAll()
          .executeTakeFirst(),
        `connector "${input.name}" after update`,
      );
      // Built from what was written rather than read back: the definition can be megabytes.
      return Object.freeze({ connector: toConnector(updated), version: toVersion(versionRow), created: true });
    });
  };

  return {
    putVersion,

    async list(environmentId) {
      const rows = await db.selectFrom('connectors').selectAll().where('environment_id', '=', environmentId).execute();
      return rows.map(toConnector).sort((a, b) => compareCodeUnits(a.name, b.name));
    },

    async get(environmentId, name) {
      const connector = await findConnector(environmentId, name);
      return withVersion(connector, connector?.latest_version ?? 0);
    },

    async getVersion(environmentId, name, version) {
      if (!Number.isSafeInteger(version) || version < 1) return undefined;
      return withVersion(await findConnector(environmentId, name), version);
    },

    async listVersions(environmentId, name) {
      const connector = await findConnector(environmentId, name);
      if (connector === undefined) return undefined;
      const rows = await db
        .selectFrom('connector_versions')
        .select(SUMMARY_COLUMNS)
        .where('connector_id', '=', connector.id)
        .orderBy('version')
        .execute();
      return rows.map(toVersionSummary);
    },

    async delete(environmentId, name) {
      return db.transaction().execute(async (trx) => {
        const connector = await trx
          .selectFrom('connectors')
          .select('id')
          .where('environment_id', '=', environmentId)
          .where('name', '=', name)
          .executeTakeFirst();
        if (connector === undefined) return false;
        // Explicit rather than ON DELETE CASCADE: the foreign key then proves no version is left behind.
        await trx.deleteFrom('connector_versions').where('connector_id', '=', connector.id).execute();
        await trx.deleteFrom('connectors').where('id', '=', connector.id).execute();
        return true;
      });
    },
  };
}

function mustExist<T>(row: T | undefined, what: string): T {
  if (row === undefined) {
    throw new PlugboardError(`${what} is missing inside its own transaction`, { code: StorageErrorCode.StoreInvariantBroken });
  }
  return row;
}

function toConnector(row: Selectable<ConnectorsTable>): ConnectorRecord {
  return Object.freeze({
    id: row.id,
    environmentId: row.environment_id,
    name: row.name,
    title: row.title,
    publisher: row.publisher,
    builtin: row.builtin === true || row.builtin === 1,
    latestVersion: row.latest_version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  });
}

type SummaryRow = Pick<Selectable<ConnectorVersionsTable>, (typeof SUMMARY_COLUMNS)[number]>;

function toVersionSummary(row: SummaryRow): ConnectorVersionSummary {
  return Object.freeze({
    id: row.id,
    connectorId: row.connector_id,
    version: row.version,
    contentHash: row.content_hash,
    sourceKind: row.source_kind,
    sourcePath: row.source_path,
    issues: fromJsonArrayText(row.issues, `connector version ${row.id} issues`),
    createdAt: row.created_at,
  });
}

function toVersion(row: Selectable<ConnectorVersionsTable>): ConnectorVersionRecord {
  return Object.freeze({ ...toVersionSummary(row), definition: fromJsonText(row.definition, `connector version ${row.id} definition`) });
}
