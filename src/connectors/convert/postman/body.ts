/**
 * Postman request bodies → a Swagger 2.0 `body` parameter (raw, file, GraphQL) or `formData`
 * parameters (urlencoded, formdata). Raw JSON bodies get a schema inferred from the example.
 */
import type { PostmanContext } from './context.ts';
import { descriptionOf } from './collection.ts';
import { parseJsonText } from './json-text.ts';
import { inferSchema } from '../schema-infer.ts';
import { child, elementsOf, isRecord, stringOf, type JsonObject, type SourceNode } from '../source-node.ts';

/** The parameters a body becomes and the media types the operation consumes. */
export interface ConvertedBody {
  readonly parameters: JsonObject[];
  readonly consumes: string[];
}

/** Raw-body languages Postman offers, as media types. */
const LANGUAGE_MEDIA_TYPES: Readonly<Record<string, string>> = {
  json: 'application/json',
  xml: 'application/xml',
  html: 'text/html',
  javascript: 'application/javascript',
  text: 'text/plain',
};

/** Converts `request.body`; `contentType` is the request's literal Content-Type header, if any. */
export function convertBody(ctx: PostmanContext, args: { node: SourceNode; contentType: string | undefined }): ConvertedBody {
  const { node, contentType } = args;
  const body = node.value;
  const none: ConvertedBody = { parameters: [], consumes: [] };
  if (!isRecord(body) || body.disabled === true) return none;
  switch (body.mode) {
    case 'raw':
      return rawBody(ctx, { node, contentType });
    case 'urlencoded':
      return { parameters: formParameters(ctx, { node: child(node, 'urlencoded'), files: false }), consumes: [contentType ?? 'application/x-www-form-urlencoded'] };
    case 'formdata':
      return { parameters: formParameters(ctx, { node: child(node, 'formdata'), files: true }), consumes: [contentType ?? 'multipart/form-data'] };
    case 'file':
      return { parameters: [bodyParameter({ type: 'string', format: 'binary' })], consumes: [contentType ?? 'application/octet-stream'] };
    case 'graphql':
      return graphqlBody(ctx, node);
    case undefined:
      return none;
    default:
      ctx.log.warning({ code: 'convert-postman-body-unsupported', path: `${node.path}/mode`, message: `body mode \`${String(body.mode)}\` is not converted — describe the body as raw JSON, form data or a file` });
      return none;
  }
}

function bodyParameter(schema: JsonObject): JsonObject {
  return { name: 'body', in: 'body', required: true, schema };
}

function rawBody(ctx: PostmanContext, args: { node: SourceNode; contentType: string | undefined }): ConvertedBody {
  const { node, contentType } = args;
  const body = node.value;
  const text = isRecord(body) ? (stringOf(body.raw) ?? '') : '';
  if (text.trim() === '') return { parameters: [], consumes: contentType === undefined ? [] : [contentType] };
  const options = isRecord(body) ? body.options : undefined;
  const rawOptions = isRecord(options) ? options.raw : undefined;
  const language = isRecord(rawOptions) ? stringOf(rawOptions.language) : undefined;
  const mediaType = contentType ?? (language === undefined ? undefined : LANGUAGE_MEDIA_TYPES[language]);
  const json = mediaType === undefined ? /^\s*[[{]/.test(text) : /[/+]json\b/i.test(mediaType);
  if (!json) return { parameters: [bodyParameter({ type: 'string', example: text })], consumes: [mediaType ?? 'text/plain'] };
  const parsed = parseJsonText(text);
  if (!parsed.ok) {
    ctx.log.warning({
      code: 'convert-postman-body-not-json',
      path: `${node.path}/raw`,
      message: `raw JSON body does not parse (${parsed.reason}), so its schema is a plain string — fix the example body to get a typed schema`,
    });
    return { parameters: [bodyParameter({ type: 'string', example: text })], consumes: [mediaType ?? 'application/json'] };
  }
  return { parameters: [bodyParameter(inferSchema(parsed.value))], consumes: [mediaType ?? 'application/json'] };
}

function formParameters(ctx: PostmanContext, args: { node: SourceNode; files: boolean }): JsonObject[] {
  const out: JsonObject[] = [];
  const seen = new Set<string>();
  for (const entry of elementsOf(args.node)) {
    const field = entry.value;
    if (!isRecord(field) || field.disabled === true || typeof field.key !== 'string' || field.key === '') continue;
    if (seen.has(field.key)) {
      ctx.log.info({ code: 'convert-postman-duplicate-parameter', path: entry.path, message: `form field \`${field.key}\` appears more than once; it is described once` });
      continue;
    }
    seen.add(field.key);
    const parameter: JsonObject = { name: field.key, in: 'formData' };
    const description = descriptionOf(field.description);
    if (description !== undefined) parameter.description = description;
    parameter.required = false;
    parameter.type = args.files && field.type === 'file' ? 'file' : 'string';
    out.push(parameter);
  }
  return out;
}

function graphqlBody(ctx: PostmanContext, node: SourceNode): ConvertedBody {
  const body = node.value;
  const graphql = isRecord(body) ? body.graphql : undefined;
  const query = isRecord(graphql) ? (stringOf(graphql.query) ?? '') : '';
  const variablesText = isRecord(graphql) ? (stringOf(graphql.variables) ?? '') : '';
  const parsedVariables = variablesText.trim() === '' ? undefined : parseJsonText(variablesText);
  const example: JsonObject = { query };
  if (parsedVariables?.ok === true) example.variables = parsedVariables.value;
  ctx.log.info({
    code: 'convert-postman-graphql',
    path: `${node.path}/graphql`,
    message: 'GraphQL body becomes a JSON body `{ query, variables }` with the query as its example; the connector does not validate GraphQL',
  });
  const schema: JsonObject = {
    type: 'object',
    required: ['query'],
    properties: { query: { type: 'string' }, variables: { type: 'object' } },
    example,
  };
  return { parameters: [bodyParameter(schema)], consumes: ['application/json'] };
}
