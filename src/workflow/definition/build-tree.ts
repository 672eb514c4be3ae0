/**
 * Builds the typed tree of a definition object: parameters, triggers and actions (recursively
 * through If, Switch, Scope, Foreach, Until), with canonical type names and runAfter statuses.
 * Reports only what makes a node impossible to build (an action that is not an object); the rules
 * a well-formed tree must follow are checked by `validateWorkflowDefinition`.
 */
import type { Issue } from '../../core/index.ts';
import { escapePointerToken } from '../../core/index.ts';
import { isRecord } from '../../expressions/index.ts';
import type { RunAfter, RunAfterStatus } from '../rules/status.ts';
import { runAfterStatusOf } from '../rules/status.ts';
import { actionTypeOf, triggerTypeOf } from './action-types.ts';
import type { ActionContainer, ActionParent, ParameterDeclaration, ParameterType, WorkflowAction, WorkflowDefinition, WorkflowTrigger } from './model.ts';

/** Beyond this depth the tree stops (validation already reports anything deeper than 8). */
const MAX_TREE_DEPTH = 64;

const PARAMETER_TYPES: ReadonlySet<string> = new Set(['int', 'float', 'string', 'bool', 'array', 'object', 'securestring', 'secureobject']);

const child = (pointer: string, token: string): string => `${pointer}/${escapePointerToken(token)}`;

function isParameterType(text: string): text is ParameterType {
  return PARAMETER_TYPES.has(text);
}

function readParameters(raw: unknown, pointer: string, issues: Issue[]): Record<string, ParameterDeclaration> {
  const declarations: Record<string, ParameterDeclaration> = {};
  if (raw !== undefined && !isRecord(raw)) issues.push({ code: 'parameters-invalid', severity: 'error', path: pointer, message: '`parameters` must be an object of { "<name>": { "type": …, "defaultValue": … } }' });
  if (!isRecord(raw)) return declarations;
  for (const [name, entry] of Object.entries(raw)) {
    const at = child(pointer, name);
    if (!isRecord(entry)) {
      issues.push({ code: 'parameter-invalid', severity: 'error', path: at, message: `parameter \`${name}\` must be an object such as { "type": "String", "defaultValue": "" }` });
      continue;
    }
    const lower = typeof entry['type'] === 'string' ? entry['type'].toLowerCase() : '';
    const hasDefault = Object.hasOwn(entry, 'defaultValue');
    const declaration: ParameterDeclaration = { name, type: isParameterType(lower) ? lower : undefined, hasDefault, defaultValue: hasDefault ? entry['defaultValue'] : undefined, pointer: at, raw: entry };
    Object.defineProperty(declarations, name, { value: declaration, enumerable: true, writable: true, configurable: true });
  }
  return declarations;
}

function readTriggers(raw: unknown, pointer: string, issues: Issue[]): WorkflowTrigger[] {
  if (raw !== undefined && !isRecord(raw)) issues.push({ code: 'triggers-invalid', severity: 'error', path: pointer, message: '`triggers` must be an object of { "<trigger name>": { "type": …, "inputs": … } }' });
  if (!isRecord(raw)) return [];
  const triggers: WorkflowTrigger[] = [];
  for (const [name, entry] of Object.entries(raw)) {
    const at = child(pointer, name);
    if (!isRecord(entry)) {
      issues.push({ code: 'trigger-invalid', severity: 'error', path: at, message: `trigger \`${name}\` must be an object with a \`type\`` });
      continue;
    }
    const written = typeof entry['type'] === 'string' ? entry['type'] : '';
    triggers.push({ name, type: triggerTypeOf(written)?.name ?? written, kind: typeof entry['kind'] === 'string' ? entry['kind'] : undefined, inputs: entry['inputs'], pointer: at, raw: entry });
  }
  return triggers;
}

/** Canonical statuses; malformed entries and unknown statuses are left out (validation reports them from `raw`). */
function normaliseRunAfter(raw: unknown): RunAfter {
  const runAfter: Record<string, readonly RunAfterStatus[]> = {};
  if (!isRecord(raw)) return runAfter;
  for (const [name, statuses] of Object.entries(raw)) {
    const list = Array.isArray(statuses) ? statuses.flatMap((s) => (typeof s === 'string' ? (runAfterStatusOf(s) ?? []) : [])) : [];
    Object.defineProperty(runAfter, name, { value: [...new Set(list)], enumerable: true, writable: true, configurable: true });
  }
  return runAfter;
}

