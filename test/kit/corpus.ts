/** Test kit: where the shared corpus of real connectors is, and independent counts over it. */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { countOperations } from './operation-counter.ts';
import type { OperationCounts } from './operation-counter.ts';

/** ../shared/corpus/powerplatform-connectors, next to the repository. */
export const CORPUS_ROOT = resolve(import.meta.dirname, '..', '..', '..', 'shared', 'corpus', 'powerplatform-connectors');

/** Path of one corpus connector folder, e.g. `corpusFolder('certified-connectors', 'Planner')`. */
export function corpusFolder(group: 'certified-connectors' | 'independent-publisher-connectors' | 'custom-connectors', name: string): string {
  return join(CORPUS_ROOT, group, name);
}

/** Operation and trigger counts of a strict-JSON swagger file, computed without the loader. */
export function countOperationsInFile(swaggerFile: string): OperationCounts {
  return countOperations(JSON.parse(readFileSync(swaggerFile, 'utf8')));
}
