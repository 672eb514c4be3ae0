/**
 * OpenAPI 3 parameters → Swagger 2.0 parameters. Swagger 2.0 non-body parameters (and response
 * headers, and form fields) are plain values: the 3.x `schema` is flattened into
 * type/format/enum/items/collectionFormat, and `style`/`explode` become `collectionFormat`.
 */
import type { OpenApi3Context } from './context.ts';
import { deref, rewriteRef } from './context.ts';
import { convertSchema } from './schema.ts';
import { child, copyExtensions, entriesOf, isRecord, setOwn, stringOf, type JsonObject, type SourceNode } from '../source-node.ts';

/** Where a flattened value is sent; decides the default `style` and which collection formats exist. */
export type SimpleLocation = 'query' | 'header' | 'path' | 'formData' | 'items';

/** What to flatten: the schema node, where the value goes, and the object carrying `style`/`explode`. */
export interface SimpleSchemaRequest {
  readonly node: SourceNode;
  readonly location: SimpleLocation;
  /** The parameter or encoding object holding `style` and `explode`. */
  readonly owner?: SourceNode;
}

/** Swagger 2.0 keywords a non-body parameter, header or items object takes from its schema (besides type/items/collectionFormat). */
const SIMPLE_KEYS = [
  'format', 'default', 'maximum', 'exclusiveMaximum', 'minimum', 'exclusiveMinimum', 'maxLength', 'minLength',
  'pattern', 'maxItems', 'minItems', 'uniqueItems', 'enum', 'multipleOf',
] as const;

/** Structural keywords removed before the shallow conversion: they are flattened separately or rejected. */
const STRUCTURAL = new Set(['items', 'properties', 'additionalProperties', 'allOf', 'oneOf', 'anyOf', 'not']);

/** Parameter fields with no Swagger 2.0 place. */
const DROPPED_PARAMETER_FIELDS = ['example', 'examples', 'deprecated', 'allowReserved'] as const;

/** Converts one operation-, path- or component-level parameter; undefined when it cannot be carried (reported). */
export function convertParameter(ctx: OpenApi3Context, node: SourceNode): JsonObject | undefined {
  const raw = node.value;
  if (isRecord(raw) && typeof raw.$ref === 'string' && raw.$ref.startsWith('#/components/parameters/')) {
    const target = rewriteRef(ctx, child(node, '$ref'));
    return target === undefined ? undefined : { $ref: target };
  }
  const resolved = deref(ctx, node);
  const parameter = resolved.value;
  if (!isRecord(parameter)) return undefined;
  const name = stringOf(parameter.name);
  const location = stringOf(parameter.in);
  if (name === undefined || location === undefined) {
    ctx.log.warning({ code: 'convert-parameter-invalid', path: resolved.path, message: 'parameter without `name` and `in` is dropped — give it both' });
    return undefined;
  }
  if (location === 'cookie') {
    ctx.log.warning({
      code: 'convert-cookie-parameter-dropped',
      path: resolved.path,
      message: `cookie parameter \`${name}\` is dropped: Swagger 2.0 has no cookie parameters — if the API needs it, set the Cookie header from a request policy`,
    });
    return undefined;
  }
  if (location !== 'query' && location !== 'header' && location !== 'path') {
    ctx.log.warning({ code: 'convert-parameter-invalid', path: `${resolved.path}/in`, message: `parameter \`${name}\` has unknown location \`${location}\` and is dropped — use query, header or path` });
    return undefined;
  }
  const out: JsonObject = { name, in: location };
  if (typeof parameter.description === 'string') out.description = parameter.description;
  out.required = location === 'path' || parameter.required === true;
  const flat = flattenedValueOf(ctx, { parameter: resolved, name, location });
  for (const [key, value] of Object.entries(flat)) if (!Object.hasOwn(out, key)) setOwn(out, key, value);
  if (location === 'query' && parameter.allowEmptyValue === true) out.allowEmptyValue = true;
  const dropped = DROPPED_PARAMETER_FIELDS.filter((field) => parameter[field] !== undefined);
  if (dropped.length > 0) {
    ctx.log.info({
      code: 'convert-parameter-field-dropped',
      path: resolved.path,
      message: `parameter \`${name}\`: ${dropped.map((f) => `\`${f}\``).join(', ')} ha${dropped.length === 1 ? 's' : 've'} no Swagger 2.0 equivalent and ${dropped.length === 1 ? 'is' : 'are'} dropped`,
    });
  }
  copyExtensions(parameter, out);
  return out;
}

function flattenedValueOf(ctx: OpenApi3Context, args: { parameter: SourceNode; name: string; location: 'query' | 'header' | 'path' }): JsonObject {
  const { parameter, name, location } = args;
  const schema = child(parameter, 'schema');
  if (schema.value !== undefined) return flattenSimpleSchema(ctx, { node: schema, location, owner: parameter });
  const content = entriesOf(child(parameter, 'content'));
  const first = content[0];
  if (first !== undefined) {
    ctx.log.warning({
      code: 'convert-parameter-content',
      path: `${parameter.path}/content`,
      message: `parameter \`${name}\` is described by \`content\` (${first[0]}); Swagger 2.0 parameters are plain values, so it becomes a string carrying the serialised ${first[0]} value`,
    });
  }
  return { type: 'string' };
}

