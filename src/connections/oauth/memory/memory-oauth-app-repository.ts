/** In-memory {@link OAuthAppRepository}, for tests. */
import type { OAuthAppRecord, OAuthAppRepository } from '../ports.ts';

/** Creates an in-memory app registry holding `records`; `put` adds or replaces one. */
export function createMemoryOAuthAppRepository(records: readonly OAuthAppRecord[] = []): OAuthAppRepository & { put(record: OAuthAppRecord): void } {
  const byKey = new Map<string, OAuthAppRecord>();
  const keyOf = (environmentId: string, key: string): string => JSON.stringify([environmentId, key]);
  for (const record of records) byKey.set(keyOf(record.environmentId, record.key), record);
  return {
    async get(environmentId, key) {
      const record = byKey.get(keyOf(environmentId, key));
      return record === undefined ? undefined : { ...record, settings: { ...record.settings } };
    },
    put(record) {
      byKey.set(keyOf(record.environmentId, record.key), record);
    },
  };
}
