/**
 * Checks an incoming request against the operation as the backend sees it: required path, query,
 * header and formData parameters present; types and enums of non-body values; the body present
 * when required and, when JSON and not reshaped by a policy, valid against its schema; and the
 * credentials the security requirement asks for. Problems name the place (`query.top`) and never
 * echo a value the caller sent.
 */
import { collectionSeparator } from '../invoke/build-request.ts';
import type { ConnectorDefinition, Operation, Parameter, SecurityRequirement } from '../../connectors/index.ts';
import type { Logger } from '../../core/index.ts';
import { isRecord } from './json.ts';
import type { BackendView } from './route-table.ts';
import type { SchemaValidator } from './schema-validator.ts';

/** One thing wrong with a request, as the mock reports it. */
export interface MockProblem {
  /** `query.top`, `header.X-Api-Key`, `path.id`, `formData.file`, `body.items[0].name`. */
  readonly where: string;
  readonly message: string;
}

/** The parts of an HTTP request the checks read. */
export interface MockRequest {
  /** Upper-case. */
  readonly method: string;
  /** The raw (still percent-encoded) path. */
  readonly path: string;
  readonly query: URLSearchParams;
  /** Lower-case names, as node:http gives them. */
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  readonly body: Uint8Array;
}

/** What the checks found, plus the body as read (JSON value, text, or form). */
export interface CheckedRequest {
  readonly problems: readonly MockProblem[];
  readonly body?: unknown;
}

/** What the checks need besides the request. */
export interface CheckContext {
  readonly definition: ConnectorDefinition;
  readonly validator: SchemaValidator;
  readonly logger: Logger;
}

/** The value of a header (several values joined), or undefined. */
function headerValue(request: Pick<MockRequest, 'headers'>, name: string): string | undefined {
  const value = request.headers[name.toLowerCase()];
  if (value === undefined) return undefined;
  return typeof value === 'string' ? value : value.join(', ');
}

