/** Operation parameters: `$ref` resolution, path-level + operation-level merge, and the x-ms-* fields. */
import { readDynamicList, readDynamicProperties, readDynamicSchema, readDynamicTree, readDynamicValues } from '../extensions/dynamic.ts';
import { readVisibility } from '../extensions/visibility.ts';
import { asArray, asFlag, asRecord, asString, isRecord, nonEmpty } from '../model/json.ts';
import type { DynamicBindings } from '../model/dynamic.ts';
import type { DroppedParameter, EnumValueName, Parameter, ParameterLocation } from '../model/operation.ts';
import { followRef } from './context.ts';
import type { DocumentContext } from './context.ts';
import { anyValue, keyReader, leftovers, take, takeVerbatim } from './key-reader.ts';

const LOCATIONS: ReadonlySet<string> = new Set(['path', 'query', 'header', 'body', 'formData']);

/** JSON-schema validation keywords a Swagger parameter may carry; kept together as `constraints`. */
const CONSTRAINT_KEYS = ['maximum', 'exclusiveMaximum', 'minimum', 'exclusiveMinimum', 'maxLength', 'minLength', 'pattern', 'maxItems', 'minItems', 'uniqueItems', 'multipleOf', 'allowEmptyValue'];

function isLocation(value: string): value is Exclude<ParameterLocation, 'unknown'> {
  return LOCATIONS.has(value);
}

function readEnumNames(value: unknown): EnumValueName[] | undefined {
  const list = asArray(value);
  if (list === undefined) return undefined;
  const out: EnumValueName[] = [];
  for (const entry of list) {
    if (!isRecord(entry) || typeof entry['displayName'] !== 'string') return undefined;
    out.push({ value: entry['value'], displayName: entry['displayName'] });
  }
  return out;
}

function readUrlEncoding(value: unknown): 'single' | 'double' | undefined {
  const text = asString(value)?.toLowerCase();
  return text === 'single' || text === 'double' ? text : undefined;
}

function readDynamicBindings(reader: ReturnType<typeof keyReader>): DynamicBindings | undefined {
  return nonEmpty(
    ({
      values: take(reader, 'x-ms-dynamic-values', readDynamicValues),
      list: take(reader, 'x-ms-dynamic-list', readDynamicList),
      schema: take(reader, 'x-ms-dynamic-schema', readDynamicSchema),
      properties: take(reader, 'x-ms-dynamic-properties', readDynamicProperties),
      tree: take(reader, 'x-ms-dynamic-tree', readDynamicTree),
    } satisfies DynamicBindings),
  );
}

/** Normalizes one (already dereferenced) parameter object. */
export function readParameter(raw: Readonly<Record<string, unknown>>, where: { pointer: string; definedAt?: string; level: 'path' | 'operation' }): Parameter {
  const reader = keyReader(raw);
  const rawIn = take(reader, 'in', asString);
  const location: ParameterLocation = rawIn !== undefined && isLocation(rawIn) ? rawIn : 'unknown';
  return {
    name: take(reader, 'name', asString) ?? '',
    in: location,
    rawIn: location === 'unknown' ? rawIn : undefined,
    pointer: where.pointer,
    definedAt: where.definedAt,
    level: where.level,
    type: take(reader, 'type', asString),
    format: take(reader, 'format', asString),
    items: take(reader, 'items', anyValue),
    collectionFormat: take(reader, 'collectionFormat', asString),
    required: take(reader, 'required', asFlag) ?? false,
    default: take(reader, 'default', anyValue),
    enum: take(reader, 'enum', asArray),
    enumNames: take(reader, 'x-ms-enum-values', readEnumNames),
    visibility: take(reader, 'x-ms-visibility', readVisibility),
    summary: take(reader, 'x-ms-summary', asString),
    description: take(reader, 'description', asString),
    urlEncoding: take(reader, 'x-ms-url-encoding', readUrlEncoding),
    dynamic: readDynamicBindings(reader),
    schema: take(reader, 'schema', asRecord),
    testValue: take(reader, 'x-ms-test-value', anyValue),
    constraints: takeVerbatim(reader, CONSTRAINT_KEYS),
    ...leftovers(reader),
  } satisfies Parameter;
}

/** Parameters of one level (path item or operation), first declaration winning over later duplicates. */
interface LevelParameters {
  readonly byKey: Map<string, Parameter>;
  readonly dropped: DroppedParameter[];
}

function parameterKey(parameter: Parameter): string {
  return `${parameter.in === 'unknown' ? (parameter.rawIn ?? '') : parameter.in}\u0000${parameter.name}`;
}

function readLevel(context: DocumentContext, list: unknown, basePointer: string, level: 'path' | 'operation'): LevelParameters {
  const byKey = new Map<string, Parameter>();
  const dropped: DroppedParameter[] = [];
  const entries = asArray(list) ?? [];
  for (let index = 0; index < entries.length; index += 1) {
    const pointer = `${basePointer}/${index}`;
    const followed = followRef(context, entries[index]);
    if (followed === undefined) continue;
    const raw = asRecord(followed.value);
    if (raw === undefined) {
      context.issues.push({
        code: 'parameter-invalid',
        severity: 'warning',
        path: pointer,
        file: context.file,
        message: `parameter ${index} is not an object (found ${JSON.stringify(followed.value)?.slice(0, 40)}) — write it as {"name": …, "in": …}; it was ignored`,
      });
      continue;
    }
    const parameter = readParameter(raw, { pointer, definedAt: followed.definedAt, level });
    const key = parameterKey(parameter);
    const kept = byKey.get(key);
    if (kept === undefined) byKey.set(key, parameter);
    else dropped.push({ name: parameter.name, in: parameter.rawIn ?? parameter.in, pointer, keptPointer: kept.pointer });
  }
  return { byKey, dropped };
}

/** The cached path-level parameters of a path item (parsed once, shared by its operations). */
export type PathLevelParameters = LevelParameters;

/** Reads a path item's `parameters`. */
export function readPathParameters(context: DocumentContext, list: unknown, pathPointer: string): PathLevelParameters {
  return readLevel(context, list, `${pathPointer}/parameters`, 'path');
}

/** An operation's effective parameters: path-level ones it does not override, then its own. */
export function mergeOperationParameters(
  context: DocumentContext,
  pathLevel: PathLevelParameters,
  list: unknown,
  operationPointer: string,
): { parameters: Parameter[]; dropped: DroppedParameter[] } {
  const own = readLevel(context, list, `${operationPointer}/parameters`, 'operation');
  const parameters: Parameter[] = [];
  for (const [key, parameter] of pathLevel.byKey) if (!own.byKey.has(key)) parameters.push(parameter);
  for (const parameter of own.byKey.values()) parameters.push(parameter);
  return { parameters, dropped: [...pathLevel.dropped, ...own.dropped] };
}
