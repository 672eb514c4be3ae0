/**
 * Validates a loaded definition: every rule family in `checks/`, over one parse of its
 * expressions. Returns issues as data, each with the JSON pointer of what is wrong.
 */
import type { Issue } from '../../core/index.ts';
import type { DefinitionCheck, ValidateWorkflowOptions } from './checks/check.ts';
import { checkConnections } from './checks/connections.ts';
import { checkControlActions } from './checks/control-actions.ts';
import { checkExpressions } from './checks/expressions.ts';
import { checkParameters } from './checks/parameters.ts';
import { checkRetryAndTimeouts } from './checks/retry-and-timeouts.ts';
import { checkRunAfter } from './checks/run-after.ts';
import { checkStructure } from './checks/structure.ts';
import { checkTypes } from './checks/types.ts';
import { checkVariables } from './checks/variables.ts';
import { expressionSites } from './expression-sites.ts';
import type { WorkflowDefinition } from './model.ts';

const CHECKS: readonly DefinitionCheck[] = [checkTypes, checkStructure, checkRunAfter, checkControlActions, checkVariables, checkParameters, checkExpressions, checkRetryAndTimeouts, checkConnections];

/**
 * The issues of `definition`. Pass the loader's `parameters` and `connectionReferences` in
 * `options` to also check that every parameter has a value and every connector action a connection.
 */
export function validateWorkflowDefinition(definition: WorkflowDefinition, options?: ValidateWorkflowOptions): Issue[] {
  const input = { definition, sites: expressionSites(definition), options: options ?? {} };
  return CHECKS.flatMap((check) => check(input));
}
