/**
 * Postman collection v2.1 → Swagger 2.0. Requests are read first so the host can be chosen
 * across all of them (a `{{baseUrl}}` collection variable, else the most common host); then
 * each request becomes one operation.
 */
import { convertBody } from './body.ts';
import { collectRequests, descriptionOf, type RequestEntry } from './collection.ts';
import type { PostmanContext } from './context.ts';
import { createSecurityRegistry, type SecurityRegistry } from './auth.ts';
import { createOperationIdAllocator, operationIdFromName } from './operation-id.ts';
import { buildPathTemplate, pathParameters, queryParameters, readHeaders, splitHeaders, type PathTemplate } from './request-parts.ts';
import { convertExampleResponses } from './responses.ts';
import { readUrl, resolveOrigin, type RequestUrl, type ResolvedOrigin } from './url.ts';
import { collectionVariables } from './variables.ts';
import { createIssueLog, notConvertible, type Conversion } from '../conversion.ts';
import { detectDocumentKind, isPostmanV1 } from '../detect.ts';
import { child, isRecord, rootNode, sameJson, setOwn, stringOf, type JsonObject } from '../source-node.ts';

/** HTTP methods Swagger 2.0 can describe. */
const METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch']);

const EXPORT_FIX = 'in Postman, choose Export on the collection, pick "Collection v2.1", and import that file';

/** A request whose URL was read and whose origin was resolved. */
interface LocatedRequest {
  readonly entry: RequestEntry;
  readonly url: RequestUrl;
  readonly origin: ResolvedOrigin;
}

/** Converts a Postman collection v2.1 (already parsed) into an equivalent Swagger 2.0 document plus issues for what was lost. */
export function convertPostmanToSwagger2(document: unknown, options: { file: string }): Conversion {
  const rejection = rejectionOf(document);
  if (rejection !== undefined) return notConvertible(options.file, rejection);
  const log = createIssueLog(options.file);
  const root = rootNode(document);
  const ctx: PostmanContext = { log, variables: collectionVariables(root) };
  const { requests, tags } = collectRequests(ctx, root);

  const located: LocatedRequest[] = [];
  for (const entry of requests) {
    const urlNode = typeof entry.request.value === 'string' ? entry.request : child(entry.request, 'url');
    const url = readUrl(urlNode);
    if (url === undefined) {
      log.warning({ code: 'convert-postman-no-url', path: entry.request.path, message: `request \`${entry.name}\` has no URL and is skipped — give it one in Postman` });
      continue;
    }
    located.push({ entry, url, origin: resolveOrigin(ctx, url.origin) });
  }
  const main = chooseOrigin(located);
  const basePathSegments = commonPrefix(located.filter((request) => sameOrigin(request.origin, main)).map((request) => request.origin.prefix));
  if (main === undefined && located.length > 0) {
    log.warning({
      code: 'convert-postman-host-missing',
      path: '/item',
      message: 'no request has an absolute URL, so the converted definition has no host — use {{baseUrl}} with a collection variable, or set the host when importing',
    });
  }
  if (main !== undefined && main.unresolved.length > 0) {
    const first = located.find((request) => sameOrigin(request.origin, main));
    log.warning({
      code: 'convert-postman-host-placeholder',
      path: first === undefined ? '' : urlPathOf(first.entry),
      message: `the host uses ${main.unresolved.map((name) => `{{${name}}}`).join(', ')}, which the collection does not define, so the placeholder host \`${main.host}\` is used — define the variable in the collection or set the host of the converted definition`,
    });
  }

  const security = createSecurityRegistry(ctx);
  const collectionAuth = child(root, 'auth');
  const rootSecurity = isRecord(collectionAuth.value) ? security.requirementFor(collectionAuth) : undefined;
  const allocate = createOperationIdAllocator();
  const paths: JsonObject = {};
  for (const request of located) {
    const method = (stringOf(isRecord(request.entry.request.value) ? request.entry.request.value.method : undefined) ?? 'GET').toLowerCase();
    if (!METHODS.has(method)) {
      log.warning({ code: 'convert-postman-method-unsupported', path: request.entry.request.path, message: `request \`${request.entry.name}\` uses ${method.toUpperCase()}, which Swagger 2.0 cannot describe; it is skipped` });
      continue;
    }
    const onMain = sameOrigin(request.origin, main);
    if (!onMain) {
      log.warning({
        code: 'convert-postman-host-mismatch',
        path: urlPathOf(request.entry),
        message: `request \`${request.entry.name}\` targets \`${request.origin.host}\`, not the definition's host \`${main?.host ?? ''}\`; it is kept but will be sent to \`${main?.host ?? ''}\` — move it to its own connector if it lives elsewhere`,
      });
    }
    const prefix = onMain ? request.origin.prefix.slice(basePathSegments.length) : request.origin.prefix;
    const template = buildPathTemplate([...prefix, ...request.url.segments]);
    const existing = paths[template.path];
    const pathItem: JsonObject = isRecord(existing) ? existing : {};
    if (pathItem[method] !== undefined) {
      log.warning({
        code: 'convert-postman-duplicate-operation',
        path: request.entry.item.path,
        message: `request \`${request.entry.name}\` is skipped: another request already describes ${method.toUpperCase()} ${template.path}, and Swagger 2.0 has one operation per method and path`,
      });
      continue;
    }
    pathItem[method] = buildOperation(ctx, { request, method, template, security, rootSecurity, allocate });
    setOwn(paths, template.path, pathItem);
  }

  const info = child(root, 'info').value;
  const out: JsonObject = { swagger: '2.0', info: convertInfo(info) };
  if (main !== undefined && main.host !== '') out.host = main.host;
  out.basePath = basePathSegments.length === 0 ? '/' : `/${basePathSegments.join('/')}`;
  if (main !== undefined) out.schemes = [main.scheme ?? 'https'];
  out.paths = paths;
  if (Object.keys(security.definitions).length > 0) out.securityDefinitions = security.definitions;
  if (rootSecurity !== undefined && rootSecurity.length > 0) out.security = rootSecurity;
  if (tags.length > 0) out.tags = tags.map((tag) => ({ ...tag }));
  return { document: out, issues: log.issues };
}

