/**
 * Finds the operation a request is for. The gateway sends to the mock's origin plus whatever path
 * the policies built, so a request may carry the definition's basePath, no base path, or another
 * prefix (dynamichosturl): a route matches when the path ends with its template, and the prefix
 * used is recorded. Literal segments match exactly first, then case-insensitively; a `{param}`
 * matches one segment, or several when nothing else matches (unencoded slashes in a value).
 * Among matches, the best prefix wins, then the most literal segments.
 */
import type { BackendView } from '../../policies/index.ts';
import type { Operation } from '../../connectors/index.ts';

/** What the backend sees of an operation after request policies (the policy chain's `backendView`). */
export type { BackendView };

/** The view of an operation as the backend sees it; the default is the operation itself. */
export type BackendViewOf = (operation: Operation) => BackendView;

/** The operation as declared, unchanged by policies. */
export function declaredView(operation: Operation): BackendView {
  return { method: operation.method, path: operation.path, addedHeaders: [], addedQuery: [], bodyTransformed: false };
}

interface TemplateSegment {
  /** Set for a segment without placeholders. */
  readonly literal?: string;
  /** Set for a segment with placeholders: anchored, one group per name. */
  readonly pattern?: RegExp;
  readonly patternIgnoringCase?: RegExp;
  readonly names: readonly string[];
  /** The whole segment is one placeholder (may absorb several request segments). */
  readonly wholeParameter: boolean;
}

/** One route, ready to be matched; `target` is what it leads to (an operation, or an auxiliary answer). */
export interface Route<T = Operation> {
  readonly target: T;
  /** Method and path as the backend sees them. */
  readonly view: Pick<BackendView, 'method' | 'path'>;
  /** Upper-case. */
  readonly method: string;
  /** The view's path as matched (leading slash, no query). */
  readonly template: string;
  readonly segments: readonly TemplateSegment[];
  /** `name=value` pairs written into the view's path after `?`; the request must carry them. */
  readonly literalQuery: readonly (readonly [string, string])[];
  readonly literalSegments: number;
  readonly literalChars: number;
  readonly order: number;
}

/** How well a request matched a route; lower is better, field by field. */
export interface RouteMatch<T = Operation> {
  readonly route: Route<T>;
  /** The part of the request path before the template (e.g. the base path), `''` when none. */
  readonly prefix: string;
  /** Decoded path parameter values by name. */
  readonly params: Readonly<Record<string, string>>;
  /** 0: prefix is the base path (or both empty); 1: no prefix; 2: another prefix. */
  readonly prefixRank: number;
  readonly ignoredCase: boolean;
  /** A placeholder absorbed several segments. */
  readonly spanned: boolean;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function splitPath(path: string): string[] {
  const parts = path.split('/');
  if (parts[0] === '') parts.shift();
  if (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}

function compileSegment(segment: string): TemplateSegment {
  // A segment built by a policy expression (`@queryParameters('x')`) is any value.
  if (segment.includes('@')) return { names: [], wholeParameter: true, pattern: /^(.*)$/s, patternIgnoringCase: /^(.*)$/is };
  if (!segment.includes('{')) return { literal: segment, names: [], wholeParameter: false };
  const names: string[] = [];
  let source = '';
  let rest = segment;
  for (let match = /\{([^}]*)\}/.exec(rest); match !== null; match = /\{([^}]*)\}/.exec(rest)) {
    source += escapeRegex(rest.slice(0, match.index));
    source += '(.*?)';
    names.push(match[1] ?? '');
    rest = rest.slice(match.index + match[0].length);
  }
  source += escapeRegex(rest);
  const wholeParameter = /^\{[^}]*\}$/.test(segment);
  return { names, wholeParameter, pattern: new RegExp(`^${source}$`, 's'), patternIgnoringCase: new RegExp(`^${source}$`, 'is') };
}

