/**
 * The answer of the mock for one accepted request: the operation's success response (lowest 2xx,
 * else `default`), its declared example when valid, else a generated value that validates against
 * the response schema; a body shaped for the produced media type; declared response headers; 201 +
 * `Location` for webhook subscriptions; a next link on the first page of a pageable operation.
 */
import type { Operation, OperationResponse } from '../../connectors/index.ts';
import type { Logger } from '../../core/index.ts';
import { isJsonMediaType, mediaTypeOf } from './check-request.ts';
import type { ValueGenerator } from './generate-value.ts';
import { isRecord } from './json.ts';
import type { SchemaValidator } from './schema-validator.ts';

/** Query parameter the mock adds to a next link, so the second page knows it is the last. */
export const PAGE_PARAMETER = '__mockPage';

/** A response ready to be written. */
export interface MockAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Uint8Array | undefined;
  /** The JSON value of the body, when the body is JSON. */
  readonly value?: unknown;
}

/** What building an answer needs. */
export interface AnswerContext {
  readonly generator: ValueGenerator;
  readonly validator: SchemaValidator;
  readonly logger: Logger;
  readonly seed: number;
  /** True for query parameters that carry credentials (apiKey schemes); they are left out of next links. */
  readonly isCredentialQuery: (name: string) => boolean;
}

/** The request an answer is for: where it came in, and the mock's public origin. */
export interface AnswerRequest {
  readonly origin: string;
  /** Raw path as received. */
  readonly path: string;
  readonly query: URLSearchParams;
  /** Set for a webhook subscription: the URL to answer in `Location`. */
  readonly location?: string;
  /** Top-level properties the JSON answer must carry besides the generated ones (auxiliary calls). */
  readonly extraValues?: Readonly<Record<string, unknown>>;
}

/** The response the mock answers with: lowest declared 2xx, else `default`, else none. */
export function successResponse(operation: Operation): OperationResponse | undefined {
  const responses = operation.responses ?? [];
  const successes = responses.filter((response) => /^2\d\d$/.test(response.status)).sort((a, b) => Number(a.status) - Number(b.status));
  return successes[0] ?? responses.find((response) => response.status.toLowerCase() === 'default');
}

/** True for webhook subscribe operations and "send and wait for a callback" actions. */
export function isSubscription(operation: Operation): boolean {
  return (operation.kind === 'trigger' && operation.trigger?.kind === 'webhook') || operation.callbackUrl !== undefined;
}

/** The status the mock answers an accepted request of `operation` with. */
export function answerStatus(operation: Operation): number {
  if (isSubscription(operation)) return 201;
  const response = successResponse(operation);
  return response !== undefined && /^2\d\d$/.test(response.status) ? Number(response.status) : 200;
}

function isBinarySchema(schema: Readonly<Record<string, unknown>>): boolean {
  return schema['type'] === 'file' || (schema['type'] === 'string' && schema['format'] === 'binary');
}

/** The media type of the answer: JSON when the operation produces it (or declares nothing). */
function answerMediaType(operation: Operation, schema: Readonly<Record<string, unknown>> | undefined): string {
  const produces = operation.produces.map((type) => type.trim()).filter((type) => type !== '');
  if (produces.length === 0) return 'application/json';
  if (schema !== undefined && isBinarySchema(schema)) {
    const binary = produces.find((type) => !isJsonMediaType(type) && !mediaTypeOf(type).startsWith('text/'));
    if (binary !== undefined) return binary;
  }
  return produces.find(isJsonMediaType) ?? produces[0] ?? 'application/json';
}

/** Examples the definition declares for `response` in `mediaType` (response `examples`, operation `x-ms-examples`). */
function declaredExamples(operation: Operation, response: OperationResponse, mediaType: string): unknown[] {
  const out: unknown[] = [];
  const examples = response.unmodelled?.['examples'];
  if (isRecord(examples)) {
    for (const [type, value] of Object.entries(examples)) {
      if (mediaTypeOf(type) === mediaTypeOf(mediaType) || (isJsonMediaType(type) && isJsonMediaType(mediaType))) out.push(value);
    }
  }
  const msExamples = operation.extensions?.['x-ms-examples'];
  if (isRecord(msExamples)) {
    for (const example of Object.values(msExamples)) {
      const responses = isRecord(example) ? example['responses'] : undefined;
      const entry = isRecord(responses) ? responses[response.status] : undefined;
      if (isRecord(entry) && entry['body'] !== undefined) out.push(entry['body']);
    }
  }
  return out;
}

/** Builds the answer for an accepted request of `operation`. */
export function buildAnswer(operation: Operation, request: AnswerRequest, context: AnswerContext): MockAnswer {
  const response = successResponse(operation);
  const status = answerStatus(operation);
  const headers: Record<string, string> = {};
  if (response?.headers !== undefined) Object.assign(headers, declaredHeaders(response.headers, context));
  if (request.location !== undefined) headers['location'] = request.location;
  const schema = response?.schema;
  if (request.extraValues !== undefined && (response === undefined || schema === undefined)) {
    headers['content-type'] = 'application/json; charset=utf-8';
    return { status: status === 204 ? 200 : status, headers, body: encoder.encode(JSON.stringify(request.extraValues)), value: request.extraValues };
  }
  if (status === 204 || response === undefined || schema === undefined) return { status, headers, body: undefined };

  const mediaType = answerMediaType(operation, schema);
  let value = chooseValue(operation, response, schema, mediaType, context);
  if (request.extraValues !== undefined && isRecord(value)) value = { ...value, ...request.extraValues };
  if (operation.pageable?.nextLinkName !== undefined && operation.pageable.nextLinkName !== null && isRecord(value)) {
    value = withPaging(value, operation.pageable.nextLinkName, request, context);
  }
  headers['content-type'] = contentTypeHeader(mediaType);
  return { status, headers, body: serialize(value, mediaType, schema), value: isJsonMediaType(mediaType) ? value : undefined };
}

