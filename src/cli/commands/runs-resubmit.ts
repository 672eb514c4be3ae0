/**
 * `plugboard runs resubmit <id> [--json]`: queues a new run of the flow's current version with the
 * original run's trigger and trigger outputs (its correlationId is the original run); a running
 * server executes it. Prints the new run's id.
 */
import { withContext } from '../context.ts';
import { printJson } from '../output.ts';
import { withRunLifecycle } from './runs-cancel.ts';

/** Options of the command. */
export interface RunsResubmitOptions {
  readonly json?: boolean;
}

/** Runs the command; returns the process exit code. */
export async function runsResubmit(runId: string, options: RunsResubmitOptions): Promise<number> {
  return withContext(({ store }) =>
    withRunLifecycle(store, async (runs) => {
      const started = await runs.resubmit(runId);
      if (options.json === true) printJson({ runId: started.runId, resubmittedFrom: runId });
      else process.stdout.write(`run ${started.runId} queued as a resubmission of run ${runId} (see it with: plugboard runs show ${started.runId})\n`);
      return 0;
    }),
  );
}
