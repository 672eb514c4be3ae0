/**
 * `plugboard connection create <connector> [--param name=value …] [--param-file name=path …]
 * [--set <name>] [--display-name <text>] [--env name] [--as principal] [--json]`.
 *
 * `--param-file` reads a value from a file (one trailing newline dropped), so a secret never has
 * to appear on a command line or in shell history.
 */
import { readFileSync } from 'node:fs';
import { UserInputError, errorMessage } from '../../core/index.ts';
import { withConnectionContext } from '../context.ts';
import { printConnection } from './connection-show.ts';

/** Options of the command. */
export interface ConnectionCreateOptions {
  readonly env: string;
  readonly param: readonly string[];
  readonly paramFile: readonly string[];
  readonly set?: string;
  readonly displayName?: string;
  readonly as?: string;
  readonly json?: boolean;
}

/** Runs the command; returns the process exit code. */
export async function connectionCreate(connector: string, options: ConnectionCreateOptions): Promise<number> {
  const values = parameterValues(options.param, options.paramFile);
  return withConnectionContext(options.as, async ({ connections, actor }) => {
    const view = await connections.create(options.env, actor, {
      connectorName: connector,
      values,
      ...(options.set === undefined ? {} : { parameterSet: options.set }),
      ...(options.displayName === undefined ? {} : { displayName: options.displayName }),
    });
    if (options.json === true) printConnection(view, true);
    else process.stdout.write(`created connection ${view.id} (${view.displayName}, connector ${view.connectorName}) — ${view.status}\n`);
    return 0;
  });
}

/** `name=value` pairs and `name=path` files into one map; a name given twice is refused. */
export function parameterValues(params: readonly string[], files: readonly string[]): Record<string, string> {
  const values: Record<string, string> = {};
  const put = (name: string, value: string, flag: string) => {
    if (name in values) throw new UserInputError(`parameter "${name}" is given more than once — keep one ${flag}`, { code: 'RequestInvalid' });
    values[name] = value;
  };
  for (const pair of params) {
    const [name, value] = split(pair, '--param', 'name=value');
    put(name, value, '--param');
  }
  for (const pair of files) {
    const [name, path] = split(pair, '--param-file', 'name=path');
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (cause) {
      throw new UserInputError(`--param-file ${name}: cannot read ${path}: ${errorMessage(cause)}`, { code: 'RequestInvalid', cause });
    }
    put(name, text.replace(/\r?\n$/, ''), '--param-file');
  }
  return values;
}

function split(pair: string, flag: string, shape: string): [string, string] {
  const at = pair.indexOf('=');
  // Never echo the argument: it may hold a secret.
  if (at <= 0) throw new UserInputError(`${flag} takes ${shape} (e.g. ${flag} api_key=…); one argument has no "=" after a name`, { code: 'RequestInvalid' });
  return [pair.slice(0, at), pair.slice(at + 1)];
}
