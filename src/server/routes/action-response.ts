/**
 * Sends a run's Response action as the HTTP reply: its status code, its headers and its body,
 * as Logic Apps does for a Request trigger — an object, array, number or boolean body as JSON,
 * a string as text (unless the headers say otherwise), `{ "$content-type", "$content" }` as the
 * decoded bytes, no body for null.
 */
import type { FastifyReply } from 'fastify';
import { isRecord } from '../../expressions/index.ts';

/** The Response action's reply (the engine's `ActionResponse`). */
export interface ActionReply {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: unknown;
}

/** Headers the server sets itself: a Response action's values for them are ignored. */
const SERVER_HEADERS = new Set(['content-length', 'transfer-encoding', 'connection', 'keep-alive', 'upgrade', 'trailer', 'te']);

/** Writes `response` on `reply` and sends it. */
export function sendActionResponse(reply: FastifyReply, response: ActionReply): FastifyReply {
  void reply.status(response.statusCode);
  let contentType: string | undefined;
  for (const [name, value] of Object.entries(response.headers)) {
    const lower = name.toLowerCase();
    if (SERVER_HEADERS.has(lower)) continue;
    if (lower === 'content-type') contentType = value;
    else void reply.header(name, value);
  }
  const body = response.body;
  if (body === null || body === undefined) return reply.send();
  if (isRecord(body) && typeof body['$content'] === 'string' && Object.hasOwn(body, '$content-type')) {
    void reply.header('content-type', contentType ?? String(body['$content-type']));
    return reply.send(Buffer.from(body['$content'], 'base64'));
  }
  if (typeof body === 'string') {
    void reply.header('content-type', contentType ?? 'text/plain; charset=utf-8');
    return reply.send(body);
  }
  void reply.header('content-type', contentType ?? 'application/json; charset=utf-8');
  // Serialized here: the route's response schemas must not reshape a flow's own reply.
  return reply.send(JSON.stringify(body));
}
