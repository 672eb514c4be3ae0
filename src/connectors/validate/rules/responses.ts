/** Operations should declare their responses. */
import { definitionIssue, operationLabel } from '../rule.ts';
import type { Rule } from '../rule.ts';
import type { Issue } from '../../../core/index.ts';

/** An operation without `responses` (18 published operations) still runs, but its outputs are unknown. */
export const checkResponses: Rule = (context) => {
  const issues: Issue[] = [];
  for (const operation of context.definition.operations) {
    if (operation.responses !== undefined && operation.responses.length > 0) continue;
    issues.push(
      definitionIssue(
        context,
        'operation-responses-missing',
        'warning',
        operation.pointer,
        `operation \`${operationLabel(operation)}\` declares no \`responses\` — add at least {"200": {"description": "OK"}} (with a schema when it returns data)`,
      ),
    );
  }
  return issues;
};
