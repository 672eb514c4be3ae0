/** State shared by the OpenAPI 3 converter's modules, and `$ref` handling in the source document. */
import { parseJsonPointer } from '../../../core/index.ts';
import type { IssueLog } from '../conversion.ts';
import { isRecord, type JsonObject, type SourceNode } from '../source-node.ts';

/** What every OpenAPI 3 conversion step reads and reports to. */
export interface OpenApi3Context {
  /** The input document (never mutated). */
  readonly source: JsonObject;
  readonly log: IssueLog;
  /** Component parameters not carried over (cookie), so references to them are dropped too. */
  readonly droppedParameters: Set<string>;
  /** Security schemes not carried over, so requirements naming them are dropped too. */
  readonly droppedSchemes: Set<string>;
  /** Converted security scheme name → Swagger 2.0 type; only oauth2 requirements keep scopes. */
  readonly schemeTypes: Map<string, string>;
}

/** Longest `$ref` chain followed before giving up; a longer one is a cycle. */
const MAX_REF_HOPS = 16;

/** The node a local `$ref` (`#/…`) points at in the source, or undefined when it does not resolve. */
export function resolveLocalRef(ctx: OpenApi3Context, ref: string): SourceNode | undefined {
  if (!ref.startsWith('#')) return undefined;
  let value: unknown = ctx.source;
  for (const token of parseJsonPointer(ref)) {
    if (Array.isArray(value)) value = value[Number(token)];
    else if (isRecord(value) && Object.hasOwn(value, token)) value = value[token];
    else return undefined;
    if (value === undefined) return undefined;
  }
  return { value, path: ref.slice(1) };
}

/**
 * Follows `$ref` until a node without one (request bodies, headers, examples, path items, schemas
 * used as parameter types). Unresolvable, external and cyclic references are reported and give a
 * node whose value is undefined.
 */
export function deref(ctx: OpenApi3Context, node: SourceNode): SourceNode {
  let current = node;
  for (let hop = 0; hop < MAX_REF_HOPS; hop++) {
    const value = current.value;
    if (!isRecord(value) || typeof value.$ref !== 'string') return current;
    const ref = value.$ref;
    const refPath = `${current.path}/$ref`;
    if (!ref.startsWith('#')) {
      ctx.log.warning({
        code: 'convert-ref-external',
        path: refPath,
        message: `external $ref \`${ref}\` cannot be inlined — bundle the document into one file before importing it`,
      });
      return { value: undefined, path: current.path };
    }
    const target = resolveLocalRef(ctx, ref);
    if (target === undefined) {
      ctx.log.warning({
        code: 'convert-ref-unresolved',
        path: refPath,
        message: `$ref \`${ref}\` points at nothing in the document — add the target or fix the reference`,
      });
      return { value: undefined, path: current.path };
    }
    current = target;
  }
  ctx.log.warning({
    code: 'convert-ref-cycle',
    path: node.path,
    message: `$ref chain starting here does not end after ${MAX_REF_HOPS} hops — break the reference cycle`,
  });
  return { value: undefined, path: node.path };
}

const REF_MAP: ReadonlyArray<readonly [string, string]> = [
  ['#/components/schemas/', '#/definitions/'],
  ['#/components/parameters/', '#/parameters/'],
  ['#/components/responses/', '#/responses/'],
];

/**
 * Rewrites a `$ref` to where Swagger 2.0 keeps the same component (`#/components/schemas/X` →
 * `#/definitions/X`, parameters, responses). `refNode` is the `$ref` string's own node. Returns
 * undefined, after reporting, when the reference cannot be kept (missing target, dropped
 * component, or a location Swagger 2.0 has no equivalent for). External references are kept as written.
 */
export function rewriteRef(ctx: OpenApi3Context, refNode: SourceNode): string | undefined {
  const ref = refNode.value;
  if (typeof ref !== 'string') return undefined;
  if (!ref.startsWith('#')) {
    ctx.log.warning({
      code: 'convert-ref-external',
      path: refNode.path,
      message: `external $ref \`${ref}\` is kept as written; the loader must be able to resolve it — bundle the document into one file if not`,
    });
    return ref;
  }
  const mapping = REF_MAP.find(([from]) => ref.startsWith(from));
  if (mapping === undefined) {
    ctx.log.warning({
      code: 'convert-ref-unsupported',
      path: refNode.path,
      message: `$ref \`${ref}\` points outside components.schemas/parameters/responses, which Swagger 2.0 cannot reference — it is replaced by an unconstrained schema; move the target into components.schemas`,
    });
    return undefined;
  }
  if (resolveLocalRef(ctx, ref) === undefined) {
    ctx.log.warning({
      code: 'convert-ref-unresolved',
      path: refNode.path,
      message: `$ref \`${ref}\` points at nothing in the document — add the target or fix the reference`,
    });
    return undefined;
  }
  const [from, to] = mapping;
  if (from === '#/components/parameters/') {
    const name = parseJsonPointer(ref)[2];
    if (name !== undefined && ctx.droppedParameters.has(name)) return undefined;
  }
  return to + ref.slice(from.length);
}
