import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { isPlugboardError } from '../../core/index.ts';
import { createEgressClient } from './egress-client.ts';
import type { EgressClientOptions } from './egress-client.ts';
import type { EgressLookup } from './guarded-connector.ts';
import { startLoopbackServer } from './loopback-server.fixture.ts';
import type { LoopbackServer } from './loopback-server.fixture.ts';

let target: LoopbackServer;
let other: LoopbackServer;
let ipv6: LoopbackServer;

before(async () => {
  target = await startLoopbackServer((_req, res) => res.end('reached'));
  other = await startLoopbackServer((_req, res) => res.end('reached 127.0.0.2'), '127.0.0.2');
  ipv6 = await startLoopbackServer((_req, res) => res.end('reached ::1'), '::1');
});

after(async () => {
  await Promise.all([target.close(), other.close(), ipv6.close()]);
});

function expectDenied(pattern?: RegExp): (error: unknown) => boolean {
  return (error) => {
    assert.ok(isPlugboardError(error), String(error));
    assert.equal(error.code, 'EgressDenied', error.message);
    assert.equal(error.kind, 'forbidden');
    if (pattern !== undefined) assert.match(error.message, pattern);
    return true;
  };
}

/** A lookup from a fixed table; names not in it do not resolve. */
function tableLookup(table: Readonly<Record<string, readonly string[]>>): EgressLookup {
  return async (hostname) => {
    const answers = table[hostname.replace(/\.$/, '')];
    if (answers === undefined) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return answers.map((address) => ({ address, family: address.includes(':') ? (6 as const) : (4 as const) }));
  };
}

async function withClient<T>(options: EgressClientOptions, run: (send: (url: string) => Promise<{ status: number; text: string }>) => Promise<T>): Promise<T> {
  const client = createEgressClient({ retry: 'none', ...options });
  try {
    return await run(async (url) => {
      const response = await client.send({ method: 'GET', url });
      return { status: response.status, text: Buffer.from(response.body).toString('utf8') };
    });
  } finally {
    await client.close();
  }
}

test('refuses loopback, unspecified, private and metadata targets in every literal spelling by default', async () => {
  const port = target.port;
  const urls = [
    `http://127.0.0.1:${port}/`,
    `http://127.1:${port}/`,
    `http://0177.0.0.1:${port}/`,
    `http://0x7f000001:${port}/`,
    `http://2130706433:${port}/`,
    `http://017700000001:${port}/`,
    `http://127.0.0.1.:${port}/`,
    `http://public@127.0.0.1:${port}/`,
    `http://127.0.0.1\\@example.com:${port}/`,
    `http://0.0.0.0:${port}/`,
    `http://0:${port}/`,
    `http://[::1]:${ipv6.port}/`,
    `http://[::]:${port}/`,
    `http://[::ffff:127.0.0.1]:${port}/`,
    `http://[::ffff:7f00:1]:${port}/`,
    `http://[0:0:0:0:0:ffff:7f00:1]:${port}/`,
    `http://[::127.0.0.1]:${port}/`,
    `http://[64:ff9b::7f00:1]:${port}/`,
    'http://169.254.169.254/latest/meta-data/',
    'http://[::ffff:a9fe:a9fe]/',
    'http://169.254.170.2/v2/credentials',
    'http://[fd00:ec2::254]/',
    'http://10.0.0.1/',
    'http://172.16.5.4/',
    'http://192.168.1.1/',
    'http://100.64.0.1/',
    'http://[fc00::1]/',
    'http://[fe80::1]/',
    'http://224.0.0.1/',
    'http://255.255.255.255/',
  ];
  await withClient({ lookup: tableLookup({}) }, async (send) => {
    for (const url of urls) await assert.rejects(send(url), expectDenied(), url);
  });
  assert.equal(target.requests.length, 0, 'no refused request reached the server');
  assert.equal(ipv6.requests.length, 0);
});

test('refuses a host name that resolves to loopback, checking the resolved address', async () => {
  await withClient({ lookup: tableLookup({ 'internal.test': ['127.0.0.1'] }) }, async (send) => {
    await assert.rejects(send(`http://internal.test:${target.port}/`), expectDenied(/internal\.test.*127\.0\.0\.1.*loopback/));
  });
  // The system resolver, as in production: "localhost" is loopback.
  await withClient({}, async (send) => {
    await assert.rejects(send(`http://localhost:${target.port}/`), expectDenied(/localhost/));
  });
  assert.equal(target.requests.length, 0);
});

test('refuses metadata host names without resolving them', async () => {
  await withClient({ lookup: () => Promise.reject(new Error('must not resolve')) }, async (send) => {
    await assert.rejects(send('http://metadata.google.internal/computeMetadata/v1/'), expectDenied(/metadata/));
  });
});

