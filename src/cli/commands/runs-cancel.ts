/**
 * `plugboard runs cancel <id> [--json]`: cancels a run that is queued, waiting or running, on the
 * store the server uses. The run ends `Cancelled` at once; a server executing it stops its
 * actions in flight at its next action start or within 5 s. A run that already ended: exit 1.
 */
import { systemClock } from '../../core/index.ts';
import { createEmbeddedQueue } from '../../queue/index.ts';
import type { Store } from '../../storage/index.ts';
import { createRunLauncher, runSummaryView } from '../../workflow/index.ts';
import type { DurableRuns } from '../../workflow/index.ts';
import { withContext } from '../context.ts';
import { printJson } from '../output.ts';

/** Options of the command. */
export interface RunsCancelOptions {
  readonly json?: boolean;
}

/** Runs the command; returns the process exit code. */
export async function runsCancel(runId: string, options: RunsCancelOptions): Promise<number> {
  return withContext(({ store }) =>
    withRunLifecycle(store, async (runs) => {
      const cancelled = await runs.cancel(runId);
      if (options.json === true) printJson(runSummaryView(cancelled));
      else process.stdout.write(`run ${cancelled.id} cancelled (a server executing it stops its actions in flight within a few seconds)\n`);
      return 0;
    }),
  );
}

/** A run launcher over the store's job queue (no worker: the server executes what it queues), closed after `work`. */
export async function withRunLifecycle<T>(store: Store, work: (runs: DurableRuns) => Promise<T>): Promise<T> {
  const queue = createEmbeddedQueue({ store });
  const runs = createRunLauncher({ store, queue, clock: systemClock });
  try {
    return await work(runs);
  } finally {
    runs.close();
    await queue.stop();
  }
}
