/** Policy template instances: known template, required parameters, existing operations, valid section. */
import { POLICY_TEMPLATES, policyTemplateSpec } from '../../model/policy.ts';
import { propertiesIssue } from '../rule.ts';
import type { Rule } from '../rule.ts';
import type { Issue } from '../../../core/index.ts';

const PARAMETER_PREFIX = 'x-ms-apimTemplateParameter.';

/** Checks every policy template instance against the known templates. */
export const checkPolicies: Rule = (context) => {
  const issues: Issue[] = [];
  for (const policy of context.definition.policies) {
    const name = policy.title === undefined ? `policy ${policy.index} (\`${policy.templateIdRaw}\`)` : `policy "${policy.title}" (\`${policy.templateIdRaw}\`)`;
    const spec = policyTemplateSpec(policy.templateId);
    if (spec === undefined) {
      issues.push(
        propertiesIssue(
          context,
          'policy-template-unknown',
          'warning',
          `${policy.pointer}/templateId`,
          `${name}: template \`${policy.templateIdRaw}\` is not known, so the policy will not run — use one of ${POLICY_TEMPLATES.map((known) => known.id).join(', ')}`,
        ),
      );
      continue;
    }
    for (const required of spec.required) {
      if (policy.parameters[required] !== undefined) continue;
      issues.push(
        propertiesIssue(
          context,
          'policy-parameter-missing',
          spec.fromSchema ? 'error' : 'warning',
          `${policy.pointer}/parameters`,
          `${name}: required parameter \`${PARAMETER_PREFIX}${required}\` is missing — add it to \`parameters\``,
        ),
      );
    }
    const rawNames = policy.rawParameters['x-ms-apimTemplate-operationName'];
    if (rawNames !== undefined && policy.operationNames === undefined) {
      issues.push(
        propertiesIssue(
          context,
          'policy-operation-names-invalid',
          'warning',
          `${policy.pointer}/parameters/x-ms-apimTemplate-operationName`,
          `${name}: \`x-ms-apimTemplate-operationName\` is ${JSON.stringify(rawNames)?.slice(0, 40)}, not a list of operationIds, so the policy applies to every operation — write ["OperationId", …]`,
        ),
      );
    }
    (policy.operationNames ?? []).forEach((operationId, index) => {
      if (context.operationsById.has(operationId)) return;
      issues.push(
        propertiesIssue(
          context,
          'policy-operation-unknown',
          'warning',
          `${policy.pointer}/parameters/x-ms-apimTemplate-operationName/${index}`,
          `${name}: operation \`${operationId}\` does not exist, so this part of the policy never applies — use an operationId of the definition${suggest(operationId, context.operationsById.keys())}`,
        ),
      );
    });
    const rawSection = policy.rawParameters['x-ms-apimTemplate-policySection'];
    if (rawSection !== undefined && (policy.policySection === undefined || !spec.sections.includes(policy.policySection))) {
      issues.push(
        propertiesIssue(
          context,
          'policy-section-invalid',
          'warning',
          `${policy.pointer}/parameters/x-ms-apimTemplate-policySection`,
          `${name}: policy section ${JSON.stringify(rawSection)} is not valid for \`${spec.id}\` — use one of ${spec.sections.map((section) => section[0]?.toUpperCase() + section.slice(1)).join(', ')}`,
        ),
      );
    }
  }
  return issues;
};

/** ` (did you mean \`X\`?)` when an operationId differs only in case or by a suffix. */
function suggest(operationId: string, known: Iterable<string>): string {
  const lower = operationId.toLowerCase();
  for (const candidate of known) {
    const other = candidate.toLowerCase();
    if (other === lower || other.startsWith(lower) || lower.startsWith(other)) return ` (did you mean \`${candidate}\`?)`;
  }
  return '';
}
