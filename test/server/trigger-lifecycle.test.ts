/**
 * Triggers in the running server (`startServer`, SQLite in a temp dir, loopback services allowed
 * by the egress setting): an HttpWebhook subscribes when its flow is created, its notifications
 * start runs, it unsubscribes on disable and delete and subscribes again on enable; a refused
 * subscribe leaves the flow disabled with the error on the trigger (and the create, enable or
 * update answer says so); an Http polling trigger
 * fires one run per new item and, across a server restart, loses and repeats nothing.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/server/config/config.ts';
import { startServer } from '../../src/server/server.ts';
import type { RunningServer } from '../../src/server/server.ts';

const TOKEN = 'trigger-lifecycle-admin-token-0123456789';
const FLOWS = '/api/environments/default/flows';

interface Recorded {
  readonly method: string;
  readonly path: string;
  readonly body: any;
}

/** A loopback service: records every request, answers what `handle` says. */
async function service(handle: (request: Recorded, res: ServerResponse, req: IncomingMessage) => void) {
  const requests: Recorded[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const recorded = { method: req.method ?? '', path: req.url ?? '', body: text === '' ? undefined : JSON.parse(text) };
      requests.push(recorded);
      handle(recorded, res, req);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { origin, requests, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

const send = (res: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers });
  res.end(body === undefined ? undefined : JSON.stringify(body));
};

async function start(dataDir: string): Promise<RunningServer> {
  return startServer(
    loadConfig({ PLUGBOARD_PORT: '0', PLUGBOARD_DATA_DIR: dataDir, PLUGBOARD_BOOTSTRAP_TOKEN: TOKEN, PLUGBOARD_LOG_LEVEL: 'silent', PLUGBOARD_EGRESS_ALLOW: '127.0.0.1' }),
  );
}

async function api(server: RunningServer, method: string, path: string, payload?: unknown) {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, ...(payload === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(payload === undefined ? {} : { body: JSON.stringify(payload) }),
  });
  const text = await res.text();
  return { status: res.status, text, body: text !== '' && res.headers.get('content-type')?.includes('json') === true ? JSON.parse(text) : undefined };
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, tries = 400): Promise<T> {
  for (let i = 0; i < tries; i += 1) {
    const found = await probe();
    if (found !== undefined) return found;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('webhook triggers in the server', () => {
  let dataDir: string;
  let server: RunningServer;
  let hooks: Awaited<ReturnType<typeof service>>;
  let refuse = false;
  let subscriptions = 0;

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'plugboard-webhook-'));
    hooks = await service((request, res) => {
      if (request.method === 'POST' && request.path === '/hooks') {
        if (refuse) return send(res, 403, { error: 'no more hooks for you' });
        subscriptions += 1;
        return send(res, 201, { id: `h${subscriptions}` }, { location: `${hooks.origin}/hooks/h${subscriptions}` });
      }
      if (request.method === 'DELETE' && request.path.startsWith('/hooks/')) return send(res, 204);
      send(res, 404, { error: 'unknown' });
    });
    server = await start(dataDir);
  });
  after(async () => {
    await server.close();
    await hooks.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const definition = () => ({
    triggers: {
      hook: {
        type: 'HttpWebhook',
        inputs: {
          subscribe: { method: 'POST', uri: `${hooks.origin}/hooks`, body: { callback: '@{listCallbackUrl()}', events: ['order.created'] } },
          unsubscribe: { method: 'DELETE', uri: "@{action()?['outputs']?['headers']?['Location']}" },
        },
      },
    },
    actions: { Keep: { type: 'Compose', inputs: "@triggerBody()?['order']", runAfter: {} } },
  });

  test('subscribes on create, starts runs from notifications, unsubscribes on disable and delete, subscribes again on enable', async () => {
    const created = await api(server, 'POST', FLOWS, { name: 'hooked', definition: definition() });
    assert.equal(created.status, 201, created.text);
    const id = created.body.id;
    const subscribe = hooks.requests.filter((r) => r.method === 'POST');
    assert.equal(subscribe.length, 1, 'creating an enabled flow subscribes once');
    const callback: string = subscribe[0]?.body.callback;
    assert.ok(callback.startsWith(`${server.url}/workflows/${id}/triggers/hook/paths/invoke?`), callback);
    assert.match(callback, /[?&]sig=[A-Za-z0-9_-]{43}/);
    const triggers = await api(server, 'GET', `${FLOWS}/${id}/triggers`);
    assert.equal(triggers.body.value[0].state, 'active');
    assert.equal(triggers.body.value[0].lastStatus, 'Subscribed');

    // The service delivers a notification to the callback URL: a run starts with it as trigger body.
    const delivered = await fetch(callback, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ order: { id: 'o-1' } }) });
    assert.equal(delivered.status, 202);
    const runId = delivered.headers.get('x-ms-workflow-run-id');
    const run = await until('the notified run to finish', async () => {
      const found = await api(server, 'GET', `${FLOWS}/${id}/runs/${runId}`);
      return found.body?.status === 'Succeeded' ? found.body : undefined;
    });
    assert.deepEqual(run.actions.Keep.outputs, { id: 'o-1' });

    // Disable: the subscription is deleted at the Location the service gave; deliveries are refused.
    await api(server, 'POST', `${FLOWS}/${id}/disable`);
    assert.deepEqual(hooks.requests.filter((r) => r.method === 'DELETE').map((r) => r.path), ['/hooks/h1']);
    const orphan = await fetch(callback, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    assert.ok(orphan.status === 409 || orphan.status === 404, `a delivery to a disabled flow must be refused (got ${orphan.status})`);

    // Enable: subscribed again; delete: unsubscribed again.
    await api(server, 'POST', `${FLOWS}/${id}/enable`);
    assert.equal(hooks.requests.filter((r) => r.method === 'POST').length, 2);
    const deleted = await api(server, 'DELETE', `${FLOWS}/${id}`);
    assert.ok(deleted.status === 200 || deleted.status === 204, deleted.text);
    assert.deepEqual(hooks.requests.filter((r) => r.method === 'DELETE').map((r) => r.path), ['/hooks/h1', '/hooks/h2']);
    const afterDelete = await fetch(callback, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    assert.equal(afterDelete.status, 404);
  });

  test('a notification is debatched by splitOn (one run per item) and starts no run for items the trigger conditions reject', async () => {
    const plain = definition();
    const created = await api(server, 'POST', FLOWS, {
      name: 'split-hook',
      definition: {
        ...plain,
        triggers: { hook: { ...plain.triggers.hook, splitOn: "@triggerBody()?['orders']", conditions: [{ expression: "@not(equals(triggerBody()?['status'], 'cancelled'))" }] } },
        actions: { Keep: { type: 'Compose', inputs: "@triggerBody()?['id']", runAfter: {} } },
      },
    });
    assert.equal(created.status, 201, created.text);
    const id = created.body.id;
    const callback: string = hooks.requests.filter((r) => r.method === 'POST').at(-1)?.body.callback;
    assert.ok(callback.includes(`/workflows/${id}/`), callback);
    const deliver = (body: unknown) => fetch(callback, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

    const three = await deliver({ orders: [{ id: 'o-1' }, { id: 'o-2' }, { id: 'o-3' }] });
    assert.equal(three.status, 202, await three.text());
    const runs = await until('three runs to finish', async () => {
      const listed = await api(server, 'GET', `${FLOWS}/${id}/runs`);
      const value: { id: string; status: string }[] = listed.body?.value ?? [];
      return value.length === 3 && value.every((run) => run.status === 'Succeeded') ? value : undefined;
    });
    const kept = await Promise.all(runs.map(async (run) => (await api(server, 'GET', `${FLOWS}/${id}/runs/${run.id}`)).body.actions.Keep.outputs));
    assert.deepEqual(kept.sort(), ['o-1', 'o-2', 'o-3'], 'each run sees one item as its trigger body');

    const rejected = await deliver({ orders: [{ id: 'o-4', status: 'cancelled' }, { id: 'o-5', status: 'cancelled' }] });
    assert.equal(rejected.status, 202, await rejected.text());
    assert.equal(rejected.headers.get('x-ms-workflow-run-id'), null, 'no run started');
    assert.equal((await api(server, 'GET', `${FLOWS}/${id}/runs`)).body.value.length, 3, 'the conditions held for no item');
    await api(server, 'DELETE', `${FLOWS}/${id}`);
  });

  test('a refused subscribe leaves the flow disabled with the service’s answer on the trigger', async () => {
    refuse = true;
    try {
      const created = await api(server, 'POST', FLOWS, { name: 'refused', definition: definition() });
      assert.equal(created.status, 201, created.text);
      assert.equal(created.body.state, 'disabled', 'the create answer says what the refused subscribe left');
      const flow = await api(server, 'GET', `${FLOWS}/${created.body.id}`);
      assert.equal(flow.body.state, 'disabled');
      const enabled = await api(server, 'POST', `${FLOWS}/${created.body.id}/enable`);
      assert.equal(enabled.status, 200, enabled.text);
      assert.equal(enabled.body.state, 'disabled', 'enabling answers disabled while the service still refuses the subscribe');
      const updated = await api(server, 'PATCH', `${FLOWS}/${created.body.id}`, { state: 'enabled' });
      assert.equal(updated.status, 200, updated.text);
      assert.equal(updated.body.state, 'disabled');
      const triggers = await api(server, 'GET', `${FLOWS}/${created.body.id}/triggers`);
      const [hook] = triggers.body.value;
      assert.equal(hook.state, 'inactive');
      assert.equal(hook.lastStatus, 'Failed');
      assert.match(hook.lastError.message, /403/);
      assert.doesNotMatch(JSON.stringify(hook.lastError), /sig=/, 'the callback signature must not reach the error');
    } finally {
      refuse = false;
    }
  });

  test('regenerating the access key moves the subscription to a URL under the new key; the old URL is refused', async () => {
    const created = await api(server, 'POST', FLOWS, { name: 'rotated-hook', definition: definition() });
    assert.equal(created.status, 201, created.text);
    const id = created.body.id;
    const seen = hooks.requests.length;
    const subscribes = () => hooks.requests.filter((r) => r.method === 'POST');
    const old = subscribes().at(-1);
    assert.ok(old !== undefined);
    const oldCallback: string = old.body.callback;
    const oldHook = `/hooks/h${subscriptions}`;
    assert.ok(oldCallback.includes(`/workflows/${id}/`), oldCallback);

    const regenerated = await api(server, 'POST', `${FLOWS}/${id}/regenerateAccessKey`);
    assert.equal(regenerated.status, 204, regenerated.text);
    const since = hooks.requests.slice(seen);
    assert.deepEqual(since.filter((r) => r.method === 'DELETE').map((r) => r.path), [oldHook], 'the old subscription is removed');
    const renewed = since.filter((r) => r.method === 'POST');
    assert.equal(renewed.length, 1, 'the trigger subscribes again');
    const newCallback: string = renewed[0]?.body.callback;
    assert.notEqual(newCallback, oldCallback);
    const triggers = await api(server, 'GET', `${FLOWS}/${id}/triggers`);
    assert.equal(triggers.body.value[0].state, 'active');
    assert.equal(triggers.body.value[0].lastStatus, 'Subscribed');

    const delivered = await fetch(newCallback, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ order: { id: 'o-2' } }) });
    assert.equal(delivered.status, 202, await delivered.text());
    const refused = await fetch(oldCallback, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ order: { id: 'o-3' } }) });
    assert.equal(refused.status, 401);
    assert.equal(refused.headers.get('www-authenticate'), null, 'a signed URL asks for no bearer token');
  });

  test('a changed flow unsubscribes with the parameters of the version that subscribed', async () => {
    const withBase = (base: string) => {
      const plain = definition();
      return {
        ...plain,
        parameters: { hookBase: { type: 'String', defaultValue: base } },
        triggers: { hook: { ...plain.triggers.hook, inputs: { ...plain.triggers.hook.inputs, unsubscribe: { method: 'DELETE', uri: "@{parameters('hookBase')}/@{action()?['outputs']?['body']?['id']}" } } } },
      };
    };
    const created = await api(server, 'POST', FLOWS, { name: 'moving-hook', definition: withBase(`${hooks.origin}/hooks`) });
    assert.equal(created.status, 201, created.text);
    const firstHook = `/hooks/h${subscriptions}`;
    const seen = hooks.requests.length;
    // Version 2 points unsubscribing elsewhere; the subscription version 1 made is still removed where version 1 said.
    const updated = await api(server, 'PATCH', `${FLOWS}/${created.body.id}`, { definition: withBase(`${hooks.origin}/moved`) });
    assert.equal(updated.status, 200, updated.text);
    const since = hooks.requests.slice(seen);
    assert.deepEqual(since.filter((r) => r.method === 'DELETE').map((r) => r.path), [firstHook]);
    assert.equal(since.filter((r) => r.method === 'POST').length, 1, 'version 2 subscribes');
    await api(server, 'DELETE', `${FLOWS}/${created.body.id}`);
    assert.deepEqual(hooks.requests.slice(seen).filter((r) => r.method === 'DELETE').map((r) => r.path), [firstHook, `/moved/h${subscriptions}`]);
  });

  test('a trigger type no webhook module handles (ApiConnectionNotification) neither subscribes nor disables its flow', async () => {
    const seen = hooks.requests.length;
    const created = await api(server, 'POST', FLOWS, {
      name: 'notified',
      definition: { triggers: { note: { type: 'ApiConnectionNotification', inputs: { path: '/subscriptions' } } }, actions: {} },
    });
    assert.equal(created.status, 201, created.text);
    assert.equal(hooks.requests.length, seen);
    const flow = await api(server, 'GET', `${FLOWS}/${created.body.id}`);
    assert.equal(flow.body.state, 'enabled');
    const triggers = await api(server, 'GET', `${FLOWS}/${created.body.id}/triggers`);
    assert.equal(triggers.body.value[0].kind, 'other');
    assert.notEqual(triggers.body.value[0].lastStatus, 'Failed');
  });
});