/** The media type of a content-type header, lower-case, without parameters. */
export function mediaTypeOf(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/** True for JSON media types (`application/json`, `text/json`, `application/*+json`, OData flavours). */
export function isJsonMediaType(mediaType: string): boolean {
  const type = mediaTypeOf(mediaType);
  return type === 'application/json' || type === 'text/json' || type.endsWith('+json') || type.startsWith('application/json');
}

/** The operation a request is checked against, as the backend sees it. */
export interface CheckTarget extends CheckContext {
  readonly operation: Operation;
  readonly view: BackendView;
  /** Path parameter values the route match found. */
  readonly params: Readonly<Record<string, string>>;
  /** False for requests whose body is not the operation's (a next-page request). Default true. */
  readonly checkBody?: boolean;
}

/** Checks `request` against the target operation. */
export async function checkRequest(request: MockRequest, target: CheckTarget): Promise<CheckedRequest> {
  const { operation, view } = target;
  const problems: MockProblem[] = [];
  const addedHeaders = new Set(view.addedHeaders.map((name) => name.toLowerCase()));
  const addedQuery = new Set(view.addedQuery);
  let body: unknown;

  for (const parameter of operation.parameters) {
    switch (parameter.in) {
      case 'path':
        checkPath(parameter, target.params, problems);
        break;
      case 'query':
        checkQuery(parameter, request.query, addedQuery.has(parameter.name), problems);
        break;
      case 'header':
        checkHeader(parameter, request, addedHeaders.has(parameter.name.toLowerCase()), problems);
        break;
      default:
        break;
    }
  }

  const formParameters = operation.parameters.filter((parameter) => parameter.in === 'formData');
  const bodyParameter = operation.parameters.find((parameter) => parameter.in === 'body');
  const checkBodies = !view.bodyTransformed && target.checkBody !== false;
  if (formParameters.length > 0 && checkBodies) body = await checkForm(formParameters, request, problems);
  else if (bodyParameter !== undefined && checkBodies) problems.push(...checkBody(request, { ...target, parameter: bodyParameter, read: (value) => (body = value) }));
  else body = readBodyLoosely(request);

  problems.push(...checkSecurity(request, target));
  return { problems, body };
}

// ---------------------------------------------------------------------------------------------
// scalar values

/** The `items` of an array parameter as a parameter-like shape. */
function itemsOf(parameter: Pick<Parameter, 'items'>): { type?: string; enum?: readonly unknown[] } {
  const items = parameter.items;
  if (!isRecord(items)) return {};
  return { type: typeof items['type'] === 'string' ? items['type'] : undefined, enum: Array.isArray(items['enum']) ? items['enum'] : undefined };
}

/** Problems of one text value against a type and enum (no value echoed). */
function scalarProblems(shape: { type?: string; enum?: readonly unknown[] }, value: string, where: string, kind: string): MockProblem[] {
  const out: MockProblem[] = [];
  const text = kind === 'header' && where.toLowerCase().endsWith('.content-type') ? mediaTypeOf(value) : value;
  if (shape.type === 'integer' && !/^[-+]?\d+$/.test(text.trim())) out.push({ where, message: `${kind} value must be an integer` });
  else if (shape.type === 'number' && (text.trim() === '' || !Number.isFinite(Number(text)))) out.push({ where, message: `${kind} value must be a number` });
  else if (shape.type === 'boolean' && !/^(true|false)$/i.test(text.trim())) out.push({ where, message: `${kind} value must be true or false` });
  if (shape.enum !== undefined && shape.enum.length > 0) {
    const allowed = shape.enum.map((entry) => (typeof entry === 'string' ? entry : JSON.stringify(entry)));
    const comparable = kind === 'header' && where.toLowerCase().endsWith('.content-type') ? allowed.map(mediaTypeOf) : allowed;
    if (!comparable.includes(text)) out.push({ where, message: `${kind} value is not one of the allowed values ${allowed.map((a) => JSON.stringify(a)).join(', ')}` });
  }
  return out;
}

/** Checks the values of a parameter (one text, or the items of an array parameter). */
function valueProblems(parameter: Parameter, values: readonly string[], where: string, kind: string): MockProblem[] {
  if (parameter.type === 'array') {
    const items = itemsOf(parameter);
    const parts = parameter.collectionFormat === 'multi' ? values : values.flatMap((value) => value.split(collectionSeparator(parameter.collectionFormat)));
    return parts.flatMap((part) => scalarProblems(items, part, where, kind)).slice(0, 1);
  }
  return values.flatMap((value) => scalarProblems(parameter, value, where, kind)).slice(0, 1);
}

function checkPath(parameter: Parameter, params: Readonly<Record<string, string>>, problems: MockProblem[]): void {
  // A policy may route the call to a path without this parameter; then there is nothing to check.
  if (!Object.hasOwn(params, parameter.name)) return;
  let value = params[parameter.name] ?? '';
  if (parameter.urlEncoding === 'double') {
    try {
      value = decodeURIComponent(value);
    } catch {
      // Not double-encoded after all (a literal `%`): keep the value as received.
    }
  }
  const where = `path.${parameter.name}`;
  if (value === '') {
    problems.push({ where, message: `path parameter \`${parameter.name}\` is empty — it needs a value` });
    return;
  }
  problems.push(...valueProblems(parameter, [value], where, 'path'));
}

function queryValues(query: URLSearchParams, name: string): string[] {
  const exact = query.getAll(name);
  if (exact.length > 0) return exact;
  const lower = name.toLowerCase();
  return [...query].filter(([key]) => key.toLowerCase() === lower).map(([, value]) => value);
}

function checkQuery(parameter: Parameter, query: URLSearchParams, addedByPolicy: boolean, problems: MockProblem[]): void {
  const where = `query.${parameter.name}`;
  const values = queryValues(query, parameter.name);
  if (values.length === 0) {
    if (parameter.required) problems.push({ where, message: `required query parameter \`${parameter.name}\` is missing — the operation declares it required` });
    return;
  }
  if (!addedByPolicy) problems.push(...valueProblems(parameter, values, where, 'query'));
}

function checkHeader(parameter: Parameter, request: MockRequest, addedByPolicy: boolean, problems: MockProblem[]): void {
  const where = `header.${parameter.name}`;
  const value = headerValue(request, parameter.name);
  if (value === undefined) {
    if (parameter.required) problems.push({ where, message: `required header \`${parameter.name}\` is missing — the operation declares it required` });
    return;
  }
  if (!addedByPolicy) problems.push(...valueProblems(parameter, [value], where, 'header'));
}

// ---------------------------------------------------------------------------------------------
// bodies

const decoder = new TextDecoder();

function readBodyLoosely(request: MockRequest): unknown {
  if (request.body.length === 0) return undefined;
  const text = decoder.decode(request.body);
  if (isJsonMediaType(headerValue(request, 'content-type') ?? '')) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}

function isBinarySchema(schema: Readonly<Record<string, unknown>> | undefined): boolean {
  if (schema === undefined) return false;
  return schema['type'] === 'file' || schema['format'] === 'binary';
}

/** Problems of a body parameter; `read` receives the body as read (JSON value or text). */
function checkBody(request: MockRequest, target: CheckTarget & { readonly parameter: Parameter; readonly read: (value: unknown) => void }): MockProblem[] {
  const { parameter } = target;
  if (request.body.length === 0) {
    return parameter.required ? [{ where: 'body', message: `the body (parameter \`${parameter.name}\`) is required but the request has none` }] : [];
  }
  const mediaType = mediaTypeOf(headerValue(request, 'content-type'));
  const text = decoder.decode(request.body);
  target.read(text);
  if (isBinarySchema(parameter.schema)) return [];
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    // XML or text bodies are not checked against the schema; a string schema accepts raw text too.
    return isJsonMediaType(mediaType) ? [{ where: 'body', message: `the body is not valid JSON (${error instanceof Error ? error.message : String(error)}) — send the body as JSON` }] : [];
  }
  target.read(value);
  if (parameter.schema === undefined) return [];
  if (!isJsonMediaType(mediaType) && mediaType !== '' && typeof value !== 'object') return [];
  const result = target.validator.check({ schema: parameter.schema, value, direction: 'request', where: 'body' });
  if (result.compileError !== undefined) {
    target.logger.warn('mock: body schema could not be compiled; body not checked', { operationId: target.operation.operationId, reason: result.compileError });
  }
  return [...result.problems];
}

