/**
 * Design-time lookups: `x-ms-dynamic-values` / `x-ms-dynamic-list` fill a drop-down, and
 * `x-ms-dynamic-schema` / `x-ms-dynamic-properties` build a schema, by calling another operation of
 * the same connector with the same connection.
 */
import { readDynamicList, readDynamicProperties, readDynamicSchema, readDynamicValues } from '../../connectors/index.ts';
import type { ConnectorDefinition, DynamicArguments, DynamicBindings, Operation } from '../../connectors/index.ts';
import { NotFoundError, UserInputError } from '../../core/index.ts';
import type { Invoker, InvokeRequest } from '../invoke/invoker.ts';

/** One choice of a drop-down. */
export interface DynamicValue {
  readonly value: unknown;
  readonly displayName: string;
}

/** What the designer asks: which parameter of which operation, with the values filled in so far. */
export interface DynamicLookup {
  readonly environment: string;
  readonly caller: InvokeRequest['caller'];
  readonly connectionId: string;
  readonly definition: ConnectorDefinition;
  readonly operationId: string;
  /** Parameter name; for a body property, `body/path/to/property` (the body parameter's name first). */
  readonly parameter: string;
  /** Values of the operation's other parameters so far (keyed by name; the body by its parameter name). */
  readonly arguments?: Readonly<Record<string, unknown>>;
}

/** The drop-down values of a parameter (`x-ms-dynamic-values` or `x-ms-dynamic-list`). */
export async function dynamicValues(invoker: Invoker, lookup: DynamicLookup): Promise<DynamicValue[]> {
  const binding = bindingOf(lookup);
  const values = binding.values;
  const list = binding.list;
  if (values?.form === 'object') {
    const answer = await call(invoker, lookup, values.operationId, values.parameters);
    const valuePath = values.valuePath ?? '';
    return itemsOf(pathGet(answer, values.valueCollection ?? ''), lookup).map((item) => ({
      value: pathGet(item, valuePath),
      displayName: String(pathGet(item, values.valueTitle ?? valuePath) ?? ''),
    }));
  }
  if (list?.form === 'object') {
    const answer = await call(invoker, lookup, list.operationId, list.parameters);
    const valuePath = list.itemValuePath ?? '';
    return itemsOf(pathGet(answer, list.itemsPath ?? ''), lookup).map((item) => ({
      value: pathGet(item, valuePath),
      displayName: String(pathGet(item, list.itemTitlePath ?? valuePath) ?? ''),
    }));
  }
  throw new UserInputError(`parameter \`${lookup.parameter}\` of \`${lookup.operationId}\` has no x-ms-dynamic-values or x-ms-dynamic-list`, { code: 'DynamicBindingMissing' });
}

/** The schema of a parameter built at design time (`x-ms-dynamic-schema` or `x-ms-dynamic-properties`). */
export async function dynamicSchema(invoker: Invoker, lookup: DynamicLookup): Promise<unknown> {
  const binding = bindingOf(lookup);
  const schema = binding.schema;
  const properties = binding.properties;
  if (schema?.form === 'object') return pathGet(await call(invoker, lookup, schema.operationId, schema.parameters), schema.valuePath ?? '');
  if (properties?.form === 'object') return pathGet(await call(invoker, lookup, properties.operationId, properties.parameters), properties.itemValuePath ?? '');
  throw new UserInputError(`parameter \`${lookup.parameter}\` of \`${lookup.operationId}\` has no x-ms-dynamic-schema or x-ms-dynamic-properties`, { code: 'DynamicBindingMissing' });
}

/**
 * The dynamic bindings of the parameter (or body property) the lookup names, in the connector
 * model's normalised form: parameters carry them already; body schemas are read with the
 * connectors area's readers.
 */
