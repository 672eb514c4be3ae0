/** In-memory {@link OAuthStateRepository}, for tests and single-process use. */
import type { OAuthStateRecord, OAuthStateRepository } from '../ports.ts';

/** Creates an in-memory state repository with the same single-use and expiry rules as the real one. */
export function createMemoryOAuthStateRepository(): OAuthStateRepository & { readonly size: () => number } {
  const byHash = new Map<string, OAuthStateRecord>();
  return {
    async create(record) {
      if (byHash.has(record.stateHash)) throw new Error('OAuth state hash already exists');
      byHash.set(record.stateHash, { ...record, consumedAt: null });
    },
    async consume(stateHash, nowMs) {
      const record = byHash.get(stateHash);
      if (record === undefined || record.consumedAt !== null || record.expiresAt <= nowMs) return undefined;
      // JavaScript runs this check-and-set without interleaving, so it is atomic like the SQL update.
      const consumed = { ...record, consumedAt: nowMs };
      byHash.set(stateHash, consumed);
      return { ...consumed };
    },
    size: () => byHash.size,
  };
}
