import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { createManualClock, isPlugboardError } from '../../core/index.ts';
import { createEgressClient } from './egress-client.ts';
import type { EgressClient, EgressClientOptions } from './egress-client.ts';
import { startLoopbackServer } from './loopback-server.fixture.ts';
import type { FixtureHandler } from './loopback-server.fixture.ts';

/** A client on a manual clock whose sleep records each wait and advances the clock instead of waiting. */
function manualClient(options: EgressClientOptions = {}): { client: EgressClient; waits: number[]; clock: ReturnType<typeof createManualClock> } {
  const clock = createManualClock(Date.UTC(2026, 0, 1, 12, 0, 0));
  const waits: number[] = [];
  const client = createEgressClient({
    allow: ['127.0.0.1/32'],
    clock,
    random: () => 0.5,
    sleep: async (ms) => {
      waits.push(ms);
      clock.advance(ms);
    },
    ...options,
  });
  return { client, waits, clock };
}

/** A server that plays the given responses in order (the last one repeats). */
function scripted(...steps: ((res: import('node:http').ServerResponse) => void)[]): FixtureHandler {
  let call = 0;
  return (_request, res) => {
    const step = steps[Math.min(call++, steps.length - 1)];
    step?.(res);
  };
}

const status = (code: number, headers: Record<string, string> = {}) => (res: import('node:http').ServerResponse) => res.writeHead(code, headers).end(`status ${code}`);

test('retries 503 with the Logic Apps default exponential waits, then returns the success', async () => {
  const server = await startLoopbackServer(scripted(status(503), status(503), status(200)));
  const { client, waits } = manualClient();
  try {
    const response = await client.send({ method: 'GET', url: `${server.origin}/` });
    assert.equal(response.status, 200);
    assert.equal(response.attempts, 3);
    // random 0.5 → middle of [5 s, 7.5 s], then of [7.5 s, 15 s].
    assert.deepEqual(waits, [6_250, 11_250]);
  } finally {
    await client.close();
    await server.close();
  }
});

test('gives up after 4 retries and returns the last upstream status', async () => {
  const server = await startLoopbackServer(scripted(status(500)));
  const { client, waits } = manualClient();
  try {
    const response = await client.send({ method: 'GET', url: `${server.origin}/` });
    assert.equal(response.status, 500);
    assert.equal(response.attempts, 5);
    assert.equal(Buffer.from(response.body).toString(), 'status 500');
    // Ranges [5, 7.5], [7.5, 15], [15, 30], [30, 45 (capped from 60)] seconds, middle of each.
    assert.deepEqual(waits, [6_250, 11_250, 22_500, 37_500]);
    assert.equal(server.requests.length, 5);
  } finally {
    await client.close();
    await server.close();
  }
});

test('honours Retry-After in seconds and as an HTTP date, capped by maxRetryAfterMs', async () => {
  const { client, waits, clock } = manualClient({ maxRetryAfterMs: 60_000 });
  const inTenSeconds = new Date(clock.now() + 10_000).toUTCString();
  const server = await startLoopbackServer(
    scripted(status(429, { 'retry-after': '3' }), status(503, { 'retry-after': inTenSeconds }), status(429, { 'retry-after': '3600' }), status(408), status(200)),
  );
  try {
    const response = await client.send({ method: 'GET', url: `${server.origin}/` });
    assert.equal(response.status, 200);
    assert.equal(response.attempts, 5);
    // 3 s; the date 10 s ahead on the manual clock (3 s already passed → 7 s); 1 h capped to 60 s; no header → 4th exponential wait.
    assert.deepEqual(waits, [3_000, 7_000, 60_000, 37_500]);
  } finally {
    await client.close();
    await server.close();
  }
});

test('uses fixed intervals when asked, and does not retry with retry "none" or on 4xx', async () => {
  const server = await startLoopbackServer(scripted(status(502), status(502), status(404)));
  const { client, waits } = manualClient();
  try {
    const fixed = await client.send({ method: 'GET', url: `${server.origin}/`, retry: { type: 'fixed', count: 3, interval: 2_000 } });
    assert.equal(fixed.status, 404, 'stops at the first non-retryable status');
    assert.equal(fixed.attempts, 3);
    assert.deepEqual(waits, [2_000, 2_000]);
    const none = await client.send({ method: 'GET', url: `${server.origin}/`, retry: 'none' });
    assert.equal(none.attempts, 1);
    assert.equal(waits.length, 2);
  } finally {
    await client.close();
    await server.close();
  }
});

test('retries a POST on 503 as Logic Apps does', async () => {
  const server = await startLoopbackServer(scripted(status(503), status(201)));
  const { client } = manualClient();
  try {
    const response = await client.send({ method: 'POST', url: `${server.origin}/`, body: 'x' });
    assert.equal(response.status, 201);
    assert.deepEqual(
      server.requests.map((r) => [r.method, r.body]),
      [
        ['POST', 'x'],
        ['POST', 'x'],
      ],
    );
  } finally {
    await client.close();
    await server.close();
  }
});

