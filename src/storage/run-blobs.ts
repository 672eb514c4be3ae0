/**
 * Large JSON values of the run journal (trigger outputs, action inputs and outputs, run outputs)
 * stored apart from their row, in `run_blobs`, so that listing and updating runs and actions
 * never drags megabytes along. The stores decide per value; callers never see the difference.
 */
import { Buffer } from 'node:buffer';
import type { Kysely } from 'kysely';
import { PlugboardError, newId } from '../core/index.ts';
import { StorageErrorCode } from './errors.ts';
import { fromJsonText, toJsonText } from './json-column.ts';
import type { Database } from './schema.ts';

/** Values whose JSON text is larger than this many UTF-8 bytes go to `run_blobs`. */
export const RUN_BLOB_THRESHOLD_BYTES = 64 * 1024;

/** Blob texts by id: what a transaction wrote or read, so a record is built without reading them back. */
export type BlobTexts = Map<string, string>;

/** A value as written: inline JSON text or a blob id (or neither, for an absent value). */
export interface StoredValue {
  readonly inline: string | null;
  readonly blob: string | null;
}

/** Where {@link storeValue} writes. */
export interface StoreValueTarget {
  readonly runId: string;
  /** Names the value in error messages, e.g. `action "Compose" outputs`. */
  readonly field: string;
  readonly thresholdBytes: number;
  readonly nowMs: number;
  readonly written: BlobTexts;
}

/** Serialises `value` (undefined = absent) and writes it to a blob when it is above the threshold. */
export async function storeValue(db: Kysely<Database>, value: unknown, target: StoreValueTarget): Promise<StoredValue> {
  if (value === undefined) return { inline: null, blob: null };
  const text = toJsonText(value, target.field);
  const size = Buffer.byteLength(text, 'utf8');
  if (size <= target.thresholdBytes) return { inline: text, blob: null };
  const id = newId();
  await db.insertInto('run_blobs').values({ id, run_id: target.runId, content: text, size, created_at: target.nowMs }).execute();
  target.written.set(id, text);
  return { inline: null, blob: id };
}

/** Reads the blobs among `ids` that `known` does not hold yet into it. */
export async function loadBlobs(db: Kysely<Database>, ids: ReadonlyArray<string | null>, known: BlobTexts): Promise<void> {
  const missing = [...new Set(ids.filter((id): id is string => id !== null && !known.has(id)))];
  // Chunks keep the IN list below SQLite's bound-parameter limit.
  for (let start = 0; start < missing.length; start += 500) {
    const rows = await db.selectFrom('run_blobs').select(['id', 'content']).where('id', 'in', missing.slice(start, start + 500)).execute();
    for (const row of rows) known.set(row.id, row.content);
  }
}

/** The parsed value of an inline column or its blob (which must be in `blobs`); null when absent. */
export function readValue(inline: string | null, blob: string | null, blobs: BlobTexts, field: string): unknown {
  if (blob !== null) {
    const text = blobs.get(blob);
    if (text === undefined) {
      throw new PlugboardError(`${field} is stored in blob ${blob}, which does not exist — the run history is incomplete`, { code: StorageErrorCode.CorruptRow });
    }
    return fromJsonText(text, field);
  }
  return inline === null ? null : fromJsonText(inline, field);
}
