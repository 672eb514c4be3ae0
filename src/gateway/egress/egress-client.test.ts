import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { isPlugboardError } from '../../core/index.ts';
import { createEgressClient } from './egress-client.ts';
import type { EgressClient } from './egress-client.ts';
import { startLoopbackServer } from './loopback-server.fixture.ts';
import type { LoopbackServer } from './loopback-server.fixture.ts';

let echo: LoopbackServer;
let crossOrigin: LoopbackServer;
let client: EgressClient;

/** Answers with what it received, as JSON; `/redirect/<status>?to=<url>` redirects. */
function echoHandler(name: string) {
  return (request: { method: string; url: string; headers: Record<string, unknown>; body: string }, res: import('node:http').ServerResponse): void => {
    const url = new URL(request.url, 'http://x');
    const match = /^\/redirect\/(\d+)$/.exec(url.pathname);
    if (match !== null) {
      res.writeHead(Number(match[1]), { location: url.searchParams.get('to') ?? '/' }).end('moved');
      return;
    }
    const hops = /^\/chain\/(\d+)$/.exec(url.pathname);
    if (hops !== null) {
      const left = Number(hops[1]);
      if (left > 0) res.writeHead(302, { location: `/chain/${left - 1}` }).end();
      else res.end('end of chain');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json', 'x-multi': ['a', 'b'], 'set-cookie': ['s=1; Expires=Wed, 21 Oct 2026 07:28:00 GMT', 't=2'] });
    res.end(JSON.stringify({ server: name, method: request.method, path: request.url, headers: request.headers, body: request.body }));
  };
}

before(async () => {
  echo = await startLoopbackServer(echoHandler('echo'));
  crossOrigin = await startLoopbackServer(echoHandler('cross-origin'), '127.0.0.2');
  client = createEgressClient({ allow: ['127.0.0.0/8'], retry: 'none', sensitiveHeaders: ['X-Api-Key'] });
});

after(async () => {
  await client.close();
  await Promise.all([echo.close(), crossOrigin.close()]);
});

interface Echo {
  server: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}

function parse(body: Uint8Array): Echo {
  return JSON.parse(Buffer.from(body).toString('utf8')) as Echo;
}

function expectCode(code: string, pattern?: RegExp): (error: unknown) => boolean {
  return (error) => {
    assert.ok(isPlugboardError(error), String(error));
    assert.equal(error.code, code, error.message);
    if (pattern !== undefined) assert.match(error.message, pattern);
    return true;
  };
}

test('returns status, lower-cased joined headers, cookies, body, final URL and one attempt', async () => {
  const response = await client.send({ method: 'get', url: `${echo.origin}/items?x=1` });
  assert.equal(response.status, 200);
  assert.equal(response.headers['content-type'], 'application/json');
  assert.equal(response.headers['x-multi'], 'a, b');
  assert.deepEqual(response.setCookie, ['s=1; Expires=Wed, 21 Oct 2026 07:28:00 GMT', 't=2']);
  assert.equal(response.url, `${echo.origin}/items?x=1`);
  assert.equal(response.attempts, 1);
  const seen = parse(response.body);
  assert.equal(seen.method, 'GET');
  assert.equal(seen.path, '/items?x=1');
});

test('sends string and byte bodies unchanged', async () => {
  const text = await client.send({ method: 'POST', url: `${echo.origin}/`, headers: { 'content-type': 'text/plain' }, body: 'héllo' });
  assert.equal(parse(text.body).body, 'héllo');
  const bytes = await client.send({ method: 'PUT', url: `${echo.origin}/`, body: new TextEncoder().encode('{"a":1}') });
  assert.equal(parse(bytes.body).body, '{"a":1}');
});

test('strips Host, Metadata, forwarding, proxy and hop-by-hop headers the caller set, keeps the rest', async () => {
  const response = await client.send({
    method: 'GET',
    url: `${echo.origin}/`,
    headers: {
      Host: 'internal.admin',
      Metadata: 'true',
      'X-Forwarded-For': '10.0.0.1',
      'X-Forwarded-Host': 'internal.admin',
      Forwarded: 'for=10.0.0.1',
      Via: '1.1 proxy',
      Connection: 'keep-alive, X-Hop',
      'X-Hop': 'hop-only',
      'Keep-Alive': 'timeout=5',
      TE: 'trailers',
      Upgrade: 'websocket',
      'Proxy-Authorization': 'Basic c2VjcmV0',
      'Content-Length': '9999',
      'X-Kept': 'yes',
      Authorization: 'Bearer token',
    },
  });
  const seen = parse(response.body).headers;
  assert.equal(seen['host'], `127.0.0.1:${echo.port}`);
  for (const name of ['metadata', 'x-forwarded-for', 'x-forwarded-host', 'forwarded', 'via', 'x-hop', 'te', 'upgrade', 'proxy-authorization']) {
    assert.equal(seen[name], undefined, `${name} must not reach the upstream`);
  }
  assert.notEqual(seen['keep-alive'], 'timeout=5');
  assert.equal(seen['x-kept'], 'yes');
  assert.equal(seen['authorization'], 'Bearer token');
});

test('refuses malformed requests with EgressRequestInvalid and no secret in the message', async () => {
  await assert.rejects(client.send({ method: 'GET', url: 'not a url' }), expectCode('EgressRequestInvalid'));
  await assert.rejects(client.send({ method: 'GE T', url: `${echo.origin}/` }), expectCode('EgressRequestInvalid'));
  await assert.rejects(client.send({ method: 'GET', url: `${echo.origin}/`, headers: { 'X-Bad': 'a\r\nInjected: 1' } }), expectCode('EgressRequestInvalid', /x-bad/));
  await assert.rejects(client.send({ method: 'GET', url: `${echo.origin}/`, headers: { 'X-Dup': 'a', 'x-dup': 'b' } }), expectCode('EgressRequestInvalid', /twice/));
  await assert.rejects(client.send({ method: 'GET', url: `${echo.origin}/`, headers: { 'X-Big': 'x'.repeat(70 * 1024) } }), expectCode('EgressRequestInvalid', /limit/));
  await assert.rejects(client.send({ method: 'GET', url: `http://user:hunter2@127.0.0.1:${echo.port}/` }), (error: unknown) => {
    assert.ok(isPlugboardError(error));
    assert.equal(error.code, 'EgressRequestInvalid');
    assert.doesNotMatch(error.message, /hunter2/);
    return true;
  });
  assert.equal(echo.requests.filter((r) => r.headers['x-bad'] !== undefined || r.headers['x-big'] !== undefined).length, 0);
});

test('follows a same-origin redirect keeping credentials, and reports the final URL', async () => {
  const response = await client.send({ method: 'GET', url: `${echo.origin}/redirect/302?to=/landing`, headers: { Authorization: 'Bearer t', 'X-Api-Key': 'k' } });
  const seen = parse(response.body);
  assert.equal(seen.path, '/landing');
  assert.equal(seen.headers['authorization'], 'Bearer t');
  assert.equal(seen.headers['x-api-key'], 'k');
  assert.equal(response.url, `${echo.origin}/landing`);
});

test('drops Authorization, Cookie and configured key headers on a cross-origin redirect', async () => {
  const to = encodeURIComponent(`${crossOrigin.origin}/landing`);
  const response = await client.send({
    method: 'GET',
    url: `${echo.origin}/redirect/307?to=${to}`,
    headers: { Authorization: 'Bearer t', Cookie: 'session=1', 'X-Api-Key': 'k', 'X-Conn-Secret': 's', 'X-Other': 'kept' },
    sensitiveHeaders: ['X-Conn-Secret'],
  });
  const seen = parse(response.body);
  assert.equal(seen.server, 'cross-origin');
  for (const name of ['authorization', 'cookie', 'x-api-key', 'x-conn-secret']) assert.equal(seen.headers[name], undefined, name);
  assert.equal(seen.headers['x-other'], 'kept');
});

test('turns a POST into a GET without body on 303 (and 301/302), keeps method and body on 307/308', async () => {
  for (const [status, method, body] of [
    [303, 'GET', ''],
    [302, 'GET', ''],
    [301, 'GET', ''],
    [307, 'POST', 'payload'],
    [308, 'POST', 'payload'],
  ] as const) {
    const response = await client.send({ method: 'POST', url: `${echo.origin}/redirect/${status}?to=/after`, headers: { 'content-type': 'text/plain' }, body: 'payload' });
    const seen = parse(response.body);
    assert.equal(seen.method, method, `status ${status}`);
    assert.equal(seen.body, body, `status ${status}`);
    assert.equal(seen.headers['content-type'], method === 'GET' ? undefined : 'text/plain', `status ${status}`);
  }
  const put = await client.send({ method: 'PUT', url: `${echo.origin}/redirect/302?to=/after`, body: 'payload' });
  assert.equal(parse(put.body).method, 'PUT', 'a 302 only rewrites POST');
});

test('follows at most 5 redirect hops by default', async () => {
  const five = await client.send({ method: 'GET', url: `${echo.origin}/chain/5` });
  assert.equal(Buffer.from(five.body).toString(), 'end of chain');
  await assert.rejects(client.send({ method: 'GET', url: `${echo.origin}/chain/6` }), expectCode('EgressTooManyRedirects', /more than 5 redirects/));
  await assert.rejects(client.send({ method: 'GET', url: `${echo.origin}/chain/3`, maxRedirects: 2 }), expectCode('EgressTooManyRedirects'));
});

test('returns the redirect itself when redirects are turned off', async () => {
  const response = await client.send({ method: 'GET', url: `${echo.origin}/redirect/302?to=/elsewhere`, maxRedirects: 0 });
  assert.equal(response.status, 302);
  assert.equal(response.headers['location'], '/elsewhere');
  assert.equal(Buffer.from(response.body).toString(), 'moved');
});

test('rejects invalid options with EgressConfigInvalid naming the option', () => {
  assert.throws(() => createEgressClient({ totalTimeoutMs: -1 }), expectCode('EgressConfigInvalid', /totalTimeoutMs/));
  assert.throws(() => createEgressClient({ retry: { type: 'fixed', count: 91, interval: 1000 } }), expectCode('EgressConfigInvalid', /count/));
  assert.throws(() => createEgressClient({ allow: ['10.0.0.0/40'] }), expectCode('EgressConfigInvalid', /10\.0\.0\.0\/40/));
});
