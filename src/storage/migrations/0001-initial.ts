/** Version 1: environments, principals, API tokens and the versioned connector catalog. */
import { sql } from 'kysely';
import type { Migration } from './migration.ts';

/** Creates the first tables. */
export const migration0001Initial: Migration = {
  version: 1,
  name: 'initial',
  async up({ schema }) {
    await schema
      .createTable('environments')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull().unique())
      .addColumn('display_name', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();

    await schema
      .createTable('principals')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull().unique())
      .addColumn('email', 'text')
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('disabled_at', 'bigint')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addCheckConstraint('principals_kind_check', sql`kind in ('user', 'service-account')`)
      .addCheckConstraint('principals_role_check', sql`role in ('admin', 'maker', 'viewer')`)
      .execute();

    await schema
      .createTable('api_tokens')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('principal_id', 'text', (c) => c.notNull().references('principals.id'))
      .addColumn('name', 'text', (c) => c.notNull())
      // sha-256 hex only; the raw token never reaches the database.
      .addColumn('token_hash', 'text', (c) => c.notNull().unique())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint')
      .addColumn('revoked_at', 'bigint')
      .addColumn('last_used_at', 'bigint')
      .addCheckConstraint('api_tokens_hash_check', sql`length(token_hash) = 64`)
      .execute();
    await schema.createIndex('api_tokens_principal_idx').on('api_tokens').column('principal_id').execute();

    await schema
      .createTable('connectors')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('environment_id', 'text', (c) => c.notNull().references('environments.id'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('publisher', 'text')
      .addColumn('builtin', 'boolean', (c) => c.notNull())
      .addColumn('latest_version', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addUniqueConstraint('connectors_environment_name_key', ['environment_id', 'name'])
      .execute();

    await schema
      .createTable('connector_versions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('connector_id', 'text', (c) => c.notNull().references('connectors.id'))
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('content_hash', 'text', (c) => c.notNull())
      .addColumn('source_kind', 'text', (c) => c.notNull())
      .addColumn('source_path', 'text')
      .addColumn('definition', 'text', (c) => c.notNull())
      .addColumn('issues', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      // The last line of defence against two writers picking the same number.
      .addUniqueConstraint('connector_versions_connector_version_key', ['connector_id', 'version'])
      .execute();
  },
};
