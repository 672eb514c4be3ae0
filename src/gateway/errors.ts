/** Errors the gateway raises while building a call or reading its answer. */
import { PlugboardError, UserInputError } from '../core/index.ts';

/** Where a parameter problem is, for `details`. */
export interface ParameterProblem {
  readonly operationId: string;
  readonly parameter: string;
  readonly in: string;
}

/** A required parameter was not given and has no default. */
export function parameterMissing(problem: ParameterProblem): UserInputError {
  return new UserInputError(
    `operation \`${problem.operationId}\`: required ${problem.in} parameter \`${problem.parameter}\` is missing — pass a value for \`${problem.parameter}\``,
    { code: 'ParameterMissing', details: { ...problem } },
  );
}

/** A parameter value has the wrong type, is not one of its enum values, or cannot be encoded. */
export function parameterInvalid(problem: ParameterProblem, reason: string): UserInputError {
  return new UserInputError(`operation \`${problem.operationId}\`: ${problem.in} parameter \`${problem.parameter}\` ${reason}`, {
    code: 'ParameterInvalid',
    details: { ...problem },
  });
}

/** The backend answered with a non-2xx status. The body is kept (already redacted) for the caller. */
export class UpstreamError extends PlugboardError {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: unknown;

  constructor(options: { operationId: string; status: number; headers: Readonly<Record<string, string>>; body: unknown }) {
    super(`operation \`${options.operationId}\`: the backend answered ${options.status}${statusHint(options.status)}`, {
      code: 'UpstreamError',
      kind: 'operational',
      retryable: options.status === 408 || options.status === 429 || options.status >= 500,
      details: { operationId: options.operationId, status: options.status, body: truncateForDetails(options.body) },
    });
    this.name = 'UpstreamError';
    this.status = options.status;
    this.headers = options.headers;
    this.body = options.body;
  }
}

function statusHint(status: number): string {
  if (status === 401) return ' (unauthorized: the connection\'s credentials were refused — update or re-authorize the connection)';
  if (status === 403) return ' (forbidden: the connection\'s account may not do this)';
  if (status === 404) return ' (not found: check the identifiers passed to the operation)';
  if (status === 429) return ' (too many requests: the backend is rate limiting)';
  if (status >= 500) return ' (a backend error)';
  return '';
}

const DETAIL_BODY_LIMIT = 4096;

function truncateForDetails(body: unknown): unknown {
  if (typeof body === 'string') return body.length > DETAIL_BODY_LIMIT ? `${body.slice(0, DETAIL_BODY_LIMIT)}…` : body;
  if (body === undefined) return null;
  const text = JSON.stringify(body);
  return text.length > DETAIL_BODY_LIMIT ? `${text.slice(0, DETAIL_BODY_LIMIT)}…` : body;
}