function chooseValue(operation: Operation, response: OperationResponse, schema: Readonly<Record<string, unknown>>, mediaType: string, context: AnswerContext): unknown {
  const valid = (value: unknown): boolean => {
    const result = context.validator.check({ schema, value, direction: 'response', where: 'body' });
    return result.problems.length === 0;
  };
  for (const example of declaredExamples(operation, response, mediaType)) {
    if (!isJsonMediaType(mediaType) || valid(example)) return example;
  }
  const generated = context.generator.generate(schema, { seed: context.seed });
  if (!isJsonMediaType(mediaType) || valid(generated)) return generated;
  const plain = context.generator.generate(schema, { seed: context.seed, useExamples: false });
  if (!valid(plain)) {
    const problems = context.validator.check({ schema, value: plain, direction: 'response', where: 'body' }).problems.slice(0, 3);
    context.logger.warn('mock: generated response does not satisfy its schema', { operationId: operation.operationId, status: response.status, problems });
  }
  return plain;
}

/**
 * First page: the next link points back at the mock; a page asked for with the marker has none.
 * Credentials in the query are not copied into the link (the caller adds them to every call).
 */
function withPaging(value: Readonly<Record<string, unknown>>, nextLinkName: string, request: AnswerRequest, context: AnswerContext): Record<string, unknown> {
  const out: Record<string, unknown> = { ...value };
  if (request.query.has(PAGE_PARAMETER)) {
    Reflect.deleteProperty(out, nextLinkName);
    return out;
  }
  const query = new URLSearchParams([...request.query].filter(([name]) => !context.isCredentialQuery(name)));
  query.set(PAGE_PARAMETER, '2');
  Object.defineProperty(out, nextLinkName, { value: `${request.origin}${request.path}?${query.toString()}`, enumerable: true, writable: true, configurable: true });
  return out;
}

const SKIPPED_HEADERS = new Set(['content-type', 'content-length', 'transfer-encoding', 'connection', 'location']);

/** Declared response headers with generated values (header objects are schema-shaped). */
function declaredHeaders(declared: Readonly<Record<string, unknown>>, context: AnswerContext): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, header] of Object.entries(declared)) {
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name) || SKIPPED_HEADERS.has(name.toLowerCase())) continue;
    const value = context.generator.generate(isRecord(header) ? header : {}, { seed: context.seed });
    out[name.toLowerCase()] = headerText(value);
  }
  return out;
}

/** Renders a value as a valid header value (visible ASCII and spaces). */
export function headerText(value: unknown): string {
  const text = typeof value === 'string' ? value : Array.isArray(value) ? value.map((item) => (typeof item === 'string' ? item : JSON.stringify(item))).join(',') : JSON.stringify(value) ?? '';
  return text.replace(/[^\x20-\x7e\t]/g, '?');
}

function contentTypeHeader(mediaType: string): string {
  const type = mediaTypeOf(mediaType);
  return type.startsWith('text/') || isJsonMediaType(type) || type.endsWith('xml') ? `${mediaType}; charset=utf-8` : mediaType;
}

const encoder = new TextEncoder();

/** Tiny but real files, so a client that sniffs the bytes sees the declared type. */
const PNG_1X1 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
const GIF_1X1 = 'R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7';

function serialize(value: unknown, mediaType: string, schema: Readonly<Record<string, unknown>>): Uint8Array {
  const type = mediaTypeOf(mediaType);
  if (isJsonMediaType(type)) return encoder.encode(JSON.stringify(value));
  if (type.endsWith('/xml') || type.endsWith('+xml')) return encoder.encode(toXml(value));
  if (type.startsWith('text/')) return encoder.encode(typeof value === 'string' ? value : JSON.stringify(value));
  if (type === 'image/png') return new Uint8Array(Buffer.from(PNG_1X1, 'base64'));
  if (type === 'image/gif') return new Uint8Array(Buffer.from(GIF_1X1, 'base64'));
  if (type === 'application/pdf') return encoder.encode('%PDF-1.4\n% Plugboard mock document\n%%EOF\n');
  if (schema['format'] === 'byte' && typeof value === 'string') return new Uint8Array(Buffer.from(value, 'base64'));
  return encoder.encode(typeof value === 'string' ? value : JSON.stringify(value));
}

function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

function xmlName(name: string): string {
  const cleaned = name.replace(/[^A-Za-z0-9_.-]/g, '_');
  return /^[A-Za-z_]/.test(cleaned) ? cleaned : `_${cleaned}`;
}

function xmlElement(name: string, value: unknown): string {
  const tag = xmlName(name);
  if (Array.isArray(value)) return value.map((item) => xmlElement(name, item)).join('');
  if (isRecord(value)) return `<${tag}>${Object.entries(value).map(([key, child]) => xmlElement(key, child)).join('')}</${tag}>`;
  return `<${tag}>${escapeXml(value === null ? '' : String(value))}</${tag}>`;
}

/** A plain XML rendering of a JSON value (a string that already is XML is sent as is). */
function toXml(value: unknown): string {
  if (typeof value === 'string' && value.trimStart().startsWith('<')) return value;
  return `<?xml version="1.0" encoding="utf-8"?>${xmlElement('root', value)}`;
}
