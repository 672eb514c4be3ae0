/**
 * `x-` extensions are copied unchanged, except for `$ref`s inside them that point into
 * components: Power Platform extensions such as `x-ms-notification-content` embed schemas, and a
 * reference to `#/components/schemas/X` would dangle once components become definitions.
 */
import type { OpenApi3Context } from './context.ts';
import { resolveLocalRef } from './context.ts';
import { isRecord } from '../source-node.ts';

const EXTENSION_REF_MAP: ReadonlyArray<readonly [string, string]> = [
  ['#/components/schemas/', '#/definitions/'],
  ['#/components/parameters/', '#/parameters/'],
  ['#/components/responses/', '#/responses/'],
];

/** Rewrites component `$ref`s inside every `x-` extension of the converted document (which the converter owns). */
export function rewriteExtensionRefs(ctx: OpenApi3Context, converted: unknown): void {
  walk(converted, { ctx, inExtension: false });
}

function walk(value: unknown, scope: { ctx: OpenApi3Context; inExtension: boolean }): void {
  if (Array.isArray(value)) {
    for (const element of value) walk(element, scope);
    return;
  }
  if (!isRecord(value)) return;
  for (const key of Object.keys(value)) {
    const member = value[key];
    if (scope.inExtension && key === '$ref' && typeof member === 'string') {
      const mapping = EXTENSION_REF_MAP.find(([from]) => member.startsWith(from));
      // Only targets that exist are rewritten; a dangling reference stays as the author wrote it.
      if (mapping !== undefined && resolveLocalRef(scope.ctx, member) !== undefined) value[key] = mapping[1] + member.slice(mapping[0].length);
      continue;
    }
    walk(member, { ctx: scope.ctx, inExtension: scope.inExtension || key.startsWith('x-') });
  }
}
