/**
 * Version 3: a refresh lease on each connection, so that of several Plugboard processes only one
 * redeems a connection's OAuth refresh token at a time (providers that rotate refresh tokens treat
 * a second use as theft and revoke the whole grant).
 */
import type { Migration } from './migration.ts';

/** Adds `refresh_lease_holder` and `refresh_lease_until` (epoch ms) to `connections`; both null = free. */
export const migration0003ConnectionRefreshLease: Migration = {
  version: 3,
  name: 'connection-refresh-lease',
  async up({ schema }) {
    // One column per statement: SQLite's ALTER TABLE adds a single column at a time.
    await schema.alterTable('connections').addColumn('refresh_lease_holder', 'text').execute();
    await schema.alterTable('connections').addColumn('refresh_lease_until', 'bigint').execute();
  },
};
