/**
 * Property names of an operation's body schema (following local `#/definitions/` references): a
 * dynamic extension inside a body schema may take its argument from a sibling body property.
 */
import { asRecord, isRecord } from '../model/json.ts';
import type { Operation } from '../model/operation.ts';

const MAX_DEPTH = 12;

function resolveLocal(schema: Readonly<Record<string, unknown>>, definitions: Readonly<Record<string, unknown>>): Readonly<Record<string, unknown>> | undefined {
  const ref = schema['$ref'];
  if (typeof ref !== 'string') return schema;
  if (!ref.startsWith('#/definitions/')) return undefined;
  const name = ref.slice('#/definitions/'.length).replaceAll('~1', '/').replaceAll('~0', '~');
  return asRecord(definitions[name]);
}

function collect(schema: unknown, definitions: Readonly<Record<string, unknown>>, names: Set<string>, seen: Set<object>, depth: number): void {
  if (!isRecord(schema) || depth > MAX_DEPTH) return;
  const resolved = resolveLocal(schema, definitions);
  if (resolved === undefined || seen.has(resolved)) return;
  seen.add(resolved);
  const properties = asRecord(resolved['properties']);
  if (properties !== undefined) {
    for (const [name, child] of Object.entries(properties)) {
      names.add(name);
      collect(child, definitions, names, seen, depth + 1);
    }
  }
  collect(resolved['items'], definitions, names, seen, depth + 1);
  for (const keyword of ['allOf', 'anyOf', 'oneOf']) {
    const list = resolved[keyword];
    if (Array.isArray(list)) for (const item of list) collect(item, definitions, names, seen, depth + 1);
  }
}

/** Every property name anywhere in the operation's body parameter schema. */
export function bodyPropertyNames(operation: Operation, definitions: Readonly<Record<string, unknown>>): Set<string> {
  const names = new Set<string>();
  const seen = new Set<object>();
  for (const parameter of operation.parameters) if (parameter.in === 'body') collect(parameter.schema, definitions, names, seen, 0);
  return names;
}