/** Why the document cannot be converted at all, or undefined when it is a v2.1 collection. */
function rejectionOf(document: unknown): { code: string; path: string; message: string } | undefined {
  if (isRecord(document) && isPostmanV1(document)) {
    return { code: 'convert-postman-version', path: '', message: `this is a Postman collection v1, which is not supported — ${EXPORT_FIX}` };
  }
  const kind = detectDocumentKind(document);
  if (kind !== 'postman' || !isRecord(document)) {
    const what = kind === 'openapi3' ? 'an OpenAPI 3 document — convert it with the OpenAPI 3 converter' : kind === 'swagger2' ? 'already Swagger 2.0 — load it directly' : 'not a Postman collection (no info._postman_id or info.schema)';
    return { code: 'convert-not-postman', path: '', message: `the document is ${what}` };
  }
  const info = isRecord(document.info) ? document.info : {};
  const schema = stringOf(info.schema) ?? '';
  const version = /collection\/(v[0-9][0-9.]*)/.exec(schema)?.[1]?.replace(/\.$/, '');
  if (version !== undefined && !version.startsWith('v2.1')) {
    return { code: 'convert-postman-version', path: '/info/schema', message: `Postman collection ${version} is not supported — ${EXPORT_FIX}` };
  }
  return undefined;
}

function convertInfo(info: unknown): JsonObject {
  const source = isRecord(info) ? info : {};
  const out: JsonObject = { title: stringOf(source.name) ?? 'Postman collection' };
  const description = descriptionOf(source.description);
  if (description !== undefined) out.description = description;
  const version = source.version;
  if (typeof version === 'string' && version !== '') out.version = version;
  else if (isRecord(version)) out.version = [version.major, version.minor, version.patch].map((part) => String(part ?? 0)).join('.');
  else out.version = '1.0.0';
  return out;
}

