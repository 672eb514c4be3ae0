/**
 * Version 4: flows with immutable versions, the run journal (runs, one row per action attempt,
 * large values stored apart in run_blobs) and the jobs table of the embedded queue.
 *
 * Statuses are checked by the stores, not by CHECK constraints: the Logic Apps status list grows
 * (Suspended, Paused…), and SQLite cannot change a CHECK constraint without rebuilding the table.
 */
import { sql } from 'kysely';
import type { Migration } from './migration.ts';

/** Creates `flows`, `flow_versions`, `runs`, `run_actions`, `run_blobs` and `jobs`. */
export const migration0004FlowsRunsAndJobs: Migration = {
  version: 4,
  name: 'flows-runs-and-jobs',
  async up({ schema }) {
    await schema
      .createTable('flows')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('environment_id', 'text', (c) => c.notNull().references('environments.id'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('owner_id', 'text', (c) => c.references('principals.id'))
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('current_version', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addUniqueConstraint('flows_environment_name_key', ['environment_id', 'name'])
      .addCheckConstraint('flows_state_check', sql`state in ('enabled', 'disabled')`)
      .execute();

    await schema
      .createTable('flow_versions')
      .addColumn('flow_id', 'text', (c) => c.notNull().references('flows.id'))
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('definition', 'text', (c) => c.notNull())
      .addColumn('connection_references', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('flow_versions_pkey', ['flow_id', 'version'])
      .execute();

    await schema
      .createTable('runs')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('flow_id', 'text', (c) => c.notNull())
      .addColumn('flow_version', 'integer', (c) => c.notNull())
      .addColumn('environment_id', 'text', (c) => c.notNull().references('environments.id'))
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('trigger_name', 'text')
      // Each JSON value is inline or (above the blob threshold) a run_blobs id; never both.
      .addColumn('trigger_outputs', 'text')
      .addColumn('trigger_outputs_blob', 'text')
      .addColumn('outputs', 'text')
      .addColumn('outputs_blob', 'text')
      .addColumn('error', 'text')
      .addColumn('correlation_id', 'text')
      .addColumn('client_tracking_id', 'text')
      .addColumn('started_at', 'bigint', (c) => c.notNull())
      .addColumn('ended_at', 'bigint')
      .addForeignKeyConstraint('runs_flow_version_fkey', ['flow_id', 'flow_version'], 'flow_versions', ['flow_id', 'version'])
      .execute();
    await schema.createIndex('runs_flow_started_idx').on('runs').columns(['flow_id', 'started_at']).execute();
    // Resume after a crash scans the few unfinished runs, not the whole history.
    await schema.createIndex('runs_unfinished_idx').on('runs').column('id').where(sql<boolean>`status in ('Running', 'Waiting')`).execute();

    await schema
      .createTable('run_blobs')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('run_id', 'text', (c) => c.notNull().references('runs.id'))
      .addColumn('content', 'text', (c) => c.notNull())
      .addColumn('size', 'bigint', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await schema.createIndex('run_blobs_run_idx').on('run_blobs').column('run_id').execute();

    await schema
      .createTable('run_actions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('run_id', 'text', (c) => c.notNull().references('runs.id'))
      .addColumn('name', 'text', (c) => c.notNull())
      // '' outside loops, so that the unique constraint below also holds there (NULLs never collide).
      .addColumn('iteration_key', 'text', (c) => c.notNull())
      .addColumn('attempt', 'integer', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('inputs', 'text')
      .addColumn('inputs_blob', 'text')
      .addColumn('outputs', 'text')
      .addColumn('outputs_blob', 'text')
      .addColumn('error', 'text')
      .addColumn('tracked_properties', 'text')
      .addColumn('idempotency_key', 'text', (c) => c.notNull())
      .addColumn('started_at', 'bigint', (c) => c.notNull())
      .addColumn('ended_at', 'bigint')
      .addUniqueConstraint('run_actions_attempt_key', ['run_id', 'name', 'iteration_key', 'attempt'])
      .execute();
    await schema.createIndex('run_actions_unfinished_idx').on('run_actions').column('run_id').where(sql<boolean>`status in ('Running', 'Waiting')`).execute();

    await schema
      .createTable('jobs')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('queue', 'text', (c) => c.notNull())
      .addColumn('payload', 'text', (c) => c.notNull())
      .addColumn('run_at', 'bigint', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull())
      .addColumn('locked_by', 'text')
      .addColumn('locked_until', 'bigint')
      .addColumn('dedupe_key', 'text')
      .addColumn('last_error', 'text')
      .addColumn('failed_at', 'bigint')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await schema.createIndex('jobs_queue_run_at_idx').on('jobs').columns(['queue', 'run_at']).execute();
    // One live job per key; a failed (dead-letter) job no longer blocks its key.
    await schema.createIndex('jobs_queue_dedupe_key').unique().on('jobs').columns(['queue', 'dedupe_key']).where(sql<boolean>`failed_at is null`).execute();
  },
};
