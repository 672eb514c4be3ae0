/**
 * What the body-reshaping templates share: run on the request or the response body, and the
 * "parent path + sub-path → new path" pattern, applied to each element when the parent is a
 * collection. Missing data is not an error: a transform whose source is absent does nothing, so
 * error responses and optional inputs pass through unchanged.
 */
import type { PathSegment } from '../../expressions/index.ts';
import type { PolicySection } from '../../connectors/index.ts';
import { readAt, readPath, targetsOf, writePath } from '../body-path.ts';
import type { BodyHolder, BodyPath } from '../body-path.ts';
import type { CompiledPolicy } from '../policy-template.ts';
import type { ParameterReader } from '../parameters.ts';
import type { PolicyRun } from '../run.ts';

/** Changes a body in place (or replaces it through the holder). */
export type BodyTransform = (holder: BodyHolder, run: PolicyRun) => void;

/** A compiled policy that runs `transform` on the body of its section's message. */
export function bodyPolicy(section: PolicySection, transform: BodyTransform): CompiledPolicy {
  if (section === 'request') {
    return {
      touchesBody: true,
      request: (request, run) => {
        const holder: BodyHolder = { body: request.body };
        transform(holder, run);
        request.body = holder.body;
      },
      describe: (view) => {
        view.bodyTransformed = true;
      },
    };
  }
  return {
    touchesBody: true,
    response: (response, run) => {
      const holder: BodyHolder = { body: response.body };
      transform(holder, run);
      response.body = holder.body;
    },
  };
}

/** The common parameters `propertyParentPath`, `propertySubPath` and `newPropertyPath`. */
export interface ElementPaths {
  readonly parent: BodyPath;
  readonly subPath: readonly PathSegment[];
  readonly target: BodyPath;
}

/** Reads the common path parameters; undefined when one is invalid (issues recorded). */
export function readElementPaths(params: ParameterReader): ElementPaths | undefined {
  const parent = params.bodyPath('propertyParentPath', true);
  const subPath = params.subPath('propertySubPath');
  const target = params.bodyPath('newPropertyPath', true);
  if (parent === undefined || subPath === undefined || target === undefined) return undefined;
  return { parent, subPath, target };
}

/**
 * For each element (the parent, or each of its items when it is an array and a sub-path is
 * given), converts the value at the sub-path and writes the result at the new path, where
 * `@item()` is the element. `convert` returns undefined to leave an element alone.
 */
export function transformElements(paths: ElementPaths, convert: (source: unknown) => { readonly value: unknown } | undefined): BodyTransform {
  return (holder) => {
    const parent = readPath(paths.parent, { holder });
    for (const element of targetsOf(parent, paths.subPath.length > 0)) {
      const source = readAt(element, paths.subPath);
      if (source === undefined || source === null) continue;
      const result = convert(source);
      if (result !== undefined) writePath(paths.target, { scope: { holder, item: element }, value: result.value });
    }
  };
}
