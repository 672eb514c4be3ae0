/** Shared helpers of the workflow tests: fixture files and load + validate as a caller combines them. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Issue } from '../../src/core/index.ts';
import { loadWorkflowDefinition, validateWorkflowDefinition } from '../../src/workflow/index.ts';
import type { LoadWorkflowOptions, LoadedWorkflow, WorkflowAction, WorkflowDefinition } from '../../src/workflow/index.ts';

/** test/fixtures/workflows */
export const WORKFLOW_FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'workflows');

/** The parsed JSON of a fixture file. */
export function readWorkflowFixture(file: string): unknown {
  return JSON.parse(readFileSync(join(WORKFLOW_FIXTURES, file), 'utf8'));
}

/** Loads `input` and validates what loaded, with the loaded parameters and connection references. */
export function inspectWorkflow(input: unknown, options?: LoadWorkflowOptions): { readonly loaded: LoadedWorkflow; readonly issues: Issue[] } {
  const loaded = loadWorkflowDefinition(input, options);
  const found = loaded.definition === undefined ? [] : validateWorkflowDefinition(loaded.definition, { parameters: loaded.parameters, connectionReferences: loaded.connectionReferences });
  return { loaded, issues: [...loaded.issues, ...found] };
}

/** The loaded definition; fails the test when there is none. */
export function definitionOf(loaded: LoadedWorkflow): WorkflowDefinition {
  assert.ok(loaded.definition !== undefined, JSON.stringify(loaded.issues));
  return loaded.definition;
}

/** The action of that name; fails the test when there is none. */
export function actionOf(definition: WorkflowDefinition, name: string): WorkflowAction {
  const action = definition.actionsByName.get(name);
  assert.ok(action !== undefined, `no action ${name}`);
  return action;
}

/** `code path` of each issue, for whole-list comparisons. */
export function codesAndPaths(issues: readonly Issue[]): string[] {
  return issues.map((issue) => `${issue.code} ${issue.path}`);
}

/** The single issue with `code`; fails when there is none or several. */
export function onlyIssue(issues: readonly Issue[], code: string): Issue {
  const found = issues.filter((issue) => issue.code === code);
  assert.equal(found.length, 1, `expected one ${code}, got ${JSON.stringify(codesAndPaths(issues))}`);
  const [issue] = found;
  assert.ok(issue !== undefined);
  return issue;
}

/** A bare definition with a manual trigger around `actions`. */
export function withActions(actions: Record<string, unknown>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { triggers: { manual: { type: 'Request', kind: 'Http', inputs: {} } }, actions, ...extra };
}
