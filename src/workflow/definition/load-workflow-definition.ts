/**
 * Loads a workflow from any of the shapes it is shipped in into the typed tree, with its parameter
 * values and connection references. Load issues are about the shape; the rules are checked by
 * `validateWorkflowDefinition`.
 */
import type { Issue } from '../../core/index.ts';
import { buildTree } from './build-tree.ts';
import { readConnectionReferences } from './connection-references.ts';
import { findDefinition } from './find-definition.ts';
import type { ConnectionReference, DefinitionFormat, WorkflowDefinition } from './model.ts';
import { resolveParameters } from './resolve-parameters.ts';

/** Options of {@link loadWorkflowDefinition}. */
export interface LoadWorkflowOptions {
  /** Values for declared parameters (plain values, not `{ value }`); they win over the wrapper's and the defaults. */
  readonly parameters?: Readonly<Record<string, unknown>>;
  /** Connection references; an entry wins over the document's entry of the same name. */
  readonly connectionReferences?: Readonly<Record<string, unknown>>;
}

/** What {@link loadWorkflowDefinition} found. */
export interface LoadedWorkflow {
  /** Undefined when no definition object was found. */
  readonly definition: WorkflowDefinition | undefined;
  readonly format: DefinitionFormat;
  /** Standard `kind` (`Stateful` / `Stateless`). */
  readonly kind: string | undefined;
  /** Value of each declared parameter that has one. */
  readonly parameters: Record<string, unknown>;
  readonly connectionReferences: Record<string, ConnectionReference>;
  readonly issues: Issue[];
}

/** The Logic Apps parameter whose value maps connection names to managed API connections. */
const CONNECTIONS_PARAMETER = '$connections';

/** Loads `input` (parsed JSON: a bare definition, a Logic Apps or Standard wrapper, a Power Automate export or an ARM template). */
export function loadWorkflowDefinition(input: unknown, options?: LoadWorkflowOptions): LoadedWorkflow {
  const found = findDefinition(input);
  const issues = [...found.issues];
  if (found.definition === undefined) {
    return { definition: undefined, format: found.format, kind: found.kind, parameters: {}, connectionReferences: {}, issues };
  }
  const tree = buildTree(found.definition, found.pointer);
  issues.push(...tree.issues);
  const definition = tree.definition;
  const wrapperPointer = found.format === 'definition' ? undefined : found.pointer.replace(/\/definition$/, '/parameters');
  const parameters = resolveParameters(definition.parameters, { wrapper: found.parameterValues, supplied: options?.parameters, wrapperPointer }, issues);
  const connectionsPointer = Object.hasOwn(found.parameterValues, CONNECTIONS_PARAMETER)
    ? `${wrapperPointer ?? ''}/${CONNECTIONS_PARAMETER}/value`
    : `${found.pointer}/parameters/${CONNECTIONS_PARAMETER}/defaultValue`;
  const connectionReferences = readConnectionReferences(
    [
      Object.hasOwn(parameters, CONNECTIONS_PARAMETER) ? { raw: parameters[CONNECTIONS_PARAMETER], pointer: connectionsPointer } : undefined,
      found.connectionReferences,
      options?.connectionReferences === undefined ? undefined : { raw: options.connectionReferences, pointer: '' },
    ],
    issues,
  );
  return { definition, format: found.format, kind: found.kind, parameters, connectionReferences, issues };
}
