/** operationId present and unique. */
import { definitionIssue, operationLabel } from '../rule.ts';
import type { Rule } from '../rule.ts';
import type { Issue } from '../../../core/index.ts';

/** Every operation needs a unique operationId: flows, policies and dynamic values refer to operations by it. */
export const checkOperationIds: Rule = (context) => {
  const issues: Issue[] = [];
  for (const operation of context.definition.operations) {
    if (operation.operationId === '') {
      issues.push(
        definitionIssue(context, 'operation-id-missing', 'error', operation.pointer, `operation \`${operationLabel(operation)}\` has no \`operationId\` — add a unique one, e.g. "operationId": "${suggestId(operation.method, operation.path)}"`),
      );
    }
  }
  for (const [id, operations] of context.operationsById) {
    if (operations.length < 2) continue;
    const [first, ...others] = operations;
    for (const operation of others) {
      issues.push(
        definitionIssue(
          context,
          'operation-id-duplicate',
          'error',
          `${operation.pointer}/operationId`,
          `operationId \`${id}\` of \`${operation.method.toUpperCase()} ${operation.path}\` is already used by \`${first?.method.toUpperCase()} ${first?.path}\` — give each operation its own operationId`,
        ),
      );
    }
  }
  return issues;
};

/** A camel-case id from method and path, for the fix text (e.g. `getItemsById`). */
function suggestId(method: string, path: string): string {
  const words = path
    .split(/[^A-Za-z0-9]+/)
    .filter((word) => word !== '')
    .map((word) => word[0]?.toUpperCase() + word.slice(1));
  return method + words.join('');
}
