/**
 * A small draft-04 checker over cleaned schemas. The generator uses it to decide whether a
 * declared `example`/`default` may be used, without compiling an ajv validator for every schema
 * node; its rules match ajv's for the cleaned subset (the corpus test checks the final values with ajv).
 */
import { isSchemaList } from './clean-schema.ts';
import type { CleanSchema, JsonType } from './clean-schema.ts';
import { formatAccepts } from './formats.ts';
import { isRecord, jsonEqual } from './json.ts';

/** Resolves a cleaned `$ref`. */
export type ResolveRef = (ref: string) => CleanSchema | undefined;

const MAX_DEPTH = 64;
const patterns = new Map<string, RegExp>();

function patternOf(source: string): RegExp {
  let regex = patterns.get(source);
  if (regex === undefined) {
    regex = new RegExp(source);
    patterns.set(source, regex);
  }
  return regex;
}

function hasType(value: unknown, type: JsonType): boolean {
  switch (type) {
    case 'null':
      return value === null;
    case 'boolean':
      return typeof value === 'boolean';
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'string':
      return typeof value === 'string';
    case 'array':
      return Array.isArray(value);
    case 'object':
      return isRecord(value);
  }
}

/** The length JSON Schema counts: code points, not UTF-16 units. */
function codePointLength(text: string): number {
  let length = 0;
  for (const _ of text) length += 1;
  return length;
}

/** True when `value` satisfies `schema`. */
export function conforms(value: unknown, schema: CleanSchema, resolve: ResolveRef, depth = 0): boolean {
  if (depth > MAX_DEPTH) return true;
  if (schema.$ref !== undefined) {
    const target = resolve(schema.$ref);
    return target === undefined || conforms(value, target, resolve, depth + 1);
  }
  if (schema.type !== undefined && !schema.type.some((type) => hasType(value, type))) return false;
  if (schema.enum !== undefined && !schema.enum.some((allowed) => jsonEqual(allowed, value))) return false;
  if (schema.format !== undefined && !formatAccepts(schema.format, value)) return false;
  if (typeof value === 'string' && !stringConforms(value, schema)) return false;
  if (typeof value === 'number' && !numberConforms(value, schema)) return false;
  if (Array.isArray(value) && !arrayConforms(value, schema, resolve, depth)) return false;
  if (isRecord(value) && !objectConforms(value, schema, resolve, depth)) return false;
  if (schema.allOf !== undefined && !schema.allOf.every((part) => conforms(value, part, resolve, depth + 1))) return false;
  if (schema.anyOf !== undefined && !schema.anyOf.some((part) => conforms(value, part, resolve, depth + 1))) return false;
  if (schema.oneOf !== undefined && schema.oneOf.filter((part) => conforms(value, part, resolve, depth + 1)).length !== 1) return false;
  if (schema.not !== undefined && conforms(value, schema.not, resolve, depth + 1)) return false;
  return true;
}

function stringConforms(value: string, schema: CleanSchema): boolean {
  if (schema.minLength !== undefined || schema.maxLength !== undefined) {
    const length = codePointLength(value);
    if (schema.minLength !== undefined && length < schema.minLength) return false;
    if (schema.maxLength !== undefined && length > schema.maxLength) return false;
  }
  return schema.pattern === undefined || patternOf(schema.pattern).test(value);
}

function numberConforms(value: number, schema: CleanSchema): boolean {
  if (schema.minimum !== undefined && (schema.exclusiveMinimum === true ? value <= schema.minimum : value < schema.minimum)) return false;
  if (schema.maximum !== undefined && (schema.exclusiveMaximum === true ? value >= schema.maximum : value > schema.maximum)) return false;
  return schema.multipleOf === undefined || Number.isInteger(value / schema.multipleOf);
}

function arrayConforms(value: readonly unknown[], schema: CleanSchema, resolve: ResolveRef, depth: number): boolean {
  if (schema.minItems !== undefined && value.length < schema.minItems) return false;
  if (schema.maxItems !== undefined && value.length > schema.maxItems) return false;
  const items = schema.items;
  if (items !== undefined && isSchemaList(items)) {
    for (let i = 0; i < value.length; i += 1) {
      const itemSchema: CleanSchema | undefined = items[i];
      if (itemSchema !== undefined) {
        if (!conforms(value[i], itemSchema, resolve, depth + 1)) return false;
      } else if (schema.additionalItems === false) return false;
      else if (isRecord(schema.additionalItems) && !conforms(value[i], schema.additionalItems, resolve, depth + 1)) return false;
    }
  } else if (items !== undefined) {
    if (!value.every((item) => conforms(item, items, resolve, depth + 1))) return false;
  }
  if (schema.uniqueItems === true) {
    for (let i = 0; i < value.length; i += 1) for (let j = i + 1; j < value.length; j += 1) if (jsonEqual(value[i], value[j])) return false;
  }
  return true;
}

function objectConforms(value: Readonly<Record<string, unknown>>, schema: CleanSchema, resolve: ResolveRef, depth: number): boolean {
  const keys = Object.keys(value);
  if (schema.required !== undefined && !schema.required.every((name) => Object.hasOwn(value, name))) return false;
  if (schema.minProperties !== undefined && keys.length < schema.minProperties) return false;
  if (schema.maxProperties !== undefined && keys.length > schema.maxProperties) return false;
  const properties = schema.properties ?? {};
  const patternEntries = Object.entries(schema.patternProperties ?? {});
  for (const key of keys) {
    const child = value[key];
    let matched = false;
    if (Object.hasOwn(properties, key)) {
      matched = true;
      const propertySchema = properties[key];
      if (propertySchema !== undefined && !conforms(child, propertySchema, resolve, depth + 1)) return false;
    }
    for (const [source, patternSchema] of patternEntries) {
      if (!patternOf(source).test(key)) continue;
      matched = true;
      if (!conforms(child, patternSchema, resolve, depth + 1)) return false;
    }
    if (matched) continue;
    if (schema.additionalProperties === false) return false;
    if (isRecord(schema.additionalProperties) && !conforms(child, schema.additionalProperties, resolve, depth + 1)) return false;
  }
  return true;
}
