/**
 * Reads a connector from disk into the pure loader's `ConnectorSource`: a folder (its top-level
 * files) or a single definition file. Oversized files are not read at all; the loader reports
 * them as `file-too-large`.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { CONNECTOR_FILE_LIMIT_BYTES } from '../connectors/index.ts';
import type { ConnectorSource, SourceFile } from '../connectors/index.ts';
import { NotFoundError, UserInputError } from '../core/index.ts';

/** File extensions a connector folder can hold that the loader looks at. */
const RELEVANT = /\.(json|ya?ml|png|csx|cs|ts|js)$/i;

/** Reads the connector at `path` (folder or file). Throws a user error when the path does not exist. */
export async function readConnectorSource(path: string): Promise<ConnectorSource> {
  const absolute = resolve(path);
  const info = await stat(absolute).catch((error: unknown) => {
    throw new NotFoundError(`connector path "${path}" does not exist or cannot be read — check the spelling (quote paths with spaces)`, {
      code: 'ConnectorPathNotFound',
      cause: error,
    });
  });
  if (info.isDirectory()) {
    const entries = await readdir(absolute, { withFileTypes: true });
    const files: SourceFile[] = [];
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      if (!entry.isFile() || !RELEVANT.test(entry.name)) continue;
      files.push(await readSourceFile(join(absolute, entry.name), entry.name));
    }
    return { kind: 'folder', path, files };
  }
  if (info.isFile()) return { kind: 'file', path, file: await readSourceFile(absolute, basename(absolute)) };
  throw new UserInputError(`connector path "${path}" is neither a folder nor a file`, { code: 'ConnectorPathInvalid' });
}

async function readSourceFile(absolute: string, name: string): Promise<SourceFile> {
  const { size } = await stat(absolute);
  if (size > CONNECTOR_FILE_LIMIT_BYTES) return { name, size, bytes: undefined };
  const bytes = new Uint8Array(await readFile(absolute));
  return { name, size, bytes };
}
