/**
 * All 127 documented workflow functions (the 125 of the current functions reference plus
 * `actionBody` and `actionOutputs`, dropped from the page but still in exported definitions), by
 * family, as one case-insensitive function table for an evaluation.
 */
import type { FunctionTable } from '../evaluate.ts';
import { collectionFunctions } from './collection.ts';
import { conversionFunctions } from './conversion.ts';
import { dateTimeFunctions } from './date-time.ts';
import { logicalFunctions } from './logical.ts';
import { manipulationFunctions } from './manipulation.ts';
import { mathFunctions } from './math.ts';
import type { FunctionFamily, FunctionRuntime } from './runtime.ts';
import { stringFunctions } from './string.ts';
import { uriFunctions } from './uri.ts';
import { workflowFunctions } from './workflow.ts';

/** The families of the functions reference. */
export type FunctionFamilyName = 'string' | 'collection' | 'logical' | 'conversion' | 'math' | 'date-time' | 'workflow' | 'uri' | 'manipulation';

const FAMILIES: Readonly<Record<FunctionFamilyName, (runtime: FunctionRuntime) => FunctionFamily>> = {
  string: stringFunctions,
  collection: collectionFunctions,
  logical: logicalFunctions,
  conversion: conversionFunctions,
  math: mathFunctions,
  'date-time': dateTimeFunctions,
  workflow: workflowFunctions,
  uri: uriFunctions,
  manipulation: manipulationFunctions,
};

/** The function table of one evaluation, keyed by lower-cased name. */
export function createWorkflowFunctionTable(runtime: FunctionRuntime): FunctionTable {
  const table: Record<string, FunctionTable[string]> = {};
  for (const create of Object.values(FAMILIES)) {
    for (const [name, fn] of Object.entries(create(runtime))) table[name.toLowerCase()] = fn;
  }
  return table;
}

/** A runtime for listing names only: the factories never call it while building their tables. */
const LISTING_RUNTIME: FunctionRuntime = {
  context: {},
  limits: { maxLength: 0, maxDepth: 0, maxOutputLength: 0, maxStringLength: 0, maxArrayLength: 0, maxWork: 0 },
  now: () => ({ ticks: 0n, kind: 'utc' }),
  random: () => 0,
  charge: () => undefined,
};

function namesOf(create: (runtime: FunctionRuntime) => FunctionFamily): readonly string[] {
  return Object.freeze(Object.keys(create(LISTING_RUNTIME)).sort());
}

/** The documented (camelCase) function names of each family. */
export const WORKFLOW_FUNCTION_FAMILIES: Readonly<Record<FunctionFamilyName, readonly string[]>> = Object.freeze({
  string: namesOf(FAMILIES.string),
  collection: namesOf(FAMILIES.collection),
  logical: namesOf(FAMILIES.logical),
  conversion: namesOf(FAMILIES.conversion),
  math: namesOf(FAMILIES.math),
  'date-time': namesOf(FAMILIES['date-time']),
  workflow: namesOf(FAMILIES.workflow),
  uri: namesOf(FAMILIES.uri),
  manipulation: namesOf(FAMILIES.manipulation),
});

/** Every documented function name, sorted. */
export const WORKFLOW_FUNCTION_NAMES: readonly string[] = Object.freeze(Object.values(WORKFLOW_FUNCTION_FAMILIES).flat().sort());
