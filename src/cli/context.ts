/**
 * What every CLI command that touches the catalog needs: configuration, the store and the catalog
 * (with the built-in connectors in every environment). Always closed after the command. Commands
 * on connections also get the secrets and the connection service, acting as a principal.
 */
import { createCatalog } from '../catalog/index.ts';
import type { Catalog } from '../catalog/index.ts';
import { createConnectionService } from '../connections/index.ts';
import type { Actor, ConnectionService } from '../connections/index.ts';
import { ConflictError, NotFoundError } from '../core/index.ts';
import { openSecrets } from '../secrets/index.ts';
import { BUILTIN_CONNECTORS_DIR, catalogConnectorLookup, loadConfig } from '../server/index.ts';
import type { ResolvedConfig } from '../server/index.ts';
import { openStore } from '../storage/index.ts';
import type { PrincipalRecord, Store } from '../storage/index.ts';

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

/** The service account CLI commands act as unless `--as` names another principal. */
export const CLI_PRINCIPAL = 'cli';

/** {@link CliContext} plus what connection commands need. */
export interface ConnectionCliContext extends CliContext {
  readonly connections: ConnectionService;
  /** The principal the command acts as. */
  readonly actor: Actor & { readonly name: string };
}

/**
 * Like {@link withContext}, also opening the secrets (a wrong master key stops here) and acting as
 * the principal named `as` — by default the `cli` service account (an admin, created on first use:
 * whoever runs the CLI on the server's database already holds every secret's key).
 */
export async function withConnectionContext<T>(as: string | undefined, work: (context: ConnectionCliContext) => Promise<T>): Promise<T> {
  return withContext(async (context) => {
    const secrets = await openSecrets({ config: context.config.masterKey, keys: context.store.secretKeys });
    const connections = createConnectionService({ store: context.store, secrets, connectors: catalogConnectorLookup(context.catalog) });
    const principal = await actingPrincipal(context.store, as);
    return work({ ...context, connections, actor: { id: principal.id, role: principal.role, name: principal.name } });
  });
}

async function actingPrincipal(store: Store, name: string | undefined): Promise<PrincipalRecord> {
  const wanted = name ?? CLI_PRINCIPAL;
  const find = async () => (await store.principals.list()).find((p) => p.name === wanted);
  const existing = await find();
  if (existing !== undefined) return existing;
  if (name !== undefined) {
    throw new NotFoundError(`no principal is named "${name}" — give the name of an existing user or service account, or leave out --as`, { code: 'PrincipalNotFound' });
  }
  try {
    return await store.principals.create({ kind: 'service-account', name: CLI_PRINCIPAL, role: 'admin' });
  } catch (error) {
    // Another CLI process created it at the same moment.
    const raced = error instanceof ConflictError ? await find() : undefined;
    if (raced === undefined) throw error;
    return raced;
  }
}
