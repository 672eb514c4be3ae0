/**
 * The `x-ms-notification-content` schema of a connector webhook as a JSON Schema ajv can check:
 * Swagger 2.0 schemas as published are not valid draft-04 (`required: true` on a property,
 * `type: file`, `x-nullable`, JavaScript-incompatible patterns), and their `$ref`s point into the
 * document's `definitions`. The reachable definitions are copied in, so the schema stands alone.
 */
import type { ValidateFunction } from 'ajv';
import { isRecord } from '../../expressions/index.ts';
import { compileJsonSchema } from '../actions/json-schema.ts';
import type { NotificationSchema } from './webhook-operation.ts';
import { setOwn } from './values.ts';

const DRAFT_04 = 'http://json-schema.org/draft-04/schema#';
const DEFINITIONS_PREFIX = '#/definitions/';
const SCHEMA_MAPS = ['properties', 'patternProperties'];
const SCHEMA_MEMBERS = ['items', 'additionalProperties', 'additionalItems', 'not'];
const SCHEMA_LISTS = ['allOf', 'anyOf', 'oneOf', 'items'];

/** A compiled check, or why the schema could not be compiled. */
export type CompiledNotificationSchema = { readonly validate: ValidateFunction } | { readonly compileError: string };

const cache = new WeakMap<object, WeakMap<object, CompiledNotificationSchema>>();

/** The compiled check of `notification` (cached per schema and definitions object). */
export function compileNotificationSchema(notification: NotificationSchema): CompiledNotificationSchema {
  let byDefinitions = cache.get(notification.schema);
  if (byDefinitions === undefined) {
    byDefinitions = new WeakMap();
    cache.set(notification.schema, byDefinitions);
  }
  const cached = byDefinitions.get(notification.definitions);
  if (cached !== undefined) return cached;
  let compiled: CompiledNotificationSchema;
  try {
    compiled = { validate: compileJsonSchema(standaloneSchema(notification)) };
  } catch (error) {
    compiled = { compileError: error instanceof Error ? error.message : String(error) };
  }
  byDefinitions.set(notification.definitions, compiled);
  return compiled;
}

/** The draft-04 schema: the cleaned root plus every definition it reaches, cleaned. */
export function standaloneSchema(notification: NotificationSchema): Readonly<Record<string, unknown>> {
  const reached = new Set<string>();
  const pending: string[] = [];
  const reach = (name: string): void => {
    if (reached.has(name)) return;
    reached.add(name);
    pending.push(name);
  };
  const root = clean(notification.schema, { definitions: notification.definitions, reach });
  const definitions: Record<string, unknown> = {};
  for (let name = pending.shift(); name !== undefined; name = pending.shift()) {
    setOwn(definitions, name, clean(notification.definitions[name], { definitions: notification.definitions, reach }));
  }
  return { ...(isRecord(root) ? root : {}), $schema: DRAFT_04, ...(reached.size === 0 ? {} : { definitions }) };
}

interface CleanContext {
  readonly definitions: Readonly<Record<string, unknown>>;
  readonly reach: (name: string) => void;
}

/**
 * One schema reduced to what a notification can be held to. Dynamic schemas accept anything (the
 * designer fetches them at design time); `format` is dropped (services write dates and numbers in
 * many forms, and Power Automate does not check them either).
 */
function clean(schema: unknown, context: CleanContext): unknown {
  if (typeof schema === 'boolean') return schema;
  if (!isRecord(schema)) return {};
  if (schema['x-ms-dynamic-schema'] !== undefined || schema['x-ms-dynamic-properties'] !== undefined) return {};
  const ref = schema['$ref'];
  if (typeof ref === 'string') {
    // Draft-04 ignores a $ref's siblings; a remote or missing target accepts anything.
    if (!ref.startsWith(DEFINITIONS_PREFIX)) return {};
    const name = ref.slice(DEFINITIONS_PREFIX.length).replace(/~1/g, '/').replace(/~0/g, '~');
    if (!Object.hasOwn(context.definitions, name)) return {};
    context.reach(name);
    return { $ref: ref };
  }
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(schema)) {
    const value = schema[key];
    if (key.startsWith('x-') || key === 'format' || key === 'discriminator' || key === 'nullable' || key === 'definitions' || key === '$schema' || key === 'id') continue;
    if (key === 'required') {
      if (Array.isArray(value)) setOwn(out, key, value.filter((item) => typeof item === 'string'));
      continue;
    }
    if (key === 'type') {
      const types = (Array.isArray(value) ? value : [value]).filter((type): type is string => typeof type === 'string' && type !== 'file');
      if (types.length > 0) setOwn(out, key, types.length === 1 ? types[0] : types);
      continue;
    }
    if (key === 'pattern') {
      if (typeof value === 'string' && compiles(value)) setOwn(out, key, value);
      continue;
    }
    if (SCHEMA_MAPS.includes(key) && isRecord(value)) {
      const map: Record<string, unknown> = {};
      for (const name of Object.keys(value)) setOwn(map, name, clean(value[name], context));
      setOwn(out, key, map);
      continue;
    }
    if (SCHEMA_LISTS.includes(key) && Array.isArray(value)) {
      setOwn(out, key, value.map((item) => clean(item, context)));
      continue;
    }
    if (SCHEMA_MEMBERS.includes(key) && (isRecord(value) || typeof value === 'boolean')) {
      setOwn(out, key, clean(value, context));
      continue;
    }
    setOwn(out, key, value);
  }
  if (schema['x-nullable'] === true || schema['nullable'] === true) {
    const type = out['type'];
    if (typeof type === 'string') out['type'] = [type, 'null'];
    else if (Array.isArray(type) && !type.includes('null')) out['type'] = [...type, 'null'];
    const values = out['enum'];
    if (Array.isArray(values) && !values.includes(null)) out['enum'] = [...values, null];
  }
  return out;
}

function compiles(pattern: string): boolean {
  try {
    new RegExp(pattern);
    return true;
  } catch {
    return false;
  }
}
