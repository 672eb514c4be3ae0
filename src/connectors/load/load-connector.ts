/** The loader's entry point. */
import { errorMessage } from '../../core/index.ts';
import { defaultParseLimits } from './dependencies.ts';
import { loadFile } from './load-file.ts';
import { loadFolder } from './load-folder.ts';
import type { ResolvedLimits } from './read-source-document.ts';
import type { ConnectorSource, LoadOptions, LoadResult } from './source.ts';

function resolveLimits(options: LoadOptions | undefined): ResolvedLimits {
  return Object.freeze({ ...defaultParseLimits, ...options?.limits });
}

/**
 * Loads a connector folder or a single definition file into a {@link ConnectorDefinition}.
 * Never throws for bad input: problems are issues. `definition` is undefined only when nothing
 * usable could be built (no definition file, unparseable or unsupported document).
 */
export function loadConnector(source: ConnectorSource, options?: LoadOptions): LoadResult {
  const limits = resolveLimits(options);
  try {
    return source.kind === 'folder' ? loadFolder(source, limits) : loadFile(source, limits);
  } catch (error) {
    // A crash here is a Plugboard bug; it still becomes an issue so one bad connector cannot stop a catalog scan.
    const file = source.kind === 'file' ? source.file.name : source.path;
    return {
      definition: undefined,
      issues: [{ code: 'internal-error', severity: 'error', path: '', file, message: `loading \`${file}\` failed unexpectedly: ${errorMessage(error)} — this is a Plugboard bug; please report it with the file` }],
    };
  }
}
