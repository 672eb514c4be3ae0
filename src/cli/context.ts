/**
 * What every CLI command that touches the catalog needs: configuration, the store and the catalog
 * (with the built-in connectors in every environment). Always closed after the command.
 */
import { createCatalog } from '../catalog/index.ts';
import type { Catalog } from '../catalog/index.ts';
import { BUILTIN_CONNECTORS_DIR, loadConfig } from '../server/index.ts';
import type { ResolvedConfig } from '../server/index.ts';
import { openStore } from '../storage/index.ts';
import type { Store } from '../storage/index.ts';

/** Opened resources of one CLI command. */
export interface CliContext {
  readonly config: ResolvedConfig;
  readonly store: Store;
  readonly catalog: Catalog;
}

/** Opens the store and catalog, runs `work`, and always closes the store. */
export async function withContext<T>(work: (context: CliContext) => Promise<T>): Promise<T> {
  const config = loadConfig(process.env);
  const store = await openStore(config.store);
  try {
    const catalog = createCatalog({ store, builtinDir: BUILTIN_CONNECTORS_DIR });
    await catalog.syncBuiltins();
    return await work({ config, store, catalog });
  } finally {
    await store.close();
  }
}
