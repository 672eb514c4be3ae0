/**
 * Custom code: C# `script.csx` cannot run here, so its script operations will fail until a
 * TypeScript hook (`script.ts`) replaces it; `scriptOperations` must name real operations.
 */
import type { Issue } from '../../../core/index.ts';
import { propertiesIssue } from '../rule.ts';
import type { Rule } from '../rule.ts';

/** How many operation names a message lists before summarising. */
const LISTED = 5;

/** Checks the connector's custom code and `scriptOperations`. */
export const checkCustomCode: Rule = (context) => {
  const issues: Issue[] = [];
  const { definition } = context;
  const scriptOperations = definition.scriptOperations;
  scriptOperations.forEach((operationId, index) => {
    if (context.operationsById.has(operationId)) return;
    issues.push(
      propertiesIssue(context, 'script-operation-unknown', 'warning', `/properties/scriptOperations/${index}`, `\`scriptOperations\` names \`${operationId}\`, which is not an operation of this connector — fix the name or remove it`),
    );
  });
  const code = definition.source.customCode;
  if (code?.language !== 'csharp') return issues;
  const affected = scriptOperations.length > 0 ? scriptOperations : definition.operations.map((op) => op.operationId).filter((id) => id !== '');
  const named = affected.slice(0, LISTED).map((id) => `\`${id}\``).join(', ') + (affected.length > LISTED ? ` and ${affected.length - LISTED} more` : '');
  const scope = scriptOperations.length > 0 ? 'its script operations' : 'every operation (there is no `scriptOperations` list)';
  issues.push({
    code: 'custom-code-csharp',
    severity: 'warning',
    path: '',
    file: code.file,
    message: `C# custom code present (${code.file}): it cannot run on Plugboard, so ${scope} — ${named} — will fail with CustomCodeUnsupported when invoked; port it to a \`script.ts\` hook exporting one async function that receives { operationId, request, send(request) }`,
  });
  return issues;
};
