/**
 * Postman request URLs: a raw string or `{ protocol, host, port, path, query, variable }`. The
 * origin (scheme, host, port — possibly `{{baseUrl}}`) is kept apart from the path, because a
 * collection variable there becomes the Swagger host and base path.
 */
import type { PostmanContext } from './context.ts';
import { substituteVariables } from './variables.ts';
import { child, elementsOf, isRecord, stringOf, type SourceNode } from '../source-node.ts';
import { descriptionOf } from './collection.ts';

/** A query parameter as written in the request. */
export interface QueryEntry {
  readonly key: string;
  readonly value: string | undefined;
  readonly description: string | undefined;
  readonly node: SourceNode;
}

/** The parts of a request URL the converter needs. */
export interface RequestUrl {
  /** `scheme://host:port` as written (may hold `{{variables}}`); empty when the URL has no host. */
  readonly origin: string;
  /** Path segments as written (`:id` and `{{var}}` still in place). */
  readonly segments: readonly string[];
  readonly query: readonly QueryEntry[];
  /** Descriptions of `:name` path variables, by name. */
  readonly pathVariableDescriptions: ReadonlyMap<string, string>;
}

/** Where the origin of a request resolves to, once collection variables are substituted. */
export interface ResolvedOrigin {
  readonly scheme: string | undefined;
  /** Host (and port); unresolved variables are replaced by a placeholder. */
  readonly host: string;
  /** Path segments contributed by the origin (a `{{baseUrl}}` such as `https://api.example.com/v1`). */
  readonly prefix: readonly string[];
  /** Variables of the origin that have no value in the collection. */
  readonly unresolved: readonly string[];
}

/** Reads `request.url` (string or object); undefined when the request has none. */
export function readUrl(node: SourceNode): RequestUrl | undefined {
  const url = node.value;
  if (typeof url === 'string') return url.trim() === '' ? undefined : fromRaw(url, node);
  if (!isRecord(url)) return undefined;
  const raw = stringOf(url.raw);
  const parsedRaw = raw === undefined ? undefined : fromRaw(raw, child(node, 'raw'));
  const host = Array.isArray(url.host) ? url.host.map(String).join('.') : stringOf(url.host);
  let origin: string;
  if (host !== undefined && host !== '') {
    const protocol = stringOf(url.protocol);
    const port = typeof url.port === 'string' || typeof url.port === 'number' ? String(url.port) : '';
    origin = `${protocol === undefined || protocol === '' ? '' : `${protocol.replace(/:\/*$/, '')}://`}${host}${port === '' ? '' : `:${port}`}`;
  } else origin = parsedRaw?.origin ?? '';
  let segments: string[];
  if (Array.isArray(url.path)) segments = url.path.map(segmentText);
  else if (typeof url.path === 'string') segments = splitPath(url.path);
  else segments = [...(parsedRaw?.segments ?? [])];
  const query = url.query === undefined ? (parsedRaw?.query ?? []) : queryEntries(child(node, 'query'));
  const descriptions = new Map<string, string>();
  for (const variable of elementsOf(child(node, 'variable'))) {
    const value = variable.value;
    if (!isRecord(value) || typeof value.key !== 'string') continue;
    const description = descriptionOf(value.description);
    if (description !== undefined) descriptions.set(value.key, description);
  }
  return { origin, segments, query, pathVariableDescriptions: descriptions };
}

/** Substitutes collection variables in the origin and splits it into scheme, host and path prefix. */
export function resolveOrigin(ctx: PostmanContext, origin: string): ResolvedOrigin {
  const { text, unresolved } = substituteVariables(origin, ctx.variables);
  const match = /^(?:([a-z][a-z0-9+.-]*):\/\/)?([^/?#]*)([^?#]*)/i.exec(text);
  const scheme = match?.[1]?.toLowerCase();
  let host = match?.[2] ?? '';
  if (unresolved.length > 0) {
    // A host still holding {{variables}} is unusable; keep a readable placeholder the author replaces.
    host = host.replace(/\{\{([^{}]+)\}\}/g, (_, name: string) => name.trim().toLowerCase().replace(/[^a-z0-9-]+/g, '-'));
    if (!host.includes('.')) host = `${host}.invalid`;
  }
  return { scheme, host, prefix: splitPath(match?.[3] ?? ''), unresolved };
}

/** Parses a raw URL string; `node` is where it was written, for issue pointers. */
function fromRaw(raw: string, node: SourceNode): RequestUrl {
  const withoutHash = raw.split('#')[0] ?? '';
  const queryStart = withoutHash.indexOf('?');
  const beforeQuery = queryStart < 0 ? withoutHash : withoutHash.slice(0, queryStart);
  const queryText = queryStart < 0 ? '' : withoutHash.slice(queryStart + 1);
  const match = /^((?:[a-z][a-z0-9+.-]*:\/\/)?[^/]*)(.*)$/i.exec(beforeQuery.trim());
  const origin = match?.[1] ?? '';
  const looksLikeHost = origin.includes('://') || origin.includes('.') || origin.includes('{{') || origin.includes(':') || origin === 'localhost';
  const path = looksLikeHost ? (match?.[2] ?? '') : beforeQuery;
  const query: QueryEntry[] = [];
  for (const pair of queryText.split('&')) {
    if (pair === '') continue;
    const equals = pair.indexOf('=');
    const key = decodeLenient(equals < 0 ? pair : pair.slice(0, equals));
    const value = equals < 0 ? undefined : decodeLenient(pair.slice(equals + 1));
    query.push({ key, value, description: undefined, node });
  }
  return { origin: looksLikeHost ? origin : '', segments: splitPath(path), query, pathVariableDescriptions: new Map() };
}

function queryEntries(node: SourceNode): QueryEntry[] {
  const out: QueryEntry[] = [];
  for (const entry of elementsOf(node)) {
    const value = entry.value;
    if (!isRecord(value) || value.disabled === true || typeof value.key !== 'string' || value.key === '') continue;
    out.push({
      key: value.key,
      value: typeof value.value === 'string' ? value.value : undefined,
      description: descriptionOf(value.description),
      node: entry,
    });
  }
  return out;
}

function segmentText(segment: unknown): string {
  if (typeof segment === 'string') return segment;
  if (isRecord(segment) && typeof segment.value === 'string') return segment.value;
  return String(segment);
}

/** Path segments without empty ones, except a trailing slash, which some APIs distinguish. */
function splitPath(path: string): string[] {
  const parts = path.split('/');
  const trailing = path.length > 1 && path.endsWith('/');
  const segments = parts.filter((part) => part !== '');
  return trailing ? [...segments, ''] : segments;
}

function decodeLenient(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch (error) {
    // A malformed escape (`%zz`) is kept as written rather than failing the whole conversion.
    if (error instanceof URIError) return text;
    throw error;
  }
}
