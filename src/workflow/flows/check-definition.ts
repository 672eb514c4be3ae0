/**
 * Checks a flow's definition and connection references before a version is stored: load, then
 * validate with what the load found (the workflow README's recipe). Errors stop the save; their
 * JSON pointers point into the request (`/definition/…`, `/connectionReferences/…`), so a client
 * can show each one next to what it sent.
 */
import { UserInputError, escapePointerToken, formatIssue } from '../../core/index.ts';
import type { Issue } from '../../core/index.ts';
import { isRecord } from '../../expressions/index.ts';
import { loadWorkflowDefinition } from '../definition/load-workflow-definition.ts';
import type { LoadedWorkflow } from '../definition/load-workflow-definition.ts';
import { validateWorkflowDefinition } from '../definition/validate-workflow-definition.ts';
import { concurrencyIssues } from '../rules/trigger-concurrency.ts';
import { requestTriggerIssues } from '../triggers/request-trigger.ts';
import { scheduleIssues } from '../triggers/trigger-schedule.ts';
import { FlowsErrorCode } from './errors.ts';

/** Where the definition sits in a create or update request. */
export const DEFINITION_POINTER = '/definition';
/** Where the connection references sit in a create or update request. */
export const REFERENCES_POINTER = '/connectionReferences';

/** How many issues the error message lists (all of them are in `details.issues`). */
const ISSUES_IN_MESSAGE = 5;

/** Input of {@link checkFlowDefinition}. */
export interface FlowDefinitionCheck {
  /** For the message. */
  readonly flowName: string;
  readonly definition: unknown;
  readonly connectionReferences: unknown;
}

/**
 * Loads and validates; returns the loaded workflow, or throws a UserInputError
 * (`WorkflowDefinitionInvalid`) whose `details.issues` are the error issues with request pointers.
 */
export function checkFlowDefinition(check: FlowDefinitionCheck): LoadedWorkflow {
  // The references are checked here first so that every issue of the load below is about the
  // definition (the loader reports a caller's references at pointer '', which would be ambiguous).
  const references = check.connectionReferences;
  if (!isRecord(references)) {
    throw invalid(check.flowName, [{ code: 'connection-references-invalid', severity: 'error', path: REFERENCES_POINTER, message: 'connectionReferences must be an object of { "<name>": { "connectionName", "id" } }' }]);
  }
  const referenceIssues = entryIssues(references);
  if (referenceIssues.length > 0) throw invalid(check.flowName, referenceIssues);
  const loaded = loadWorkflowDefinition(check.definition, { connectionReferences: references });
  const issues = loaded.definition === undefined
    ? loaded.issues
    : [
        ...loaded.issues,
        ...validateWorkflowDefinition(loaded.definition, { parameters: loaded.parameters, connectionReferences: loaded.connectionReferences }),
        // A schedule that cannot run must not be saved (it would only show up later, on the trigger).
        ...loaded.definition.triggers.flatMap(scheduleIssues),
        ...loaded.definition.triggers.flatMap(concurrencyIssues),
        // A call would ignore them silently: splitOn and conditions are not applied to Request triggers yet.
        ...loaded.definition.triggers.flatMap(requestTriggerIssues),
      ];
  const errors = issues.filter((issue) => issue.severity === 'error').map((issue) => ({ ...issue, path: `${DEFINITION_POINTER}${issue.path}` }));
  if (loaded.definition === undefined && errors.length === 0) {
    errors.push({ code: 'definition-missing', severity: 'error', path: DEFINITION_POINTER, message: 'no workflow definition found — send an object with `triggers` and `actions`' });
  }
  if (errors.length > 0) throw invalid(check.flowName, errors);
  return loaded;
}

function entryIssues(references: Readonly<Record<string, unknown>>): Issue[] {
  return Object.entries(references)
    .filter(([, entry]) => !isRecord(entry))
    .map(([name]) => ({
      code: 'connection-reference-invalid',
      severity: 'error' as const,
      path: `${REFERENCES_POINTER}/${escapePointerToken(name)}`,
      message: `connection reference \`${name}\` must be an object such as { "connectionName": "…", "id": "/providers/Microsoft.PowerApps/apis/shared_office365" }`,
    }));
}

function invalid(flowName: string, errors: readonly Issue[]): UserInputError {
  const shown = errors.slice(0, ISSUES_IN_MESSAGE).map((issue) => `  - ${formatIssue(issue)}`).join('\n');
  const more = errors.length > ISSUES_IN_MESSAGE ? `\n  … and ${errors.length - ISSUES_IN_MESSAGE} more (all in details.issues)` : '';
  return new UserInputError(`flow "${flowName}" was not saved: its definition has ${errors.length} error${errors.length === 1 ? '' : 's'} — fix ${errors.length === 1 ? 'it' : 'them'} and send it again:\n${shown}${more}`, {
    code: FlowsErrorCode.WorkflowDefinitionInvalid,
    details: { issues: errors.map((issue) => ({ code: issue.code, severity: issue.severity, path: issue.path, message: issue.message })) },
  });
}
