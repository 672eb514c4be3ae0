/** `plugboard connector show <name> [--env name] [--version n] [--operations] [--json]`. */
import { connectorSummary } from '../../connectors/index.ts';
import { withContext } from '../context.ts';
import { printJson, printTable } from '../output.ts';

/** Options of the command. */
export interface ShowOptions {
  readonly env: string;
  readonly version?: number;
  readonly operations?: boolean;
  readonly json?: boolean;
}

/** Runs the command; returns the process exit code. */
export async function connectorShow(name: string, options: ShowOptions): Promise<number> {
  return withContext(async ({ catalog }) => {
    const { connector, version, definition } = await catalog.show(options.env, name, options.version);
    const counts = connectorSummary(definition);
    const operations = definition.operations.map((op) => ({
      operationId: op.operationId,
      kind: op.kind === 'trigger' ? `trigger (${op.trigger?.kind ?? '?'})` : 'action',
      method: op.method.toUpperCase(),
      path: op.path,
      summary: op.summary ?? '',
    }));
    if (options.json === true) {
      printJson({
        name: connector.name,
        title: connector.title,
        publisher: connector.publisher ?? null,
        builtin: connector.builtin,
        version: version.version,
        latestVersion: connector.latestVersion,
        actions: counts.actions,
        triggers: counts.triggers,
        ...(options.operations === true ? { operations } : { definition }),
      });
      return 0;
    }
    const info = definition.info;
    process.stdout.write(
      [
        `${connector.title} (${connector.name}) — version ${version.version} of ${connector.latestVersion}${connector.builtin ? ', built-in' : ''}`,
        info.description === undefined ? '' : `  ${info.description.split('\n')[0] ?? ''}`,
        `  publisher: ${info.publisher ?? '—'}`,
        `  base URL: ${definition.schemes[0] ?? 'https'}://${definition.host ?? '(set by policy or connection)'}${definition.basePath ?? ''}`,
        `  ${counts.actions} actions, ${counts.triggers} triggers`,
      ]
        .filter((l) => l !== '')
        .join('\n') + '\n',
    );
    if (options.operations === true) {
      process.stdout.write('\n');
      printTable(['OPERATION', 'KIND', 'METHOD', 'PATH', 'SUMMARY'], operations.map((o) => [o.operationId, o.kind, o.method, o.path, o.summary]));
    }
    return 0;
  });
}
