/**
 * The HTTP backend the workflow library's Http and connector cases call: a node:http server on
 * 127.0.0.1 with a few fixed routes. Attempt counters are kept per `key` query parameter, so each
 * case sees its own retries (`{ attempt: n }` in the body).
 */
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A running backend. */
export interface LibraryBackend {
  /** `http://127.0.0.1:<port>` */
  readonly baseUrl: string;
  /** `127.0.0.1:<port>` (the keyed-echo connector's `host` connection parameter). */
  readonly host: string;
  close(): Promise<void>;
}

/** The user and password `/auth` accepts with Basic authentication. */
export const LIBRARY_BASIC_USER = Object.freeze({ username: 'ada', password: 's3cret' });
/** The API key `/api/*` (the keyed-echo connector) expects in `X-Api-Key`. */
export const LIBRARY_API_KEY = 'library-key';

/**
 * Routes:
 * - `GET /json` → 200 `{ hello: "world" }`
 * - `* /echo` → 200 `{ method, path, query, xCase, json, body }` (json: the request said application/json)
 * - `GET /status/<code>?key=k` → `<code>` `{ attempt }`
 * - `GET /flaky?key=k&failures=n` → 500 for the first n attempts, then 200, body `{ attempt }`
 * - `GET /auth` → 200 `{ authorized: true, user }` with the right Basic credentials, else 401
 * - `POST /api/echo` → 200 `{ method, path, body, keyed, source }` (keyed: the API key arrived; source: `X-Source`)
 * - `GET /api/items/<id>` → 200 `{ id, name: "Item <id>" }`, 404 for id `missing`
 */
export async function startLibraryBackend(): Promise<LibraryBackend> {
  const attempts = new Map<string, number>();
  const server = createServer((request, response) => {
    void handle(request, response, attempts).catch((error: unknown) => send(response, 500, { error: String(error) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error === undefined ? resolve() : reject(error)));
      }),
  };
}

async function handle(request: IncomingMessage, response: ServerResponse, attempts: Map<string, number>): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://backend');
  const text = await readBody(request);
  const contentType = request.headers['content-type'] ?? '';
  const body: unknown = text === '' ? null : contentType.startsWith('application/json') ? JSON.parse(text) : text;
  const attempt = (): number => {
    const key = `${url.pathname}?${url.searchParams.get('key') ?? ''}`;
    const next = (attempts.get(key) ?? 0) + 1;
    attempts.set(key, next);
    return next;
  };
  const path = url.pathname;
  if (path === '/json') return send(response, 200, { hello: 'world' });
  if (path === '/echo') {
    return send(response, 200, {
      method: request.method,
      path,
      query: Object.fromEntries(url.searchParams),
      xCase: request.headers['x-case'] ?? null,
      json: contentType.startsWith('application/json'),
      body,
    });
  }
  const status = /^\/status\/(\d{3})$/.exec(path);
  if (status !== null) return send(response, Number(status[1]), { attempt: attempt() });
  if (path === '/flaky') {
    const n = attempt();
    return send(response, n <= Number(url.searchParams.get('failures') ?? '1') ? 500 : 200, { attempt: n });
  }
  if (path === '/auth') {
    const expected = `Basic ${Buffer.from(`${LIBRARY_BASIC_USER.username}:${LIBRARY_BASIC_USER.password}`).toString('base64')}`;
    return request.headers.authorization === expected ? send(response, 200, { authorized: true, user: LIBRARY_BASIC_USER.username }) : send(response, 401, { authorized: false });
  }
  if (path === '/api/echo') {
    return send(response, 200, { method: request.method, path, body, keyed: request.headers['x-api-key'] === LIBRARY_API_KEY, source: request.headers['x-source'] ?? null });
  }
  const item = /^\/api\/items\/([^/]+)$/.exec(path);
  if (item !== null) {
    const id = decodeURIComponent(item[1] ?? '');
    return id === 'missing' ? send(response, 404, { error: { code: 'NotFound', message: `no item ${id}` } }) : send(response, 200, { id, name: `Item ${id}` });
  }
  return send(response, 404, { error: `no route ${request.method ?? ''} ${path}` });
}

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
