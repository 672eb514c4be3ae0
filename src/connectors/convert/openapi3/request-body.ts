/**
 * `requestBody` → one Swagger 2.0 `body` parameter, or `formData` parameters for multipart and
 * url-encoded forms. Swagger 2.0 has one body schema per operation, so one media type leads and
 * media types with a different schema are reported.
 */
import type { OpenApi3Context } from './context.ts';
import { deref } from './context.ts';
import { isFormMediaType, isJsonMediaType, primaryMediaType } from './media-types.ts';
import { flattenSimpleSchema } from './parameters.ts';
import { convertSchema } from './schema.ts';
import { child, cloneJson, copyExtensions, elementsOf, entriesOf, isRecord, sameJson, type JsonObject, type SourceNode } from '../source-node.ts';

/** The parameters a request body becomes and the media types the operation consumes. */
export interface ConvertedRequestBody {
  readonly parameters: JsonObject[];
  readonly consumes: string[];
}

/** Converts an operation's `requestBody` (inline or `$ref` to components.requestBodies, which is inlined). */
export function convertRequestBody(ctx: OpenApi3Context, node: SourceNode): ConvertedRequestBody {
  const body = deref(ctx, node);
  if (!isRecord(body.value)) return { parameters: [], consumes: [] };
  const content = child(body, 'content');
  const media = entriesOf(content);
  const primaryType = primaryMediaType(media.map(([mediaType]) => mediaType));
  if (primaryType === undefined) {
    ctx.log.warning({ code: 'convert-request-body-empty', path: body.path, message: 'request body has no `content` media type, so no body parameter is produced — add e.g. `application/json` with a schema' });
    return { parameters: [], consumes: [] };
  }
  const primary = child(content, primaryType);
  const form = isFormMediaType(primaryType);
  const consumes = [primaryType];
  for (const [mediaType, mediaNode] of media) {
    if (mediaType === primaryType) continue;
    if (isFormMediaType(mediaType) === form && sameJson(child(mediaNode, 'schema').value, child(primary, 'schema').value)) {
      consumes.push(mediaType);
      continue;
    }
    ctx.log.warning({
      code: 'convert-media-type-dropped',
      path: mediaNode.path,
      message: `request media type \`${mediaType}\` is dropped: only the first media type (${primaryType}) is kept; Swagger 2.0 has one body schema per operation`,
    });
  }
  const required = body.value.required === true;
  const parameters = form ? formParameters(ctx, primary) : [bodyParameter(ctx, { body, media: primary, mediaType: primaryType, required })];
  return { parameters, consumes };
}

function bodyParameter(ctx: OpenApi3Context, args: { body: SourceNode; media: SourceNode; mediaType: string; required: boolean }): JsonObject {
  const { body, media, mediaType, required } = args;
  const out: JsonObject = { name: 'body', in: 'body' };
  const bodyValue = body.value;
  if (isRecord(bodyValue) && typeof bodyValue.description === 'string') out.description = bodyValue.description;
  out.required = required;
  const schemaNode = child(media, 'schema');
  let schema: JsonObject;
  if (schemaNode.value !== undefined) schema = convertSchema(ctx, schemaNode);
  else schema = isJsonMediaType(mediaType) ? {} : { type: 'string', format: 'binary' };
  const example = exampleOf(ctx, media);
  if (example !== undefined && schema.$ref === undefined && schema.example === undefined) schema.example = example;
  out.schema = schema;
  copyExtensions(bodyValue, out);
  return out;
}

/** Form bodies: one `formData` parameter per property of the (object) schema; binary strings become `type: file`. */
function formParameters(ctx: OpenApi3Context, media: SourceNode): JsonObject[] {
  const schema = deref(ctx, child(media, 'schema'));
  const properties: Array<[string, SourceNode]> = [];
  const required = new Set<string>();
  for (const part of [schema, ...elementsOf(child(schema, 'allOf')).map((member) => deref(ctx, member))]) {
    properties.push(...entriesOf(child(part, 'properties')));
    const partValue = part.value;
    if (isRecord(partValue) && Array.isArray(partValue.required)) for (const name of partValue.required) if (typeof name === 'string') required.add(name);
  }
  if (properties.length === 0) {
    ctx.log.warning({
      code: 'convert-form-field-unsupported',
      path: media.path,
      message: 'form body has no object schema with properties, so no formData parameters are produced — describe each form field as a property',
    });
    return [];
  }
  const encoding = child(media, 'encoding');
  return properties.map(([name, property]) => {
    const flat = flattenSimpleSchema(ctx, { node: property, location: 'formData', owner: child(encoding, name) });
    const { description, ...value } = flat;
    const out: JsonObject = { name, in: 'formData', ...(description === undefined ? {} : { description }), required: required.has(name), ...value };
    if (out.type === 'string' && out.format === 'binary') {
      out.type = 'file';
      delete out.format;
    } else if (out.type === 'array' && isRecord(out.items) && out.items.format === 'binary') {
      ctx.log.warning({
        code: 'convert-form-field-unsupported',
        path: property.path,
        message: `form field \`${name}\` is an array of files; Swagger 2.0 uploads one file per field, so it becomes a single file`,
      });
      out.type = 'file';
      delete out.items;
      delete out.collectionFormat;
    }
    return out;
  });
}

/** The media type's `example`, or the value of its first `examples` entry. */
export function exampleOf(ctx: OpenApi3Context, media: SourceNode): unknown {
  const value = media.value;
  if (!isRecord(value)) return undefined;
  if (value.example !== undefined) return cloneJson(value.example);
  const first = entriesOf(child(media, 'examples'))[0];
  if (first === undefined) return undefined;
  const example = deref(ctx, first[1]).value;
  return isRecord(example) && example.value !== undefined ? cloneJson(example.value) : undefined;
}