describe('an Http polling trigger across a restart', () => {
  test('fires one run per new item, and a restart neither loses nor repeats one', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'plugboard-polling-'));
    // Items 1..n exist; a poll from `after=k` answers the items after k and the Location for the next poll.
    let available = 3;
    const feed = await service((request, res) => {
      const after = Number(new URL(request.path, 'http://x').searchParams.get('after') ?? '0');
      const items = Array.from({ length: Math.max(0, available - after) }, (_, index) => ({ n: after + index + 1 }));
      send(res, 200, { value: items }, { location: `${feed.origin}/items?after=${Math.max(after, available)}` });
    });
    const definition = {
      triggers: {
        poll: { type: 'Http', recurrence: { frequency: 'Second', interval: 1 }, splitOn: "@triggerBody()?['value']", inputs: { method: 'GET', uri: `${feed.origin}/items?after=0` } },
      },
      actions: { Keep: { type: 'Compose', inputs: "@triggerBody()?['n']", runAfter: {} } },
    };
    let server = await start(dataDir);
    try {
      const created = await api(server, 'POST', FLOWS, { name: 'poller', definition });
      assert.equal(created.status, 201, created.text);
      const id = created.body.id;
      const items = async () => {
        const runs = (await api(server, 'GET', `${FLOWS}/${id}/runs`)).body.value as Array<{ id: string }>;
        const seen: number[] = [];
        for (const run of runs) {
          const doc = await api(server, 'GET', `${FLOWS}/${id}/runs/${run.id}`);
          seen.push(doc.body.trigger.outputs.body.n);
        }
        return seen.sort((a, b) => a - b);
      };
      await until('the first three items to start runs', async () => ((await items()).length >= 3 ? true : undefined));
      assert.deepEqual(await items(), [1, 2, 3]);

      // Stop the server, add items while it is down, start again on the same data.
      await server.close();
      available = 5;
      server = await start(dataDir);
      await until('items 4 and 5 to start runs after the restart', async () => ((await items()).length >= 5 ? true : undefined));
      // A few more polls: nothing new must fire.
      const polls = feed.requests.length;
      await until('two more polls', async () => (feed.requests.length >= polls + 2 ? true : undefined));
      assert.deepEqual(await items(), [1, 2, 3, 4, 5], 'every item started exactly one run');
      // The metrics of this process (restarted) count its polls, the runs they started and their actions.
      const metrics = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
      const text = await metrics.text();
      assert.match(text, /^plugboard_trigger_polls_total\{kind="Http",outcome="fired"\} [1-9]/m, text);
      assert.match(text, /^plugboard_runs_started_total\{trigger="Http"\} 2$/m);
      assert.match(text, /^plugboard_runs_finished_total\{status="Succeeded"\} 2$/m);
      assert.match(text, /^plugboard_action_duration_seconds_count\{type="Compose",status="Succeeded"\} 2$/m);
      const triggers = await api(server, 'GET', `${FLOWS}/${id}/triggers`);
      assert.equal(triggers.body.value[0].kind, 'polling');
      assert.equal(triggers.body.value[0].state, 'active');
    } finally {
      await server.close();
      await feed.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
