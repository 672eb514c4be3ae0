/**
 * JSON Schema (OpenAPI 3.0 schema object / 3.1 JSON Schema 2020-12) → Swagger 2.0 schema.
 * Keywords Swagger 2.0 lacks are mapped where a faithful form exists (nullable, const, numeric
 * exclusive bounds, examples, contentEncoding) and reported where none does.
 */
import type { OpenApi3Context } from './context.ts';
import { rewriteRef } from './context.ts';
import { child, cloneJson, elementsOf, entriesOf, isRecord, setOwn, type JsonObject, type SourceNode } from '../source-node.ts';

/** Keywords Swagger 2.0 schemas share with OpenAPI 3 and that are copied as written. */
const COPIED = new Set([
  'format', 'title', 'description', 'default', 'multipleOf', 'maximum', 'minimum', 'maxLength', 'minLength', 'pattern',
  'maxItems', 'minItems', 'uniqueItems', 'maxProperties', 'minProperties', 'enum', 'readOnly', 'xml', 'externalDocs', 'example',
]);

/** Keywords that only annotate; dropping them changes no validation, so they are reported as info. */
const ANNOTATIONS = new Set(['deprecated', 'writeOnly', '$schema', '$id', '$comment', '$anchor', '$dynamicAnchor', 'contentSchema']);

