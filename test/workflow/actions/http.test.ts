/** Http: the request built from the inputs, authentication, retry policy, and how responses become outcomes. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { PlugboardError } from '../../../src/core/index.ts';
import type { HttpActionRequest, HttpActionResponse } from '../../../src/workflow/actions/index.ts';
import { run, testContext } from './kit.ts';

/** A fake egress client that records requests and answers with `reply`. */
function fakeHttp(reply: HttpActionResponse | ((request: HttpActionRequest) => Promise<HttpActionResponse>)) {
  const requests: HttpActionRequest[] = [];
  const http = async (request: HttpActionRequest): Promise<HttpActionResponse> => {
    requests.push(request);
    return typeof reply === 'function' ? reply(request) : reply;
  };
  return { http, requests };
}

const json = (status: number, body: unknown): HttpActionResponse => ({ status, headers: { 'content-type': 'application/json; charset=utf-8' }, body: new TextEncoder().encode(JSON.stringify(body)) });

describe('Http', () => {
  test('GETs the docs example URL and returns statusCode, headers and the parsed JSON body', async () => {
    const { http, requests } = fakeHttp(json(200, { headline: 'hello' }));
    const outcome = await run({ type: 'Http', inputs: { method: 'GET', uri: 'https://mynews.example.com/latest' } }, testContext({ http }));
    assert.equal(outcome.status, 'Succeeded');
    assert.deepEqual(outcome.outputs, { statusCode: 200, headers: { 'content-type': 'application/json; charset=utf-8' }, body: { headline: 'hello' } });
    assert.equal(requests[0]?.method, 'GET');
    assert.equal(requests[0]?.url, 'https://mynews.example.com/latest');
    assert.equal(requests[0]?.timeoutMs, 120_000);
    assert.equal(requests[0]?.body, undefined);
  });

  test('sends queries, headers and a JSON body built from expressions', async () => {
    const { http, requests } = fakeHttp(json(201, {}));
    const context = testContext({ http, variables: [{ name: 'ProductID', type: 'String', value: 'P 1' }] });
    await run({ type: 'Http', inputs: { method: 'post', uri: 'https://api.example.com/items?x=1', queries: { 'api-version': '2018-01-01', q: "@variables('ProductID')", skip: null }, headers: { 'Accept-Language': 'en-us' }, body: { Product_ID: "@variables('ProductID')" } } }, context);
    const request = requests[0];
    assert.equal(request?.method, 'POST');
    assert.equal(request?.url, 'https://api.example.com/items?x=1&api-version=2018-01-01&q=P%201');
    assert.deepEqual(request?.headers, { 'Accept-Language': 'en-us', 'Content-Type': 'application/json' });
    assert.equal(request?.body, '{"Product_ID":"P 1"}');
  });

  test('a text body is sent as is; a binary envelope as bytes with its content type', async () => {
    const { http, requests } = fakeHttp(json(200, {}));
    const context = testContext({ http });
    await run({ type: 'Http', inputs: { method: 'POST', uri: 'https://api.example.com/', body: 'plain text' } }, context);
    assert.equal(requests[0]?.body, 'plain text');
    await run({ type: 'Http', inputs: { method: 'POST', uri: 'https://api.example.com/', body: { '$content-type': 'image/png', $content: 'AQID' } } }, context);
    assert.deepEqual([...(requests[1]?.body as Uint8Array)], [1, 2, 3]);
    assert.equal(requests[1]?.headers['Content-Type'], 'image/png');
  });

  test('Basic authentication becomes an Authorization header; history shows *sanitized*', async () => {
    const { http, requests } = fakeHttp(json(200, {}));
    const outcome = await run({ type: 'Http', inputs: { method: 'GET', uri: 'https://api.example.com/', authentication: { type: 'Basic', username: 'user', password: 'p@ss' } } }, testContext({ http }));
    assert.equal(requests[0]?.headers['Authorization'], `Basic ${Buffer.from('user:p@ss').toString('base64')}`);
    const recorded = JSON.stringify(outcome.inputs);
    assert.doesNotMatch(recorded, /p@ss/);
    assert.doesNotMatch(recorded, /dXNlcjpwQHNz/);
    assert.match(recorded, /\*sanitized\*/);
  });

  test('Cookie, Proxy-Authorization and Authorization headers are sent but shown as *sanitized* in history', async () => {
    const { http, requests } = fakeHttp(json(200, {}));
    const headers = { cookie: 'session=s3cr3t', 'Proxy-Authorization': 'Basic cHJveHk6cHc=', AUTHORIZATION: 'Bearer tok3n', 'X-Trace': 'abc' };
    const outcome = await run({ type: 'Http', inputs: { method: 'GET', uri: 'https://api.example.com/', headers } }, testContext({ http }));
    assert.deepEqual(requests[0]?.headers, headers);
    assert.deepEqual((outcome.inputs as { headers: unknown }).headers, { cookie: '*sanitized*', 'Proxy-Authorization': '*sanitized*', AUTHORIZATION: '*sanitized*', 'X-Trace': 'abc' });
    assert.doesNotMatch(JSON.stringify(outcome.inputs), /s3cr3t|cHJveHk6cHc=|tok3n/);
  });

  test('Raw authentication sends its value as the Authorization header', async () => {
    const { http, requests } = fakeHttp(json(200, {}));
    const outcome = await run({ type: 'Http', inputs: { method: 'GET', uri: 'https://api.example.com/', authentication: { type: 'Raw', value: 'Bearer abc' } } }, testContext({ http }));
    assert.equal(requests[0]?.headers['Authorization'], 'Bearer abc');
    assert.doesNotMatch(JSON.stringify(outcome.inputs), /Bearer abc/);
  });

  test('an unsupported authentication type fails with BadRequest before any call', async () => {
    const { http, requests } = fakeHttp(json(200, {}));
    const outcome = await run({ type: 'Http', inputs: { method: 'GET', uri: 'https://api.example.com/', authentication: { type: 'ManagedServiceIdentity' } } }, testContext({ http }));
    assert.equal(outcome.error?.code, 'BadRequest');
    assert.equal(requests.length, 0);
  });

  test('retry policies are converted to milliseconds for the egress client', async () => {
    const { http, requests } = fakeHttp(json(200, {}));
    const context = testContext({ http });
    await run({ type: 'Http', inputs: { method: 'GET', uri: 'https://a.example/', retryPolicy: { type: 'fixed', count: 3, interval: 'PT10S' } } }, context);
    await run({ type: 'Http', inputs: { method: 'GET', uri: 'https://a.example/', retryPolicy: { type: 'exponential', count: 4, interval: 'PT7S', minimumInterval: 'PT5S', maximumInterval: 'PT1H' } } }, context);
    await run({ type: 'Http', inputs: { method: 'GET', uri: 'https://a.example/', retryPolicy: { type: 'none' } } }, context);
    await run({ type: 'Http', inputs: { method: 'GET', uri: 'https://a.example/' } }, context);
    assert.deepEqual(requests.map((r) => r.retry), [
      { type: 'fixed', count: 3, interval: 10_000 },
      { type: 'exponential', count: 4, interval: 7_000, minimumInterval: 5_000, maximumInterval: 3_600_000 },
      'none',
      undefined,
    ]);
  });

  test('a retry policy outside the documented limits fails with BadRequest', async () => {
    const { http } = fakeHttp(json(200, {}));
    const context = testContext({ http });
    assert.equal((await run({ type: 'Http', inputs: { method: 'GET', uri: 'https://a.example/', retryPolicy: { type: 'fixed', count: 91, interval: 'PT10S' } } }, context)).error?.code, 'BadRequest');
    assert.equal((await run({ type: 'Http', inputs: { method: 'GET', uri: 'https://a.example/', retryPolicy: { type: 'fixed', count: 2, interval: 'PT1S' } } }, context)).error?.code, 'BadRequest');
  });

  test('a 404 fails the action with code NotFound and the response in its outputs', async () => {
    const { http } = fakeHttp(json(404, { error: 'no such item' }));
    const outcome = await run({ type: 'Http', inputs: { method: 'GET', uri: 'https://api.example.com/items/9?key=secret' } }, testContext({ http }));
    assert.equal(outcome.status, 'Failed');
    assert.equal(outcome.error?.code, 'NotFound');
    assert.doesNotMatch(outcome.error?.message ?? '', /secret/);
    assert.deepEqual(outcome.outputs, { statusCode: 404, headers: { 'content-type': 'application/json; charset=utf-8' }, body: { error: 'no such item' } });
  });

  test('a connection failure fails the action with the egress error code', async () => {
    const http = async (): Promise<HttpActionResponse> => {
      throw new PlugboardError('egress to 10.0.0.1 refused: private address', { code: 'EgressDenied', kind: 'forbidden' });
    };
    const outcome = await run({ type: 'Http', inputs: { method: 'GET', uri: 'http://10.0.0.1/admin' } }, testContext({ http }));
    assert.equal(outcome.status, 'Failed');
    assert.equal(outcome.error?.code, 'EgressDenied');
  });

  test('non-JSON and binary responses: text stays text, bytes become a $content envelope, empty has no body', async () => {
    const context = (reply: HttpActionResponse) => testContext({ http: fakeHttp(reply).http });
    const text = await run({ type: 'Http', inputs: { method: 'GET', uri: 'https://a.example/' } }, context({ status: 200, headers: { 'content-type': 'text/plain' }, body: new TextEncoder().encode('hi') }));
    assert.equal((text.outputs as { body: unknown }).body, 'hi');
    const binary = await run({ type: 'Http', inputs: { method: 'GET', uri: 'https://a.example/' } }, context({ status: 200, headers: { 'content-type': 'image/png' }, body: new Uint8Array([1, 2, 3]) }));
    assert.deepEqual((binary.outputs as { body: unknown }).body, { '$content-type': 'image/png', $content: 'AQID' });
    const empty = await run({ type: 'Http', inputs: { method: 'DELETE', uri: 'https://a.example/' } }, context({ status: 204, headers: {}, body: new Uint8Array() }));
    assert.deepEqual(empty.outputs, { statusCode: 204, headers: {} });
  });

  test('without an HTTP client the action fails with HttpNotAvailable', async () => {
    assert.equal((await run({ type: 'Http', inputs: { method: 'GET', uri: 'https://a.example/' } })).error?.code, 'HttpNotAvailable');
  });

  test('method, uri and the 2 KB uri limit are checked', async () => {
    const { http } = fakeHttp(json(200, {}));
    const context = testContext({ http });
    assert.equal((await run({ type: 'Http', inputs: { method: 'FETCH', uri: 'https://a.example/' } }, context)).error?.code, 'BadRequest');
    assert.equal((await run({ type: 'Http', inputs: { method: 'GET', uri: 'a.example/x' } }, context)).error?.code, 'BadRequest');
    assert.equal((await run({ type: 'Http', inputs: { method: 'GET', uri: 'ftp://a.example/x' } }, context)).error?.code, 'BadRequest');
    assert.equal((await run({ type: 'Http', inputs: { method: 'GET', uri: `https://a.example/${'x'.repeat(2100)}` } }, context)).error?.code, 'BadRequest');
  });

  test('a run cancelled while the request is in flight ends the action Cancelled', async () => {
    const controller = new AbortController();
    const http = async (request: HttpActionRequest): Promise<HttpActionResponse> => {
      controller.abort();
      throw request.signal?.reason ?? new Error('aborted');
    };
    const outcome = await run({ type: 'Http', inputs: { method: 'GET', uri: 'https://a.example/' } }, testContext({ http, signal: controller.signal }));
    assert.equal(outcome.status, 'Cancelled');
  });
});