async function checkForm(parameters: readonly Parameter[], request: MockRequest, problems: MockProblem[]): Promise<unknown> {
  const contentType = headerValue(request, 'content-type') ?? '';
  const mediaType = mediaTypeOf(contentType);
  const fields = new Map<string, (string | { filename: string; size: number })[]>();
  const add = (name: string, value: string | { filename: string; size: number }): void => {
    const list = fields.get(name) ?? [];
    list.push(value);
    fields.set(name, list);
  };
  if (mediaType === 'multipart/form-data') {
    try {
      const form = await new Response(request.body, { headers: { 'content-type': contentType } }).formData();
      for (const [name, value] of form) add(name, typeof value === 'string' ? value : { filename: value.name, size: value.size });
    } catch (error) {
      problems.push({ where: 'body', message: `the multipart body cannot be read (${error instanceof Error ? error.message : String(error)})` });
      return undefined;
    }
  } else if (mediaType === 'application/x-www-form-urlencoded' || (mediaType === '' && request.body.length > 0)) {
    for (const [name, value] of new URLSearchParams(decoder.decode(request.body))) add(name, value);
  } else if (request.body.length > 0) {
    problems.push({ where: 'body', message: `the operation takes form fields, but the body is \`${mediaType}\` — send multipart/form-data or application/x-www-form-urlencoded` });
    return undefined;
  }
  for (const parameter of parameters) {
    const where = `formData.${parameter.name}`;
    const values = fields.get(parameter.name) ?? [];
    if (values.length === 0) {
      if (parameter.required) problems.push({ where, message: `required form field \`${parameter.name}\` is missing — the operation declares it required` });
      continue;
    }
    if (parameter.type === 'file') continue;
    const texts = values.filter((value): value is string => typeof value === 'string');
    problems.push(...valueProblems(parameter, texts, where, 'form field'));
  }
  return Object.fromEntries(fields);
}

