/** Runs every rule group over a loaded definition. */
import type { Issue } from '../../core/index.ts';
import type { ConnectorDefinition } from '../model/definition.ts';
import type { Operation } from '../model/operation.ts';
import { collectExtensionSites } from './extension-sites.ts';
import type { Rule, RuleContext } from './rule.ts';
import { checkCertification } from './rules/certification.ts';
import { checkConnectionReferences } from './rules/connection-references.ts';
import { checkCustomCode } from './rules/custom-code.ts';
import { checkDynamicReferences } from './rules/dynamic-references.ts';
import { checkExtensions } from './rules/extensions.ts';
import { checkOperationIds } from './rules/operation-ids.ts';
import { checkParameters } from './rules/parameters.ts';
import { checkPathParameters } from './rules/path-parameters.ts';
import { checkPolicies } from './rules/policies.ts';
import { checkResponses } from './rules/responses.ts';
import { checkSecurity } from './rules/security.ts';
import { checkTriggers } from './rules/triggers.ts';

/** The rule groups, in reporting order (structural errors first, certification last). */
const RULES: readonly Rule[] = [
  checkOperationIds,
  checkPathParameters,
  checkParameters,
  checkDynamicReferences,
  checkPolicies,
  checkConnectionReferences,
  checkTriggers,
  checkSecurity,
  checkCustomCode,
  checkResponses,
  checkExtensions,
  checkCertification,
];

function buildContext(definition: ConnectorDefinition): RuleContext {
  const operationsById = new Map<string, Operation[]>();
  for (const operation of definition.operations) {
    if (operation.operationId === '') continue;
    const list = operationsById.get(operation.operationId);
    if (list === undefined) operationsById.set(operation.operationId, [operation]);
    else list.push(operation);
  }
  return {
    definition,
    definitionFile: definition.source.definitionFile,
    propertiesFile: definition.source.propertiesFile ?? 'apiProperties.json',
    operationsById,
    extensionSites: collectExtensionSites(definition),
  };
}

/**
 * Structural and certification rules over a loaded definition. Reading problems (parse errors,
 * unresolved `$ref`s, missing files) are reported by loadConnector, not repeated here. A finding
 * reached twice (e.g. through a path-level parameter shared by several operations) is reported once.
 */
export function validateConnector(definition: ConnectorDefinition): Issue[] {
  const context = buildContext(definition);
  const seen = new Set<string>();
  const issues: Issue[] = [];
  for (const rule of RULES) {
    for (const issue of rule(context)) {
      const key = `${issue.code}\u0000${issue.file ?? ''}\u0000${issue.path}`;
      if (seen.has(key)) continue;
      seen.add(key);
      issues.push(issue);
    }
  }
  return issues;
}
