import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isPlugboardError } from '../../core/index.ts';
import { createEgressClient } from './egress-client.ts';
import type { EgressClientOptions } from './egress-client.ts';
import { startLoopbackServer } from './loopback-server.fixture.ts';
import type { FixtureHandler } from './loopback-server.fixture.ts';

/** Runs `body` against a server with `handler`, with a loopback-allowing client without retries. */
async function scenario(handler: FixtureHandler, options: EgressClientOptions, body: (origin: string, socketsClosed: (n: number) => Promise<void>, send: ReturnType<typeof createEgressClient>['send']) => Promise<void>): Promise<void> {
  const server = await startLoopbackServer(handler);
  const client = createEgressClient({ allow: ['127.0.0.1/32'], retry: 'none', ...options });
  try {
    await body(server.origin, server.socketsClosed, client.send);
  } finally {
    await client.close();
    await server.close();
  }
}

function timeoutIn(phase: string): (error: unknown) => boolean {
  return (error) => {
    assert.ok(isPlugboardError(error), String(error));
    assert.equal(error.code, 'EgressTimeout', error.message);
    assert.equal(error.retryable, true);
    assert.equal(error.details?.['phase'], phase, error.message);
    assert.doesNotMatch(error.message, /secret-key/, 'the query string never appears in an error');
    return true;
  };
}

test('fails a hanging upstream with EgressTimeout (headers) and closes the socket', async () => {
  await scenario(() => undefined, { headersTimeoutMs: 150 }, async (origin, socketsClosed, send) => {
    await assert.rejects(send({ method: 'GET', url: `${origin}/hang?api_key=secret-key` }), timeoutIn('headers'));
    await socketsClosed(1);
  });
});

test('fails a slow-drip body with EgressTimeout (total) and closes the socket', async () => {
  const drip: FixtureHandler = (_request, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    const timer = setInterval(() => res.write('.'), 20);
    res.on('close', () => clearInterval(timer));
  };
  await scenario(drip, { totalTimeoutMs: 300 }, async (origin, socketsClosed, send) => {
    await assert.rejects(send({ method: 'GET', url: `${origin}/drip?api_key=secret-key` }), timeoutIn('total'));
    await socketsClosed(1);
  });
});

test('a per-request timeout overrides the client total', async () => {
  await scenario(() => undefined, {}, async (origin, socketsClosed, send) => {
    await assert.rejects(send({ method: 'GET', url: `${origin}/hang`, timeoutMs: 150 }), timeoutIn('total'));
    await socketsClosed(1);
  });
});

test('fails a body that stalls with EgressTimeout (body idle)', async () => {
  const stall: FixtureHandler = (_request, res) => {
    res.writeHead(200);
    res.write('first chunk');
  };
  await scenario(stall, { bodyIdleTimeoutMs: 150 }, async (origin, socketsClosed, send) => {
    await assert.rejects(send({ method: 'GET', url: `${origin}/stall` }), timeoutIn('body'));
    await socketsClosed(1);
  });
});

test('fails a connection that cannot be made in time with EgressTimeout (connect)', async () => {
  const neverResolves = () => new Promise<never>(() => undefined);
  await scenario(() => undefined, { connectTimeoutMs: 150, lookup: neverResolves, allow: ['slow-dns.test'] }, async (origin, _closed, send) => {
    const port = new URL(origin).port;
    await assert.rejects(send({ method: 'GET', url: `http://slow-dns.test:${port}/` }), (error: unknown) => {
      assert.ok(isPlugboardError(error));
      assert.equal(error.code, 'EgressTimeout', error.message);
      assert.equal(error.details?.['requestSent'], false);
      return true;
    });
  });
});

test('stops at once when Content-Length announces more than the cap', async () => {
  let written = 0;
  const big: FixtureHandler = (_request, res) => {
    res.writeHead(200, { 'content-length': String(10 * 1024 * 1024) });
    const chunk = Buffer.alloc(64 * 1024, 120);
    const pump = (): void => {
      while (written < 10 * 1024 * 1024 && !res.destroyed) {
        written += chunk.length;
        if (!res.write(chunk)) {
          res.once('drain', pump);
          return;
        }
      }
      res.end();
    };
    pump();
  };
  await scenario(big, { maxResponseBytes: 1024 * 1024 }, async (origin, socketsClosed, send) => {
    await assert.rejects(send({ method: 'GET', url: `${origin}/big` }), (error: unknown) => {
      assert.ok(isPlugboardError(error));
      assert.equal(error.code, 'ResponseTooLarge', error.message);
      assert.equal(error.details?.['bytes'], 10 * 1024 * 1024);
      assert.match(error.message, /1048576-byte cap/);
      return true;
    });
    await socketsClosed(1);
    assert.ok(written < 10 * 1024 * 1024, `the server could not send everything (sent ${written})`);
  });
});

test('stops reading an endless chunked body as soon as it passes the cap', async () => {
  const endless: FixtureHandler = (_request, res) => {
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    const chunk = Buffer.alloc(16 * 1024, 121);
    const pump = (): void => {
      while (!res.destroyed) {
        if (!res.write(chunk)) {
          res.once('drain', pump);
          return;
        }
      }
    };
    pump();
  };
  await scenario(endless, { maxResponseBytes: 256 * 1024, totalTimeoutMs: 60_000 }, async (origin, socketsClosed, send) => {
    await assert.rejects(send({ method: 'GET', url: `${origin}/endless` }), (error: unknown) => {
      assert.ok(isPlugboardError(error));
      assert.equal(error.code, 'ResponseTooLarge', error.message);
      assert.ok(Number(error.details?.['bytes']) > 256 * 1024);
      return true;
    });
    await socketsClosed(1);
  });
});

test('accepts a body exactly at the cap', async () => {
  await scenario((_request, res) => res.end(Buffer.alloc(1000, 97)), { maxResponseBytes: 1000 }, async (origin, _closed, send) => {
    const response = await send({ method: 'GET', url: `${origin}/exact` });
    assert.equal(response.body.byteLength, 1000);
  });
});

test('stops a request when the caller aborts, with EgressAborted', async () => {
  await scenario(() => undefined, {}, async (origin, socketsClosed, send) => {
    const controller = new AbortController();
    const pending = send({ method: 'GET', url: `${origin}/hang`, signal: controller.signal });
    setTimeout(() => controller.abort(new Error('user cancelled')), 50);
    await assert.rejects(pending, (error: unknown) => isPlugboardError(error) && error.code === 'EgressAborted');
    await socketsClosed(1);
  });
});