/** Compiles the route to `target` at `view.method view.path`; `order` breaks ties (declaration order). */
export function compileRoute<T>(target: T, view: Pick<BackendView, 'method' | 'path'>, order: number): Route<T> {
  const [pathPart = '', queryPart] = view.path.split('?', 2);
  const template = pathPart.startsWith('/') ? pathPart : `/${pathPart}`;
  const segments = splitPath(template).map(compileSegment);
  const literalQuery = queryPart === undefined ? [] : [...new URLSearchParams(queryPart)].map(([name, value]) => [name, value] as const);
  return {
    target,
    view,
    method: view.method.toUpperCase(),
    template,
    segments,
    literalQuery,
    literalSegments: segments.filter((s) => s.literal !== undefined).length + literalQuery.length,
    literalChars: segments.reduce((sum, s) => sum + (s.literal?.length ?? 0), 0),
    order,
  };
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** How one attempt matches: from which request segment, ignoring case or not, letting placeholders span segments or not. */
interface Attempt {
  readonly request: readonly string[];
  readonly from: number;
  readonly ignoreCase: boolean;
  readonly allowSpan: boolean;
}

/** Matches the request segments from `from` to the end against a route's segments; returns parameter values or undefined. */
function matchSegments<T>(route: Route<T>, { request, from, ignoreCase, allowSpan }: Attempt): { params: Record<string, string>; spanned: boolean } | undefined {
  const params: Record<string, string> = {};
  let spanned = false;
  const templates = route.segments;

  const step = (ti: number, ri: number): boolean => {
    if (ti === templates.length) return ri === request.length;
    const segment = templates[ti];
    if (segment === undefined || ri >= request.length) return false;
    const value = request[ri] ?? '';
    if (segment.literal !== undefined) {
      const same = ignoreCase ? segment.literal.toLowerCase() === value.toLowerCase() : segment.literal === value;
      return same && step(ti + 1, ri + 1);
    }
    const pattern = ignoreCase ? segment.patternIgnoringCase : segment.pattern;
    const found = pattern?.exec(value);
    if (found !== null && found !== undefined) {
      segment.names.forEach((name, i) => (params[name] = found[i + 1] ?? ''));
      if (step(ti + 1, ri + 1)) return true;
    }
    if (allowSpan && segment.wholeParameter) {
      const remainingTemplates = templates.length - ti - 1;
      for (let end = ri + 2; end <= request.length - remainingTemplates; end += 1) {
        const joined = request.slice(ri, end).join('/');
        segment.names.forEach((name) => (params[name] = joined));
        if (step(ti + 1, end)) {
          spanned = true;
          return true;
        }
      }
    }
    return false;
  };
  return step(0, from) ? { params, spanned } : undefined;
}

/** Every route the request matches, best first. */
export function matchRoutes<T>(
  routes: readonly Route<T>[],
  request: { readonly method: string; readonly path: string; readonly query: URLSearchParams },
  options: { readonly basePath: string; readonly anyMethod?: boolean },
): RouteMatch<T>[] {
  const requestSegments = splitPath(request.path).map(decodeSegment);
  const baseSegments = splitPath(options.basePath);
  const method = request.method.toUpperCase();
  const found: RouteMatch<T>[] = [];
  for (const route of routes) {
    if (route.method !== method && options.anyMethod !== true) continue;
    if (!route.literalQuery.every(([name, value]) => request.query.getAll(name).includes(value))) continue;
    const best = bestMatch(route, requestSegments, baseSegments);
    if (best !== undefined) found.push(best);
  }
  return found.sort(compareMatches);
}

function bestMatch<T>(route: Route<T>, request: readonly string[], base: readonly string[]): RouteMatch<T> | undefined {
  for (const allowSpan of [false, true]) {
    let best: RouteMatch<T> | undefined;
    for (const ignoreCase of [false, true]) {
      for (let from = 0; from <= request.length; from += 1) {
        if (!allowSpan && request.length - from !== route.segments.length) continue;
        const matched = matchSegments(route, { request, from, ignoreCase, allowSpan });
        if (matched === undefined) continue;
        const prefixSegments = request.slice(0, from);
        const prefixRank = samePath(prefixSegments, base, ignoreCase) ? 0 : prefixSegments.length === 0 ? 1 : 2;
        const candidate: RouteMatch<T> = { route, prefix: prefixSegments.length === 0 ? '' : `/${prefixSegments.join('/')}`, params: matched.params, prefixRank, ignoredCase: ignoreCase, spanned: matched.spanned };
        if (best === undefined || compareMatches(candidate, best) < 0) best = candidate;
      }
    }
    if (best !== undefined) return best;
  }
  return undefined;
}

function samePath(a: readonly string[], b: readonly string[], ignoreCase: boolean): boolean {
  return a.length === b.length && a.every((segment, i) => (ignoreCase ? segment.toLowerCase() === (b[i] ?? '').toLowerCase() : segment === b[i]));
}

/** Compares how well two matches fit, ignoring declaration order: prefix, case, spanning, literal segments, literal characters. */
export function compareFit<T>(a: RouteMatch<T>, b: RouteMatch<T>): number {
  return (
    a.prefixRank - b.prefixRank ||
    Number(a.ignoredCase) - Number(b.ignoredCase) ||
    Number(a.spanned) - Number(b.spanned) ||
    b.route.literalSegments - a.route.literalSegments ||
    b.route.literalChars - a.route.literalChars
  );
}

/** Orders matches best first; equally good matches keep declaration order. */
function compareMatches<T>(a: RouteMatch<T>, b: RouteMatch<T>): number {
  return compareFit(a, b) || a.route.order - b.route.order;
}
