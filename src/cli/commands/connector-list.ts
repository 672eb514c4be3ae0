/** `plugboard connector list [--env name] [--json]`. */
import { withContext } from '../context.ts';
import { printJson, printTable } from '../output.ts';

/** Runs the command; returns the process exit code. */
export async function connectorList(options: { readonly env: string; readonly json?: boolean }): Promise<number> {
  return withContext(async ({ catalog }) => {
    const connectors = await catalog.list(options.env);
    if (options.json === true) {
      printJson(connectors.map((c) => ({ name: c.name, title: c.title, publisher: c.publisher ?? null, builtin: c.builtin, latestVersion: c.latestVersion, updatedAt: new Date(c.updatedAt).toISOString() })));
      return 0;
    }
    if (connectors.length === 0) {
      process.stdout.write(`no connectors in environment "${options.env}" — add one with \`plugboard connector import <folder>\`\n`);
      return 0;
    }
    printTable(
      ['NAME', 'TITLE', 'VERSION', 'PUBLISHER', 'BUILT-IN'],
      connectors.map((c) => [c.name, c.title, String(c.latestVersion), c.publisher ?? '', c.builtin ? 'yes' : '']),
    );
    return 0;
  });
}
