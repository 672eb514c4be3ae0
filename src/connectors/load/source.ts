/** What the catalog hands the loader: files it read from disk (the connectors area does no I/O). */
import type { Issue } from '../../core/index.ts';
import type { ConnectorDefinition } from '../model/definition.ts';
import type { ParseLimits } from './dependencies.ts';

/** One file of a connector source. */
export interface SourceFile {
  /** The file name (no directories). */
  readonly name: string;
  /** Size in bytes, known even when the file was not read. */
  readonly size: number;
  /** The content; undefined when the catalog refused to read it (over the size limit) — reported as `file-too-large`. */
  readonly bytes: Uint8Array | undefined;
}

/** A connector folder (files directly inside it) or a single API definition file. */
export type ConnectorSource =
  | { readonly kind: 'folder'; readonly path: string; readonly files: readonly SourceFile[] }
  | { readonly kind: 'file'; readonly path: string; readonly file: SourceFile };

/** Options of {@link loadConnector}. */
export interface LoadOptions {
  readonly limits?: Partial<ParseLimits>;
}

/** The loaded definition (undefined only when nothing usable could be built) and every load-time issue. */
export interface LoadResult {
  readonly definition: ConnectorDefinition | undefined;
  readonly issues: Issue[];
}

/** The largest file the catalog should read for a connector (16 MiB; the largest published definition is 1.1 MB). */
export const CONNECTOR_FILE_LIMIT_BYTES = 16 * 1024 * 1024;
