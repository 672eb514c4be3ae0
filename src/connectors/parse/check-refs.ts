import { escapePointerToken } from '../../core/index.ts';
import type { Issue } from '../../core/index.ts';
import { createRefResolver, isRefObject } from './ref-resolver.ts';

/** Options of {@link checkRefs}. */
export interface CheckRefsOptions {
  /** The file the document came from; issues carry it. */
  readonly file: string;
}

/** Beyond this many, further `$ref` problems are summarised in one issue (a 10,000-link chain fails at every link). */
const MAX_LISTED_REF_ISSUES = 100;

/**
 * Walks every $ref in the document: external refs (http:, https:, file:, relative file paths like
 * ../x.json#/a) → error `ref-external` (never read); unresolvable local → error `ref-unresolved`; a
 * chain of refs that loops without reaching a non-ref value → error `ref-cycle`; chains longer than
 * maxHops → error `ref-too-deep`. Recursive schemas (a schema whose property refs back to itself)
 * are LEGAL and produce no issue. Iterative walk, no recursion-depth risk. Each issue's `path` is
 * the JSON pointer of the offending `$ref` member.
 */
export function checkRefs(document: unknown, options: CheckRefsOptions): Issue[] {
  const resolver = createRefResolver(document, { file: options.file });
  const issues: Issue[] = [];
  let unlisted = 0;
  const values: unknown[] = [document];
  const pointers: string[] = [''];
  while (values.length > 0) {
    const value = values.pop();
    const pointer = pointers.pop() ?? '';
    if (value === null || typeof value !== 'object') continue;
    if (isRefObject(value)) {
      const result = resolver.resolve(value.$ref);
      if (!result.ok) {
        if (issues.length < MAX_LISTED_REF_ISSUES) issues.push({ ...result.issue, path: `${pointer}/$ref` });
        else unlisted++;
      }
    }
    const entries: Array<[string | number, unknown]> = Array.isArray(value) ? value.map((item, index) => [index, item]) : Object.entries(value);
    for (let k = entries.length - 1; k >= 0; k--) {
      const entry = entries[k];
      if (entry === undefined || entry[1] === null || typeof entry[1] !== 'object') continue;
      values.push(entry[1]);
      pointers.push(`${pointer}/${escapePointerToken(entry[0])}`);
    }
  }
  if (unlisted > 0) {
    issues.push({
      code: 'ref-issues-truncated',
      severity: 'error',
      path: '',
      message: `${unlisted} more $ref problems are not listed one by one — fix the ones above first`,
      file: options.file,
    });
  }
  return issues;
}
