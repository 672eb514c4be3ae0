/** Path template placeholders and `in: path` parameters must match one to one. */
import { definitionIssue, operationLabel } from '../rule.ts';
import type { Rule } from '../rule.ts';
import type { Issue } from '../../../core/index.ts';

/** Placeholder names of a path template (`/items/{id}` → `id`). */
export function templateNames(path: string): string[] {
  const names: string[] = [];
  for (const match of path.matchAll(/\{([^{}]+)\}/g)) if (match[1] !== undefined) names.push(match[1]);
  return names;
}

/** `{x}` in the path needs an `in: path` parameter `x`, and every path parameter needs its `{x}`. */
export const checkPathParameters: Rule = (context) => {
  const issues: Issue[] = [];
  for (const operation of context.definition.operations) {
    const names = templateNames(operation.path);
    const pathParameters = operation.parameters.filter((parameter) => parameter.in === 'path');
    const declared = new Set(pathParameters.map((parameter) => parameter.name));
    for (const name of new Set(names)) {
      if (declared.has(name)) continue;
      issues.push(
        definitionIssue(
          context,
          'path-parameter-undeclared',
          'error',
          operation.pointer,
          `operation \`${operationLabel(operation)}\`: path parameter \`{${name}}\` has no matching entry in \`parameters\` — add a parameter with \`in: path\` and \`name: ${name}\``,
        ),
      );
    }
    const inTemplate = new Set(names);
    for (const parameter of pathParameters) {
      if (inTemplate.has(parameter.name)) {
        if (!parameter.required) {
          issues.push(
            definitionIssue(context, 'path-parameter-optional', 'warning', parameter.pointer, `operation \`${operationLabel(operation)}\`: path parameter \`${parameter.name}\` is not required — path parameters are always sent; add \`"required": true\``),
          );
        }
        continue;
      }
      issues.push(
        definitionIssue(
          context,
          'path-parameter-not-in-template',
          'error',
          parameter.pointer,
          `operation \`${operationLabel(operation)}\`: parameter \`${parameter.name}\` is \`in: path\` but \`${operation.path}\` has no \`{${parameter.name}}\` — add the placeholder to the path or change \`in\``,
        ),
      );
    }
  }
  return issues;
};
