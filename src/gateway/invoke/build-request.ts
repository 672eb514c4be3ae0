/**
 * Builds the outgoing request of one operation from argument values: path, query, header, body
 * and formData parameters; defaults; enums; required checks naming the parameter;
 * `x-ms-url-encoding`; collection formats; internal parameters filled from their defaults.
 */
import type { ConnectorDefinition, Operation, Parameter } from '../../connectors/index.ts';
import { parameterInvalid, parameterMissing } from '../errors.ts';
import type { ParameterProblem } from '../errors.ts';
import type { FilePart, OutgoingRequest } from './outgoing-request.ts';

/** Argument values keyed by parameter name (the body parameter's value is the whole body). */
export type OperationArguments = Readonly<Record<string, unknown>>;

/** What {@link buildRequest} produces. */
export interface BuiltRequest {
  readonly request: OutgoingRequest;
  /** Raw (unencoded) path parameter values, for policies that rebuild the path. */
  readonly pathParameters: Readonly<Record<string, string>>;
}

/** The backend base URL from `schemes`, `host` and `basePath`; `undefined` when the document has no host. */
export function baseUrlOf(definition: Pick<ConnectorDefinition, 'schemes' | 'host' | 'basePath'>): string | undefined {
  if (definition.host === undefined || definition.host.trim() === '') return undefined;
  const schemes = definition.schemes.map((s) => s.toLowerCase());
  const scheme = schemes.includes('https') ? 'https' : (schemes[0] ?? 'https');
  return `${scheme}://${definition.host.trim()}${normalizeBasePath(definition.basePath)}`;
}

/** `/` and `` become ``; a missing leading slash is added; a trailing slash is dropped. */
export function normalizeBasePath(basePath: string | undefined): string {
  if (basePath === undefined) return '';
  let path = basePath.trim();
  if (path === '' || path === '/') return '';
  if (!path.startsWith('/')) path = `/${path}`;
  return path.endsWith('/') ? path.slice(0, -1) : path;
}

/** Builds the request of `operation` from `args`. Throws UserInputError naming the parameter on bad input. */
export function buildRequest(definition: ConnectorDefinition, operation: Operation, args: OperationArguments): BuiltRequest {
  const pathParameters: Record<string, string> = {};
  const query: [string, string][] = [];
  const headers: Record<string, string> = {};
  const formFields: [string, string | FilePart][] = [];
  let body: unknown;
  let multipart = false;

  for (const parameter of operation.parameters) {
    const problem: ParameterProblem = { operationId: operation.operationId, parameter: parameter.name, in: parameter.in };
    const value = argumentValue(parameter, args, definition);
    if (value === undefined || value === null) {
      if (parameter.required) throw parameterMissing(problem);
      continue;
    }
    switch (parameter.in) {
      case 'path': {
        const text = scalarOrCollection(parameter, value, problem);
        if (text === '') throw parameterInvalid(problem, 'is empty — a path parameter needs a non-empty value');
        pathParameters[parameter.name] = text;
        break;
      }
      case 'query': {
        for (const item of queryValues(parameter, value, problem)) query.push([parameter.name, item]);
        break;
      }
      case 'header': {
        const text = scalarOrCollection(parameter, value, problem);
        if (/[\r\n\0]/.test(text)) throw parameterInvalid(problem, 'contains a line break or NUL, which a header value cannot hold');
        headers[parameter.name.toLowerCase()] = text;
        break;
      }
      case 'body':
        body = bodyValue(operation, parameter, value, definition, problem);
        break;
      case 'formData': {
        if (parameter.type === 'file') {
          multipart = true;
          formFields.push([parameter.name, filePart(value, parameter.name, problem)]);
        } else {
          for (const item of queryValues(parameter, value, problem)) formFields.push([parameter.name, item]);
        }
        break;
      }
      default:
        break;
    }
  }

  const path = fillPath(operation, pathParameters);
  if (formFields.length > 0) {
    const consumesMultipart = operation.consumes.some((type) => type.toLowerCase().startsWith('multipart/form-data'));
    body = { kind: 'form', multipart: multipart || consumesMultipart, fields: formFields };
  }
  if (body !== undefined && headers['content-type'] === undefined) {
    const contentType = contentTypeFor(operation, body);
    if (contentType !== undefined) headers['content-type'] = contentType;
  }
  const accept = operation.produces.find((type) => type.trim() !== '');
  if (accept !== undefined && headers['accept'] === undefined) headers['accept'] = operation.produces.join(', ');

  return {
    request: { method: operation.method.toUpperCase(), baseUrl: baseUrlOf(definition) ?? '', path, query, headers, body },
    pathParameters,
  };
}

