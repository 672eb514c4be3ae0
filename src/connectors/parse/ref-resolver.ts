import { jsonPointer } from '../../core/index.ts';
import type { Issue } from '../../core/index.ts';

/** The outcome of resolving one `$ref`: the target and its canonical JSON pointer (RFC 6901, no '#'), or why not. */
export type RefResolution = { ok: true; value: unknown; pointer: string } | { ok: false; issue: Issue };

/** Resolves local `$ref`s of one document, lazily, with chain, cycle and hop limits. */
export interface RefResolver {
  /** Resolves a local '#/…' ref, following ref chains (max hops), with an issue on failure. */
  resolve(ref: string): RefResolution;
  /** If value is {$ref: …}, returns the resolved target (following chains); otherwise value itself. Unresolvable → undefined. */
  deref(value: unknown): unknown;
}

/** Options of {@link createRefResolver}. */
export interface RefResolverOptions {
  /** The file the document came from; issues carry it. */
  readonly file: string;
  /** Most `$ref`s followed for one resolution (default {@link defaultMaxRefHops}). */
  readonly maxHops?: number;
}

/** Real chains are one hop (the corpus has no ref-to-ref at all); 32 is generous and still cheap. */
export const defaultMaxRefHops = 32;

/** Refs are shown in messages, but a hostile document could make them huge. */
const MAX_SHOWN_REF = 120;

/**
 * Creates a resolver for `document`. Only local refs (`#` + JSON pointer, RFC 6901, percent-encoded
 * or not) are resolved — nothing is ever fetched or read, so an external ref cannot leak a file or
 * reach a network address. Lookups walk own properties only (`#/constructor` never finds
 * `Object.prototype.constructor`). Results are cached per ref string.
 */
export function createRefResolver(document: unknown, options: RefResolverOptions): RefResolver {
  const maxHops = options.maxHops ?? defaultMaxRefHops;
  const { file } = options;
  const cache = new Map<string, RefResolution>();

  const failure = (code: string, message: string): RefResolution => ({ ok: false, issue: { code, severity: 'error', path: '', message, file } });

  const follow = (ref: string): RefResolution => {
    const visited: string[] = [];
    const seen = new Set<string>();
    let current: unknown = ref;
    for (let hop = 1; ; hop++) {
      const shownRef = showRef(ref);
      if (typeof current !== 'string') return failure('ref-unresolved', `$ref ${shownRef} leads to a $ref that is not a string — a $ref must be a string such as "#/definitions/Name"`);
      const via = visited.length > 0 ? ` (reached via ${describeChain(visited)})` : '';
      if (hop > maxHops) {
        return failure('ref-too-deep', `$ref ${shownRef} starts a chain of more than ${maxHops} references to references — point it at the final definition directly`);
      }
      const parsed = parseLocalRef(current);
      if (!parsed.ok) return failure(parsed.code, `$ref ${showRef(current)}${via} ${parsed.reason}`);
      if (seen.has(parsed.pointer)) {
        return failure('ref-cycle', `$ref ${shownRef} is a loop of references that never reaches a definition: ${describeChain([...visited, parsed.pointer])} — make one of them an actual schema`);
      }
      visited.push(parsed.pointer);
      seen.add(parsed.pointer);
      const found = lookup(document, parsed.tokens);
      if (!found.ok) {
        const existing = found.depth === 0 ? 'the document root' : `'#${jsonPointer(...parsed.tokens.slice(0, found.depth))}'`;
        return failure(
          'ref-unresolved',
          `$ref ${showRef(current)}${via} points to '#${parsed.pointer}', which does not exist — ${existing} has no '${truncate(parsed.tokens[found.depth] ?? '')}'; fix the name or add the definition`,
        );
      }
      if (!isRefObject(found.value)) return { ok: true, value: found.value, pointer: parsed.pointer };
      current = found.value.$ref;
    }
  };

  const resolve = (ref: string): RefResolution => {
    const cached = cache.get(ref);
    if (cached !== undefined) return cached;
    const result = follow(ref);
    cache.set(ref, result);
    return result;
  };

  return {
    resolve,
    deref(value: unknown): unknown {
      if (!isRefObject(value)) return value;
      const result = resolve(value.$ref);
      return result.ok ? result.value : undefined;
    },
  };
}

/** True for an object whose own `$ref` member is a string (a reference, not a property named `$ref`). */
export function isRefObject(value: unknown): value is { $ref: string } {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && Object.hasOwn(value, '$ref') && typeof (value as { $ref?: unknown }).$ref === 'string';
}

/** True for refs that name another file or a URL (anything not starting with '#'). */
export function isExternalRef(ref: string): boolean {
  return !ref.startsWith('#');
}

/** The ref as shown in messages: quoted and shortened; never anything read from elsewhere. */
export function showRef(ref: string): string {
  return JSON.stringify(truncate(ref));
}

type ParsedRef = { ok: true; tokens: string[]; pointer: string } | { ok: false; code: string; reason: string };

function parseLocalRef(ref: string): ParsedRef {
  if (isExternalRef(ref)) {
    const kind = /^[a-z][a-z0-9+.-]*:/i.test(ref) ? 'a URL' : 'another file';
    return {
      ok: false,
      code: 'ref-external',
      reason: `points to ${kind} — external references are never followed (no file is read and no network request is made); copy the definition into this document under #/definitions`,
    };
  }
  let fragment: string;
  try {
    fragment = decodeURIComponent(ref.slice(1));
  } catch {
    // decodeURIComponent throws URIError for a malformed %-escape; that is the user's ref at fault.
    return { ok: false, code: 'ref-unresolved', reason: "has a malformed %-escape — write '%25' for a literal '%'" };
  }
  if (fragment === '') return { ok: true, tokens: [], pointer: '' };
  if (!fragment.startsWith('/')) return { ok: false, code: 'ref-unresolved', reason: "is not a JSON pointer — after '#' it must start with '/', e.g. \"#/definitions/Name\"" };
  const tokens: string[] = [];
  for (const raw of fragment.slice(1).split('/')) {
    if (/~[^01]|~$/.test(raw)) return { ok: false, code: 'ref-unresolved', reason: "has a '~' that is not '~0' (for '~') or '~1' (for '/') — escape it" };
    tokens.push(raw.replaceAll('~1', '/').replaceAll('~0', '~'));
  }
  return { ok: true, tokens, pointer: jsonPointer(...tokens) };
}

function lookup(document: unknown, tokens: readonly string[]): { ok: true; value: unknown } | { ok: false; depth: number } {
  let current = document;
  for (let depth = 0; depth < tokens.length; depth++) {
    const token = tokens[depth] ?? '';
    if (Array.isArray(current)) {
      if (!/^(0|[1-9][0-9]*)$/.test(token) || Number(token) >= current.length) return { ok: false, depth };
      current = current[Number(token)];
    } else if (current !== null && typeof current === 'object' && Object.hasOwn(current, token)) {
      current = (current as Record<string, unknown>)[token];
    } else return { ok: false, depth };
  }
  return { ok: true, value: current };
}

function describeChain(pointers: readonly string[]): string {
  const shown = pointers.length > 6 ? [...pointers.slice(0, 3), '…', ...pointers.slice(-2)] : pointers;
  return shown.map((p) => (p === '…' ? p : `'#${truncate(p)}'`)).join(' → ');
}

function truncate(text: string): string {
  return text.length > MAX_SHOWN_REF ? text.slice(0, MAX_SHOWN_REF - 1) + '…' : text;
}
