/**
 * Version 2: connections (with their shares), per-environment OAuth app registrations, single-use
 * OAuth `state` records, and the master key versions of the secrets area.
 */
import { sql } from 'kysely';
import type { Migration } from './migration.ts';

/** Creates the connection and secret tables. */
export const migration0002ConnectionsAndSecrets: Migration = {
  version: 2,
  name: 'connections-and-secrets',
  async up({ schema }) {
    await schema
      .createTable('connections')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('environment_id', 'text', (c) => c.notNull().references('environments.id'))
      .addColumn('connector_name', 'text', (c) => c.notNull())
      .addColumn('display_name', 'text', (c) => c.notNull())
      .addColumn('owner_id', 'text', (c) => c.notNull().references('principals.id'))
      .addColumn('parameter_set', 'text')
      // Non-secret parameter values as JSON text; secret ones live only inside `secrets`.
      .addColumn('values', 'text', (c) => c.notNull())
      // An opaque envelope from the secrets area (AES-256-GCM, bound to environment and connection).
      .addColumn('secrets', 'text')
      .addColumn('secrets_revision', 'integer', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('last_error', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addCheckConstraint('connections_status_check', sql`status in ('connected', 'error', 'unauthenticated')`)
      .execute();
    await schema.createIndex('connections_environment_idx').on('connections').columns(['environment_id', 'owner_id']).execute();

    await schema
      .createTable('connection_shares')
      .addColumn('connection_id', 'text', (c) => c.notNull().references('connections.id'))
      .addColumn('principal_id', 'text', (c) => c.notNull().references('principals.id'))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('connection_shares_pkey', ['connection_id', 'principal_id'])
      .execute();
    await schema.createIndex('connection_shares_principal_idx').on('connection_shares').column('principal_id').execute();

    await schema
      .createTable('oauth_apps')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('environment_id', 'text', (c) => c.notNull().references('environments.id'))
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('client_id', 'text', (c) => c.notNull())
      .addColumn('client_secret', 'text')
      .addColumn('settings', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addUniqueConstraint('oauth_apps_environment_key_key', ['environment_id', 'key'])
      .execute();

    await schema
      .createTable('oauth_states')
      .addColumn('id', 'text', (c) => c.primaryKey())
      // sha-256 hex of the `state` value; the value itself only travels through the browser.
      .addColumn('state_hash', 'text', (c) => c.notNull().unique())
      .addColumn('environment_id', 'text', (c) => c.notNull().references('environments.id'))
      .addColumn('principal_id', 'text', (c) => c.notNull().references('principals.id'))
      .addColumn('connection_id', 'text', (c) => c.references('connections.id'))
      .addColumn('payload', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('consumed_at', 'bigint')
      .addCheckConstraint('oauth_states_hash_check', sql`length(state_hash) = 64`)
      .execute();

    await schema
      .createTable('secret_keys')
      .addColumn('version', 'integer', (c) => c.primaryKey())
      // HMAC of a fixed text under the key: proves a key is the right one without storing it.
      .addColumn('check_value', 'text', (c) => c.notNull().unique())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('retired_at', 'bigint')
      .execute();
  },
};
