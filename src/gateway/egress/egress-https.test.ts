import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:https';
import type { Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isPlugboardError } from '../../core/index.ts';
import { createEgressClient } from './egress-client.ts';

/** A throw-away self-signed certificate for `secure.test`, made with the system openssl. */
function makeCertificate(): { key: string; cert: string } | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'plugboard-egress-tls-'));
  try {
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=secure.test', '-addext', 'subjectAltName=DNS:secure.test', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')],
      { stdio: 'ignore' },
    );
    return { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') };
  } catch {
    return undefined;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const tls = makeCertificate();
const skip = tls === undefined ? 'openssl is not available to make a test certificate' : false;
let server: Server;
let port = 0;

before(async () => {
  if (tls === undefined) return;
  server = createServer({ key: tls.key, cert: tls.cert }, (_req, res) => res.end('secure hello'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

after(async () => {
  if (tls === undefined) return;
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const lookup = async () => [{ address: '127.0.0.1', family: 4 as const }];

test('calls an allow-listed HTTPS host, with the address checked at connect time', { skip }, async () => {
  const client = createEgressClient({ allow: ['secure.test'], lookup, ca: tls?.cert ?? '', retry: 'none' });
  try {
    const response = await client.send({ method: 'GET', url: `https://secure.test:${port}/` });
    assert.equal(Buffer.from(response.body).toString(), 'secure hello');
  } finally {
    await client.close();
  }
});

test('refuses an HTTPS host resolving to loopback when it is not allow-listed', { skip }, async () => {
  const client = createEgressClient({ lookup, ca: tls?.cert ?? '', retry: 'none' });
  try {
    await assert.rejects(client.send({ method: 'GET', url: `https://secure.test:${port}/` }), (error: unknown) => isPlugboardError(error) && error.code === 'EgressDenied');
  } finally {
    await client.close();
  }
});

test('fails an untrusted certificate as a non-retryable connection error', { skip }, async () => {
  const client = createEgressClient({ allow: ['secure.test'], lookup, retry: 'none' });
  try {
    await assert.rejects(client.send({ method: 'GET', url: `https://secure.test:${port}/` }), (error: unknown) => {
      assert.ok(isPlugboardError(error));
      assert.equal(error.code, 'EgressConnectionFailed', error.message);
      assert.equal(error.retryable, false);
      return true;
    });
  } finally {
    await client.close();
  }
});
