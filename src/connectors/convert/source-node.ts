/**
 * Navigation over the parsed input document. Every value read from the source travels with its
 * JSON pointer, so any issue raised while converting it can name where the construct came from.
 */
import { escapePointerToken } from '../../core/index.ts';

/** A plain JSON object, as produced by a JSON or YAML parser. */
export type JsonObject = Record<string, unknown>;

/** A value of the input document together with its JSON pointer (`''` is the document root). */
export interface SourceNode {
  readonly value: unknown;
  readonly path: string;
}

/** True for a JSON object (not an array, not null). */
export function isRecord(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The root node of a document. */
export function rootNode(value: unknown): SourceNode {
  return { value, path: '' };
}

/** The member `key` of an object node (or element `key` of an array node); its value is `undefined` when absent. */
export function child(node: SourceNode, key: string | number): SourceNode {
  const container = node.value;
  let value: unknown;
  if (typeof key === 'number') value = Array.isArray(container) ? container[key] : undefined;
  else if (isRecord(container) && Object.hasOwn(container, key)) value = container[key];
  return { value, path: `${node.path}/${escapePointerToken(key)}` };
}

/** The members of an object node as `[key, node]` pairs, in document order; none for other values. */
export function entriesOf(node: SourceNode): Array<[string, SourceNode]> {
  if (!isRecord(node.value)) return [];
  return Object.keys(node.value).map((key) => [key, child(node, key)]);
}

/** The elements of an array node; none for other values. */
export function elementsOf(node: SourceNode): SourceNode[] {
  if (!Array.isArray(node.value)) return [];
  return node.value.map((_, index) => child(node, index));
}

/** The value when it is a string. */
export function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** A deep copy of a JSON value, so the output never aliases the caller's input. */
export function cloneJson<T>(value: T): T {
  return structuredClone(value);
}

/**
 * Sets an own property even when the key is `__proto__`: keys come from user documents
 * (definition names, property names), and a plain assignment would replace the prototype instead.
 */
export function setOwn(target: JsonObject, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Copies every `x-` extension of `source` (deep-cloned) onto `target`, leaving other keys alone. */
export function copyExtensions(source: unknown, target: JsonObject): void {
  if (!isRecord(source)) return;
  for (const key of Object.keys(source)) {
    if (key.startsWith('x-')) setOwn(target, key, cloneJson(source[key]));
  }
}

/** Same JSON content (key order included); used to decide whether two media types share a schema. */
export function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