/** The most common origin (ties: the first met). */
function chooseOrigin(requests: readonly LocatedRequest[]): ResolvedOrigin | undefined {
  const counts = new Map<string, { origin: ResolvedOrigin; count: number }>();
  for (const request of requests) {
    if (request.origin.host === '') continue;
    const key = originKey(request.origin);
    const current = counts.get(key);
    if (current === undefined) counts.set(key, { origin: request.origin, count: 1 });
    else current.count++;
  }
  let best: { origin: ResolvedOrigin; count: number } | undefined;
  for (const candidate of counts.values()) if (best === undefined || candidate.count > best.count) best = candidate;
  return best?.origin;
}

function originKey(origin: ResolvedOrigin): string {
  return `${origin.scheme ?? ''}://${origin.host}`;
}

function sameOrigin(origin: ResolvedOrigin, main: ResolvedOrigin | undefined): boolean {
  if (main === undefined || origin.host === '') return true;
  return origin.host === main.host && (origin.scheme === undefined || main.scheme === undefined || origin.scheme === main.scheme);
}

/** The path segments every list starts with (the base path a `{{baseUrl}}` such as `https://host/v1` contributes). */
function commonPrefix(lists: ReadonlyArray<readonly string[]>): string[] {
  const [first, ...rest] = lists;
  if (first === undefined) return [];
  let length = first.length;
  for (const list of rest) {
    let i = 0;
    while (i < length && i < list.length && list[i] === first[i]) i++;
    length = i;
  }
  return first.slice(0, length);
}

function urlPathOf(entry: RequestEntry): string {
  return typeof entry.request.value === 'string' ? entry.request.path : `${entry.request.path}/url`;
}

function buildOperation(
  ctx: PostmanContext,
  args: {
    request: LocatedRequest;
    method: string;
    template: PathTemplate;
    security: SecurityRegistry;
    rootSecurity: JsonObject[] | undefined;
    allocate: (base: string) => string;
  },
): JsonObject {
  const { request, method, template, security, rootSecurity, allocate } = args;
  const { entry, url } = request;
  const requestValue = isRecord(entry.request.value) ? entry.request.value : {};
  const itemValue = isRecord(entry.item.value) ? entry.item.value : {};
  const out: JsonObject = {};
  const innermostFolder = entry.folders.at(-1);
  if (innermostFolder !== undefined) out.tags = [innermostFolder];
  if (entry.name !== '') out.summary = entry.name;
  const description = descriptionOf(requestValue.description) ?? descriptionOf(itemValue.description);
  if (description !== undefined) out.description = description;
  out.operationId = allocate(operationIdFromName(entry.name, `${method} ${template.path}`));

  const headers = splitHeaders(ctx, readHeaders(child(entry.request, 'header')));
  const body = convertBody(ctx, { node: child(entry.request, 'body'), contentType: headers.contentType });
  const responses = convertExampleResponses(ctx, entry.item);
  const consumes = body.consumes.length > 0 ? body.consumes : headers.contentType === undefined ? [] : [headers.contentType];
  if (consumes.length > 0) out.consumes = consumes;
  const produces = [...responses.produces];
  if (headers.accept !== undefined && !produces.includes(headers.accept)) produces.unshift(headers.accept);
  if (produces.length > 0) out.produces = produces;
  const parameters = [...pathParameters(template, url), ...queryParameters(ctx, url.query), ...headers.parameters, ...body.parameters];
  if (parameters.length > 0) out.parameters = parameters;
  out.responses = responses.responses;

  let requirement = security.requirementFor(entry.auth);
  if (requirement === undefined && entry.auth === undefined && headers.authorization !== undefined) {
    requirement = security.requirementForHeader({ value: headers.authorization.value, node: headers.authorization.node });
  }
  const inherited = rootSecurity ?? [];
  if (requirement !== undefined && !sameJson(requirement, inherited)) out.security = requirement;
  return out;
}
