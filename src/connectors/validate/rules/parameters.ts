/** Parameter declarations: location, name, body/formData exclusivity, duplicates. */
import { definitionIssue, operationLabel } from '../rule.ts';
import type { Rule } from '../rule.ts';
import type { Issue } from '../../../core/index.ts';

/** At most one body parameter, never mixed with formData; a known `in`; a name; no duplicate (in + name). */
export const checkParameters: Rule = (context) => {
  const issues: Issue[] = [];
  for (const operation of context.definition.operations) {
    const label = operationLabel(operation);
    const bodies = operation.parameters.filter((parameter) => parameter.in === 'body');
    for (const extra of bodies.slice(1)) {
      issues.push(
        definitionIssue(context, 'body-parameter-multiple', 'error', extra.pointer, `operation \`${label}\` has more than one body parameter (\`${bodies[0]?.name}\` and \`${extra.name}\`) — merge them into one body schema`),
      );
    }
    const formData = operation.parameters.find((parameter) => parameter.in === 'formData');
    if (bodies[0] !== undefined && formData !== undefined) {
      issues.push(
        definitionIssue(
          context,
          'body-parameter-with-form-data',
          'error',
          bodies[0].pointer,
          `operation \`${label}\` mixes the body parameter \`${bodies[0].name}\` with formData parameter \`${formData.name}\` — use either one body parameter or formData parameters`,
        ),
      );
    }
    for (const parameter of operation.parameters) {
      if (parameter.in === 'unknown') {
        issues.push(
          definitionIssue(context, 'parameter-location-invalid', 'error', parameter.pointer, `operation \`${label}\`: parameter \`${parameter.name}\` has \`in: ${JSON.stringify(parameter.rawIn ?? null)}\` — use one of path, query, header, body, formData`),
        );
      }
      if (parameter.name === '') {
        issues.push(definitionIssue(context, 'parameter-name-missing', 'error', parameter.pointer, `operation \`${label}\` has a parameter without \`name\` — add the name the API expects`));
      }
    }
    for (const dropped of operation.droppedParameters ?? []) {
      issues.push(
        definitionIssue(
          context,
          'parameter-duplicate',
          'error',
          dropped.pointer,
          `operation \`${label}\` declares the ${dropped.in} parameter \`${dropped.name}\` twice (also at \`${dropped.keptPointer}\`; the first is used) — remove one declaration`,
        ),
      );
    }
  }
  return issues;
};
