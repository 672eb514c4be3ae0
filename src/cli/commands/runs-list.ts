/**
 * `plugboard runs list [--flow <name|id>] [--env <name>] [--top <n>] [--json]`: the newest runs of
 * an environment (or of one flow), newest first, as a table (id, flow, status, start, duration)
 * or as JSON (the HTTP API's run summaries, each with `flowName`).
 */
import { createFlowService } from '../../workflow/index.ts';
import { withContext } from '../context.ts';
import { printJson, printTable } from '../output.ts';
import { formatDuration, shortTime } from './runs-show.ts';

/** Options of the command. */
export interface RunsListOptions {
  readonly env: string;
  /** A flow's id or name. */
  readonly flow?: string;
  /** At most this many runs (default 50). */
  readonly top?: number;
  readonly json?: boolean;
}

/** Runs shown when `--top` is not given. */
const DEFAULT_TOP = 50;

/** Runs the command; returns the process exit code. */
export async function runsList(options: RunsListOptions): Promise<number> {
  return withContext(async ({ store }) => {
    const flows = createFlowService({ store });
    const flowId = options.flow === undefined ? undefined : (await flows.findFlow(options.env, options.flow)).id;
    const entries = await flows.recentRuns(options.env, { top: options.top ?? DEFAULT_TOP, ...(flowId === undefined ? {} : { flowId }) });
    if (options.json === true) {
      printJson(entries.map((entry) => ({ ...entry.run, flowName: entry.flowName })));
      return 0;
    }
    if (entries.length === 0) {
      const where = options.flow === undefined ? `environment "${options.env}"` : `flow "${options.flow}"`;
      process.stdout.write(`no runs in ${where} — start one with \`plugboard flow run <definition.json>\`\n`);
      return 0;
    }
    printTable(
      ['ID', 'FLOW', 'STATUS', 'START', 'DURATION'],
      entries.map(({ run, flowName }) => [run.id, flowName, run.status, shortTime(run.startTime), run.endTime === null ? 'running' : formatDuration(run.startTime, run.endTime)]),
    );
    return 0;
  });
}
