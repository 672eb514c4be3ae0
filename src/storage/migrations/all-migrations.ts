/** The ordered list of migrations. Append new ones; never edit or reorder a released one. */
import { migration0001Initial } from './0001-initial.ts';
import { migration0002ConnectionsAndSecrets } from './0002-connections-and-secrets.ts';
import { migration0003ConnectionRefreshLease } from './0003-connection-refresh-lease.ts';
import { migration0004FlowsRunsAndJobs } from './0004-flows-runs-and-jobs.ts';
import { migration0005Identity } from './0005-identity.ts';
import { migration0006Triggers } from './0006-triggers.ts';
import type { Migration } from './migration.ts';

/** Every migration, by version. */
export const allMigrations: readonly Migration[] = [
  migration0001Initial,
  migration0002ConnectionsAndSecrets,
  migration0003ConnectionRefreshLease,
  migration0004FlowsRunsAndJobs,
  migration0005Identity,
  migration0006Triggers,
];
