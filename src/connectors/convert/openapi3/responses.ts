/** OpenAPI 3 responses → Swagger 2.0 responses: `content` → one `schema` (+ `examples`), headers flattened. */
import type { OpenApi3Context } from './context.ts';
import { deref, rewriteRef } from './context.ts';
import { baseMediaType, isJsonMediaType, primaryMediaType } from './media-types.ts';
import { flattenSimpleSchema } from './parameters.ts';
import { exampleOf } from './request-body.ts';
import { convertSchema } from './schema.ts';
import { child, cloneJson, copyExtensions, entriesOf, isRecord, sameJson, setOwn, type JsonObject, type SourceNode } from '../source-node.ts';

/** A converted response (or responses map) and the media types it produces. */
export interface ConvertedResponse {
  readonly response: JsonObject;
  readonly produces: string[];
}

/** Converts an operation's `responses` map; `2XX`-style ranges become their `x00` code. */
export function convertResponses(ctx: OpenApi3Context, node: SourceNode): ConvertedResponse {
  const responses: JsonObject = {};
  const produces: string[] = [];
  const codes = entriesOf(node);
  for (const [code, responseNode] of codes) {
    if (code.startsWith('x-')) {
      setOwn(responses, code, cloneJson(responseNode.value));
      continue;
    }
    let key = code;
    if (/^[1-5]XX$/i.test(code)) {
      key = `${code[0]}00`;
      const taken = codes.some(([other]) => other === key);
      ctx.log.warning({
        code: 'convert-response-range',
        path: responseNode.path,
        message: taken
          ? `response range \`${code}\` is dropped: Swagger 2.0 keys responses by exact status code and \`${key}\` is already described`
          : `response range \`${code}\` becomes \`${key}\`: Swagger 2.0 keys responses by exact status code`,
      });
      if (taken) continue;
    }
    const converted = convertResponseOrRef(ctx, responseNode);
    setOwn(responses, key, converted.response);
    for (const mediaType of converted.produces) if (!produces.includes(mediaType)) produces.push(mediaType);
  }
  return { response: responses, produces };
}

/** A response or a `$ref` to components.responses (kept as a `#/responses/…` reference). */
function convertResponseOrRef(ctx: OpenApi3Context, node: SourceNode): ConvertedResponse {
  const value = node.value;
  if (isRecord(value) && typeof value.$ref === 'string' && value.$ref.startsWith('#/components/responses/')) {
    const target = rewriteRef(ctx, child(node, '$ref'));
    if (target === undefined) return { response: { description: '' }, produces: [] };
    // The shared response lives in `responses`; the operation still has to list its media types.
    return { response: { $ref: target }, produces: convertResponse(ctx, deref(ctx, node)).produces };
  }
  return convertResponse(ctx, deref(ctx, node));
}

/** Converts one (dereferenced) response object. */
export function convertResponse(ctx: OpenApi3Context, node: SourceNode): ConvertedResponse {
  const response = node.value;
  if (!isRecord(response)) return { response: { description: '' }, produces: [] };
  const out: JsonObject = { description: typeof response.description === 'string' ? response.description : '' };
  const content = child(node, 'content');
  const media = entriesOf(content);
  const primaryType = primaryMediaType(media.map(([mediaType]) => mediaType));
  const produces: string[] = [];
  if (primaryType !== undefined) {
    const primary = child(content, primaryType);
    produces.push(primaryType);
    for (const [mediaType, mediaNode] of media) {
      if (mediaType === primaryType) continue;
      if (sameJson(child(mediaNode, 'schema').value, child(primary, 'schema').value)) produces.push(mediaType);
      else {
        ctx.log.warning({
          code: 'convert-media-type-dropped',
          path: mediaNode.path,
          message: `response media type \`${mediaType}\` is dropped: only the first media type (${primaryType}) is kept; Swagger 2.0 has one schema per response`,
        });
      }
    }
    const schema = responseSchema(ctx, { media: primary, mediaType: primaryType });
    if (schema !== undefined) out.schema = schema;
  }
  const headers = convertHeaders(ctx, child(node, 'headers'));
  if (headers !== undefined) out.headers = headers;
  const examples: JsonObject = {};
  for (const mediaType of produces) {
    const example = exampleOf(ctx, child(content, mediaType));
    if (example !== undefined) setOwn(examples, mediaType, example);
  }
  if (Object.keys(examples).length > 0) out.examples = examples;
  if (response.links !== undefined) {
    ctx.log.info({
      code: 'convert-unsupported-feature',
      path: `${node.path}/links`,
      message: 'response `links` are not supported by Swagger 2.0 and are dropped',
    });
  }
  copyExtensions(response, out);
  return { response: out, produces };
}

/** The schema of the leading media type; binary payloads become Swagger 2.0's `type: file`. */
function responseSchema(ctx: OpenApi3Context, args: { media: SourceNode; mediaType: string }): JsonObject | undefined {
  const schemaNode = child(args.media, 'schema');
  const json = isJsonMediaType(args.mediaType);
  if (schemaNode.value === undefined) {
    if (json) return undefined;
    return baseMediaType(args.mediaType).startsWith('text/') ? { type: 'string' } : { type: 'file' };
  }
  const schema = convertSchema(ctx, schemaNode);
  if (!json && schema.type === 'string' && schema.format === 'binary') return { type: 'file' };
  return schema;
}

function convertHeaders(ctx: OpenApi3Context, node: SourceNode): JsonObject | undefined {
  const entries = entriesOf(node);
  if (entries.length === 0) return undefined;
  const out: JsonObject = {};
  for (const [name, headerNode] of entries) {
    const header = deref(ctx, headerNode);
    const headerValue = header.value;
    const converted: JsonObject = {};
    if (isRecord(headerValue) && typeof headerValue.description === 'string') converted.description = headerValue.description;
    const flat = flattenSimpleSchema(ctx, { node: child(header, 'schema'), location: 'header', owner: header });
    for (const [key, value] of Object.entries(flat)) if (!Object.hasOwn(converted, key)) setOwn(converted, key, value);
    copyExtensions(headerValue, converted);
    setOwn(out, name, converted);
  }
  return out;
}
