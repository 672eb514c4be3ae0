/** `plugboard connection list [--env name] [--as principal] [--json]`. */
import { withConnectionContext } from '../context.ts';
import { printJson, printTable } from '../output.ts';
import { connectionJson } from './connection-show.ts';

/** Options of the command. */
export interface ConnectionListOptions {
  readonly env: string;
  readonly as?: string;
  readonly json?: boolean;
}

/** Runs the command; returns the process exit code. */
export async function connectionList(options: ConnectionListOptions): Promise<number> {
  return withConnectionContext(options.as, async ({ connections, actor }) => {
    const views = await connections.list(options.env, actor);
    if (options.json === true) {
      printJson(views.map(connectionJson));
      return 0;
    }
    if (views.length === 0) {
      process.stdout.write(`no connections in environment "${options.env}" — create one with \`plugboard connection create <connector> --param name=value\`\n`);
      return 0;
    }
    printTable(
      ['ID', 'NAME', 'CONNECTOR', 'STATUS', 'ACCESS'],
      views.map((v) => [v.id, v.displayName, v.connectorName, v.status, v.access]),
    );
    return 0;
  });
}