/** The caller's value, else the default for internal parameters (and for required ones the caller left out). */
function argumentValue(parameter: Parameter, args: OperationArguments, definition: ConnectorDefinition): unknown {
  const given = Object.hasOwn(args, parameter.name) ? args[parameter.name] : undefined;
  if (parameter.in === 'body') {
    const value = given === undefined ? parameter.default : given;
    return value === undefined && parameter.schema !== undefined && parameter.required ? fillInternalDefaults(undefined, parameter.schema, definition, 0) : value;
  }
  if (given !== undefined) return given;
  if (parameter.default !== undefined && (parameter.required || parameter.visibility === 'internal')) return parameter.default;
  return undefined;
}

function scalarOrCollection(parameter: Parameter, value: unknown, problem: ParameterProblem): string {
  if (Array.isArray(value)) {
    const items = value.map((item) => scalarText(itemParameter(parameter), item, problem));
    return items.join(collectionSeparator(parameter.collectionFormat));
  }
  return scalarText(parameter, value, problem);
}

function queryValues(parameter: Parameter, value: unknown, problem: ParameterProblem): string[] {
  if (Array.isArray(value)) {
    const items = value.map((item) => scalarText(itemParameter(parameter), item, problem));
    if (parameter.collectionFormat === 'multi') return items;
    return [items.join(collectionSeparator(parameter.collectionFormat))];
  }
  if (parameter.type === 'array' && typeof value === 'string') return [value];
  return [scalarText(parameter, value, problem)];
}

/** The separator of a Swagger 2.0 `collectionFormat` (csv by default; `multi` repeats the name instead). */
export function collectionSeparator(collectionFormat: string | undefined): string {
  switch (collectionFormat) {
    case 'ssv':
      return ' ';
    case 'tsv':
      return '\t';
    case 'pipes':
      return '|';
    default:
      return ',';
  }
}

/** A pseudo-parameter describing one item of an array parameter (type, format, enum). */
function itemParameter(parameter: Parameter): Parameter {
  const items = parameter.items;
  if (typeof items !== 'object' || items === null) return { ...parameter, type: undefined, enum: undefined };
  const record = items as Record<string, unknown>;
  return {
    ...parameter,
    type: typeof record['type'] === 'string' ? record['type'] : undefined,
    format: typeof record['format'] === 'string' ? record['format'] : undefined,
    enum: Array.isArray(record['enum']) ? record['enum'] : undefined,
  };
}

/** Checks type and enum of a scalar value and renders it as text. */
function scalarText(parameter: Parameter, value: unknown, problem: ParameterProblem): string {
  let text: string;
  switch (parameter.type) {
    case 'integer':
    case 'number': {
      const number = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : Number.NaN;
      if (!Number.isFinite(number) || (parameter.type === 'integer' && !Number.isInteger(number))) {
        throw parameterInvalid(problem, `must be ${parameter.type === 'integer' ? 'an integer' : 'a number'}, got ${describe(value)}`);
      }
      text = typeof value === 'string' ? value.trim() : String(number);
      break;
    }
    case 'boolean': {
      if (value === true || value === 'true' || value === 'True') text = 'true';
      else if (value === false || value === 'false' || value === 'False') text = 'false';
      else throw parameterInvalid(problem, `must be true or false, got ${describe(value)}`);
      break;
    }
    default: {
      if (typeof value === 'string') text = value;
      else if (typeof value === 'number' || typeof value === 'boolean') text = String(value);
      else if (typeof value === 'object') text = JSON.stringify(value);
      else throw parameterInvalid(problem, `cannot be sent as text (got ${describe(value)})`);
    }
  }
  if (parameter.enum !== undefined && parameter.enum.length > 0 && !parameter.enum.some((allowed) => String(allowed) === text)) {
    const choices = parameter.enum.map((allowed) => JSON.stringify(allowed)).join(', ');
    throw parameterInvalid(problem, `must be one of ${choices}, got ${describe(value)}`);
  }
  return text;
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  return typeof value === 'object' ? 'an object' : String(value);
}