function bindingOf(lookup: DynamicLookup): DynamicBindings {
  const operation = lookup.definition.operations.find((candidate) => candidate.operationId === lookup.operationId);
  if (operation === undefined) throw new NotFoundError(`the connector has no operation \`${lookup.operationId}\``, { code: 'OperationNotFound' });
  const [head, ...rest] = lookup.parameter.split('/');
  const parameter = operation.parameters.find((candidate) => candidate.name === head);
  if (parameter === undefined) {
    throw new NotFoundError(`operation \`${lookup.operationId}\` has no parameter \`${head ?? ''}\` — parameters: ${operation.parameters.map((p) => p.name).join(', ')}`, { code: 'ParameterNotFound' });
  }
  if (rest.length === 0 && parameter.dynamic !== undefined) return parameter.dynamic;
  let schema: unknown = parameter.in === 'body' ? parameter.schema : undefined;
  for (const segment of rest) {
    schema = resolveRef(lookup.definition, schema);
    const properties = isRecord(schema) ? schema['properties'] : undefined;
    schema = isRecord(properties) ? properties[segment] : undefined;
    if (schema === undefined) throw new NotFoundError(`body of \`${lookup.operationId}\` has no property \`${rest.join('/')}\``, { code: 'ParameterNotFound' });
  }
  const resolved = resolveRef(lookup.definition, schema);
  if (!isRecord(resolved)) return {};
  const read = <T>(key: string, reader: (value: unknown) => T): T | undefined => (resolved[key] === undefined ? undefined : reader(resolved[key]));
  return {
    values: read('x-ms-dynamic-values', readDynamicValues),
    list: read('x-ms-dynamic-list', readDynamicList),
    schema: read('x-ms-dynamic-schema', readDynamicSchema),
    properties: read('x-ms-dynamic-properties', readDynamicProperties),
  };
}

async function call(invoker: Invoker, lookup: DynamicLookup, operationId: string | undefined, args: DynamicArguments): Promise<unknown> {
  if (operationId === undefined || operationId === '') {
    throw new UserInputError(`the dynamic binding of \`${lookup.parameter}\` names no operationId — add \`operationId\` to the extension`, { code: 'DynamicBindingInvalid' });
  }
  const target = lookup.definition.operations.find((candidate) => candidate.operationId === operationId);
  if (target === undefined) throw new UserInputError(`the dynamic binding of \`${lookup.parameter}\` calls \`${operationId}\`, which the connector does not define`, { code: 'DynamicBindingInvalid' });
  const result = await invoker.invoke({
    environment: lookup.environment,
    caller: lookup.caller,
    connectionId: lookup.connectionId,
    operationId,
    arguments: resolveArguments(args, lookup.arguments ?? {}, target),
  });
  return result.body;
}

/** Each argument (another parameter's value, a reference path, a constant) as a value for the called operation. */
function resolveArguments(args: DynamicArguments, current: Readonly<Record<string, unknown>>, target: Operation): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, argument] of Object.entries(args)) {
    let value: unknown;
    if (argument.kind === 'parameter') value = current[argument.name];
    else if (argument.kind === 'reference') value = pathGet(current, argument.reference);
    else if (argument.kind === 'value' || argument.kind === 'literal') value = argument.value;
    if (value !== undefined) out[name] = value;
  }
  // A body parameter referenced by property path: gather `body/x` style names into the body object.
  const bodyParameter = target.parameters.find((parameter) => parameter.in === 'body');
  if (bodyParameter !== undefined) {
    for (const name of Object.keys(out)) {
      if (!name.includes('/')) continue;
      const [head, ...rest] = name.split('/');
      if (head !== bodyParameter.name) continue;
      const body = isRecord(out[head]) ? { ...(out[head] as Record<string, unknown>) } : {};
      body[rest.join('/')] = out[name];
      out[head] = body;
      delete out[name];
    }
  }
  return out;
}

/** `a/b/c` (or `a.b.c` when no such `/` path exists) into a JSON value; '' is the value itself. */
function pathGet(value: unknown, path: string): unknown {
  if (path === '') return value;
  const bySlash = walk(value, path.split('/'));
  if (bySlash !== undefined || !path.includes('.')) return bySlash;
  return walk(value, path.split('.'));
}

function walk(value: unknown, segments: readonly string[]): unknown {
  let current = value;
  for (const segment of segments) {
    if (Array.isArray(current) && /^\d+$/.test(segment)) current = current[Number(segment)];
    else if (isRecord(current)) current = current[segment];
    else return undefined;
  }
  return current;
}

function itemsOf(collection: unknown, lookup: DynamicLookup): unknown[] {
  if (Array.isArray(collection)) return collection;
  if (isRecord(collection) && Array.isArray(collection['value'])) return collection['value'] as unknown[];
  throw new UserInputError(`the lookup for \`${lookup.parameter}\` of \`${lookup.operationId}\` did not return a list at its value-collection path`, { code: 'DynamicValuesNotAList' });
}

function resolveRef(definition: ConnectorDefinition, schema: unknown): unknown {
  let current = schema;
  for (let hops = 0; hops < 8 && isRecord(current) && typeof current['$ref'] === 'string'; hops++) {
    const match = /^#\/definitions\/(.+)$/.exec(current['$ref'] as string);
    current = match === null ? undefined : definition.schemaDefinitions[decodeURIComponent(match[1] ?? '')];
  }
  return current;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
