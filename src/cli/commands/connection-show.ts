/** `plugboard connection show <id> [--env name] [--as principal] [--json]`. */
import type { ConnectionView } from '../../connections/index.ts';
import { withConnectionContext } from '../context.ts';
import { printJson } from '../output.ts';

/** Options of the command. */
export interface ConnectionShowOptions {
  readonly env: string;
  readonly as?: string;
  readonly json?: boolean;
}

/** Runs the command; returns the process exit code. */
export async function connectionShow(id: string, options: ConnectionShowOptions): Promise<number> {
  return withConnectionContext(options.as, async ({ connections, actor }) => {
    printConnection(await connections.get(options.env, actor, id), options.json === true);
    return 0;
  });
}

/** The JSON form of a connection (timestamps as ISO text, as the HTTP API returns them). */
export function connectionJson(view: ConnectionView): Record<string, unknown> {
  return { ...view, createdAt: new Date(view.createdAt).toISOString(), updatedAt: new Date(view.updatedAt).toISOString() };
}

/** Prints a connection as JSON or as readable lines; secret values are never part of a view. */
export function printConnection(view: ConnectionView, json: boolean): void {
  if (json) {
    printJson(connectionJson(view));
    return;
  }
  const lines = [
    `${view.displayName} (${view.id})`,
    `  connector: ${view.connectorName}${view.parameterSet === null ? '' : ` (parameter set ${view.parameterSet})`}`,
    `  status: ${view.status}${view.lastError === null ? '' : ` — ${view.lastError}`}`,
    `  owner: ${view.ownerId} (your access: ${view.access})`,
    ...Object.entries(view.values).map(([name, value]) => `  ${name}: ${typeof value === 'string' ? value : JSON.stringify(value)}`),
    ...Object.keys(view.secrets).map((name) => `  ${name}: (secret, set)`),
  ];
  process.stdout.write(lines.join('\n') + '\n');
}
