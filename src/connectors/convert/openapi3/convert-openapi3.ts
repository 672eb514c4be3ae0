/**
 * OpenAPI 3.0 / 3.1 → Swagger 2.0. Components are converted first, so operations know which
 * parameters and security schemes could not be carried; then servers, paths and the rest.
 */
import type { OpenApi3Context } from './context.ts';
import { deref } from './context.ts';
import { rewriteExtensionRefs } from './extension-refs.ts';
import { convertParameter } from './parameters.ts';
import { convertPaths } from './paths.ts';
import { convertResponse } from './responses.ts';
import { convertSchema } from './schema.ts';
import { convertSecurityRequirements, convertSecuritySchemes } from './security.ts';
import { convertServers } from './servers.ts';
import { createIssueLog, notConvertible, type Conversion } from '../conversion.ts';
import { detectDocumentKind } from '../detect.ts';
import { child, cloneJson, copyExtensions, entriesOf, isRecord, rootNode, setOwn, type JsonObject, type SourceNode } from '../source-node.ts';

/** Converts an OpenAPI 3.0/3.1 document (already parsed) into an equivalent Swagger 2.0 document plus issues for what was lost. */
export function convertOpenApi3ToSwagger2(document: unknown, options: { file: string }): Conversion {
  const kind = detectDocumentKind(document);
  if (kind !== 'openapi3' || !isRecord(document)) {
    return notConvertible(options.file, { code: 'convert-not-openapi3', path: '', message: notOpenApi3Message(kind) });
  }
  const log = createIssueLog(options.file);
  const ctx: OpenApi3Context = { source: document, log, droppedParameters: new Set(), droppedSchemes: new Set(), schemeTypes: new Map() };
  const root = rootNode(document);
  const components = child(root, 'components');

  const securityDefinitions = convertSecuritySchemes(ctx, child(components, 'securitySchemes'));
  const parameters = convertComponentParameters(ctx, child(components, 'parameters'));
  const definitions: JsonObject = {};
  for (const [name, schema] of entriesOf(child(components, 'schemas'))) setOwn(definitions, name, convertSchema(ctx, schema));
  const responses: JsonObject = {};
  for (const [name, response] of entriesOf(child(components, 'responses'))) setOwn(responses, name, convertResponse(ctx, deref(ctx, response)).response);
  reportUnsupportedComponents(ctx, components);

  const out: JsonObject = { swagger: '2.0', info: convertInfo(ctx, child(root, 'info')) };
  const location = convertServers(ctx, child(root, 'servers'));
  if (location.host !== undefined) out.host = location.host;
  if (location.basePath !== undefined) out.basePath = location.basePath;
  if (location.schemes !== undefined) out.schemes = location.schemes;
  out.paths = convertPaths(ctx, child(root, 'paths'));
  if (Object.keys(definitions).length > 0) out.definitions = definitions;
  if (Object.keys(parameters).length > 0) out.parameters = parameters;
  if (Object.keys(responses).length > 0) out.responses = responses;
  if (Object.keys(securityDefinitions).length > 0) out.securityDefinitions = securityDefinitions;
  const security = convertSecurityRequirements(ctx, child(root, 'security'));
  if (security !== undefined) out.security = security;
  if (document.tags !== undefined) out.tags = cloneJson(document.tags);
  if (document.externalDocs !== undefined) out.externalDocs = cloneJson(document.externalDocs);
  copyExtensions(document, out);

  if (isRecord(document.webhooks) && Object.keys(document.webhooks).length > 0) {
    log.warning({
      code: 'convert-unsupported-feature',
      path: '/webhooks',
      message: `webhooks (${Object.keys(document.webhooks).join(', ')}) are dropped: Swagger 2.0 cannot describe them — model each as a webhook trigger operation with x-ms-trigger and x-ms-notification-content`,
    });
  }
  if (document.jsonSchemaDialect !== undefined) {
    log.info({ code: 'convert-unsupported-feature', path: '/jsonSchemaDialect', message: 'jsonSchemaDialect is dropped: Swagger 2.0 schemas always use its own JSON Schema subset' });
  }
  rewriteExtensionRefs(ctx, out);
  return { document: out, issues: log.issues };
}

function notOpenApi3Message(kind: string): string {
  if (kind === 'swagger2') return 'the document is already Swagger 2.0 — load it directly instead of converting it';
  if (kind === 'postman') return 'the document is a Postman collection — convert it with the Postman converter';
  return 'the document is not OpenAPI 3.x: expected a top-level `openapi` field such as "3.0.3" or "3.1.0"';
}

function convertInfo(ctx: OpenApi3Context, node: SourceNode): JsonObject {
  const info = node.value;
  if (!isRecord(info)) {
    ctx.log.warning({ code: 'convert-info-missing', path: node.path, message: 'the document has no `info`; a placeholder title and version are used — add info.title and info.version' });
    return { title: 'Untitled API', version: '1.0.0' };
  }
  const out = cloneJson(info);
  if (typeof info.summary === 'string') {
    delete out.summary;
    if (out.description === undefined) out.description = info.summary;
    else ctx.log.info({ code: 'convert-info-field-dropped', path: `${node.path}/summary`, message: 'info.summary is dropped: Swagger 2.0 info has no summary and info.description is already set' });
  }
  const license = out.license;
  if (isRecord(license) && license.identifier !== undefined) {
    delete license.identifier;
    ctx.log.info({ code: 'convert-info-field-dropped', path: `${node.path}/license/identifier`, message: 'info.license.identifier (SPDX) is dropped: Swagger 2.0 licenses have only name and url' });
  }
  return out;
}

/** components.parameters → `parameters`; cookie parameters are dropped and remembered, so references to them are dropped too. */
function convertComponentParameters(ctx: OpenApi3Context, node: SourceNode): JsonObject {
  const out: JsonObject = {};
  for (const [name, parameterNode] of entriesOf(node)) {
    const converted = convertParameter(ctx, deref(ctx, parameterNode));
    if (converted === undefined) ctx.droppedParameters.add(name);
    else setOwn(out, name, converted);
  }
  return out;
}

function reportUnsupportedComponents(ctx: OpenApi3Context, components: SourceNode): void {
  for (const kind of ['links', 'callbacks'] as const) {
    const entries = entriesOf(child(components, kind));
    if (entries.length === 0) continue;
    ctx.log.info({
      code: 'convert-unsupported-feature',
      path: `${components.path}/${kind}`,
      message: `components.${kind} (${entries.map(([name]) => name).join(', ')}) are dropped: Swagger 2.0 has no ${kind}`,
    });
  }
}
