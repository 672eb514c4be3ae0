/** Path items and operations. Path-level parameters stay on the path item, as Swagger 2.0 allows. */
import type { OpenApi3Context } from './context.ts';
import { deref } from './context.ts';
import { convertParameter } from './parameters.ts';
import { convertRequestBody } from './request-body.ts';
import { convertResponses } from './responses.ts';
import { convertSecurityRequirements } from './security.ts';
import { child, cloneJson, copyExtensions, elementsOf, entriesOf, isRecord, setOwn, type JsonObject, type SourceNode } from '../source-node.ts';

/** The HTTP methods Swagger 2.0 knows (OpenAPI 3 adds `trace`). */
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch'] as const;

/** Operation fields copied as written. */
const COPIED_OPERATION_FIELDS = ['tags', 'summary', 'description', 'externalDocs', 'operationId'] as const;

/** Converts the `paths` object (path items keyed by template; `x-` keys copied). */
export function convertPaths(ctx: OpenApi3Context, node: SourceNode): JsonObject {
  const out: JsonObject = {};
  for (const [path, itemNode] of entriesOf(node)) {
    if (path.startsWith('x-')) setOwn(out, path, cloneJson(itemNode.value));
    else setOwn(out, path, convertPathItem(ctx, itemNode));
  }
  return out;
}

function convertPathItem(ctx: OpenApi3Context, node: SourceNode): JsonObject {
  const item = deref(ctx, node);
  const value = item.value;
  const out: JsonObject = {};
  if (!isRecord(value)) return out;
  const droppedFields = (['summary', 'description'] as const).filter((field) => value[field] !== undefined);
  if (droppedFields.length > 0) {
    ctx.log.info({
      code: 'convert-path-item-field-dropped',
      path: item.path,
      message: `path item ${droppedFields.map((f) => `\`${f}\``).join(' and ')} ha${droppedFields.length === 1 ? 's' : 've'} no Swagger 2.0 place and ${droppedFields.length === 1 ? 'is' : 'are'} dropped — move it to the operations`,
    });
  }
  reportServersOverride(ctx, child(item, 'servers'));
  for (const method of METHODS) {
    const operation = child(item, method);
    if (isRecord(operation.value)) out[method] = convertOperation(ctx, operation);
  }
  if (value.trace !== undefined) {
    ctx.log.warning({ code: 'convert-unsupported-feature', path: `${item.path}/trace`, message: 'the TRACE operation is dropped: Swagger 2.0 has no trace method' });
  }
  const parameters = elementsOf(child(item, 'parameters'))
    .map((parameter) => convertParameter(ctx, parameter))
    .filter((parameter): parameter is JsonObject => parameter !== undefined);
  if (parameters.length > 0) out.parameters = parameters;
  copyExtensions(value, out);
  return out;
}

function convertOperation(ctx: OpenApi3Context, node: SourceNode): JsonObject {
  const operation = node.value;
  const out: JsonObject = {};
  if (!isRecord(operation)) return out;
  for (const field of COPIED_OPERATION_FIELDS) if (operation[field] !== undefined) out[field] = cloneJson(operation[field]);
  const parameters = elementsOf(child(node, 'parameters'))
    .map((parameter) => convertParameter(ctx, parameter))
    .filter((parameter): parameter is JsonObject => parameter !== undefined);
  if (operation.requestBody !== undefined) {
    const body = convertRequestBody(ctx, child(node, 'requestBody'));
    parameters.push(...body.parameters);
    if (body.consumes.length > 0) out.consumes = body.consumes;
  }
  const responses = convertResponses(ctx, child(node, 'responses'));
  if (responses.produces.length > 0) out.produces = responses.produces;
  if (parameters.length > 0) out.parameters = parameters;
  out.responses = responses.response;
  if (operation.deprecated === true) out.deprecated = true;
  const security = convertSecurityRequirements(ctx, child(node, 'security'));
  if (security !== undefined) out.security = security;
  if (isRecord(operation.callbacks)) {
    ctx.log.warning({
      code: 'convert-unsupported-feature',
      path: `${node.path}/callbacks`,
      message: `callbacks (${Object.keys(operation.callbacks).join(', ')}) are dropped: Swagger 2.0 cannot describe them — model a webhook trigger with x-ms-notification-content instead`,
    });
  }
  reportServersOverride(ctx, child(node, 'servers'));
  copyExtensions(operation, out);
  return out;
}

function reportServersOverride(ctx: OpenApi3Context, node: SourceNode): void {
  if (!Array.isArray(node.value) || node.value.length === 0) return;
  ctx.log.warning({
    code: 'convert-servers-override-dropped',
    path: node.path,
    message: "these servers are dropped: Swagger 2.0 has one host per definition, so the operations are called on the document's host — split them into their own connector if they live elsewhere",
  });
}