// ---------------------------------------------------------------------------------------------
// security

/**
 * Problems when no alternative of the security requirement is satisfied (apiKey and basic are
 * checked; OAuth is not). A header or query parameter a request policy sets (setheader
 * `Authorization: Basic @connectionParameters(…)`) counts as present: the policy owns it.
 * With connection parameter sets the document's `security` cannot say which set a connection
 * uses, so each scheme alone is an alternative, and a bearer token satisfies it when a set signs
 * in with OAuth (AvePoint Cloud Governance, Open Data Network).
 */
function checkSecurity(request: Pick<MockRequest, 'headers' | 'query'>, target: Pick<CheckTarget, 'operation' | 'definition' | 'view'>): MockProblem[] {
  const { operation, definition, view } = target;
  const declared: readonly SecurityRequirement[] = operation.security ?? definition.security ?? [];
  if (declared.length === 0) return [];
  const sets = definition.connection.parameterSets;
  const requirements = sets === undefined ? declared : declared.flatMap((requirement) => Object.keys(requirement).map((name) => ({ [name]: [] })));
  if (sets !== undefined && sets.values.some((set) => set.parameters.some((parameter) => parameter.type === 'oauthSetting')) && /^bearer\s+\S+/i.test(headerValue(request, 'authorization') ?? '')) return [];
  const addedHeaders = new Set(view.addedHeaders.map((name) => name.toLowerCase()));
  const addedQuery = new Set(view.addedQuery.map((name) => name.toLowerCase()));
  let firstProblems: MockProblem[] | undefined;
  for (const requirement of requirements) {
    const problems: MockProblem[] = [];
    for (const schemeName of Object.keys(requirement)) {
      const scheme = definition.securityDefinitions.find((candidate) => candidate.name === schemeName);
      if (scheme === undefined) continue;
      if (scheme.type === 'apiKey' && scheme.in === 'header') {
        if (!addedHeaders.has(scheme.parameterName.toLowerCase()) && (headerValue(request, scheme.parameterName) ?? '').trim() === '') {
          problems.push({ where: `header.${scheme.parameterName}`, message: `API key header \`${scheme.parameterName}\` (security scheme \`${scheme.name}\`) is missing — the connection must send it` });
        }
      } else if (scheme.type === 'apiKey' && scheme.in === 'query') {
        if (!addedQuery.has(scheme.parameterName.toLowerCase()) && queryValues(request.query, scheme.parameterName).every((value) => value === '')) {
          problems.push({ where: `query.${scheme.parameterName}`, message: `API key query parameter \`${scheme.parameterName}\` (security scheme \`${scheme.name}\`) is missing — the connection must send it` });
        }
      } else if (scheme.type === 'basic' && !addedHeaders.has('authorization') && !/^basic\s+\S+/i.test(headerValue(request, 'authorization') ?? '')) {
        problems.push({ where: 'header.Authorization', message: `basic credentials (security scheme \`${scheme.name}\`) are missing — the connection must send \`Authorization: Basic …\`` });
      }
    }
    if (problems.length === 0) return [];
    firstProblems ??= problems;
  }
  return firstProblems ?? [];
}