/** An operation path split once: literal text around each `{name}` placeholder, with its encoding. */
interface PathTemplate {
  /** One more than `placeholders`: the text before, between and after them. */
  readonly literals: readonly string[];
  readonly placeholders: readonly { readonly name: string; readonly double: boolean }[];
}

const pathTemplates = new WeakMap<Operation, PathTemplate>();

function pathTemplateOf(operation: Operation): PathTemplate {
  let template = pathTemplates.get(operation);
  if (template === undefined) {
    const encodings = new Map<string, Parameter['urlEncoding']>();
    for (const parameter of operation.parameters) if (parameter.in === 'path') encodings.set(parameter.name, parameter.urlEncoding);
    const parts = operation.path.split(/\{([^}]+)\}/);
    const literals: string[] = [];
    const placeholders: { name: string; double: boolean }[] = [];
    parts.forEach((part, index) => {
      if (index % 2 === 0) literals.push(part);
      else placeholders.push({ name: part, double: encodings.get(part) === 'double' });
    });
    template = { literals, placeholders };
    pathTemplates.set(operation, template);
  }
  return template;
}

/** Substitutes `{name}` placeholders, encoding per `x-ms-url-encoding` (double keeps slashes intact for backends that decode twice). */
function fillPath(operation: Operation, values: Readonly<Record<string, string>>): string {
  const { literals, placeholders } = pathTemplateOf(operation);
  let path = literals[0] ?? '';
  placeholders.forEach(({ name, double }, index) => {
    const value = values[name];
    if (value === undefined) path += `{${name}}`;
    else {
      const once = encodeURIComponent(value);
      path += double ? encodeURIComponent(once) : once;
    }
    path += literals[index + 1] ?? '';
  });
  return path.startsWith('/') ? path : `/${path}`;
}

/** The body value: the caller's JSON (with internal defaults filled), or bytes for a binary body. */
function bodyValue(operation: Operation, parameter: Parameter, value: unknown, definition: ConnectorDefinition, problem: ParameterProblem): unknown {
  const schema = parameter.schema;
  const isBinary = schema !== undefined && schema['type'] === 'string' && schema['format'] === 'binary';
  if (isBinary) return binaryBody(value, problem);
  if (schema === undefined) return value;
  const resolved = resolveSchema(schema, definition);
  // A string-typed JSON body is a JSON string on the wire ("note" → "\"note\""), not raw text.
  if (typeof value === 'string' && resolved?.['type'] === 'string' && jsonConsumer(operation)) return JSON.stringify(value);
  return fillInternalDefaults(value, schema, definition, 0);
}

function jsonConsumer(operation: Operation): boolean {
  const declared = operation.consumes.find((type) => type.trim() !== '');
  return declared === undefined || /json/i.test(declared);
}

function binaryBody(value: unknown, problem: ParameterProblem): unknown {
  if (value instanceof Uint8Array) return { kind: 'binary', contentType: 'application/octet-stream', data: value };
  if (typeof value === 'object' && value !== null && '$content' in value) {
    const content = (value as Record<string, unknown>)['$content'];
    const type = (value as Record<string, unknown>)['$content-type'];
    if (typeof content !== 'string') throw parameterInvalid(problem, 'has a `$content` that is not a base64 string');
    return { kind: 'binary', contentType: typeof type === 'string' ? type : 'application/octet-stream', data: new Uint8Array(Buffer.from(content, 'base64')) };
  }
  if (typeof value === 'string') return value;
  throw parameterInvalid(problem, 'must be bytes, a string, or `{ "$content-type", "$content" }` with base64 content');
}

