/**
 * Test fixture: a real HTTP server on a loopback address that records what it received. Egress
 * tests talk to it through the real client, with loopback allow-listed (or not, to see refusals).
 */
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** One request as the server saw it. */
export interface RecordedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** A running loopback server. */
export interface LoopbackServer {
  readonly host: string;
  readonly port: number;
  /** `http://host:port` (IPv6 hosts bracketed). */
  readonly origin: string;
  readonly requests: RecordedRequest[];
  /** Resolves when `count` sockets have closed since the server started. */
  socketsClosed(count: number): Promise<void>;
  close(): Promise<void>;
}

/** The handler gets the request with its body already read. */
export type FixtureHandler = (request: RecordedRequest, res: ServerResponse, req: IncomingMessage) => void;

/** Starts a server on `host` (default 127.0.0.1) and an ephemeral port. */
export async function startLoopbackServer(handler: FixtureHandler, host = '127.0.0.1'): Promise<LoopbackServer> {
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  let closed = 0;
  const waiters: { count: number; resolve: () => void }[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const recorded: RecordedRequest = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(recorded);
      handler(recorded, res, req);
    });
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => {
      sockets.delete(socket);
      closed += 1;
      for (const waiter of waiters.filter((w) => w.count <= closed)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, resolve);
  });
  const port = (server.address() as AddressInfo).port;
  return {
    host,
    port,
    origin: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    requests,
    socketsClosed: (count) => (closed >= count ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ count, resolve }))),
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
