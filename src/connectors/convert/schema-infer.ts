/**
 * Infers a Swagger 2.0 schema from an example JSON value (a Postman raw body or saved response).
 * Arrays are typed from their first element, as Power Platform's "import from sample" does.
 */
import { cloneJson, setOwn, type JsonObject } from './source-node.ts';

/** Deeper nesting than this is typed as a bare object; real payloads are far shallower. */
const MAX_DEPTH = 32;

const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:?\d{2})?$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A schema describing `example`, with the example itself attached at the root. */
export function inferSchema(example: unknown): JsonObject {
  const schema = inferNode(example, 0);
  if (example !== undefined) schema.example = cloneJson(example);
  return schema;
}

function inferNode(value: unknown, depth: number): JsonObject {
  if (value === null || value === undefined) return { 'x-nullable': true };
  if (typeof value === 'boolean') return { type: 'boolean' };
  if (typeof value === 'number') return { type: Number.isInteger(value) ? 'integer' : 'number' };
  if (typeof value === 'string') {
    if (DATE_TIME.test(value)) return { type: 'string', format: 'date-time' };
    if (DATE.test(value)) return { type: 'string', format: 'date' };
    return { type: 'string' };
  }
  if (Array.isArray(value)) {
    const first: unknown = value[0];
    const items = value.length === 0 || depth >= MAX_DEPTH ? {} : inferNode(first, depth + 1);
    return { type: 'array', items };
  }
  if (typeof value !== 'object' || depth >= MAX_DEPTH) return { type: 'object' };
  const properties: JsonObject = {};
  for (const [key, member] of Object.entries(value)) setOwn(properties, key, inferNode(member, depth + 1));
  return { type: 'object', properties };
}