function filePart(value: unknown, name: string, problem: ParameterProblem): FilePart {
  if (value instanceof Uint8Array) return { filename: name, contentType: 'application/octet-stream', data: value };
  if (typeof value === 'string') return { filename: name, contentType: 'application/octet-stream', data: new TextEncoder().encode(value) };
  if (typeof value === 'object' && value !== null) {
    const record = value as Record<string, unknown>;
    const content = record['$content'] ?? record['data'];
    const filename = typeof record['filename'] === 'string' ? record['filename'] : name;
    const contentType = typeof record['$content-type'] === 'string' ? record['$content-type'] : typeof record['contentType'] === 'string' ? record['contentType'] : 'application/octet-stream';
    if (content instanceof Uint8Array) return { filename, contentType, data: content };
    if (typeof content === 'string') return { filename, contentType, data: new Uint8Array(Buffer.from(content, 'base64')) };
  }
  throw parameterInvalid(problem, 'must be a file: bytes, a string, or `{ "filename", "$content-type", "$content" }` with base64 content');
}

const MAX_SCHEMA_DEPTH = 16;

/**
 * Fills properties marked `x-ms-visibility: internal` that have a default and are absent, the way
 * the designer does for hidden fields. Works on a copy; never changes the caller's value.
 */
function fillInternalDefaults(value: unknown, schema: Readonly<Record<string, unknown>>, definition: ConnectorDefinition, depth: number): unknown {
  if (depth > MAX_SCHEMA_DEPTH) return value;
  const resolved = resolveSchema(schema, definition);
  if (resolved === undefined) return value;
  const properties = resolved['properties'];
  if (typeof properties !== 'object' || properties === null) return value;
  if (value !== undefined && (typeof value !== 'object' || value === null || Array.isArray(value))) return value;
  const source = (value ?? {}) as Record<string, unknown>;
  let result: Record<string, unknown> | undefined;
  for (const [name, raw] of Object.entries(properties as Record<string, unknown>)) {
    if (typeof raw !== 'object' || raw === null) continue;
    const property = resolveSchema(raw as Record<string, unknown>, definition) ?? (raw as Record<string, unknown>);
    const internal = typeof property['x-ms-visibility'] === 'string' && property['x-ms-visibility'].toLowerCase() === 'internal';
    if (!Object.hasOwn(source, name)) {
      if (internal && property['default'] !== undefined) {
        result ??= { ...source };
        result[name] = property['default'];
      }
      continue;
    }
    const child = source[name];
    if (typeof child === 'object' && child !== null && !Array.isArray(child)) {
      const filled = fillInternalDefaults(child, property, definition, depth + 1);
      if (filled !== child) {
        result ??= { ...source };
        result[name] = filled;
      }
    }
  }
  if (result !== undefined) return result;
  return value;
}

function resolveSchema(schema: Readonly<Record<string, unknown>>, definition: ConnectorDefinition): Readonly<Record<string, unknown>> | undefined {
  let current: Readonly<Record<string, unknown>> | undefined = schema;
  for (let hops = 0; hops < 8 && current !== undefined; hops++) {
    const ref = current['$ref'];
    if (typeof ref !== 'string') return current;
    const match = /^#\/definitions\/(.+)$/.exec(ref);
    if (match === null) return undefined;
    const name = decodeURIComponent(match[1] ?? '').replace(/~1/g, '/').replace(/~0/g, '~');
    const target = definition.schemaDefinitions[name];
    current = typeof target === 'object' && target !== null ? (target as Record<string, unknown>) : undefined;
  }
  return current;
}

function contentTypeFor(operation: Operation, body: unknown): string | undefined {
  if (typeof body === 'object' && body !== null && (body as { kind?: unknown }).kind === 'form') return undefined;
  if (typeof body === 'object' && body !== null && (body as { kind?: unknown }).kind === 'binary') return (body as { contentType: string }).contentType;
  const declared = operation.consumes.find((type) => type.trim() !== '' && !type.toLowerCase().startsWith('multipart/'));
  if (declared !== undefined) return declared;
  return typeof body === 'string' ? 'text/plain' : 'application/json';
}
