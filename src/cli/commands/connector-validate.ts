/** `plugboard connector validate <path…> [--json]`: load and validate; exit 1 when any has errors. */
import { inspectPath } from '../../catalog/index.ts';
import type { ValidationReport } from '../../catalog/index.ts';
import { printIssues, printJson, startProgress } from '../output.ts';

/** Options of the command. */
export interface ValidateOptions {
  readonly json?: boolean;
}

/** Runs the command; returns the process exit code. */
export async function connectorValidate(paths: readonly string[], options: ValidateOptions): Promise<number> {
  const progress = startProgress(paths.length);
  const reports: ValidationReport[] = [];
  for (const path of paths) {
    progress.tick(path);
    reports.push((await inspectPath(path)).report);
  }
  progress.stop();
  if (options.json === true) {
    printJson(reports);
  } else {
    for (const r of reports) {
      const mark = r.errors.length > 0 ? '✖' : '✔';
      const what = r.loaded ? `${r.title ?? '(untitled)'} — ${r.operations} operations (${r.triggers} triggers)` : 'not loaded';
      process.stdout.write(`${mark} ${r.path}: ${what}, ${r.errors.length} error(s), ${r.warnings.length} warning(s)\n`);
      printIssues(r.errors, 20);
      printIssues(r.warnings, paths.length === 1 ? 20 : 3);
    }
    const failed = reports.filter((r) => r.errors.length > 0).length;
    if (paths.length > 1) process.stdout.write(`${paths.length - failed} of ${paths.length} connectors valid\n`);
  }
  return reports.some((r) => r.errors.length > 0) ? 1 : 0;
}