/** Converts one schema node; nested schemas and `$ref`s are converted too. Never mutates the source. */
export function convertSchema(ctx: OpenApi3Context, node: SourceNode): JsonObject {
  const value = node.value;
  if (value === true || value === undefined) return {};
  if (value === false) {
    ctx.log.warning({
      code: 'convert-schema-keyword-dropped',
      path: node.path,
      message: 'the `false` schema (no value allowed) has no Swagger 2.0 form and becomes an unconstrained schema',
    });
    return {};
  }
  if (!isRecord(value)) {
    ctx.log.warning({ code: 'convert-schema-invalid', path: node.path, message: `schema must be an object, got ${JSON.stringify(value)} — it becomes an unconstrained schema` });
    return {};
  }
  if (typeof value.$ref === 'string') return convertRefSchema(ctx, node);

  const out: JsonObject = {};
  const droppedKeywords: string[] = [];
  const droppedAnnotations: string[] = [];
  let nullable = false;
  let exclusiveMinimum: number | undefined;
  let exclusiveMaximum: number | undefined;
  for (const key of Object.keys(value)) {
    const member = value[key];
    if (key.startsWith('x-')) {
      setOwn(out, key, cloneJson(member));
      continue;
    }
    switch (key) {
      case 'type':
        if (applyType(ctx, { node: child(node, key), into: out })) nullable = true;
        break;
      case 'nullable':
        if (member === true) nullable = true;
        break;
      case 'required':
        if (Array.isArray(member)) out.required = cloneJson(member);
        break;
      case 'properties':
        out.properties = convertProperties(ctx, child(node, key));
        break;
      case 'items':
        out.items = convertItems(ctx, child(node, key));
        break;
      case 'additionalProperties':
        out.additionalProperties = typeof member === 'boolean' ? member : convertSchema(ctx, child(node, key));
        break;
      case 'allOf':
        out.allOf = elementsOf(child(node, key)).map((element) => convertSchema(ctx, element));
        break;
      case 'oneOf':
      case 'anyOf':
        // Merged after the loop, once the schema's own keywords are known.
        break;
      case 'const':
        out.enum = [cloneJson(member)];
        // A const alone implies its type; Swagger 2.0 tools expect one next to enum.
        if (value.type === undefined && constType(member) !== undefined) out.type = constType(member);
        break;
      case 'exclusiveMinimum':
        if (typeof member === 'number') exclusiveMinimum = member;
        else out.exclusiveMinimum = member;
        break;
      case 'exclusiveMaximum':
        if (typeof member === 'number') exclusiveMaximum = member;
        else out.exclusiveMaximum = member;
        break;
      case 'examples':
        if (Array.isArray(member) && member.length > 0 && value.example === undefined) out.example = cloneJson(member[0]);
        break;
      case 'discriminator':
        applyDiscriminator(ctx, { node: child(node, key), into: out });
        break;
      case 'contentEncoding':
        if (member === 'base64' || member === 'base64url') {
          if (value.format === undefined) out.format = 'byte';
        } else droppedAnnotations.push(key);
        break;
      case 'contentMediaType':
        // 3.1 describes raw binary as a string with a media type; Swagger 2.0 says format: binary.
        if (value.format === undefined && value.contentEncoding === undefined) out.format = 'binary';
        break;
      default:
        if (COPIED.has(key)) setOwn(out, key, cloneJson(member));
        else if (ANNOTATIONS.has(key)) droppedAnnotations.push(key);
        else droppedKeywords.push(key);
    }
  }
  applyExclusiveBound(out, { bound: 'minimum', exclusive: exclusiveMinimum });
  applyExclusiveBound(out, { bound: 'maximum', exclusive: exclusiveMaximum });
  if (nullable) out['x-nullable'] = true;

  let result = out;
  for (const keyword of ['oneOf', 'anyOf'] as const) {
    if (value[keyword] !== undefined) result = mergeAlternatives(ctx, { node: child(node, keyword), keyword, into: result });
  }
  if (droppedKeywords.length > 0) {
    ctx.log.warning({
      code: 'convert-schema-keyword-dropped',
      path: node.path,
      message: `schema keyword(s) ${droppedKeywords.map((k) => `\`${k}\``).join(', ')} have no Swagger 2.0 equivalent and are dropped — the connector no longer enforces them`,
    });
  }
  if (droppedAnnotations.length > 0) {
    ctx.log.info({
      code: 'convert-schema-annotation-dropped',
      path: node.path,
      message: `schema annotation(s) ${droppedAnnotations.map((k) => `\`${k}\``).join(', ')} have no Swagger 2.0 equivalent and are dropped`,
    });
  }
  return result;
}

/** `{ $ref }`, rewritten to `#/definitions/…`; sibling keywords (allowed in 3.1) are kept by wrapping the reference in `allOf`. */
function convertRefSchema(ctx: OpenApi3Context, node: SourceNode): JsonObject {
  const value = node.value;
  if (!isRecord(value)) return {};
  const target = rewriteRef(ctx, child(node, '$ref'));
  const ref: JsonObject = target === undefined ? {} : { $ref: target };
  const siblingKeys = Object.keys(value).filter((key) => key !== '$ref');
  if (siblingKeys.length === 0) return ref;
  const siblings: JsonObject = {};
  for (const key of siblingKeys) setOwn(siblings, key, value[key]);
  const extra = convertSchema(ctx, { value: siblings, path: node.path });
  if (target === undefined) return extra;
  if (Object.keys(extra).length === 0) return ref;
  // Swagger 2.0 ignores keywords next to $ref; wrapping keeps the author's description and nullability.
  const existing = Array.isArray(extra.allOf) ? extra.allOf : [];
  return { ...extra, allOf: [ref, ...existing] };
}

/** Sets `type`; returns true when the (3.1) type list includes `null`. */
function applyType(ctx: OpenApi3Context, args: { node: SourceNode; into: JsonObject }): boolean {
  const type = args.node.value;
  if (typeof type === 'string') {
    if (type === 'null') return true;
    args.into.type = type;
    return false;
  }
  if (!Array.isArray(type)) return false;
  const names = type.filter((t): t is string => typeof t === 'string');
  const nonNull = names.filter((t) => t !== 'null');
  if (nonNull.length > 1) {
    ctx.log.warning({
      code: 'convert-schema-type-union',
      path: args.node.path,
      message: `type [${names.join(', ')}] allows several types; only \`${nonNull[0]}\` is kept — Swagger 2.0 allows one type per schema`,
    });
  }
  if (nonNull[0] !== undefined) args.into.type = nonNull[0];
  return names.includes('null');
}

function applyDiscriminator(ctx: OpenApi3Context, args: { node: SourceNode; into: JsonObject }): void {
  const discriminator = args.node.value;
  if (typeof discriminator === 'string') {
    args.into.discriminator = discriminator;
    return;
  }
  if (!isRecord(discriminator) || typeof discriminator.propertyName !== 'string') return;
  args.into.discriminator = discriminator.propertyName;
  if (discriminator.mapping !== undefined) {
    ctx.log.info({
      code: 'convert-schema-annotation-dropped',
      path: `${args.node.path}/mapping`,
      message: 'discriminator `mapping` is dropped: Swagger 2.0 matches the discriminator value against definition names — name the definitions after the values',
    });
  }
}

/** 3.1 numeric `exclusiveMinimum: n` → Swagger 2.0 `minimum: n, exclusiveMinimum: true` (unless a stricter inclusive bound exists). */
function applyExclusiveBound(out: JsonObject, args: { bound: 'minimum' | 'maximum'; exclusive: number | undefined }): void {
  const { bound, exclusive } = args;
  if (exclusive === undefined) return;
  const inclusive = out[bound];
  const stricter = typeof inclusive === 'number' && (bound === 'minimum' ? inclusive > exclusive : inclusive < exclusive);
  if (stricter) return;
  out[bound] = exclusive;
  out[bound === 'minimum' ? 'exclusiveMinimum' : 'exclusiveMaximum'] = true;
}

function convertProperties(ctx: OpenApi3Context, node: SourceNode): JsonObject {
  const out: JsonObject = {};
  for (const [name, property] of entriesOf(node)) setOwn(out, name, convertSchema(ctx, property));
  return out;
}

function convertItems(ctx: OpenApi3Context, node: SourceNode): JsonObject {
  if (!Array.isArray(node.value)) return convertSchema(ctx, node);
  ctx.log.warning({
    code: 'convert-schema-keyword-dropped',
    path: node.path,
    message: 'tuple `items` (a list of schemas) is reduced to its first schema — Swagger 2.0 arrays have one item schema',
  });
  return convertSchema(ctx, child(node, 0));
}

function constType(value: unknown): string | undefined {
  if (typeof value === 'string' || typeof value === 'boolean') return typeof value;
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return undefined;
}

function isNullSchema(value: unknown): boolean {
  if (!isRecord(value)) return false;
  return value.type === 'null' || (Array.isArray(value.type) && value.type.length === 1 && value.type[0] === 'null');
}

/**
 * `oneOf`/`anyOf` → the first non-null alternative, merged into the schema. A `{ type: 'null' }`
 * alternative becomes `x-nullable` without a warning, since that is exactly what it means.
 */
function mergeAlternatives(ctx: OpenApi3Context, args: { node: SourceNode; keyword: 'oneOf' | 'anyOf'; into: JsonObject }): JsonObject {
  const { node, keyword, into } = args;
  const alternatives = elementsOf(node);
  const nonNull = alternatives.filter((alternative) => !isNullSchema(alternative.value));
  const result: JsonObject = { ...into };
  if (nonNull.length < alternatives.length) result['x-nullable'] = true;
  const first = nonNull[0];
  if (first === undefined) return result;
  const chosen = convertSchema(ctx, first);
  if (nonNull.length > 1) {
    const label = typeof chosen.$ref === 'string' ? `\`${chosen.$ref}\`` : `the ${typeof chosen.type === 'string' ? chosen.type : 'inline'} schema`;
    ctx.log.warning({
      code: 'convert-schema-alternatives',
      path: node.path,
      message: `${keyword} with ${nonNull.length} alternatives keeps only the first (${label}) — Swagger 2.0 has no ${keyword}; describe the common shape or split the operation`,
    });
  }
  if (Object.keys(result).length === 0) return chosen;
  if (typeof chosen.$ref === 'string') {
    const existing = Array.isArray(result.allOf) ? result.allOf : [];
    return { ...result, allOf: [...existing, chosen] };
  }
  const merged: JsonObject = { ...chosen, ...result };
  if (isRecord(chosen.properties) && isRecord(result.properties)) merged.properties = { ...chosen.properties, ...result.properties };
  if (Array.isArray(chosen.required) && Array.isArray(result.required)) merged.required = [...new Set([...chosen.required, ...result.required])];
  return merged;
}
