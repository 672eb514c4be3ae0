/**
 * Validation results are data, not exceptions: a list of issues, each naming the rule (`code`),
 * how bad it is, where (a JSON pointer, and for file-level problems the file, line and column)
 * and what to do about it.
 */

/** How bad an issue is. Only `error` makes a definition unusable. */
export type Severity = 'error' | 'warning' | 'info';

/** One finding of a parser or validator. */
export interface Issue {
  /** Stable rule code, e.g. `operation-id-missing`. */
  readonly code: string;
  readonly severity: Severity;
  /** JSON pointer (RFC 6901) into the document the issue is about; `''` is the whole document. */
  readonly path: string;
  /** What is wrong, the value involved, and how to fix it. */
  readonly message: string;
  /** The file the issue is about, when it came from a file. */
  readonly file?: string;
  /** 1-based line in `file`. */
  readonly line?: number;
  /** 1-based column in `file`. */
  readonly column?: number;
}

/** Encodes one reference token of a JSON pointer (`~` → `~0`, `/` → `~1`). */
export function escapePointerToken(token: string | number): string {
  return String(token).replaceAll('~', '~0').replaceAll('/', '~1');
}

/** Builds a JSON pointer from reference tokens. */
export function jsonPointer(...tokens: ReadonlyArray<string | number>): string {
  return tokens.map((t) => '/' + escapePointerToken(t)).join('');
}

/** Splits a JSON pointer into its decoded reference tokens. */
export function parseJsonPointer(pointer: string): string[] {
  if (pointer === '' || pointer === '#') return [];
  const body = pointer.startsWith('#') ? pointer.slice(1) : pointer;
  return body
    .split('/')
    .slice(1)
    .map((t) => t.replaceAll('~1', '/').replaceAll('~0', '~'));
}

/** True when any issue is an error. */
export function hasErrors(issues: readonly Issue[]): boolean {
  return issues.some((i) => i.severity === 'error');
}

/** The issues of one severity. */
export function issuesOf(issues: readonly Issue[], severity: Severity): Issue[] {
  return issues.filter((i) => i.severity === severity);
}

/** A one-line human rendering: `error path: message (file:line:column)`. */
export function formatIssue(issue: Issue): string {
  const where = issue.file === undefined ? '' : ` (${issue.file}${issue.line === undefined ? '' : `:${issue.line}${issue.column === undefined ? '' : `:${issue.column}`}`})`;
  const path = issue.path === '' ? '' : `${issue.path}: `;
  return `${issue.severity} ${issue.code} ${path}${issue.message}${where}`;
}
