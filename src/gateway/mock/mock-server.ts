/** Serves a mock backend on a real port (loopback by default). */
import { createServer } from 'node:http';
import type { ConnectorDefinition } from '../../connectors/index.ts';
import { UserInputError } from '../../core/index.ts';
import type { Logger } from '../../core/index.ts';
import { createMockBackend } from './mock-backend.ts';
import type { AuxiliaryRoute, MockRequestRecord, MockRoute, MockSubscription } from './mock-backend.ts';
import type { BackendViewOf } from './route-table.ts';

/** Options of {@link startMockServer}. */
export interface MockServerOptions {
  /** 0 (the default) picks a free port. */
  readonly port?: number;
  /** Default `127.0.0.1`. */
  readonly host?: string;
  readonly backendView?: BackendViewOf;
  readonly logger?: Logger;
  readonly seed?: number;
  /** Called with each request once it is answered. */
  readonly onRequest?: (record: MockRequestRecord) => void;
  /** Calls policies make by themselves and the values their answers must carry (see {@link AuxiliaryRoute}). */
  readonly auxiliaryRoutes?: readonly AuxiliaryRoute[];
}

/** A running mock server. */
export interface MockServer {
  /** `http://127.0.0.1:<port>` (no trailing slash). */
  readonly url: string;
  readonly port: number;
  /** Live list of received requests, oldest first (credential values redacted). */
  readonly requests: readonly MockRequestRecord[];
  readonly subscriptions: readonly MockSubscription[];
  readonly routes: readonly MockRoute[];
  /** Stops listening and closes open connections. */
  close(): Promise<void>;
}

function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

/** Starts the mock backend of `definition` on `host:port`. */
export async function startMockServer(definition: ConnectorDefinition, options: MockServerOptions = {}): Promise<MockServer> {
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UserInputError(`mock server port ${String(port)} is not a port number — use an integer from 0 to 65535 (0 picks a free port)`, { code: 'MockPortInvalid' });
  }
  const host = options.host ?? '127.0.0.1';
  let url = '';
  const backend = createMockBackend(definition, {
    backendView: options.backendView,
    logger: options.logger,
    seed: options.seed,
    onRequest: options.onRequest,
    auxiliaryRoutes: options.auxiliaryRoutes,
    origin: () => url,
  });
  const server = createServer(backend.handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the mock server is not listening on a TCP port');
  url = `http://${urlHost(host)}:${address.port}`;
  return {
    url,
    port: address.port,
    requests: backend.requests,
    subscriptions: backend.subscriptions,
    routes: backend.routes,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error === undefined ? resolve() : reject(error)));
        server.closeAllConnections();
      }),
  };
}
