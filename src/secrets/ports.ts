/**
 * What the secrets area needs from storage, as ports (the secrets area imports only core). The
 * Store's `secretKeys` and `sealedValues` satisfy them structurally.
 */

/** One registered master key version (the key itself is never stored). */
export interface SecretKeyVersion {
  readonly version: number;
  /** See `keyCheckValue`. */
  readonly checkValue: string;
  readonly createdAt: number;
  readonly retiredAt: number | null;
}

/** Master key versions, persisted where every process sees them. */
export interface SecretKeyRepository {
  /** All versions, oldest first. */
  list(): Promise<readonly SecretKeyVersion[]>;
  /** Registers a version; undefined when the version or check value was registered already. */
  insert(version: number, checkValue: string): Promise<SecretKeyVersion | undefined>;
  /** Marks a version retired (idempotent). */
  retire(version: number): Promise<SecretKeyVersion>;
}

/** One stored envelope. */
export interface StoredEnvelope<C extends string = string> {
  readonly column: C;
  readonly rowId: string;
  readonly value: string;
}

/** Every stored envelope, for re-wrapping under a new master key version. */
export interface EnvelopeRepository<C extends string = string> {
  readonly columns: readonly C[];
  /** Envelopes of `column` after `afterRowId` (null: from the start) in row id order, at most `limit`. */
  page(column: C, range: { readonly afterRowId: string | null; readonly limit: number }): Promise<readonly StoredEnvelope<C>[]>;
  /** Replaces an envelope read by `page` only while it is unchanged; true when replaced. */
  replace(current: StoredEnvelope<C>, next: string): Promise<boolean>;
}