/** Resets the connection after reading the first request, answers the later ones. */
function resetFirst(): FixtureHandler {
  let call = 0;
  return (_request, res, req) => {
    if (call++ === 0) req.socket.destroy();
    else res.end('second time');
  };
}

test('does not resend a POST whose connection broke mid-request unless it is marked idempotent', async () => {
  const server = await startLoopbackServer(resetFirst());
  const { client, waits } = manualClient();
  try {
    await assert.rejects(client.send({ method: 'POST', url: `${server.origin}/`, body: 'charge 10 EUR' }), (error: unknown) => {
      assert.ok(isPlugboardError(error));
      assert.equal(error.code, 'EgressConnectionFailed', error.message);
      assert.equal(error.retryable, true);
      assert.equal(error.details?.['requestSent'], true);
      assert.equal(error.details?.['attempts'], 1);
      return true;
    });
    assert.equal(server.requests.length, 1);
    assert.deepEqual(waits, []);
  } finally {
    await client.close();
    await server.close();
  }
  const server2 = await startLoopbackServer(resetFirst());
  const second = manualClient();
  try {
    const response = await second.client.send({ method: 'POST', url: `${server2.origin}/`, body: 'charge 10 EUR', idempotent: true });
    assert.equal(Buffer.from(response.body).toString(), 'second time');
    assert.equal(response.attempts, 2);
    assert.deepEqual(second.waits, [6_250]);
  } finally {
    await second.client.close();
    await server2.close();
  }
});

test('resends a GET whose connection broke', async () => {
  const server = await startLoopbackServer(resetFirst());
  const { client } = manualClient();
  try {
    const response = await client.send({ method: 'GET', url: `${server.origin}/` });
    assert.equal(response.attempts, 2);
  } finally {
    await client.close();
    await server.close();
  }
});

test('retries a refused connection even for POST (nothing was sent), then surfaces the error with the attempt count', async () => {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  const { client, waits } = manualClient({ retry: { type: 'fixed', count: 2, interval: 1_000 } });
  try {
    await assert.rejects(client.send({ method: 'POST', url: `http://127.0.0.1:${port}/`, body: 'x' }), (error: unknown) => {
      assert.ok(isPlugboardError(error));
      assert.equal(error.code, 'EgressConnectionFailed', error.message);
      assert.equal(error.details?.['cause'], 'ECONNREFUSED');
      assert.equal(error.details?.['attempts'], 3);
      return true;
    });
    assert.deepEqual(waits, [1_000, 1_000]);
  } finally {
    await client.close();
  }
});

test('surfaces the last upstream status when the final attempt fails differently', async () => {
  let call = 0;
  const server = await startLoopbackServer((_request, res) => {
    if (call++ === 0) res.writeHead(503).end();
    // The second attempt hangs until the total timeout.
  });
  const { client } = manualClient({ retry: { type: 'fixed', count: 1, interval: 1 }, totalTimeoutMs: 150 });
  try {
    await assert.rejects(client.send({ method: 'GET', url: `${server.origin}/` }), (error: unknown) => {
      assert.ok(isPlugboardError(error));
      assert.equal(error.code, 'EgressTimeout');
      assert.equal(error.details?.['lastStatus'], 503);
      assert.equal(error.details?.['attempts'], 2);
      return true;
    });
  } finally {
    await client.close();
    await server.close();
  }
});

test('retries after a timed-out attempt and succeeds on the next one', async () => {
  let call = 0;
  const server = await startLoopbackServer((_request, res) => {
    if (call++ > 0) res.end('answered');
    // The first attempt hangs until its total timeout.
  });
  const { client, waits } = manualClient({ retry: { type: 'fixed', count: 2, interval: 1_000 }, totalTimeoutMs: 150 });
  try {
    const response = await client.send({ method: 'GET', url: `${server.origin}/` });
    assert.equal(Buffer.from(response.body).toString(), 'answered');
    assert.equal(response.attempts, 2);
    assert.deepEqual(waits, [1_000]);
  } finally {
    await client.close();
    await server.close();
  }
});

test('stops waiting for a retry when the caller aborts', async () => {
  const server = await startLoopbackServer(scripted(status(503)));
  const controller = new AbortController();
  const client = createEgressClient({
    allow: ['127.0.0.1/32'],
    sleep: async () => {
      controller.abort(new Error('shutting down'));
      throw controller.signal.reason;
    },
  });
  try {
    await assert.rejects(client.send({ method: 'GET', url: `${server.origin}/`, signal: controller.signal }), (error: unknown) => isPlugboardError(error) && error.code === 'EgressAborted');
    assert.equal(server.requests.length, 1);
  } finally {
    await client.close();
    await server.close();
  }
});

test('does not retry a refused destination', async () => {
  const { client, waits } = manualClient({ allow: [] });
  await assert.rejects(client.send({ method: 'GET', url: 'http://10.0.0.1/' }), (error: unknown) => isPlugboardError(error) && error.code === 'EgressDenied');
  assert.deepEqual(waits, []);
  await client.close();
});
