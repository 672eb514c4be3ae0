/**
 * `plugboard runs show <id> [--json]`: a run with its trigger, error and a per-action table
 * (status, attempts, loop iterations, duration, error). `--json` prints the document the HTTP API
 * answers for `GET …/flows/{id}/runs/{runId}`.
 */
import { createFlowService } from '../../workflow/index.ts';
import type { RunActionView, RunDocument } from '../../workflow/index.ts';
import { withContext } from '../context.ts';
import { printJson, printTable } from '../output.ts';

/** Options of the command. */
export interface RunsShowOptions {
  readonly json?: boolean;
}

/** Runs the command; returns the process exit code. */
export async function runsShow(runId: string, options: RunsShowOptions): Promise<number> {
  return withContext(async ({ store }) => {
    const found = await createFlowService({ store }).findRun(runId);
    if (options.json === true) {
      printJson(found.run);
      return 0;
    }
    printRun(found.run, `${found.flowName} (environment ${found.environment})`);
    return 0;
  });
}

function printRun(run: RunDocument, flow: string): void {
  const lines = [
    `run ${run.id}: ${run.status}`,
    `  flow: ${flow}, version ${run.flowVersion}`,
    `  trigger: ${run.trigger.name ?? '(none)'}`,
    `  started: ${shortTime(run.startTime)}, ${run.endTime === null ? 'still running' : `took ${formatDuration(run.startTime, run.endTime)}`}`,
    ...(run.error === null ? [] : [`  error: ${describeError(run.error)}`]),
  ];
  process.stdout.write(lines.join('\n') + '\n\n');
  const actions = Object.entries(run.actions);
  if (actions.length === 0) {
    process.stdout.write('no actions recorded yet\n');
    return;
  }
  printTable(
    ['ACTION', 'STATUS', 'ATTEMPTS', 'ITERATIONS', 'DURATION', 'ERROR'],
    actions.map(([name, action]) => [name, action.status, String(action.attempts), action.iterations === undefined ? '' : String(action.iterations), actionDuration(action), action.error === null ? '' : describeError(action.error)]),
  );
}

function actionDuration(action: RunActionView): string {
  return action.endTime === null ? 'running' : formatDuration(action.startTime, action.endTime);
}

/** `1.2 s`, `350 ms`, `2 min 5 s`, `1 h 3 min` between two ISO times. */
export function formatDuration(start: string, end: string): string {
  const ms = Math.max(0, Date.parse(end) - Date.parse(start));
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
  return `${Math.floor(seconds / 3600)} h ${Math.floor((seconds % 3600) / 60)} min`;
}

/** An ISO time without milliseconds and with a space: `2026-01-02 03:04:05Z`. */
export function shortTime(iso: string): string {
  return iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

/** `Code: message` on one line for `{ code, message }` errors; JSON otherwise. */
function describeError(error: unknown): string {
  const text = typeof error === 'object' && error !== null && 'code' in error && 'message' in error ? `${String(error.code)}: ${String(error.message)}` : JSON.stringify(error);
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > 100 ? `${flat.slice(0, 99)}…` : flat;
}
