/** `plugboard connector delete <name> [--env name]`. */
import { withContext } from '../context.ts';

/** Runs the command; returns the process exit code. */
export async function connectorDelete(name: string, options: { readonly env: string }): Promise<number> {
  return withContext(async ({ catalog }) => {
    await catalog.delete(options.env, name);
    process.stdout.write(`deleted connector "${name}" and all its versions from environment "${options.env}"\n`);
    return 0;
  });
}
