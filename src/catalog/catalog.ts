/**
 * The connector catalog of an environment: import (versioned by content), list, show, delete.
 * Built-in connectors (the repository's `connectors/` folder) are imported into the same catalog
 * and flagged `builtin`.
 */
import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { ConnectorDefinition } from '../connectors/index.ts';
import { NotFoundError, UserInputError, formatIssue, slugify } from '../core/index.ts';
import type { Issue } from '../core/index.ts';
import type { ConnectorRecord, ConnectorVersionRecord, ConnectorVersionSummary, EnvironmentRecord, Store } from '../storage/index.ts';
import { inspectPath } from './inspect.ts';
import type { ValidationReport } from './inspect.ts';

/** Options for {@link createCatalog}. */
export interface CatalogOptions {
  readonly store: Store;
  /** Folder holding the built-in connectors, one sub-folder each. */
  readonly builtinDir?: string;
}

/** What `import` did. */
export interface ImportResult {
  readonly name: string;
  readonly version: number;
  /** False when the definition was unchanged and the existing version was kept. */
  readonly created: boolean;
  readonly report: ValidationReport;
}

/** A connector with one of its versions. */
export interface ConnectorDetail {
  readonly connector: ConnectorRecord;
  readonly version: ConnectorVersionRecord;
  readonly definition: ConnectorDefinition;
}

/** Options for {@link Catalog.importPath}. */
export interface ImportOptions {
  readonly environment: string;
  /** Catalog name; defaults to the folder or file name, slugified. */
  readonly name?: string;
  readonly builtin?: boolean;
}

/** The catalog service. */
export interface Catalog {
  importPath(path: string, options: ImportOptions): Promise<ImportResult>;
  list(environment: string): Promise<ConnectorRecord[]>;
  show(environment: string, name: string, version?: number): Promise<ConnectorDetail>;
  versions(environment: string, name: string): Promise<ConnectorVersionSummary[]>;
  delete(environment: string, name: string): Promise<void>;
  /**
   * Imports every built-in connector into `environment`, or into every environment when none is
   * named (no new version when unchanged).
   */
  syncBuiltins(environment?: string): Promise<ImportResult[]>;
}

/** The catalog name a path gets when none is given: folder name or file name without extension. */
export function defaultConnectorName(path: string): string {
  const base = basename(path.replace(/[\\/]+$/, ''));
  return slugify(base.replace(/(\.swagger|\.openapi|\.postman_collection)?\.(json|ya?ml)$/i, ''));
}

/** The version hash of a definition: equal definitions share a version. */
function contentHash(definition: ConnectorDefinition): string {
  return createHash('sha256').update(JSON.stringify(definition)).digest('hex');
}

/**
 * The stored JSON of a definition this catalog wrote. The format version guards against reading a
 * definition stored by an incompatible release.
 */
function storedDefinition(json: unknown): ConnectorDefinition {
  if (typeof json !== 'object' || json === null || !('formatVersion' in json) || json.formatVersion !== 1) {
    throw new UserInputError('stored connector definition has an unknown format version — re-import the connector', { code: 'ConnectorFormatUnknown' });
  }
  // Written by this module from a ConnectorDefinition with formatVersion 1 (see importPath).
  return json as ConnectorDefinition;
}

/** Creates the catalog over a store. */
export function createCatalog(options: CatalogOptions): Catalog {
  const { store } = options;

  async function environmentNamed(name: string): Promise<EnvironmentRecord> {
    const environment = await store.environments.getByName(name);
    if (environment === undefined) {
      throw new NotFoundError(`environment "${name}" does not exist — list them with \`plugboard env list\` or create it with \`plugboard env create ${name}\``, {
        code: 'EnvironmentNotFound',
      });
    }
    return environment;
  }

  function notFound(environment: string, name: string, version?: number): NotFoundError {
    const what = version === undefined ? `connector "${name}"` : `version ${version} of connector "${name}"`;
    return new NotFoundError(`${what} is not in the catalog of environment "${environment}" — see \`plugboard connector list --env ${environment}\``, {
      code: 'ConnectorNotFound',
    });
  }

  const catalog: Catalog = {
    async importPath(path, importOptions) {
      const environment = await environmentNamed(importOptions.environment);
      const { report, definition, issues } = await inspectPath(path);
      if (definition === undefined || report.errors.length > 0) {
        const shown = report.errors.slice(0, 5).map((i: Issue) => `  - ${formatIssue(i)}`).join('\n');
        const more = report.errors.length > 5 ? `\n  … and ${report.errors.length - 5} more (run \`plugboard connector validate\`)` : '';
        throw new UserInputError(`connector "${path}" was not imported: ${report.errors.length} error(s) — fix them and import again:\n${shown}${more}`, {
          code: 'ConnectorInvalid',
          details: { errors: report.errors },
        });
      }
      const name = importOptions.name ?? defaultConnectorName(path);
      const result = await store.connectors.putVersion({
        environmentId: environment.id,
        name,
        title: definition.info.title,
        publisher: definition.info.publisher,
        builtin: importOptions.builtin ?? false,
        sourceKind: definition.source.kind,
        sourcePath: path,
        contentHash: contentHash(definition),
        definition,
        issues,
      });
      return { name, version: result.version.version, created: result.created, report };
    },

    async list(environmentName) {
      const environment = await environmentNamed(environmentName);
      return [...(await store.connectors.list(environment.id))];
    },

    async show(environmentName, name, version) {
      const environment = await environmentNamed(environmentName);
      if (version === undefined) {
        const found = await store.connectors.get(environment.id, name);
        if (found === undefined) throw notFound(environmentName, name);
        return { connector: found.connector, version: found.version, definition: storedDefinition(found.version.definition) };
      }
      const found = await store.connectors.getVersion(environment.id, name, version);
      if (found === undefined) throw notFound(environmentName, name, version);
      return { connector: found.connector, version: found.version, definition: storedDefinition(found.version.definition) };
    },

    async versions(environmentName, name) {
      const environment = await environmentNamed(environmentName);
      const versions = await store.connectors.listVersions(environment.id, name);
      if (versions === undefined) throw notFound(environmentName, name);
      return [...versions];
    },

    async delete(environmentName, name) {
      const environment = await environmentNamed(environmentName);
      const deleted = await store.connectors.delete(environment.id, name);
      if (!deleted) throw notFound(environmentName, name);
    },

    async syncBuiltins(environmentName) {
      if (options.builtinDir === undefined) return [];
      const entries = await readdir(options.builtinDir, { withFileTypes: true });
      const folders = entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
      const environments = environmentName === undefined ? (await store.environments.list()).map((e) => e.name) : [environmentName];
      const results: ImportResult[] = [];
      for (const environment of environments) {
        for (const folder of folders) {
          results.push(await catalog.importPath(join(options.builtinDir, folder), { environment, name: folder, builtin: true }));
        }
      }
      return results;
    },
  };
  return catalog;
}
