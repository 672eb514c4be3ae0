/**
 * Flow versions never change once stored (a change is a new version; ids are never reused), so a
 * version read once can be kept: the run and trigger hot paths read them without a query.
 */
import type { FlowVersionRecord, Store } from '../../storage/index.ts';

/** Versions kept; the least recently used is dropped first. */
const DEFAULT_SIZE = 500;

/** A read-through cache of flow versions. */
export interface VersionCache {
  /** The version (from memory when read before), or undefined when the store has none. */
  get(flowId: string, version: number): Promise<FlowVersionRecord | undefined>;
}

/** Creates a version cache over `store`. */
export function createVersionCache(store: Pick<Store, 'flows'>, size = DEFAULT_SIZE): VersionCache {
  const kept = new Map<string, FlowVersionRecord>();
  return {
    async get(flowId, version) {
      const key = `${flowId}@${version}`;
      const hit = kept.get(key);
      if (hit !== undefined) {
        kept.delete(key);
        kept.set(key, hit);
        return hit;
      }
      const found = await store.flows.getVersion(flowId, version);
      if (found !== undefined) {
        kept.set(key, found);
        if (kept.size > size) kept.delete(kept.keys().next().value as string);
      }
      return found;
    },
  };
}
