/**
 * Environment id → name, for the ports that hold an id (a flow's, a connection's) but call services
 * addressed by name. Environments are never renamed or deleted, so a name found once is kept for
 * the process's lifetime (a few bytes per environment; no secret).
 */
import { NotFoundError } from '../core/index.ts';
import type { Store } from '../storage/index.ts';

/** Looks up an environment's name by id; NotFoundError (`EnvironmentNotFound`) when none has it. */
export type EnvironmentNames = (environmentId: string) => Promise<string>;

/** A cached id → name lookup over `store` (one scan of the environments per unknown id). */
export function createEnvironmentNames(store: Pick<Store, 'environments'>): EnvironmentNames {
  const names = new Map<string, string>();
  return async (environmentId) => {
    const known = names.get(environmentId);
    if (known !== undefined) return known;
    for (const environment of await store.environments.list()) names.set(environment.id, environment.name);
    const found = names.get(environmentId);
    if (found === undefined) throw new NotFoundError(`environment ${environmentId} does not exist`, { code: 'EnvironmentNotFound' });
    return found;
  };
}
