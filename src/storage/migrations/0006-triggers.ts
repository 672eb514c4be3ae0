/**
 * Version 6: trigger state and flow callback keys.
 *
 * `trigger_states` holds, per flow and trigger, what keeps a trigger going between its jobs: the
 * polling cursor, the webhook subscription, the next due time and the last outcome. A `tick`
 * counter makes every change a compare-and-set, so the state, the runs a poll creates and the
 * next poll's job commit together exactly once. It has no foreign key to `flows`: a deleted
 * flow's subscription must outlive the flow until it has been unsubscribed.
 *
 * `flow_keys` holds each flow's callback signing key, sealed by the secrets area. `runs_ended_idx`
 * serves run retention.
 */
import { sql } from 'kysely';
import type { Migration } from './migration.ts';

/** Creates `trigger_states` and `flow_keys`, and the index run retention scans (`runs.ended_at`). */
export const migration0006Triggers: Migration = {
  version: 6,
  name: 'triggers',
  async up({ schema }) {
    await schema
      .createTable('trigger_states')
      .addColumn('flow_id', 'text', (c) => c.notNull())
      .addColumn('trigger_name', 'text', (c) => c.notNull())
      .addColumn('environment_id', 'text', (c) => c.notNull())
      .addColumn('active_version', 'integer')
      .addColumn('tick', 'bigint', (c) => c.notNull())
      .addColumn('cursor', 'text')
      .addColumn('subscription', 'text')
      .addColumn('next_at', 'bigint')
      .addColumn('last_status', 'text')
      .addColumn('last_error', 'text')
      .addColumn('last_fired_at', 'bigint')
      .addColumn('last_checked_at', 'bigint')
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('trigger_states_pkey', ['flow_id', 'trigger_name'])
      .execute();

    await schema
      .createTable('flow_keys')
      .addColumn('flow_id', 'text', (c) => c.primaryKey())
      .addColumn('sealed_key', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();

    // Retention deletes finished runs older than a cutoff: without this it scans every run.
    await schema.createIndex('runs_ended_idx').on('runs').column('ended_at').where(sql<boolean>`ended_at is not null`).execute();
  },
};
