/**
 * The typed tree of a loaded workflow definition. Every node keeps its raw JSON (`raw`, never
 * modified) for the executors, plus what the loader normalised: canonical type names and runAfter
 * statuses. Pointers are JSON pointers into the document that was loaded (so a Power Automate
 * export's actions are under `/properties/definition/actions/…`).
 */
import type { Issue } from '../../core/index.ts';
import type { SyntaxPosition } from '../../expressions/index.ts';
import type { RunAfter } from '../rules/status.ts';

/** Which wrapper the definition came in. */
export type DefinitionFormat = 'definition' | 'logic-apps' | 'standard' | 'power-automate' | 'arm-template';

/** A declared parameter type, lower-cased (`String`, `SecureString` in exports). */
export type ParameterType = 'int' | 'float' | 'string' | 'bool' | 'array' | 'object' | 'securestring' | 'secureobject';

/** One entry of the definition's `parameters`. */
export interface ParameterDeclaration {
  readonly name: string;
  /** Undefined when the type is missing or not one of {@link ParameterType} (validation reports it). */
  readonly type: ParameterType | undefined;
  readonly hasDefault: boolean;
  readonly defaultValue: unknown;
  readonly pointer: string;
  readonly raw: Readonly<Record<string, unknown>>;
}

/** One trigger. */
export interface WorkflowTrigger {
  readonly name: string;
  /** Canonical type when known (`http` → `Http`), else as written; `''` when missing. */
  readonly type: string;
  readonly kind: string | undefined;
  readonly inputs: unknown;
  readonly pointer: string;
  readonly raw: Readonly<Record<string, unknown>>;
}

/** Which member of a control action holds a container of actions. */
export type ContainerBranch = 'actions' | 'else' | 'case' | 'default';

/** Where an action sits: the control action holding it and which of its branches. */
export interface ActionParent {
  readonly action: string;
  readonly branch: ContainerBranch;
  /** The Switch case name (`branch: 'case'`). */
  readonly caseName?: string;
}

/** A map of actions: the top level, a Scope/loop body, an If branch or a Switch case. */
export interface ActionContainer {
  /** Undefined for the top level. */
  readonly parent: ActionParent | undefined;
  /** Pointer of the `actions` object. */
  readonly pointer: string;
  /** In JSON order (the graph is the runAfter, not the order). */
  readonly actions: readonly WorkflowAction[];
}

/** One action, with its place in the tree. */
export interface WorkflowAction {
  readonly name: string;
  /** Canonical type when known (`if` → `If`), else as written; `''` when missing. */
  readonly type: string;
  readonly kind: string | undefined;
  readonly inputs: unknown;
  /** Normalised: canonical statuses, unknown statuses and malformed entries left out (the loader reports them). */
  readonly runAfter: RunAfter;
  readonly parent: ActionParent | undefined;
  /** How many control actions enclose this one: 0 at the top level. */
  readonly depth: number;
  readonly pointer: string;
  /** The containers this control action holds (If: actions, else; Switch: each case, default; Scope/Foreach/Until: actions). */
  readonly containers: readonly ActionContainer[];
  readonly raw: Readonly<Record<string, unknown>>;
}

/** A loaded definition. */
export interface WorkflowDefinition {
  /** Pointer of the definition object in the loaded document (`''` for a bare definition). */
  readonly pointer: string;
  readonly parameters: Readonly<Record<string, ParameterDeclaration>>;
  readonly triggers: readonly WorkflowTrigger[];
  /** The top-level container. */
  readonly actions: ActionContainer;
  /** Every action at any depth, depth-first in JSON order. */
  readonly allActions: readonly WorkflowAction[];
  /** Action names are global: the first action of each name (duplicates are a validation error). */
  readonly actionsByName: ReadonlyMap<string, WorkflowAction>;
  readonly raw: Readonly<Record<string, unknown>>;
}

/** A connection a definition's connector actions use, from Power Automate `connectionReferences` or the Logic Apps `$connections` parameter. */
export interface ConnectionReference {
  /** The key actions use (`host.connectionName`, `$connections` entry). */
  readonly name: string;
  /** The managed API's id (`/providers/Microsoft.PowerApps/apis/shared_office365`). */
  readonly apiId: string | undefined;
  /** Its last segment (`shared_office365`, `office365`). */
  readonly apiName: string | undefined;
  readonly connectionName: string | undefined;
  readonly connectionId: string | undefined;
  readonly raw: Readonly<Record<string, unknown>>;
}

/** An issue about an expression string, with the position inside that string. */
export interface ExpressionIssue extends Issue {
  readonly position: SyntaxPosition;
}
