/**
 * How requests appear in the JSON log. A callback URL's `sig` grants running a flow without a
 * token, so it is a secret: it never reaches a log line (nor do Authorization headers, which the
 * loggers redact by path).
 */

/** The query members whose values are secrets. */
const SECRET_QUERY = /([?&](?:sig|code|state|access_token|client_secret)=)[^&#]*/gi;

/** `url` with secret query values replaced by `[redacted]`. */
export function redactUrl(url: string): string {
  return url.replace(SECRET_QUERY, '$1[redacted]');
}

interface LoggedRequest {
  readonly method?: string;
  readonly url?: string;
  readonly hostname?: string;
  readonly host?: string;
  readonly ip?: string;
  readonly headers?: Readonly<Record<string, unknown>>;
  readonly socket?: { readonly remotePort?: number };
}

/** pino serializers for Fastify's request lines. */
export const LOG_SERIALIZERS = {
  req(request: LoggedRequest): Record<string, unknown> {
    return {
      method: request.method,
      url: typeof request.url === 'string' ? redactUrl(request.url) : request.url,
      host: request.host ?? request.hostname ?? request.headers?.['host'],
      remoteAddress: request.ip,
      remotePort: request.socket?.remotePort,
    };
  },
};

/**
 * The pino options every Plugboard logger uses (`plugboard start`'s and `createApp`'s own): the
 * Authorization header redacted, request lines through {@link LOG_SERIALIZERS}.
 */
export const LOG_OPTIONS: { readonly redact: string[]; readonly serializers: typeof LOG_SERIALIZERS } = Object.freeze({ redact: ['req.headers.authorization'], serializers: LOG_SERIALIZERS });