test('lets allow-listed loopback addresses through (the refusals above are not a broken client)', async () => {
  await withClient({ allow: ['127.0.0.1/32', '::1'] }, async (send) => {
    assert.deepEqual(await send(`http://127.0.0.1:${target.port}/`), { status: 200, text: 'reached' });
    assert.deepEqual(await send(`http://127.1:${target.port}/`), { status: 200, text: 'reached' });
    assert.deepEqual(await send(`http://[::1]:${ipv6.port}/`), { status: 200, text: 'reached ::1' });
    // 127.0.0.2 is loopback too but not on the list.
    await assert.rejects(send(`http://127.0.0.2:${other.port}/`), expectDenied(/127\.0\.0\.2/));
  });
});

test('an allow-listed host name admits that name but not another name resolving to the same address', async () => {
  const lookup = tableLookup({ 'mock.internal': ['127.0.0.1'], 'evil.test': ['127.0.0.1'] });
  await withClient({ allow: ['mock.internal'], lookup }, async (send) => {
    assert.equal((await send(`http://mock.internal:${target.port}/`)).text, 'reached');
    await assert.rejects(send(`http://evil.test:${target.port}/`), expectDenied(/evil\.test/));
    // A name entry never admits the literal address.
    await assert.rejects(send(`http://127.0.0.1:${target.port}/`), expectDenied());
  });
});

test('refuses a redirect from an allow-listed server to a non-allow-listed internal address, at connect time', async () => {
  const redirector = await startLoopbackServer((request, res) => {
    const to = request.url === '/to-other' ? `${other.origin}/` : request.url === '/to-metadata' ? 'http://169.254.169.254/latest/meta-data/' : `http://sneaky.test:${other.port}/`;
    res.writeHead(302, { location: to }).end();
  });
  try {
    await withClient({ allow: ['127.0.0.1/32'], lookup: tableLookup({ 'sneaky.test': ['127.0.0.2'] }) }, async (send) => {
      await assert.rejects(send(`${redirector.origin}/to-other`), expectDenied(/127\.0\.0\.2/));
      await assert.rejects(send(`${redirector.origin}/to-metadata`), expectDenied(/metadata/));
      await assert.rejects(send(`${redirector.origin}/to-name`), expectDenied(/sneaky\.test.*127\.0\.0\.2/));
    });
    assert.equal(redirector.requests.length, 3, 'the allow-listed first hop was made');
    assert.equal(other.requests.length, 0, 'the internal target was never reached');
  } finally {
    await redirector.close();
  }
});

test('checks the address actually connected to when DNS answers change between connections (rebinding)', async () => {
  // The server closes each connection, so every request needs a new socket and a new lookup.
  const server = await startLoopbackServer((_req, res) => res.writeHead(200, { connection: 'close' }).end('ok'));
  try {
    // The name first resolves to the allowed address, then (TTL 0) to an internal one.
    const answers = ['127.0.0.1', '127.0.0.2'];
    let lookups = 0;
    const lookup: EgressLookup = async () => [{ address: answers[Math.min(lookups++, answers.length - 1)] ?? '', family: 4 as const }];
    await withClient({ allow: ['127.0.0.1/32'], lookup }, async (send) => {
      assert.equal((await send(`http://rebind.test:${server.port}/`)).text, 'ok');
      await assert.rejects(send(`http://rebind.test:${server.port}/`), expectDenied(/rebind\.test.*127\.0\.0\.2/));
    });
    assert.equal(lookups, 2, 'each new connection resolved once, and that answer was the one checked');
    assert.equal(server.requests.length, 1);
  } finally {
    await server.close();
  }
});

test('refuses a name whose DNS answer mixes an allowed and an internal address', async () => {
  const lookup = tableLookup({ 'mixed.test': ['127.0.0.1', '127.0.0.2'] });
  await withClient({ allow: ['127.0.0.1/32'], lookup }, async (send) => {
    await assert.rejects(send(`http://mixed.test:${target.port}/`), expectDenied(/127\.0\.0\.2/));
  });
});

test('refuses non-http schemes, directly and as a redirect target', async () => {
  await withClient({}, async (send) => {
    for (const url of ['file:///etc/passwd', 'ftp://example.com/', 'gopher://127.0.0.1:70/', 'data:text/plain,hi', 'ws://127.0.0.1/', 'javascript:alert(1)']) {
      await assert.rejects(send(url), expectDenied(/only http: and https:/), url);
    }
  });
  const redirector = await startLoopbackServer((_req, res) => res.writeHead(301, { location: 'file:///etc/passwd' }).end());
  try {
    await withClient({ allow: ['127.0.0.1/32'] }, async (send) => {
      await assert.rejects(send(`${redirector.origin}/`), expectDenied(/file:/));
    });
  } finally {
    await redirector.close();
  }
});
