/** `plugboard env list` and `plugboard env create <name>`. */
import { withContext } from '../context.ts';
import { printTable } from '../output.ts';

/** Lists environments. */
export async function envList(): Promise<number> {
  return withContext(async ({ store }) => {
    const environments = await store.environments.list();
    printTable(['NAME', 'DISPLAY NAME', 'CREATED'], environments.map((e) => [e.name, e.displayName, new Date(e.createdAt).toISOString()]));
    return 0;
  });
}

/** Creates an environment. */
export async function envCreate(name: string, options: { readonly displayName?: string }): Promise<number> {
  return withContext(async ({ store, catalog }) => {
    await store.environments.create({ name, ...(options.displayName === undefined ? {} : { displayName: options.displayName }) });
    await catalog.syncBuiltins(name);
    process.stdout.write(`created environment "${name}"\n`);
    return 0;
  });
}
