/**
 * Triggers must be usable by the engine: a webhook needs a callback-URL body property the platform
 * fills in (internal), a notification schema, and a DELETE operation to unsubscribe; a polling
 * trigger needs a 200 response schema to read items from.
 */
import { definitionIssue, operationLabel } from '../rule.ts';
import type { Rule } from '../rule.ts';
import type { Issue } from '../../../core/index.ts';

/** Checks every trigger operation. */
export const checkTriggers: Rule = (context) => {
  const issues: Issue[] = [];
  const operations = context.definition.operations;
  const hasDelete = operations.some((operation) => operation.method === 'delete');
  for (const operation of operations) {
    if (operation.trigger === undefined) continue;
    const label = `trigger \`${operationLabel(operation)}\``;
    const rawCardinality = operation.extensions?.['x-ms-trigger'];
    if (rawCardinality !== undefined) {
      issues.push(
        definitionIssue(context, 'trigger-cardinality-invalid', 'warning', `${operation.pointer}/x-ms-trigger`, `${label}: \`x-ms-trigger\` is ${JSON.stringify(rawCardinality)} — use "single" (one run per call) or "batch" (one run per array item); "single" is assumed`),
      );
    }
    if (operation.trigger.kind === 'webhook') {
      if (operation.callbackUrl === undefined) {
        issues.push(
          definitionIssue(
            context,
            'trigger-callback-missing',
            'error',
            operation.pointer,
            `${label} is a webhook (its path has \`x-ms-notification-content\`) but no body property has \`x-ms-notification-url: true\` — add a body property such as \`callbackUrl\` with \`"x-ms-notification-url": true\` and \`"x-ms-visibility": "internal"\``,
          ),
        );
      } else if (operation.callbackUrl.visibility !== 'internal') {
        issues.push(
          definitionIssue(
            context,
            'trigger-callback-not-internal',
            'warning',
            operation.callbackUrl.pointer,
            `${label}: the callback-URL property \`${operation.callbackUrl.bodyPath}\` is visible to makers (x-ms-visibility ${JSON.stringify(operation.callbackUrl.visibility ?? null)}) — add \`"x-ms-visibility": "internal"\` so the platform fills it in`,
          ),
        );
      }
      if (operation.trigger.notification?.schema === undefined) {
        issues.push(
          definitionIssue(
            context,
            'trigger-notification-schema-missing',
            'warning',
            operation.trigger.notification?.pointer ?? operation.pointer.slice(0, operation.pointer.lastIndexOf('/')),
            `${label}: the path has no \`x-ms-notification-content\` with a \`schema\`, so the trigger's outputs are untyped — add {"description": …, "schema": {…}} describing what the service posts to the callback`,
          ),
        );
      }
      if (!hasDelete) {
        issues.push(
          definitionIssue(
            context,
            'trigger-unsubscribe-missing',
            'warning',
            operation.pointer,
            `${label}: the definition has no DELETE operation, so the platform cannot unsubscribe when the flow is turned off — add a DELETE operation for the subscription URL returned in the \`Location\` header (usually \`x-ms-visibility: internal\`)`,
          ),
        );
      }
    } else {
      const ok = operation.responses?.find((response) => response.status === '200');
      if (ok?.schema === undefined) {
        issues.push(
          definitionIssue(
            context,
            'trigger-response-schema-missing',
            'warning',
            ok?.pointer ?? `${operation.pointer}/responses`,
            `${label} is a polling trigger without a \`200\` response schema, so new items cannot be read from the response — add a \`200\` response with a schema`,
          ),
        );
      }
    }
  }
  return issues;
};
