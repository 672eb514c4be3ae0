/** `plugboard connector import <path…> [--env name] [--name n]`. */
import { errorMessage, isPlugboardError } from '../../core/index.ts';
import { withContext } from '../context.ts';
import { startProgress } from '../output.ts';

/** Options of the command. */
export interface ImportCommandOptions {
  readonly env: string;
  readonly name?: string;
}

/** Runs the command; returns the process exit code (1 when any path failed). */
export async function connectorImport(paths: readonly string[], options: ImportCommandOptions): Promise<number> {
  if (options.name !== undefined && paths.length > 1) {
    process.stderr.write('error: --name can only be used when importing one connector\n');
    return 1;
  }
  return withContext(async ({ catalog }) => {
    const progress = startProgress(paths.length);
    let failed = 0;
    const lines: string[] = [];
    for (const path of paths) {
      progress.tick(path);
      try {
        const result = await catalog.importPath(path, { environment: options.env, ...(options.name === undefined ? {} : { name: options.name }) });
        const state = result.created ? (result.version === 1 ? 'new' : 'new version') : 'unchanged';
        lines.push(`✔ ${result.name} v${result.version} (${state}) — ${result.report.title ?? ''}, ${result.report.operations} operations, ${result.report.warnings.length} warning(s)`);
      } catch (error) {
        if (!isPlugboardError(error)) throw error;
        failed += 1;
        lines.push(`✖ ${errorMessage(error)}`);
      }
    }
    progress.stop();
    process.stdout.write(lines.join('\n') + '\n');
    if (paths.length > 1) process.stdout.write(`${paths.length - failed} of ${paths.length} imported into environment "${options.env}"\n`);
    return failed > 0 ? 1 : 0;
  });
}
