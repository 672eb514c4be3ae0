/**
 * `x-ms-dynamic-*` extensions call other operations of the connector: the called operation must
 * exist, and `{parameter: x}` arguments must name a parameter of the calling operation.
 */
import { readDynamicList, readDynamicProperties, readDynamicSchema, readDynamicTree, readDynamicValues } from '../../extensions/dynamic.ts';
import type { DynamicArguments, DynamicBindings, DynamicRaw } from '../../model/dynamic.ts';
import type { Operation } from '../../model/operation.ts';
import { bodyPropertyNames } from '../body-properties.ts';
import { definitionIssue, operationLabel } from '../rule.ts';
import type { Rule, RuleContext } from '../rule.ts';
import type { Issue } from '../../../core/index.ts';

/** One call to check: which extension, where, the target and its arguments. */
interface DynamicCall {
  readonly extension: string;
  readonly pointer: string;
  readonly operationId: string | undefined;
  readonly capability: string | undefined;
  readonly parameters: DynamicArguments;
}

type Binding = { readonly form: 'object'; readonly operationId?: string; readonly parameters: DynamicArguments; readonly capability?: string };

function callsOf(bindings: DynamicBindings, pointer: string, raws: { extension: string; raw: DynamicRaw }[]): DynamicCall[] {
  const calls: DynamicCall[] = [];
  const add = (extension: string, binding: Binding | DynamicRaw | undefined, at = `${pointer}/${extension}`): void => {
    if (binding === undefined) return;
    if (binding.form === 'raw') {
      raws.push({ extension, raw: binding });
      return;
    }
    calls.push({ extension, pointer: at, operationId: binding.operationId, capability: binding.capability, parameters: binding.parameters });
  };
  add('x-ms-dynamic-values', bindings.values);
  add('x-ms-dynamic-list', bindings.list);
  add('x-ms-dynamic-schema', bindings.schema);
  add('x-ms-dynamic-properties', bindings.properties);
  const tree = bindings.tree;
  if (tree?.form === 'raw') raws.push({ extension: 'x-ms-dynamic-tree', raw: tree });
  else if (tree !== undefined) {
    for (const side of ['open', 'browse'] as const) {
      const call = tree[side];
      if (call !== undefined) calls.push({ extension: 'x-ms-dynamic-tree', pointer: `${pointer}/x-ms-dynamic-tree/${side}`, operationId: call.operationId, capability: undefined, parameters: call.parameters });
    }
  }
  return calls;
}

const READERS: Readonly<Record<string, (value: unknown) => DynamicBindings>> = {
  'x-ms-dynamic-values': (value) => ({ values: readDynamicValues(value) }),
  'x-ms-dynamic-list': (value) => ({ list: readDynamicList(value) }),
  'x-ms-dynamic-schema': (value) => ({ schema: readDynamicSchema(value) }),
  'x-ms-dynamic-properties': (value) => ({ properties: readDynamicProperties(value) }),
  'x-ms-dynamic-tree': (value) => ({ tree: readDynamicTree(value) }),
};

/** Names a `{parameter}` argument may refer to: the caller's parameters and, for extensions inside schemas, its body properties. */
function argumentNames(context: RuleContext, caller: Operation, cache: Map<Operation, ReadonlySet<string>>): ReadonlySet<string> {
  let names = cache.get(caller);
  if (names === undefined) {
    const set = bodyPropertyNames(caller, context.definition.schemaDefinitions);
    for (const parameter of caller.parameters) set.add(parameter.name);
    names = set;
    cache.set(caller, names);
  }
  return names;
}

/** A dotted or slashed reference (`connections.providerReferenceId`, `body/id`) counts when its last segment is known. */
function knownName(names: ReadonlySet<string>, reference: string): boolean {
  if (names.has(reference)) return true;
  const last = reference.split(/[./]/).pop();
  return last !== undefined && names.has(last);
}