interface Builder {
  readonly issues: Issue[];
  readonly all: WorkflowAction[];
}

/** The `{ pointer, parent }` of each container a control action holds, by its shape. */
function containerSites(action: { readonly name: string; readonly type: string; readonly raw: Readonly<Record<string, unknown>>; readonly pointer: string }): Array<{ readonly raw: unknown; readonly pointer: string; readonly parent: ActionParent }> {
  const { name, type, raw, pointer } = action;
  const shape = actionTypeOf(type)?.shape ?? (isRecord(raw['actions']) ? 'body' : 'plain');
  const body = { raw: raw['actions'], pointer: child(pointer, 'actions'), parent: { action: name, branch: 'actions' as const } };
  if (shape === 'body') return [body];
  if (shape === 'if') {
    const otherwise = raw['else'];
    return [body, ...(isRecord(otherwise) ? [{ raw: otherwise['actions'], pointer: `${pointer}/else/actions`, parent: { action: name, branch: 'else' as const } }] : [])];
  }
  if (shape === 'switch') {
    const sites: Array<{ readonly raw: unknown; readonly pointer: string; readonly parent: ActionParent }> = [];
    const cases = raw['cases'];
    if (isRecord(cases)) {
      for (const [caseName, entry] of Object.entries(cases)) {
        if (isRecord(entry)) sites.push({ raw: entry['actions'], pointer: `${child(`${pointer}/cases`, caseName)}/actions`, parent: { action: name, branch: 'case', caseName } });
      }
    }
    const fallback = raw['default'];
    if (isRecord(fallback)) sites.push({ raw: fallback['actions'], pointer: `${pointer}/default/actions`, parent: { action: name, branch: 'default' } });
    return sites;
  }
  return [];
}

function buildContainer(builder: Builder, site: { readonly raw: unknown; readonly pointer: string; readonly parent: ActionParent | undefined }, depth: number): ActionContainer {
  const actions: WorkflowAction[] = [];
  if (site.raw !== undefined && !isRecord(site.raw)) {
    builder.issues.push({ code: 'actions-invalid', severity: 'error', path: site.pointer, message: '`actions` must be an object of { "<action name>": { "type": …, "inputs": …, "runAfter": … } }' });
  }
  if (isRecord(site.raw) && depth <= MAX_TREE_DEPTH) {
    for (const [name, entry] of Object.entries(site.raw)) {
      const pointer = child(site.pointer, name);
      if (!isRecord(entry)) {
        builder.issues.push({ code: 'action-invalid', severity: 'error', path: pointer, message: `action \`${name}\` must be an object with a \`type\`` });
        continue;
      }
      const written = typeof entry['type'] === 'string' ? entry['type'] : '';
      const type = actionTypeOf(written)?.name ?? written;
      const containers: ActionContainer[] = [];
      const action: WorkflowAction = {
        name,
        type,
        kind: typeof entry['kind'] === 'string' ? entry['kind'] : undefined,
        inputs: entry['inputs'],
        runAfter: normaliseRunAfter(entry['runAfter']),
        parent: site.parent,
        depth,
        pointer,
        containers,
        raw: entry,
      };
      actions.push(action);
      builder.all.push(action);
      for (const inner of containerSites(action)) containers.push(buildContainer(builder, inner, depth + 1));
    }
  }
  return { parent: site.parent, pointer: site.pointer, actions };
}

/** The typed tree of `raw` (the definition object found at `pointer` in the loaded document). */
export function buildTree(raw: Readonly<Record<string, unknown>>, pointer: string): { readonly definition: WorkflowDefinition; readonly issues: Issue[] } {
  const builder: Builder = { issues: [], all: [] };
  const parameters = readParameters(raw['parameters'], `${pointer}/parameters`, builder.issues);
  const triggers = readTriggers(raw['triggers'], `${pointer}/triggers`, builder.issues);
  const actions = buildContainer(builder, { raw: raw['actions'], pointer: `${pointer}/actions`, parent: undefined }, 0);
  const actionsByName = new Map<string, WorkflowAction>();
  for (const action of builder.all) if (!actionsByName.has(action.name)) actionsByName.set(action.name, action);
  const definition: WorkflowDefinition = { pointer, parameters, triggers, actions, allActions: builder.all, actionsByName, raw };
  return { definition, issues: builder.issues };
}
