/** Normalizes the `x-ms-dynamic-*` extensions into the forms of model/dynamic.ts. */
import { asRecord, asString, isRecord, nonEmpty } from '../model/json.ts';
import type {
  DynamicArgument,
  DynamicArguments,
  DynamicList,
  DynamicProperties,
  DynamicRaw,
  DynamicSchema,
  DynamicTree,
  DynamicTreeCall,
  DynamicValues,
} from '../model/dynamic.ts';

/** Reads one argument of a dynamic call, telling the `{parameter}`, `{parameterReference}`, `{value}`, `{selectedItemValuePath}` and literal forms apart. */
export function readDynamicArgument(value: unknown): DynamicArgument {
  if (isRecord(value)) {
    const keys = Object.keys(value);
    if (keys.length === 1) {
      const parameter = asString(value['parameter']);
      if (parameter !== undefined) return { kind: 'parameter', name: parameter };
      const reference = asString(value['parameterReference']);
      if (reference !== undefined) return { kind: 'reference', reference };
      if ('value' in value) return { kind: 'value', value: value['value'] };
      const selected = asString(value['selectedItemValuePath']);
      if (selected !== undefined) return { kind: 'selectedItem', path: selected };
    }
  }
  return { kind: 'literal', value };
}

/** Reads a `parameters` map of a dynamic call. */
export function readDynamicArguments(value: unknown): DynamicArguments {
  const record = asRecord(value);
  const out: Record<string, DynamicArgument> = {};
  if (record !== undefined) for (const [name, argument] of Object.entries(record)) out[name] = readDynamicArgument(argument);
  return out;
}

/** Keys of `source` not in `named`, or undefined when there are none. */
function extraKeys(source: Readonly<Record<string, unknown>>, named: ReadonlySet<string>): Record<string, unknown> | undefined {
  const extra: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(source)) if (!named.has(key)) extra[key] = value;
  return nonEmpty(extra);
}

function raw(value: unknown): DynamicRaw {
  return { form: 'raw', raw: value };
}

const VALUES_KEYS: ReadonlySet<string> = new Set(['operationId', 'capability', 'parameters', 'value-path', 'value-title', 'value-collection']);

/** `x-ms-dynamic-values`; a non-object is kept raw. */
export function readDynamicValues(value: unknown): DynamicValues | DynamicRaw {
  const record = asRecord(value);
  if (record === undefined) return raw(value);
  return {
    form: 'object',
    operationId: asString(record['operationId']),
    capability: asString(record['capability']),
    parameters: readDynamicArguments(record['parameters']),
    valuePath: asString(record['value-path']),
    valueTitle: asString(record['value-title']),
    valueCollection: asString(record['value-collection']),
    extra: extraKeys(record, VALUES_KEYS),
  } satisfies DynamicValues;
}

const LIST_KEYS: ReadonlySet<string> = new Set(['operationId', 'parameters', 'itemsPath', 'itemValuePath', 'itemTitlePath']);

/** `x-ms-dynamic-list`; a non-object is kept raw. */
export function readDynamicList(value: unknown): DynamicList | DynamicRaw {
  const record = asRecord(value);
  if (record === undefined) return raw(value);
  return {
    form: 'object',
    operationId: asString(record['operationId']),
    parameters: readDynamicArguments(record['parameters']),
    itemsPath: asString(record['itemsPath']),
    itemValuePath: asString(record['itemValuePath']),
    itemTitlePath: asString(record['itemTitlePath']),
    extra: extraKeys(record, LIST_KEYS),
  } satisfies DynamicList;
}

const SCHEMA_KEYS: ReadonlySet<string> = new Set(['operationId', 'parameters', 'value-path']);

/** `x-ms-dynamic-schema`; the bare-string form (TPCPortal) is kept raw. */
export function readDynamicSchema(value: unknown): DynamicSchema | DynamicRaw {
  const record = asRecord(value);
  if (record === undefined) return raw(value);
  return {
    form: 'object',
    operationId: asString(record['operationId']),
    parameters: readDynamicArguments(record['parameters']),
    valuePath: asString(record['value-path']),
    extra: extraKeys(record, SCHEMA_KEYS),
  } satisfies DynamicSchema;
}

const PROPERTIES_KEYS: ReadonlySet<string> = new Set(['operationId', 'parameters', 'itemValuePath']);

/** `x-ms-dynamic-properties`; the bare-string form is kept raw. */
export function readDynamicProperties(value: unknown): DynamicProperties | DynamicRaw {
  const record = asRecord(value);
  if (record === undefined) return raw(value);
  return {
    form: 'object',
    operationId: asString(record['operationId']),
    parameters: readDynamicArguments(record['parameters']),
    itemValuePath: asString(record['itemValuePath']),
    extra: extraKeys(record, PROPERTIES_KEYS),
  } satisfies DynamicProperties;
}

const TREE_CALL_KEYS: ReadonlySet<string> = new Set(['operationId', 'parameters', 'itemsPath', 'itemValuePath', 'itemTitlePath', 'itemFullTitlePath', 'itemIsParent']);
const TREE_KEYS: ReadonlySet<string> = new Set(['settings', 'open', 'browse']);

function readTreeCall(value: unknown): DynamicTreeCall | undefined {
  const record = asRecord(value);
  if (record === undefined) return undefined;
  return {
    operationId: asString(record['operationId']),
    parameters: readDynamicArguments(record['parameters']),
    itemsPath: asString(record['itemsPath']),
    itemValuePath: asString(record['itemValuePath']),
    itemTitlePath: asString(record['itemTitlePath']),
    itemFullTitlePath: asString(record['itemFullTitlePath']),
    itemIsParent: asString(record['itemIsParent']),
    extra: extraKeys(record, TREE_CALL_KEYS),
  } satisfies DynamicTreeCall;
}

/** `x-ms-dynamic-tree`: `{settings, open, browse}`; a non-object is kept raw. */
export function readDynamicTree(value: unknown): DynamicTree | DynamicRaw {
  const record = asRecord(value);
  if (record === undefined) return raw(value);
  const extra = extraKeys(record, TREE_KEYS) ?? {};
  const open = readTreeCall(record['open']);
  const browse = readTreeCall(record['browse']);
  if (record['open'] !== undefined && open === undefined) extra['open'] = record['open'];
  if (record['browse'] !== undefined && browse === undefined) extra['browse'] = record['browse'];
  const settings = asRecord(record['settings']);
  if (record['settings'] !== undefined && settings === undefined) extra['settings'] = record['settings'];
  return { form: 'object', settings, open, browse, extra: nonEmpty(extra) } satisfies DynamicTree;
}
