/**
 * Path variables, query parameters and headers of a Postman request → Swagger 2.0 parameters.
 * Content-Type, Accept and Authorization headers are not parameters: they become consumes,
 * produces and security.
 */
import type { PostmanContext } from './context.ts';
import { descriptionOf } from './collection.ts';
import type { QueryEntry, RequestUrl } from './url.ts';
import { hasVariable } from './variables.ts';
import { elementsOf, isRecord, type JsonObject, type SourceNode } from '../source-node.ts';

/** A header as written in the request. */
export interface HeaderEntry {
  readonly key: string;
  readonly value: string;
  readonly description: string | undefined;
  readonly node: SourceNode;
}

/** A Swagger path template and the names of its path parameters, in order. */
export interface PathTemplate {
  readonly path: string;
  readonly parameterNames: readonly string[];
}

/** Path segments → Swagger template: `:id` → `{id}`, `{{var}}` → `{var}`. */
export function buildPathTemplate(segments: readonly string[]): PathTemplate {
  const names: string[] = [];
  const add = (name: string): string => {
    if (!names.includes(name)) names.push(name);
    return `{${name}}`;
  };
  const converted = segments.map((segment) => {
    if (/^:[^/]+$/.test(segment)) return add(segment.slice(1));
    return segment.replace(/\{\{([^{}]+)\}\}/g, (_, name: string) => add(name.trim()));
  });
  return { path: `/${converted.join('/')}`, parameterNames: names };
}

/** Required string path parameters for the template's names, described from `url.variable`. */
export function pathParameters(template: PathTemplate, url: RequestUrl): JsonObject[] {
  return template.parameterNames.map((name) => {
    const out: JsonObject = { name, in: 'path', required: true, type: 'string' };
    const description = url.pathVariableDescriptions.get(name);
    if (description !== undefined) out.description = description;
    return out;
  });
}

/** Query parameters (disabled ones were skipped when reading); a repeated key is kept once. */
export function queryParameters(ctx: PostmanContext, query: readonly QueryEntry[]): JsonObject[] {
  const out: JsonObject[] = [];
  const seen = new Set<string>();
  for (const entry of query) {
    if (seen.has(entry.key)) {
      ctx.log.info({ code: 'convert-postman-duplicate-parameter', path: entry.node.path, message: `query parameter \`${entry.key}\` appears more than once; it is described once` });
      continue;
    }
    seen.add(entry.key);
    out.push(simpleParameter({ name: entry.key, location: 'query', value: entry.value, description: entry.description }));
  }
  return out;
}

/** The request's enabled headers (array form or the `Key: value` lines form). */
export function readHeaders(node: SourceNode): HeaderEntry[] {
  const value = node.value;
  if (typeof value === 'string') {
    return value
      .split(/\r?\n/)
      .map((line) => /^\s*([^:\s][^:]*):\s*(.*)$/.exec(line))
      .filter((match): match is RegExpExecArray => match !== null && !(match[1] ?? '').startsWith('//'))
      .map((match) => ({ key: (match[1] ?? '').trim(), value: (match[2] ?? '').trim(), description: undefined, node }));
  }
  const out: HeaderEntry[] = [];
  for (const entry of elementsOf(node)) {
    const header = entry.value;
    if (!isRecord(header) || header.disabled === true || typeof header.key !== 'string' || header.key === '') continue;
    out.push({ key: header.key, value: typeof header.value === 'string' ? header.value : '', description: descriptionOf(header.description), node: entry });
  }
  return out;
}

/** Headers split into parameters and the three headers Swagger 2.0 models elsewhere. */
export interface SplitHeaders {
  readonly parameters: JsonObject[];
  readonly contentType: string | undefined;
  readonly accept: string | undefined;
  readonly authorization: HeaderEntry | undefined;
}

/** Separates Content-Type, Accept and Authorization from the other headers, which become header parameters. */
export function splitHeaders(ctx: PostmanContext, headers: readonly HeaderEntry[]): SplitHeaders {
  const parameters: JsonObject[] = [];
  const seen = new Set<string>();
  let contentType: string | undefined;
  let accept: string | undefined;
  let authorization: HeaderEntry | undefined;
  for (const header of headers) {
    const lower = header.key.toLowerCase();
    if (lower === 'content-type') contentType ??= literalMediaType(header.value);
    else if (lower === 'accept') accept ??= literalMediaType(header.value);
    else if (lower === 'authorization') authorization ??= header;
    else if (seen.has(lower)) {
      ctx.log.info({ code: 'convert-postman-duplicate-parameter', path: header.node.path, message: `header \`${header.key}\` appears more than once; it is described once` });
    } else {
      seen.add(lower);
      parameters.push(simpleParameter({ name: header.key, location: 'header', value: header.value, description: header.description }));
    }
  }
  return { parameters, contentType, accept, authorization };
}

/** A media type without parameters; undefined when it is a variable or a wildcard. */
function literalMediaType(value: string): string | undefined {
  const base = (value.split(';')[0] ?? '').trim();
  if (base === '' || hasVariable(base) || base === '*/*') return undefined;
  return base;
}

/** An optional string parameter; a literal example value becomes its default (values holding `{{variables}}` do not). */
export function simpleParameter(args: { name: string; location: string; value: string | undefined; description: string | undefined }): JsonObject {
  const out: JsonObject = { name: args.name, in: args.location };
  if (args.description !== undefined) out.description = args.description;
  out.required = false;
  out.type = 'string';
  if (args.value !== undefined && args.value !== '' && !hasVariable(args.value)) out.default = args.value;
  return out;
}

