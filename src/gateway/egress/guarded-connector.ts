/**
 * The undici connector that enforces the address policy at connect time, on the address actually
 * connected to. Three checks, each cheap and only run when a *new* socket is opened (pooled sockets
 * stay bound to their vetted origin):
 *
 * 1. A literal-IP host is checked before the socket is created (Node skips DNS for it).
 * 2. A host name goes through a vetted `lookup`: every address DNS returns is checked and only those
 *    are handed to `net.connect`, so the socket can only reach an address that passed. If any answer
 *    is refused, the connection is refused (a name that resolves to an internal address is treated
 *    as hostile, whatever its other answers are) — this also defeats DNS rebinding (T-E5): there is
 *    no second lookup between check and connect.
 * 3. Defence in depth: once connected, `socket.remoteAddress` is checked again.
 */
import { buildConnector } from 'undici';
import { isIP } from 'node:net';
import type { LookupFunction, Socket } from 'node:net';
import type { LookupAddress } from 'node:dns';
import type { AddressPolicy } from './address-guard.ts';
import { EgressDeniedError } from './errors.ts';

/** One DNS answer. */
export interface ResolvedAddress {
  readonly address: string;
  readonly family: 4 | 6;
}

/** Resolves a host name to all its addresses (the default uses the system resolver, like Node does). */
export type EgressLookup = (hostname: string) => Promise<readonly ResolvedAddress[]>;

/** Options of {@link createGuardedConnector}. */
export interface GuardedConnectorOptions {
  readonly policy: AddressPolicy;
  readonly lookup: EgressLookup;
  readonly connectTimeoutMs: number;
  /** Extra trusted CA certificates (PEM) for TLS, e.g. an on-premises API's private CA. */
  readonly ca?: string | readonly string[];
}

function wantedFamily(family: unknown): 0 | 4 | 6 {
  if (family === 4 || family === 'IPv4') return 4;
  if (family === 6 || family === 'IPv6') return 6;
  return 0;
}

function notFound(hostname: string): NodeJS.ErrnoException {
  const error: NodeJS.ErrnoException = new Error(`getaddrinfo ENOTFOUND ${hostname}`);
  error.code = 'ENOTFOUND';
  return error;
}

/** Builds the connector for an undici Agent (`new Agent({ connect })`). */
export function createGuardedConnector(options: GuardedConnectorOptions): buildConnector.connector {
  const { policy, lookup } = options;

  const vettedLookup: LookupFunction = (hostname, lookupOptions, callback) => {
    lookup(hostname).then(
      (answers) => {
        const family = wantedFamily(lookupOptions.family);
        const candidates = family === 0 ? answers : answers.filter((answer) => answer.family === family);
        const first = candidates[0];
        if (first === undefined) {
          callback(notFound(hostname), '', 0);
          return;
        }
        for (const answer of candidates) {
          const denied = policy.check(hostname, answer.address);
          if (denied !== undefined) {
            callback(denied, '', 0);
            return;
          }
        }
        if (lookupOptions.all === true) {
          const all: LookupAddress[] = candidates.map((answer) => ({ address: answer.address, family: answer.family }));
          callback(null, all);
        } else {
          callback(null, first.address, first.family);
        }
      },
      (error: unknown) => callback(error instanceof Error ? error : new Error(String(error)), '', 0),
    );
  };

  const base = buildConnector({
    timeout: options.connectTimeoutMs,
    lookup: vettedLookup,
    ...(options.ca === undefined ? {} : { ca: typeof options.ca === 'string' ? options.ca : [...options.ca] }),
  });

  return (connectOptions, callback) => {
    const hostname = connectOptions.hostname;
    if (isIP(hostname) !== 0) {
      const denied = policy.check(hostname, hostname);
      if (denied !== undefined) {
        callback(denied, null);
        return;
      }
    }
    base(connectOptions, (error, socket) => {
      if (error !== null) {
        callback(error, null);
        return;
      }
      const remote = (socket as Socket).remoteAddress;
      const denied =
        remote === undefined
          ? new EgressDeniedError(`egress to ${hostname} refused: the connected address is unknown (socket closed during connect) — retry the call`, { host: hostname })
          : policy.check(hostname, remote);
      if (denied !== undefined) {
        socket.destroy();
        callback(denied, null);
        return;
      }
      callback(null, socket);
    });
  };
}
