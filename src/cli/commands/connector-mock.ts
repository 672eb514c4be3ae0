/**
 * `plugboard connector mock <path|name> [--port n]`: serves a mock backend of a connector (every
 * operation, requests checked against the definition, schema-valid answers) until SIGINT/SIGTERM.
 */
import type { ConnectorDefinition } from '../../connectors/index.ts';
import { startMockServer } from '../../gateway/index.ts';
import type { MockRequestRecord, MockRoute } from '../../gateway/index.ts';

/** Options of the command. */
export interface ConnectorMockOptions {
  /** Default 0: a free port. */
  readonly port?: number;
}

/** What the command needs from the CLI. */
export interface ConnectorMockDeps {
  /** Loads the connector named by `target` (a folder or file path, or a catalog name). */
  loadDefinition(target: string): Promise<ConnectorDefinition>;
  out: (line: string) => void;
  /** Stops the server when aborted, besides SIGINT/SIGTERM (for embedding and tests). */
  readonly signal?: AbortSignal;
}

function routeLine(route: MockRoute, methodWidth: number, pathWidth: number): string {
  const role = route.role === 'action' ? '' : ` (${route.role})`;
  return `  ${route.method.padEnd(methodWidth)}  ${route.path.padEnd(pathWidth)}  ${route.operationId}${role}`;
}

function requestLine(record: MockRequestRecord): string {
  const target = record.operationId === undefined ? '' : ` ${record.operationId}`;
  const problems = record.problems.map((problem) => `\n    ${problem.where}: ${problem.message}`).join('');
  return `${record.method} ${record.path} → ${record.status}${target}${problems}`;
}

/** Runs the mock until SIGINT/SIGTERM (or `deps.signal`); resolves with the exit code. */
export async function connectorMockCommand(target: string, options: ConnectorMockOptions, deps: ConnectorMockDeps): Promise<number> {
  const definition = await deps.loadDefinition(target);
  const server = await startMockServer(definition, { port: options.port ?? 0, onRequest: (record) => deps.out(requestLine(record)) });
  const methodWidth = Math.max(...server.routes.map((route) => route.method.length), 6);
  const pathWidth = Math.min(Math.max(...server.routes.map((route) => route.path.length), 4), 60);
  deps.out(`Mock backend for "${definition.info.title}" listening on ${server.url}`);
  deps.out(`It answers every operation under ${server.url}${definition.basePath !== undefined && definition.basePath !== '/' ? definition.basePath : ''} (other path prefixes are accepted too).`);
  deps.out(`${server.routes.length} route(s):`);
  for (const route of server.routes) deps.out(routeLine(route, methodWidth, pathWidth));
  deps.out('Press Ctrl+C to stop.');

  return new Promise<number>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      deps.signal?.removeEventListener('abort', stop);
      server.close().then(
        () => resolve(0),
        () => resolve(1),
      );
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    if (deps.signal?.aborted === true) stop();
    else deps.signal?.addEventListener('abort', stop, { once: true });
  });
}
