import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { isPlugboardError } from '../../core/index.ts';
import { createAddressPolicy } from './address-guard.ts';
import type { AddressPolicy } from './address-guard.ts';
import { createGuardedConnector } from './guarded-connector.ts';
import { startLoopbackServer } from './loopback-server.fixture.ts';

function connect(connector: ReturnType<typeof createGuardedConnector>, hostname: string, port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    connector({ hostname, host: `${hostname}:${port}`, protocol: 'http:', port: String(port) }, (error, socket) => {
      if (error !== null) reject(error);
      else resolve(socket as Socket);
    });
  });
}

test('refuses a literal internal address before opening a socket', async () => {
  const server = await startLoopbackServer((_req, res) => res.end());
  try {
    const connector = createGuardedConnector({ policy: createAddressPolicy(), lookup: () => Promise.reject(new Error('no lookup')), connectTimeoutMs: 1_000 });
    await assert.rejects(connect(connector, '127.0.0.1', server.port), (error: unknown) => isPlugboardError(error) && error.code === 'EgressDenied');
    await assert.rejects(connect(connector, '::ffff:7f00:1', server.port), (error: unknown) => isPlugboardError(error) && error.code === 'EgressDenied');
  } finally {
    await server.close();
  }
});

test('re-checks the connected socket address after connecting (defence in depth)', async () => {
  const server = await startLoopbackServer((_req, res) => res.end());
  try {
    const real = createAddressPolicy({ allow: ['127.0.0.1'] });
    const checked: string[] = [];
    // Admits what DNS answered, then refuses the same address when seen on the socket: only the
    // post-connect check can refuse here.
    const policy: AddressPolicy = {
      check: (host, address) => {
        checked.push(address);
        return checked.length === 1 ? undefined : createAddressPolicy().check(host, address);
      },
      checkName: real.checkName,
    };
    const connector = createGuardedConnector({ policy, lookup: async () => [{ address: '127.0.0.1', family: 4 }], connectTimeoutMs: 1_000 });
    await assert.rejects(connect(connector, 'app.test', server.port), (error: unknown) => isPlugboardError(error) && error.code === 'EgressDenied');
    assert.deepEqual(checked, ['127.0.0.1', '127.0.0.1']);
    await server.socketsClosed(1);
  } finally {
    await server.close();
  }
});

test('hands net.connect only the vetted addresses of a name', async () => {
  const server = await startLoopbackServer((_req, res) => res.end());
  try {
    const connector = createGuardedConnector({ policy: createAddressPolicy({ allow: ['127.0.0.1'] }), lookup: async () => [{ address: '127.0.0.1', family: 4 }], connectTimeoutMs: 1_000 });
    const socket = await connect(connector, 'app.test', server.port);
    assert.equal(socket.remoteAddress, '127.0.0.1');
    socket.destroy();
  } finally {
    await server.close();
  }
});
