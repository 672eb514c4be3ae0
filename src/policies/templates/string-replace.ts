/**
 * stringreplace: replaces every occurrence of `sourceString` in a string property and writes the
 * result at `newPropertyPath` (Planner escapes `%`, `.`, `:`, `@`, `#` in reference URLs, which
 * Graph uses as keys; FreeAgent cuts a URL prefix to get an id).
 */
import type { PolicyTemplate } from '../policy-template.ts';
import { bodyPolicy, readElementPaths, transformElements } from './body-transform.ts';

/** The stringreplace template. */
export const stringReplaceTemplate: PolicyTemplate = {
  id: 'stringreplace',
  sections: ['request', 'response'],
  defaultSection: 'request',
  compile({ params, section }) {
    const paths = readElementPaths(params);
    const search = params.string('sourceString', true);
    const replacement = params.string('replacementString', true);
    if (paths === undefined || search === undefined || replacement === undefined || !params.ok) return undefined;
    if (search === '') {
      params.issue({ code: 'policy-parameter-invalid', severity: 'error', parameter: 'sourceString', message: '`sourceString` is empty — give the text to replace' });
      return undefined;
    }
    return bodyPolicy(
      section,
      transformElements(paths, (source) => (typeof source === 'string' ? { value: source.replaceAll(search, replacement) } : undefined)),
    );
  },
};
