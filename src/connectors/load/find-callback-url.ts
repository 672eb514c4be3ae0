/**
 * Finds the body property a webhook subscription marks with `x-ms-notification-url: true`: the
 * platform writes its callback URL there when it subscribes.
 */
import { readVisibility } from '../extensions/visibility.ts';
import { asFlag, asRecord } from '../model/json.ts';
import type { CallbackUrlProperty, Parameter } from '../model/operation.ts';
import { escapePointer } from './pointer.ts';
import { followRef } from './context.ts';
import type { DocumentContext } from './context.ts';

/** Nesting depth searched; real subscriptions mark a top-level or second-level property. */
const MAX_DEPTH = 8;

interface Found {
  readonly bodyPath: string;
  readonly pointer: string;
  readonly schema: Readonly<Record<string, unknown>>;
}

function search(context: DocumentContext, schema: unknown, pointer: string, bodyPath: string, seen: Set<unknown>, depth: number): Found | undefined {
  if (depth > MAX_DEPTH) return undefined;
  const followed = followRef(context, schema);
  if (followed === undefined) return undefined;
  const record = asRecord(followed.value);
  if (record === undefined || seen.has(record)) return undefined;
  seen.add(record);
  const here = followed.definedAt ?? pointer;
  if (asFlag(record['x-ms-notification-url']) === true) return { bodyPath, pointer: here, schema: record };
  const properties = asRecord(record['properties']);
  if (properties !== undefined) {
    for (const [name, property] of Object.entries(properties)) {
      const found = search(context, property, `${here}/properties/${escapePointer(name)}`, `${bodyPath}/${escapePointer(name)}`, seen, depth + 1);
      if (found !== undefined) return found;
    }
  }
  const allOf = record['allOf'];
  if (Array.isArray(allOf)) {
    for (let index = 0; index < allOf.length; index += 1) {
      const found = search(context, allOf[index], `${here}/allOf/${index}`, bodyPath, seen, depth + 1);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

/** The callback-URL property of an operation's body parameter, if any. */
export function findCallbackUrl(context: DocumentContext, parameters: readonly Parameter[]): CallbackUrlProperty | undefined {
  for (const parameter of parameters) {
    if (parameter.in !== 'body' || parameter.schema === undefined) continue;
    const found = search(context, parameter.schema, `${parameter.definedAt ?? parameter.pointer}/schema`, '', new Set(), 0);
    if (found !== undefined) {
      return {
        bodyPath: found.bodyPath,
        parameter: parameter.name,
        pointer: found.pointer,
        visibility: readVisibility(found.schema['x-ms-visibility']),
      } satisfies CallbackUrlProperty;
    }
  }
  return undefined;
}
