/** Test kit: where the shared corpus of real connectors is, and independent counts over it. */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** ../shared/corpus/powerplatform-connectors, next to the repository. */
export const CORPUS_ROOT = resolve(import.meta.dirname, '..', '..', '..', 'shared', 'corpus', 'powerplatform-connectors');

/** Path of one corpus connector folder, e.g. `corpusFolder('certified-connectors', 'Planner')`. */
export function corpusFolder(group: 'certified-connectors' | 'independent-publisher-connectors' | 'custom-connectors', name: string): string {
  return join(CORPUS_ROOT, group, name);
}

const METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch']);

/**
 * Counts operations and triggers of a strict-JSON swagger file with nothing but JSON.parse —
 * independent of the loader, so tests can compare the two.
 */
export function countOperations(swaggerFile: string): { operations: number; triggers: number } {
  const document: { paths?: Record<string, Record<string, { 'x-ms-trigger'?: unknown }>> } = JSON.parse(readFileSync(swaggerFile, 'utf8'));
  let operations = 0;
  let triggers = 0;
  for (const item of Object.values(document.paths ?? {})) {
    for (const [method, operation] of Object.entries(item)) {
      if (!METHODS.has(method)) continue;
      operations += 1;
      if (operation['x-ms-trigger'] !== undefined) triggers += 1;
    }
  }
  return { operations, triggers };
}