function checkCall(context: RuleContext, call: DynamicCall, caller: { operation: Operation; names: ReadonlySet<string> } | undefined, where: string, issues: Issue[]): void {
  if (call.operationId === undefined) {
    if (call.capability !== undefined) return;
    issues.push(definitionIssue(context, 'dynamic-operation-id-missing', 'error', call.pointer, `${where}: \`${call.extension}\` has no \`operationId\` — name the operation that supplies the values`));
    return;
  }
  const target = context.operationsById.get(call.operationId)?.[0];
  if (target === undefined) {
    issues.push(
      definitionIssue(
        context,
        'dynamic-operation-unknown',
        'error',
        `${call.pointer}/operationId`,
        `${where}: \`${call.extension}\` calls operation \`${call.operationId}\`, which does not exist — use the operationId of an operation in this definition`,
      ),
    );
    return;
  }
  if (caller === undefined) return;
  for (const [argument, value] of Object.entries(call.parameters)) {
    const name = value.kind === 'parameter' ? value.name : value.kind === 'reference' ? value.reference : undefined;
    if (name === undefined || knownName(caller.names, name)) continue;
    const written = value.kind === 'parameter' ? `{"parameter": "${name}"}` : `{"parameterReference": "${name}"}`;
    issues.push(
      definitionIssue(
        context,
        'dynamic-parameter-unknown',
        'warning',
        `${call.pointer}/parameters/${argument.replaceAll('~', '~0').replaceAll('/', '~1')}`,
        `${where}: \`${call.extension}\` passes \`${written}\` as \`${argument}\` of \`${call.operationId}\`, but \`${operationLabel(caller.operation)}\` has no parameter \`${name}\` — name one of its parameters or pass a value`,
      ),
    );
  }
}

/** Checks dynamic extensions on parameters, on operations and inside schemas. */
export const checkDynamicReferences: Rule = (context) => {
  const issues: Issue[] = [];
  const cache = new Map<Operation, ReadonlySet<string>>();
  const callerOf = (operation: Operation | undefined): { operation: Operation; names: ReadonlySet<string> } | undefined =>
    operation === undefined ? undefined : { operation, names: argumentNames(context, operation, cache) };
  const raws: { extension: string; raw: DynamicRaw; pointer: string }[] = [];
  const collect = (bindings: DynamicBindings, pointer: string): DynamicCall[] => {
    const found: { extension: string; raw: DynamicRaw }[] = [];
    const calls = callsOf(bindings, pointer, found);
    for (const raw of found) raws.push({ ...raw, pointer: `${pointer}/${raw.extension}` });
    return calls;
  };
  for (const operation of context.definition.operations) {
    const label = `operation \`${operationLabel(operation)}\``;
    for (const parameter of operation.parameters) {
      if (parameter.dynamic === undefined) continue;
      for (const call of collect(parameter.dynamic, parameter.definedAt ?? parameter.pointer)) checkCall(context, call, callerOf(operation), `${label}, parameter \`${parameter.name}\``, issues);
    }
    for (const call of collect({ schema: operation.dynamicSchema, properties: operation.dynamicProperties }, operation.pointer)) checkCall(context, call, callerOf(operation), label, issues);
  }
  for (const site of context.extensionSites) {
    const read = READERS[site.key];
    if (read === undefined || !site.inSchema) continue;
    const where = site.operation === undefined ? `schema \`${site.pointer}\`` : `operation \`${operationLabel(site.operation)}\`, schema \`${site.pointer}\``;
    for (const call of collect(read(site.value), site.pointer)) checkCall(context, call, callerOf(site.operation), where, issues);
  }
  const testConnection = context.definition.definitionCapabilities?.testConnection?.operationId;
  if (testConnection !== undefined && !context.operationsById.has(testConnection)) {
    issues.push(
      definitionIssue(context, 'capability-operation-unknown', 'error', '/x-ms-capabilities/testConnection/operationId', `\`x-ms-capabilities.testConnection\` names operation \`${testConnection}\`, which does not exist — use the operationId of a cheap GET operation`),
    );
  }
  for (const raw of raws) {
    issues.push(
      definitionIssue(
        context,
        'dynamic-extension-raw',
        'warning',
        raw.pointer,
        `\`${raw.extension}\` is ${JSON.stringify(raw.raw.raw)?.slice(0, 60)}, not an object — it is kept but cannot be used; write {"operationId": …, "parameters": {…}}`,
      ),
    );
  }
  return issues;
};
