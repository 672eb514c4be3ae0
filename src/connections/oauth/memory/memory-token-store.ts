/** In-memory {@link TokenStore} with revisions and refresh leases, for tests and single-process use. */
import type { TokenSet, TokenStore } from '../ports.ts';

/** Who holds a connection's refresh lease, and until when (epoch ms). */
export interface MemoryRefreshLease {
  readonly holder: string;
  readonly untilMs: number;
}

/** The state of one connection in a {@link MemoryTokenStore}. */
export interface MemoryTokenEntry {
  readonly tokens: TokenSet | undefined;
  readonly revision: number;
  /** The reason given to `markUnauthenticated`, cleared by the next successful write. */
  readonly unauthenticated: string | undefined;
  /** The refresh lease as last taken (it may have lapsed since); undefined once released. */
  readonly refreshLease: MemoryRefreshLease | undefined;
}

/** An in-memory token store that can also be inspected. */
export interface MemoryTokenStore extends TokenStore {
  entry(connectionId: string): MemoryTokenEntry;
}

const cloneTokens = (tokens: TokenSet | undefined): TokenSet | undefined =>
  tokens === undefined ? undefined : { ...tokens, ...(tokens.idTokenClaims === undefined ? {} : { idTokenClaims: { ...tokens.idTokenClaims } }) };

/** Creates an in-memory token store; a successful write clears the unauthenticated flag (the connection is connected again). */
export function createMemoryTokenStore(): MemoryTokenStore {
  const entries = new Map<string, Omit<MemoryTokenEntry, 'refreshLease'>>();
  const leases = new Map<string, MemoryRefreshLease>();
  const current = (connectionId: string): Omit<MemoryTokenEntry, 'refreshLease'> => entries.get(connectionId) ?? { tokens: undefined, revision: 0, unauthenticated: undefined };
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
    // Check and set run without an await in between, so concurrent callers see each other (same semantics as the SQL UPDATE).
    async acquireRefreshLease(connectionId, lease) {
      const held = leases.get(connectionId);
      if (held !== undefined && held.untilMs > lease.nowMs && held.holder !== lease.holder) return false;
      leases.set(connectionId, { holder: lease.holder, untilMs: lease.untilMs });
      return true;
    },
    async releaseRefreshLease(connectionId, holder) {
      if (leases.get(connectionId)?.holder === holder) leases.delete(connectionId);
    },
    entry(connectionId) {
      const entry = current(connectionId);
      const lease = leases.get(connectionId);
      return { ...entry, tokens: cloneTokens(entry.tokens), refreshLease: lease === undefined ? undefined : { ...lease } };
    },
  };
}
