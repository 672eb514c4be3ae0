/**
 * Test fixture: a webhook-publishing service on loopback (node:http) that records what it
 * received; the tests reach it through the real egress client, as a Plugboard server would.
 */
import { createServer } from 'node:http';
import type { ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createEgressClient } from '../../gateway/index.ts';
import type { EgressClient } from '../../gateway/index.ts';
import type { HttpPort } from '../actions/index.ts';

/** One request as the service saw it. */
export interface ServiceRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  /** Lower-case names. */
  readonly headers: Readonly<Record<string, string>>;
  /** Parsed JSON when the body is JSON, else the text; undefined when empty. */
  readonly body: unknown;
}

/** What the service answers. */
export interface ServiceAnswer {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly json?: unknown;
}

/** A running service. */
export interface LoopbackService {
  readonly origin: string;
  readonly requests: ServiceRequest[];
  close(): Promise<void>;
}

/** Starts a service on 127.0.0.1 whose answers `handler` decides. */
export async function startService(handler: (request: ServiceRequest, origin: string) => ServiceAnswer): Promise<LoopbackService> {
  const requests: ServiceRequest[] = [];
  let origin = '';
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown = text === '' ? undefined : text;
      if (text !== '' && (req.headers['content-type'] ?? '').includes('json')) body = JSON.parse(text);
      const url = new URL(req.url ?? '/', origin);
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers)) if (typeof value === 'string') headers[name] = value;
      const request: ServiceRequest = { method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers, body };
      requests.push(request);
      answer(res, handler(request, origin));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error === undefined ? resolve() : reject(error)));
        server.closeAllConnections();
      }),
  };
}

function answer(res: ServerResponse, reply: ServiceAnswer): void {
  const headers: Record<string, string> = { ...reply.headers };
  if (reply.json === undefined) {
    res.writeHead(reply.status, headers).end();
    return;
  }
  headers['content-type'] = 'application/json';
  res.writeHead(reply.status, headers).end(JSON.stringify(reply.json));
}

/** The guarded egress client with loopback allowed and no retries, and the HttpPort over it. */
export function loopbackHttp(): { readonly http: HttpPort; readonly client: EgressClient } {
  const client = createEgressClient({ allow: ['127.0.0.1/32'], retry: 'none', totalTimeoutMs: 30_000 });
  return { client, http: (request) => client.send(request) };
}
