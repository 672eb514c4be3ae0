/**
 * Design-time lookups: `x-ms-dynamic-values` / `x-ms-dynamic-list` fill a drop-down, and
 * `x-ms-dynamic-schema` / `x-ms-dynamic-properties` build a schema, by calling another operation of
 * the same connector with the same connection.
 */
import type { ConnectorDefinition, DynamicArguments, Operation, Parameter } from '../../connectors/index.ts';
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
  const values = binding['x-ms-dynamic-values'];
  const list = binding['x-ms-dynamic-list'];
  if (isRecord(values)) {
    const answer = await call(invoker, lookup, values['operationId'], argumentsOf(values['parameters']));
    const collection = pathGet(answer, stringOr(values['value-collection'], ''));
    return itemsOf(collection, lookup).map((item) => ({
      value: pathGet(item, stringOr(values['value-path'], '')),
      displayName: String(pathGet(item, stringOr(values['value-title'], stringOr(values['value-path'], ''))) ?? ''),
    }));
  }
  if (isRecord(list)) {
    const answer = await call(invoker, lookup, list['operationId'], argumentsOf(list['parameters']));
    const collection = pathGet(answer, stringOr(list['itemsPath'], ''));
    return itemsOf(collection, lookup).map((item) => ({
      value: pathGet(item, stringOr(list['itemValuePath'], '')),
      displayName: String(pathGet(item, stringOr(list['itemTitlePath'], stringOr(list['itemValuePath'], ''))) ?? ''),
    }));
  }
  throw new UserInputError(`parameter \`${lookup.parameter}\` of \`${lookup.operationId}\` has no x-ms-dynamic-values or x-ms-dynamic-list`, { code: 'DynamicBindingMissing' });
}

/** The schema of a parameter built at design time (`x-ms-dynamic-schema` or `x-ms-dynamic-properties`). */
export async function dynamicSchema(invoker: Invoker, lookup: DynamicLookup): Promise<unknown> {
  const binding = bindingOf(lookup);
  const schema = binding['x-ms-dynamic-schema'];
  const properties = binding['x-ms-dynamic-properties'];
  if (isRecord(schema)) {
    const answer = await call(invoker, lookup, schema['operationId'], argumentsOf(schema['parameters']));
    return pathGet(answer, stringOr(schema['value-path'], ''));
  }
  if (isRecord(properties)) {
    const answer = await call(invoker, lookup, properties['operationId'], argumentsOf(properties['parameters']));
    return pathGet(answer, stringOr(properties['itemValuePath'], ''));
  }
  throw new UserInputError(`parameter \`${lookup.parameter}\` of \`${lookup.operationId}\` has no x-ms-dynamic-schema or x-ms-dynamic-properties`, { code: 'DynamicBindingMissing' });
}

type RawArguments = Readonly<Record<string, unknown>>;

/** The raw extension object of the parameter (or body property) the lookup names. */
function bindingOf(lookup: DynamicLookup): Readonly<Record<string, unknown>> {
  const operation = lookup.definition.operations.find((candidate) => candidate.operationId === lookup.operationId);
  if (operation === undefined) throw new NotFoundError(`the connector has no operation \`${lookup.operationId}\``, { code: 'OperationNotFound' });
  const [head, ...rest] = lookup.parameter.split('/');
  const parameter = operation.parameters.find((candidate) => candidate.name === head);
  if (parameter === undefined) {
    throw new NotFoundError(`operation \`${lookup.operationId}\` has no parameter \`${head ?? ''}\` — parameters: ${operation.parameters.map((p) => p.name).join(', ')}`, { code: 'ParameterNotFound' });
  }
  if (rest.length === 0) {
    const bodySchema = parameter.in === 'body' ? resolveRef(lookup.definition, parameter.schema) : undefined;
    return { ...(isRecord(bodySchema) ? bodySchema : {}), ...(parameter.extensions ?? {}), ...rawDynamic(parameter) };
  }
  let schema: unknown = parameter.schema;
  for (const segment of rest) {
    schema = resolveRef(lookup.definition, schema);
    const properties = isRecord(schema) ? schema['properties'] : undefined;
    schema = isRecord(properties) ? properties[segment] : undefined;
    if (schema === undefined) throw new NotFoundError(`body of \`${lookup.operationId}\` has no property \`${rest.join('/')}\``, { code: 'ParameterNotFound' });
  }
  const resolved = resolveRef(lookup.definition, schema);
  return isRecord(resolved) ? resolved : {};
}

/** The model normalises parameter-level dynamic extensions; turn them back into their raw keys. */
function rawDynamic(parameter: Parameter): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const dynamic = parameter.dynamic;
  if (dynamic === undefined) return out;
  if (dynamic.values?.form === 'object') {
    out['x-ms-dynamic-values'] = { operationId: dynamic.values.operationId, parameters: dynamic.values.parameters, 'value-collection': dynamic.values.valueCollection, 'value-path': dynamic.values.valuePath, 'value-title': dynamic.values.valueTitle };
  }
  if (dynamic.list?.form === 'object') {
    out['x-ms-dynamic-list'] = { operationId: dynamic.list.operationId, parameters: dynamic.list.parameters, itemsPath: dynamic.list.itemsPath, itemValuePath: dynamic.list.itemValuePath, itemTitlePath: dynamic.list.itemTitlePath };
  }
  if (dynamic.schema?.form === 'object') out['x-ms-dynamic-schema'] = { operationId: dynamic.schema.operationId, parameters: dynamic.schema.parameters, 'value-path': dynamic.schema.valuePath };
  if (dynamic.properties?.form === 'object') out['x-ms-dynamic-properties'] = { operationId: dynamic.properties.operationId, parameters: dynamic.properties.parameters, itemValuePath: dynamic.properties.itemValuePath };
  return out;
}

/** Normalised ({@link DynamicArguments}) or raw argument maps, as one shape. */
function argumentsOf(raw: unknown): RawArguments {
  return isRecord(raw) ? raw : {};
}

async function call(invoker: Invoker, lookup: DynamicLookup, operationId: unknown, args: RawArguments): Promise<unknown> {
  if (typeof operationId !== 'string' || operationId === '') {
    throw new UserInputError(`the dynamic binding of \`${lookup.parameter}\` names no operationId`, { code: 'DynamicBindingInvalid' });
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

/** Maps each argument form (`{parameter}`, `{parameterReference}`, `{value}`, literal, normalised kinds) to a value. */
function resolveArguments(args: RawArguments, current: Readonly<Record<string, unknown>>, target: Operation): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(args)) {
    let value: unknown;
    if (isRecord(spec) && typeof spec['kind'] === 'string' && ('name' in spec || 'reference' in spec || 'value' in spec || 'path' in spec)) {
      const normalised = spec as unknown as DynamicArguments[string];
      if (normalised.kind === 'parameter') value = current[normalised.name];
      else if (normalised.kind === 'reference') value = pathGet(current, normalised.reference);
      else if (normalised.kind === 'value' || normalised.kind === 'literal') value = normalised.value;
    } else if (isRecord(spec) && typeof spec['parameter'] === 'string') value = current[spec['parameter']];
    else if (isRecord(spec) && typeof spec['parameterReference'] === 'string') value = pathGet(current, spec['parameterReference']);
    else if (isRecord(spec) && 'value' in spec) value = spec['value'];
    else value = spec;
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

function stringOr(value: unknown, fallback: string): string {
  return typeof value === 'string' ? value : fallback;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
