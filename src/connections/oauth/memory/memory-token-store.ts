/** In-memory {@link TokenStore} with revisions, for tests and single-process use. */
import type { TokenSet, TokenStore } from '../ports.ts';

/** The state of one connection in a {@link MemoryTokenStore}. */
export interface MemoryTokenEntry {
  readonly tokens: TokenSet | undefined;
  readonly revision: number;
  /** The reason given to `markUnauthenticated`, cleared by the next successful write. */
  readonly unauthenticated: string | undefined;
}

/** An in-memory token store that can also be inspected. */
export interface MemoryTokenStore extends TokenStore {
  entry(connectionId: string): MemoryTokenEntry;
}

const cloneTokens = (tokens: TokenSet | undefined): TokenSet | undefined =>
  tokens === undefined ? undefined : { ...tokens, ...(tokens.idTokenClaims === undefined ? {} : { idTokenClaims: { ...tokens.idTokenClaims } }) };

/** Creates an in-memory token store; a successful write clears the unauthenticated flag (the connection is connected again). */
export function createMemoryTokenStore(): MemoryTokenStore {
  const entries = new Map<string, MemoryTokenEntry>();
  const current = (connectionId: string): MemoryTokenEntry => entries.get(connectionId) ?? { tokens: undefined, revision: 0, unauthenticated: undefined };
  return {
    async read(connectionId) {
      const entry = current(connectionId);
      return { tokens: cloneTokens(entry.tokens), revision: entry.revision };
    },
    async compareAndSwap(connectionId, expectedRevision, tokens) {
      const entry = current(connectionId);
      if (entry.revision !== expectedRevision) return false;
      entries.set(connectionId, { tokens: cloneTokens(tokens), revision: entry.revision + 1, unauthenticated: undefined });
      return true;
    },
    async markUnauthenticated(connectionId, reason) {
      entries.set(connectionId, { ...current(connectionId), unauthenticated: reason });
    },
    entry(connectionId) {
      const entry = current(connectionId);
      return { ...entry, tokens: cloneTokens(entry.tokens) };
    },
  };
}
