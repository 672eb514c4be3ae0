/**
 * Finds the definition inside the shapes it is shipped in (wdl.md §1): a bare definition, a Logic
 * Apps `{ definition, parameters }` resource body, a Standard `workflow.json` `{ definition, kind }`,
 * a Power Automate export (`properties.definition`, `properties.connectionReferences`) and a
 * Consumption ARM template with one `Microsoft.Logic/workflows` resource.
 */
import type { Issue } from '../../core/index.ts';
import { escapePointerToken } from '../../core/index.ts';
import { isRecord } from '../../expressions/index.ts';
import type { DefinitionFormat } from './model.ts';

/** The definition object and what its wrapper supplied. */
export interface FoundDefinition {
  readonly format: DefinitionFormat;
  readonly definition: Readonly<Record<string, unknown>> | undefined;
  /** Pointer of `definition` in the input. */
  readonly pointer: string;
  /** Standard `kind` (`Stateful` / `Stateless`). */
  readonly kind: string | undefined;
  /** Parameter values from the wrapper's `{ name: { value } }`. */
  readonly parameterValues: Readonly<Record<string, unknown>>;
  /** Raw Power Automate `connectionReferences`, and its pointer. */
  readonly connectionReferences: { readonly raw: unknown; readonly pointer: string } | undefined;
  readonly issues: Issue[];
}

const DEFINITION_MEMBERS = ['$schema', 'contentVersion', 'triggers', 'actions', 'parameters', 'outputs'];
const ACCEPTED = 'a workflow definition ({ "triggers", "actions", … }), a Logic Apps { "definition", "parameters" } body, a Standard workflow.json, a Power Automate export ({ "properties": { "definition" } }) or an ARM template with one Microsoft.Logic/workflows resource';

function empty(format: DefinitionFormat, issues: Issue[]): FoundDefinition {
  return { format, definition: undefined, pointer: '', kind: undefined, parameterValues: {}, connectionReferences: undefined, issues };
}

/** `{ name: { value } }` → `{ name: value }`; entries without `value` are reported. */
function readParameterValues(raw: unknown, pointer: string, issues: Issue[]): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  if (raw === undefined) return values;
  if (!isRecord(raw)) {
    issues.push({ code: 'parameter-values-invalid', severity: 'error', path: pointer, message: 'the wrapper\'s `parameters` must be an object of { "<name>": { "value": … } }' });
    return values;
  }
  for (const [name, entry] of Object.entries(raw)) {
    if (isRecord(entry) && Object.hasOwn(entry, 'value')) Object.defineProperty(values, name, { value: entry['value'], enumerable: true, writable: true, configurable: true });
    else issues.push({ code: 'parameter-value-invalid', severity: 'error', path: `${pointer}/${escapePointerToken(name)}`, message: `parameter \`${name}\` has no \`value\` — write { "value": … } (Key Vault references are not supported)` });
  }
  return values;
}

/** Strings such as `[parameters('x')]`: ARM template expressions, resolved at deployment, never by the engine. */
function reportArmExpressions(value: unknown, pointer: string, issues: Issue[]): void {
  if (issues.length >= 20) return;
  if (typeof value === 'string') {
    if (value.startsWith('[') && !value.startsWith('[[') && value.endsWith(']')) {
      issues.push({ code: 'arm-expression-unresolved', severity: 'error', path: pointer, message: `"${value.length > 60 ? `${value.slice(0, 60)}…` : value}" is an ARM template expression, which only Azure Resource Manager resolves — deploy the template, or replace it with the value (or a workflow parameter)` });
    }
    return;
  }
  if (Array.isArray(value)) value.forEach((item, i) => reportArmExpressions(item, `${pointer}/${i}`, issues));
  else if (isRecord(value)) for (const [key, item] of Object.entries(value)) reportArmExpressions(item, `${pointer}/${escapePointerToken(key)}`, issues);
}

function fromArmTemplate(input: Readonly<Record<string, unknown>>, resources: readonly unknown[]): FoundDefinition {
  const issues: Issue[] = [];
  const workflows = resources.flatMap((resource, i) => (isRecord(resource) && typeof resource['type'] === 'string' && resource['type'].toLowerCase() === 'microsoft.logic/workflows' ? [i] : []));
  if (workflows.length !== 1) {
    issues.push({ code: 'definition-not-found', severity: 'error', path: '/resources', message: `the ARM template has ${workflows.length} Microsoft.Logic/workflows resources; Plugboard loads exactly one — pass that resource's properties ({ "definition", "parameters" })` });
    return empty('arm-template', issues);
  }
  const at = workflows[0] ?? 0;
  const properties = (input['resources'] as readonly Record<string, unknown>[])[at]?.['properties'];
  const definition = isRecord(properties) ? properties['definition'] : undefined;
  if (!isRecord(properties) || !isRecord(definition)) {
    issues.push({ code: 'definition-not-found', severity: 'error', path: `/resources/${at}`, message: 'the Microsoft.Logic/workflows resource has no `properties.definition` object' });
    return empty('arm-template', issues);
  }
  const pointer = `/resources/${at}/properties`;
  reportArmExpressions(definition, `${pointer}/definition`, issues);
  reportArmExpressions(properties['parameters'], `${pointer}/parameters`, issues);
  const parameterValues = readParameterValues(properties['parameters'], `${pointer}/parameters`, issues);
  return { format: 'arm-template', definition, pointer: `${pointer}/definition`, kind: undefined, parameterValues, connectionReferences: undefined, issues };
}

/** Locates the definition in `input`; `definition` is undefined (with an issue) when there is none. */
export function findDefinition(input: unknown): FoundDefinition {
  if (!isRecord(input)) {
    return empty('definition', [{ code: 'definition-not-found', severity: 'error', path: '', message: `expected a JSON object, got ${Array.isArray(input) ? 'an array' : input === null ? 'null' : typeof input} — pass ${ACCEPTED}` }]);
  }
  const issues: Issue[] = [];
  const properties = input['properties'];
  if (isRecord(properties) && isRecord(properties['definition'])) {
    const parameterValues = readParameterValues(properties['parameters'], '/properties/parameters', issues);
    const references = properties['connectionReferences'];
    return {
      format: 'power-automate',
      definition: properties['definition'],
      pointer: '/properties/definition',
      kind: undefined,
      parameterValues,
      connectionReferences: references === undefined ? undefined : { raw: references, pointer: '/properties/connectionReferences' },
      issues,
    };
  }
  if (Array.isArray(input['resources'])) return fromArmTemplate(input, input['resources']);
  const definition = input['definition'];
  if (isRecord(definition)) {
    const kind = typeof input['kind'] === 'string' ? input['kind'] : undefined;
    const parameterValues = readParameterValues(input['parameters'], '/parameters', issues);
    const references = input['connectionReferences'];
    return {
      format: kind === undefined ? 'logic-apps' : 'standard',
      definition,
      pointer: '/definition',
      kind,
      parameterValues,
      connectionReferences: references === undefined ? undefined : { raw: references, pointer: '/connectionReferences' },
      issues,
    };
  }
  if (DEFINITION_MEMBERS.some((member) => Object.hasOwn(input, member))) {
    return { format: 'definition', definition: input, pointer: '', kind: undefined, parameterValues: {}, connectionReferences: undefined, issues };
  }
  issues.push({ code: 'definition-not-found', severity: 'error', path: '', message: `no workflow definition found (members: ${Object.keys(input).slice(0, 8).join(', ') || 'none'}) — pass ${ACCEPTED}` });
  return empty('definition', issues);
}
