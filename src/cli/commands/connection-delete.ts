/** `plugboard connection delete <id> [--env name] [--as principal]`. */
import { withConnectionContext } from '../context.ts';

/** Options of the command. */
export interface ConnectionDeleteOptions {
  readonly env: string;
  readonly as?: string;
}

/** Runs the command; returns the process exit code. */
export async function connectionDelete(id: string, options: ConnectionDeleteOptions): Promise<number> {
  return withConnectionContext(options.as, async ({ connections, actor }) => {
    await connections.delete(options.env, actor, id);
    process.stdout.write(`deleted connection ${id}\n`);
    return 0;
  });
}
