/**
 * Paths into a JSON body as policy parameters write them: `@body().references`, `body()` (no `@`),
 * `@item().userId`, `@body()['@odata.etag']`, or a bare `peopleObject` relative to the current
 * element; and sub-paths such as `checklist`, `peopleObject.XYZ.Age`, `['@odata.type']` or the
 * string `"null"` meaning "no sub-path".
 */
import { ExpressionSyntaxError, isRecord, parseAccessPath, parseExpression } from '../expressions/index.ts';
import type { Expression, PathSegment, Template } from '../expressions/index.ts';

/** Where a path starts. */
export type BodyPathRoot = 'body' | 'item' | 'triggerBody' | 'relative';

/** A parsed path into a body. */
export interface BodyPath {
  /** `body`: the message body; `item`: the current element; `relative`: a bare path from the current element. */
  readonly root: BodyPathRoot;
  readonly segments: readonly PathSegment[];
}

/**
 * Reads a path from a parsed policy template, or returns a message saying why it is not one.
 * Literal text is parsed as an expression, because instances write `body()` without the `@`.
 */
export function bodyPathOf(template: Template, text: string): BodyPath | string {
  let expression: Expression;
  if (template.kind === 'expression') expression = template.expression;
  else if (template.kind === 'literal') {
    try {
      expression = parseExpression(text.trim());
    } catch (error) {
      if (error instanceof ExpressionSyntaxError) return 'it is not a path';
      throw error;
    }
  } else return 'it mixes text and expressions';
  const segments: PathSegment[] = [];
  let node = expression;
  for (;;) {
    if (node.kind === 'member') {
      segments.unshift(node.property);
      node = node.object;
    } else if (node.kind === 'index') {
      if (node.index.kind === 'string') segments.unshift(node.index.value);
      else if (node.index.kind === 'number' && Number.isInteger(node.index.value) && node.index.value >= 0) segments.unshift(node.index.value);
      else return 'its [ ] must hold a literal name or index';
      node = node.object;
    } else break;
  }
  if (node.kind === 'call' && node.args.length === 0) {
    if (node.lowerName === 'body') return { root: 'body', segments };
    if (node.lowerName === 'item') return { root: 'item', segments };
    if (node.lowerName === 'triggerbody') return { root: 'triggerBody', segments };
    return `it starts with \`${node.name}()\`, not body() or item()`;
  }
  if (node.kind === 'identifier') {
    // `@body.x` (no parentheses) appears in Microsoft's own examples; read it as body().
    const lower = node.name.toLowerCase();
    if (lower === 'body' || lower === 'item') return { root: lower, segments };
    return { root: 'relative', segments: [node.name, ...segments] };
  }
  return 'it is not a path starting with body() or item()';
}

/** Parses a sub-path; `"null"`, `""` and undefined mean none (`[]`). Returns a message when invalid. */
export function subPathOf(text: string | undefined): PathSegment[] | string {
  const trimmed = text?.trim() ?? '';
  if (trimmed === '' || trimmed.toLowerCase() === 'null') return [];
  try {
    return parseAccessPath(trimmed);
  } catch (error) {
    if (error instanceof ExpressionSyntaxError) return error.message;
    throw error;
  }
}

/** Reads a property: exact name first, then case-insensitively (as expressions do). */
function child(value: unknown, segment: PathSegment): unknown {
  if (Array.isArray(value)) return typeof segment === 'number' ? value[segment] : undefined;
  if (!isRecord(value)) return undefined;
  const key = String(segment);
  if (Object.hasOwn(value, key)) return value[key];
  const lower = key.toLowerCase();
  for (const name of Object.keys(value)) if (name.toLowerCase() === lower) return value[name];
  return undefined;
}

/** The value at `segments` below `value`, or undefined when any step is missing. */
export function readAt(value: unknown, segments: readonly PathSegment[]): unknown {
  let current = value;
  for (const segment of segments) {
    current = child(current, segment);
    if (current === undefined) return undefined;
  }
  return current;
}

/** The body being changed, so a policy can replace it entirely. */
export interface BodyHolder {
  body: unknown;
}

/** What `item()` and relative paths refer to while a policy works on one element. */
export interface PathScope {
  readonly holder: BodyHolder;
  /** The current element; undefined outside a collection (then relative paths start at the body). */
  readonly item?: unknown;
}

function rootValue(path: BodyPath, scope: PathScope): unknown {
  if (path.root === 'body') return scope.holder.body;
  return scope.item ?? scope.holder.body;
}

/** Reads a path in a scope. */
export function readPath(path: BodyPath, scope: PathScope): unknown {
  return readAt(rootValue(path, scope), path.segments);
}

/** What {@link writePath} writes, where: `extra` segments are appended to the path. */
export interface PathWrite {
  readonly scope: PathScope;
  readonly value: unknown;
  readonly extra?: readonly PathSegment[];
}

/**
 * Writes a value at `path`, creating missing intermediate objects. Returns false (and writes
 * nothing) when a step is not an object or array to write into.
 */
export function writePath(path: BodyPath, write: PathWrite): boolean {
  const { scope, value } = write;
  const segments = [...path.segments, ...(write.extra ?? [])];
  if (segments.length === 0) {
    if (path.root === 'body' || scope.item === undefined) {
      scope.holder.body = value;
      return true;
    }
    return false; // an element cannot replace itself
  }
  let container = rootValue(path, scope);
  if (container === undefined && path.root === 'body') {
    container = {};
    scope.holder.body = container;
  }
  for (let i = 0; i < segments.length - 1; i++) {
    const segment = segments[i] ?? '';
    let next = child(container, segment);
    if (next === undefined || next === null) {
      if (!isRecord(container) && !Array.isArray(container)) return false;
      next = {};
      assign(container, { key: segment, value: next });
    }
    container = next;
  }
  return assign(container, { key: segments[segments.length - 1] ?? '', value });
}

function assign(container: unknown, entry: { readonly key: PathSegment; readonly value: unknown }): boolean {
  const { key: segment, value } = entry;
  if (Array.isArray(container) && typeof segment === 'number') {
    container[segment] = value;
    return true;
  }
  if (!isRecord(container)) return false;
  container[existingKey(container, String(segment))] = value;
  return true;
}

/** The key to write: an existing key that matches case-insensitively keeps its spelling. */
function existingKey(record: Record<string, unknown>, key: string): string {
  if (Object.hasOwn(record, key)) return key;
  const lower = key.toLowerCase();
  for (const name of Object.keys(record)) if (name.toLowerCase() === lower) return name;
  return key;
}

/** Removes the value at `segments` below `value`; returns what was removed (undefined when nothing). */
export function removeAt(value: unknown, segments: readonly PathSegment[]): unknown {
  if (segments.length === 0) return undefined;
  const parent = readAt(value, segments.slice(0, -1));
  const last = segments[segments.length - 1] ?? '';
  if (!isRecord(parent)) return undefined;
  const key = existingKey(parent, String(last));
  if (!Object.hasOwn(parent, key)) return undefined;
  const removed = parent[key];
  delete parent[key];
  return removed;
}

/**
 * The elements a policy works on: every element of the parent when it is an array and a sub-path
 * is given (the transform applies to each element), else the parent itself; none when absent.
 */
export function targetsOf(parent: unknown, hasSubPath: boolean): readonly unknown[] {
  if (parent === undefined || parent === null) return [];
  if (Array.isArray(parent) && hasSubPath) return parent;
  return [parent];
}
