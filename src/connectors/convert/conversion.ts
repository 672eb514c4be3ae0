/** The result type shared by both converters and the issue log they write to. */
import type { Issue, Severity } from '../../core/index.ts';

/** A converted Swagger 2.0 document (undefined when the input is not convertible at all) and what was lost on the way. */
export interface Conversion {
  readonly document: Record<string, unknown> | undefined;
  readonly issues: Issue[];
}

/** One finding, before the log stamps the file on it. */
export interface IssueInput {
  readonly code: string;
  readonly path: string;
  readonly message: string;
}

/** Collects the issues of one conversion; an identical issue (code, path, message) is recorded once. */
export interface IssueLog {
  readonly issues: Issue[];
  error(issue: IssueInput): void;
  warning(issue: IssueInput): void;
  info(issue: IssueInput): void;
}

/** A new, empty issue log for the named input file. */
export function createIssueLog(file: string): IssueLog {
  const issues: Issue[] = [];
  const seen = new Set<string>();
  // Shared sub-schemas (a component schema flattened into several parameters) are visited more than once;
  // the same finding at the same pointer is reported once.
  const add = (severity: Severity, issue: IssueInput): void => {
    const key = `${issue.code}\u0000${issue.path}\u0000${issue.message}`;
    if (seen.has(key)) return;
    seen.add(key);
    issues.push({ code: issue.code, severity, path: issue.path, message: issue.message, file });
  };
  return {
    issues,
    error: (issue) => add('error', issue),
    warning: (issue) => add('warning', issue),
    info: (issue) => add('info', issue),
  };
}

/** A conversion that produced no document: one error explaining why. */
export function notConvertible(file: string, issue: IssueInput): Conversion {
  const log = createIssueLog(file);
  log.error(issue);
  return { document: undefined, issues: log.issues };
}
