/** State shared by the normalizers of one API definition document. */
import type { Issue } from '../../core/index.ts';
import type { RefResolver } from './dependencies.ts';

/** What normalizing one definition document needs: where issues go and how `$ref`s resolve. */
export interface DocumentContext {
  /** The definition file name, put on issues. */
  readonly file: string;
  readonly resolver: RefResolver;
  /** Load-time issues are appended here. */
  readonly issues: Issue[];
  /** Document-level `consumes` / `produces`, the defaults of every operation. */
  readonly consumes: readonly string[];
  readonly produces: readonly string[];
}

/**
 * Follows a `$ref` object to its target. Returns the target and the pointer it lives at; an object
 * without `$ref` is returned as is. Unresolvable references yield undefined: checkRefs reports them
 * once for the whole document, so they are not reported again here.
 */
export function followRef(context: DocumentContext, value: unknown): { value: unknown; definedAt?: string } | undefined {
  if (typeof value !== 'object' || value === null || !('$ref' in value)) return { value };
  const ref = value.$ref;
  if (typeof ref !== 'string') return { value };
  const resolved = context.resolver.resolve(ref);
  return resolved.ok ? { value: resolved.value, definedAt: resolved.pointer } : undefined;
}
