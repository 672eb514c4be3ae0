/** Saved example responses (`item.response[]`) → Swagger 2.0 responses with schemas inferred from their bodies. */
import type { PostmanContext } from './context.ts';
import { parseJsonText } from './json-text.ts';
import { readHeaders } from './request-parts.ts';
import { inferSchema } from '../schema-infer.ts';
import { child, elementsOf, isRecord, setOwn, stringOf, type JsonObject, type SourceNode } from '../source-node.ts';

/** The responses of one operation and the media types they produce. */
export interface ConvertedResponses {
  readonly responses: JsonObject;
  readonly produces: string[];
}

/** Postman's body preview languages, as media types. */
const PREVIEW_MEDIA_TYPES: Readonly<Record<string, string>> = {
  json: 'application/json',
  xml: 'application/xml',
  html: 'text/html',
  text: 'text/plain',
};

/** Transport and caching headers every server sends; describing them would only add noise to the connector. */
const NOISE_HEADERS = new Set([
  'content-type', 'content-length', 'content-encoding', 'date', 'connection', 'keep-alive', 'server', 'transfer-encoding',
  'vary', 'via', 'age', 'alt-svc', 'cache-control', 'pragma', 'expires', 'strict-transport-security', 'x-powered-by', 'set-cookie',
]);

/** Converts the item's saved examples; without any, one `200 OK` response is described and reported. */
export function convertExampleResponses(ctx: PostmanContext, item: SourceNode): ConvertedResponses {
  const responses: JsonObject = {};
  const produces: string[] = [];
  for (const example of elementsOf(child(item, 'response'))) {
    const value = example.value;
    if (!isRecord(value)) continue;
    const code = typeof value.code === 'number' && Number.isInteger(value.code) ? String(value.code) : 'default';
    if (Object.hasOwn(responses, code)) {
      ctx.log.info({
        code: 'convert-postman-duplicate-example',
        path: example.path,
        message: `example \`${stringOf(value.name) ?? code}\` is not used: an earlier example already describes status ${code}, and Swagger 2.0 has one response per status`,
      });
      continue;
    }
    const converted = convertExample(ctx, example);
    setOwn(responses, code, converted.response);
    if (converted.mediaType !== undefined && !produces.includes(converted.mediaType)) produces.push(converted.mediaType);
  }
  if (Object.keys(responses).length === 0) {
    ctx.log.info({
      code: 'convert-postman-no-example-response',
      path: item.path,
      message: 'request has no saved example response, so only `200 OK` without a schema is described — save an example in Postman to get a typed response',
    });
    responses['200'] = { description: 'OK' };
  }
  return { responses, produces };
}

function convertExample(ctx: PostmanContext, example: SourceNode): { response: JsonObject; mediaType: string | undefined } {
  const value = example.value;
  if (!isRecord(value)) return { response: { description: 'Response' }, mediaType: undefined };
  const headers = readHeaders(child(example, 'header'));
  const contentTypeHeader = headers.find((header) => header.key.toLowerCase() === 'content-type');
  const preview = stringOf(value._postman_previewlanguage);
  let mediaType = contentTypeHeader === undefined ? undefined : (contentTypeHeader.value.split(';')[0] ?? '').trim() || undefined;
  const body = stringOf(value.body) ?? '';
  const out: JsonObject = { description: stringOf(value.status) ?? stringOf(value.name) ?? 'Response' };
  if (body.trim() !== '') {
    mediaType ??= preview === undefined ? undefined : PREVIEW_MEDIA_TYPES[preview];
    const json = mediaType === undefined ? /^\s*[[{]/.test(body) : /[/+]json\b/i.test(mediaType);
    const parsed = json ? parseJsonText(body) : undefined;
    if (parsed?.ok === true) {
      mediaType ??= 'application/json';
      // The example is given once, under `examples`, rather than again inside the schema.
      const { example: _example, ...schema } = inferSchema(parsed.value);
      out.schema = schema;
      out.examples = { [mediaType]: parsed.value };
    } else {
      if (parsed !== undefined) {
        ctx.log.warning({ code: 'convert-postman-body-not-json', path: `${example.path}/body`, message: 'example response body is marked as JSON but does not parse, so its schema is a plain string' });
      }
      mediaType ??= 'text/plain';
      out.schema = { type: 'string' };
      out.examples = { [mediaType]: body };
    }
  }
  const described: JsonObject = {};
  for (const header of headers) {
    if (NOISE_HEADERS.has(header.key.toLowerCase()) || header.key.toLowerCase().startsWith('access-control-')) continue;
    setOwn(described, header.key, { type: 'string' });
  }
  if (Object.keys(described).length > 0) out.headers = described;
  return { response: out, mediaType };
}
