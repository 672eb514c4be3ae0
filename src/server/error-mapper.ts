/**
 * Maps every error to an HTTP response in one place. Plugboard errors keep their code and
 * message; anything else becomes a 500 with a request id and no internals.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { isPlugboardError } from '../core/index.ts';
import type { ErrorKind } from '../core/index.ts';
import { CallRefusedError } from '../workflow/index.ts';

const STATUS: Readonly<Record<ErrorKind, number>> = {
  user: 400,
  'not-found': 404,
  conflict: 409,
  unauthorized: 401,
  forbidden: 403,
  operational: 503,
  unexpected: 500,
};

/** Codes whose status says more than their kind's (gateway answers, as a proxy would give them). */
const STATUS_BY_CODE: Readonly<Record<string, number>> = {
  RateLimited: 429,
  EgressTimeout: 504,
  EgressConnectionFailed: 502,
  EgressTooManyRedirects: 502,
  ResponseTooLarge: 502,
  UpstreamError: 502,
  // The server was started without the durable run engine: the route exists but cannot start runs.
  RunLauncherUnavailable: 501,
  // A flow's Response action did not answer a callback call in time.
  TriggerResponseTimedOut: 504,
};

/** The JSON body of every error response. */
export interface ErrorBody {
  readonly error: { readonly code: string; readonly message: string; readonly details?: Readonly<Record<string, unknown>>; readonly requestId?: string };
}

function isFastifyError(error: unknown): error is FastifyError {
  return error instanceof Error && 'code' in error && typeof error.code === 'string' && error.code.startsWith('FST_');
}

/** Fastify error handler. */
export function handleError(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (isPlugboardError(error)) {
    const body: ErrorBody = { error: { code: error.code, message: error.message, ...(error.details === undefined ? {} : { details: error.details }) } };
    // Only a missing or bad API token asks for a bearer token; a signed callback URL takes none.
    if (error.code === 'Unauthorized') void reply.header('www-authenticate', 'Bearer');
    const retryAfter = error.details?.['retryAfterSeconds'];
    if (typeof retryAfter === 'number') void reply.header('retry-after', String(Math.max(1, Math.ceil(retryAfter))));
    // A refused callback call names its own status (405 wrong method, 401 bad signature …).
    const status = error instanceof CallRefusedError ? error.statusCode : (STATUS_BY_CODE[error.code] ?? STATUS[error.kind]);
    return reply.status(status).send(body);
  }
  if (isFastifyError(error) && error.validation !== undefined) {
    const where = error.validationContext ?? 'request';
    return reply.status(400).send({ error: { code: 'RequestInvalid', message: `${where} ${error.message.replace(/^(body|querystring|params|headers)\s*/, '')}` } });
  }
  if (isFastifyError(error) && typeof error.statusCode === 'number' && error.statusCode < 500) {
    return reply.status(error.statusCode).send({ error: { code: 'RequestInvalid', message: error.message } });
  }
  request.log.error({ err: error }, 'unexpected error');
  return reply.status(500).send({ error: { code: 'InternalError', message: 'an unexpected error occurred; the server log has the details', requestId: request.id } });
}
