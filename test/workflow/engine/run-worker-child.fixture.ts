/**
 * A run worker process for the crash-resume test. Argument: JSON `{ store, lockMs }`. Opens the
 * store, executes queued runs (`workflow.runs`) with Http actions allowed to loopback, prints
 * `ready`, and runs until killed.
 */
import { createEgressClient } from '../../../src/gateway/index.ts';
import { createEmbeddedQueue } from '../../../src/queue/index.ts';
import { systemClock } from '../../../src/core/index.ts';
import { openStore } from '../../../src/storage/index.ts';
import type { StoreConfig } from '../../../src/storage/index.ts';
import { createRunLauncher } from '../../../src/workflow/index.ts';

const config: { store: StoreConfig; lockMs: number } = JSON.parse(process.argv[2] ?? '{}');
const store = await openStore(config.store);
const queue = createEmbeddedQueue({ store });
const egress = createEgressClient({ allow: ['127.0.0.1/32'], retry: 'none', totalTimeoutMs: 60_000 });
const runs = createRunLauncher({ store, queue, clock: systemClock, http: (request) => egress.send(request) });
runs.work({ lockMs: config.lockMs, pollMs: 20 });
process.stdout.write('ready\n');