/** Flattens a schema into Swagger 2.0's simple-value keywords (type, format, items, collectionFormat, enum, bounds, `x-`). */
export function flattenSimpleSchema(ctx: OpenApi3Context, request: SimpleSchemaRequest): JsonObject {
  const target = chooseAlternative(ctx, deref(ctx, request.node));
  const schema = target.value;
  if (!isRecord(schema)) return { type: 'string' };
  const shallow: JsonObject = {};
  for (const key of Object.keys(schema)) if (!STRUCTURAL.has(key)) setOwn(shallow, key, schema[key]);
  const converted = convertSchema(ctx, { value: shallow, path: target.path });
  const structured = schema.properties !== undefined || schema.additionalProperties !== undefined || schema.allOf !== undefined;
  const out: JsonObject = {};
  if (converted.type === 'object' || (converted.type === undefined && structured)) {
    ctx.log.warning({
      code: 'convert-parameter-object-schema',
      path: request.node.path,
      message: `an object-typed ${request.location === 'items' ? 'array item' : `${request.location} value`} has no Swagger 2.0 form; it becomes a string the caller fills with the serialised object`,
    });
    out.type = 'string';
  } else {
    out.type = typeof converted.type === 'string' ? converted.type : 'string';
    for (const key of SIMPLE_KEYS) if (converted[key] !== undefined) out[key] = converted[key];
    if (out.type === 'array') {
      out.items = flattenSimpleSchema(ctx, { node: child(target, 'items'), location: 'items' });
      out.collectionFormat = collectionFormatOf(ctx, request);
    }
  }
  if (request.location !== 'items' && typeof converted.description === 'string') out.description = converted.description;
  copyExtensions(converted, out);
  return out;
}

/** A schema that is only a `oneOf`/`anyOf` choice is flattened from its first non-null alternative. */
function chooseAlternative(ctx: OpenApi3Context, node: SourceNode): SourceNode {
  const schema = node.value;
  if (!isRecord(schema) || schema.type !== undefined) return node;
  for (const keyword of ['oneOf', 'anyOf'] as const) {
    const list = schema[keyword];
    if (!Array.isArray(list)) continue;
    const isNull = (alternative: unknown): boolean => isRecord(alternative) && alternative.type === 'null';
    const index = list.findIndex((alternative) => !isNull(alternative));
    if (index < 0) return node;
    if (list.filter((alternative) => !isNull(alternative)).length > 1) {
      ctx.log.warning({
        code: 'convert-schema-alternatives',
        path: `${node.path}/${keyword}`,
        message: `${keyword} in a parameter keeps only its first alternative — Swagger 2.0 parameters have one type`,
      });
    }
    return deref(ctx, child(child(node, keyword), index));
  }
  return node;
}

/** `style`/`explode` → Swagger 2.0 `collectionFormat` (OpenAPI 3 defaults: form+explode for query and form, simple elsewhere). */
function collectionFormatOf(ctx: OpenApi3Context, request: SimpleSchemaRequest): string {
  const { location, owner } = request;
  if (location === 'items') return 'csv';
  const ownerValue = owner === undefined ? undefined : owner.value;
  const declaredStyle = isRecord(ownerValue) ? stringOf(ownerValue.style) : undefined;
  const formLike = location === 'query' || location === 'formData';
  const style = declaredStyle ?? (formLike ? 'form' : 'simple');
  const declaredExplode = isRecord(ownerValue) && typeof ownerValue.explode === 'boolean' ? ownerValue.explode : undefined;
  const explode = declaredExplode ?? style === 'form';
  if (formLike && explode && (style === 'form' || style === 'spaceDelimited' || style === 'pipeDelimited')) return 'multi';
  if (style === 'form' || style === 'simple') return 'csv';
  if (style === 'spaceDelimited') return 'ssv';
  if (style === 'pipeDelimited') return 'pipes';
  ctx.log.warning({
    code: 'convert-parameter-style',
    path: owner === undefined ? request.node.path : `${owner.path}/style`,
    message: `style \`${style}\` has no Swagger 2.0 collectionFormat; the array is sent comma-separated (csv) — check that the API accepts it`,
  });
  return 'csv';
}
