/**
 * Connector polling triggers the way a Plugboard server runs them: real corpus connectors (Huddle
 * US with its pollingtrigger template; iMIS with the 202 + Location contract) loaded by the
 * connectors area, the gateway's invoker (OAuth / API key, policies, egress) over a scripted
 * backend on loopback, the workflow connector port, and the template read from the definition.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { corpusFolder } from '../../../test/connectors/connector-kit.ts';
import { loadConnector } from '../../connectors/index.ts';
import type { ConnectorDefinition } from '../../connectors/index.ts';
import { NotFoundError } from '../../core/index.ts';
import { createWorkflowEvaluator } from '../../expressions/index.ts';
import { createEgressClient, createInvoker } from '../../gateway/index.ts';
import type { Egress, EgressClient, UsableConnection } from '../../gateway/index.ts';
import type { ConnectorPort } from '../actions/contract.ts';
import { createValueEvaluator } from '../actions/value-evaluator.ts';
import { createConnectorPort, resolveConnectionReferences } from '../connectors/index.ts';
import { loadWorkflowDefinition } from '../definition/load-workflow-definition.ts';
import type { WorkflowTrigger } from '../definition/model.ts';
import { pollTrigger } from './polling.ts';
import type { PollContext, PollResult } from './polling.ts';
import { pollingOperationOf } from './polling-template.ts';
import type { PollingOperationLookup } from './polling-template.ts';

/** One request the backend received. */
interface Received {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}

/** A connector's backend on loopback; the definition's host is rewritten to it by the egress. */
interface Backend {
  readonly origin: string;
  readonly received: Received[];
  answer(handler: (request: Received, response: ServerResponse) => void): void;
  close(): Promise<void>;
}

async function startBackend(): Promise<Backend> {
  const received: Received[] = [];
  let handler: (request: Received, response: ServerResponse) => void = (_request, response) => response.writeHead(500).end();
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      const url = new URL(request.url ?? '/', 'http://backend.invalid');
      const entry = { method: request.method ?? '', path: url.pathname, query: url.searchParams, headers: request.headers };
      received.push(entry);
      handler(entry, response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    received,
    answer: (next) => {
      handler = next;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** A gateway in front of one corpus connector, and the ports a poll of its flow gets. */
interface Gateway {
  readonly definition: ConnectorDefinition;
  readonly backend: Backend;
  readonly connectors: (parameters?: Readonly<Record<string, unknown>>) => ConnectorPort;
  readonly lookup: PollingOperationLookup;
  close(): Promise<void>;
}

const CONNECTION_ID = 'conn-1';
const ACCESS_TOKEN = 'at-7c1d';

async function startGateway(folder: string, connection: { readonly connectorName: string; readonly parameters: Readonly<Record<string, unknown>>; readonly usesOAuth: boolean }): Promise<Gateway> {
  const { definition, issues } = loadConnector(corpusFolder(folder));
  assert.ok(definition, `the corpus connector loads: ${JSON.stringify(issues)}`);
  const backend = await startBackend();
  const client: EgressClient = createEgressClient({ allow: ['127.0.0.1/32'], retry: 'none', totalTimeoutMs: 10_000 });
  const egress: Egress = {
    send: (call) => {
      const url = new URL(call.url);
      return client.send({ ...call, url: `${backend.origin}${url.pathname}${url.search}` });
    },
  };
  const usable: UsableConnection = { id: CONNECTION_ID, environmentId: 'default', connectorName: connection.connectorName, status: 'connected', parameters: connection.parameters, secrets: [], usesOAuth: connection.usesOAuth };
  const invoker = createInvoker({
    connectors: {
      resolve: async (_environment, name) => {
        if (name !== connection.connectorName) throw new NotFoundError(`no connector ${name}`, { code: 'ConnectorNotFound' });
        return { key: `${name}@1`, definition };
      },
    },
    connections: { resolveForUse: async () => usable, setStatus: async () => undefined },
    egress,
    tokens: { getAccessToken: async () => ACCESS_TOKEN },
  });
  const references = { [connection.connectorName]: { connection: CONNECTION_ID, connector: connection.connectorName }, [`shared_${connection.connectorName}`]: { connection: CONNECTION_ID, connector: connection.connectorName } };
  return {
    definition,
    backend,
    connectors: (parameters) => createConnectorPort({ invoker, environment: 'default', caller: { principalId: 'flow-owner', role: 'maker' }, resolveReference: resolveConnectionReferences(references, parameters).resolve }),
    // The engine resolves the reference to the connector's definition; here there is one.
    lookup: async (target) => pollingOperationOf(definition, target),
    close: async () => {
      await backend.close();
      await client.close();
    },
  };
}

function triggerOf(raw: Record<string, unknown>): WorkflowTrigger {
  const loaded = loadWorkflowDefinition({ parameters: { $connections: { type: 'Object', defaultValue: {} }, $authentication: { type: 'SecureObject', defaultValue: {} } }, triggers: { When_a_file_is_uploaded: { recurrence: { frequency: 'Minute', interval: 3 }, ...raw } }, actions: {} });
  const trigger = loaded.definition?.triggers[0];
  assert.ok(trigger, JSON.stringify(loaded.issues));
  return trigger;
}

const evaluate = (() => {
  const value = createValueEvaluator({ evaluator: createWorkflowEvaluator() });
  return (input: unknown, extra?: Parameters<PollContext['evaluate']>[1]): unknown => value(input, { parameters: { $connections: {}, $authentication: {} }, ...extra });
})();

const T0 = Date.UTC(2026, 3, 1, 8, 0);

/** A Huddle folder: files newest first, `after` returns only newer ones, as the connector's backend does. */
function huddleFolder(backend: Backend): { add(name: string, created: string): void } {
  const files: { name: string; created: string }[] = [];
  backend.answer((request, response) => {
    if (!/^\/trigger\/v2\/poll\/folder\/[^/]+\/upload$/.test(request.path)) return void response.writeHead(404).end();
    const afterValue = request.query.get('after');
    const newer = files.filter((file) => afterValue === null || file.created > afterValue).sort((a, b) => b.created.localeCompare(a.created));
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ files: newer }));
  });
  return { add: (name, created) => void files.push({ name, created }) };
}

describe('connector polling triggers (Huddle US, pollingtrigger template)', () => {
  let gateway: Gateway;
  before(async () => {
    gateway = await startGateway('certified-connectors/Huddle US', { connectorName: 'huddle', parameters: {}, usesOAuth: true });
  });
  after(() => gateway.close());

  const openApiTrigger = (): WorkflowTrigger =>
    triggerOf({
      type: 'OpenApiConnection',
      inputs: { host: { apiId: '/providers/Microsoft.PowerApps/apis/shared_huddle', connectionName: 'shared_huddle', operationId: 'PollFolderForFileUpload' }, parameters: { workspaceId: 'ws-1', folderId: 'f-9' }, authentication: "@parameters('$authentication')" },
      splitOn: "@triggerOutputs()?['body/files']",
    });

  // The trigger service stores the cursor as JSON: every poll here gets it back the same way.
  const poll = (trigger: WorkflowTrigger, cursor: unknown, now: number): Promise<PollResult> =>
    pollTrigger({ trigger, evaluate, cursor: JSON.parse(JSON.stringify(cursor)), now, connectors: gateway.connectors(), connectorOperations: gateway.lookup });

  test('the first poll is the baseline; later polls ask only for newer files and fire one run per file', async () => {
    const folder = huddleFolder(gateway.backend);
    folder.add('old-1.pdf', '2026-03-30T10:00:00Z');
    folder.add('old-2.pdf', '2026-03-31T10:00:00Z');
    const trigger = openApiTrigger();

    const first = await poll(trigger, null, T0);
    assert.equal(first.outcome, 'skipped');
    assert.equal(first.skipReason, 'Baseline');
    const firstRequest = gateway.backend.received.at(-1);
    assert.equal(firstRequest?.path, '/trigger/v2/poll/folder/f-9/upload');
    assert.equal(firstRequest?.query.get('workspaceId'), 'ws-1');
    assert.equal(firstRequest?.query.has('after'), false);
    assert.equal(firstRequest?.headers['authorization'], `Bearer ${ACCESS_TOKEN}`);

    folder.add('new-1.pdf', '2026-04-01T07:59:00Z');
    const second = await poll(trigger, first.cursor, T0 + 180_000);
    assert.equal(gateway.backend.received.at(-1)?.query.get('after'), '2026-03-31T10:00:00Z');
    assert.equal(second.outcome, 'fired');
    assert.deepEqual(second.firings.map((firing) => firing.body), [{ name: 'new-1.pdf', created: '2026-04-01T07:59:00Z' }]);

    // Nothing new: skipped, and the window stays where it was (the empty answer has no newest file).
    const third = await poll(trigger, second.cursor, T0 + 360_000);
    assert.equal(gateway.backend.received.at(-1)?.query.get('after'), '2026-04-01T07:59:00Z');
    assert.equal(third.outcome, 'skipped');
    assert.equal(third.skipReason, 'NoItems');

    folder.add('new-2.pdf', '2026-04-01T08:04:00Z');
    folder.add('new-3.pdf', '2026-04-01T08:05:00Z');
    const fourth = await poll(trigger, third.cursor, T0 + 540_000);
    assert.equal(gateway.backend.received.at(-1)?.query.get('after'), '2026-04-01T07:59:00Z');
    assert.deepEqual(fourth.firings.map((firing) => (firing.body as { name: string }).name), ['new-3.pdf', 'new-2.pdf']);

    await poll(trigger, fourth.cursor, T0 + 720_000);
    assert.equal(gateway.backend.received.at(-1)?.query.get('after'), '2026-04-01T08:05:00Z');
  });

  test('a poll repeated from the same cursor (a crash before the commit) asks for the same window: files repeat, none is lost', async () => {
    const folder = huddleFolder(gateway.backend);
    folder.add('seen.pdf', '2026-03-31T10:00:00Z');
    const trigger = openApiTrigger();
    const baseline = await poll(trigger, null, T0);
    folder.add('fresh.pdf', '2026-04-01T07:00:00Z');
    const lost = await poll(trigger, baseline.cursor, T0 + 180_000);
    folder.add('fresher.pdf', '2026-04-01T07:30:00Z');
    const again = await poll(trigger, baseline.cursor, T0 + 360_000);
    assert.deepEqual(lost.firings.map((firing) => (firing.body as { name: string }).name), ['fresh.pdf']);
    assert.deepEqual(again.firings.map((firing) => (firing.body as { name: string }).name), ['fresher.pdf', 'fresh.pdf']);
  });

  test('a poll that fails keeps the cursor, so the same window is asked for again', async () => {
    const folder = huddleFolder(gateway.backend);
    folder.add('a.pdf', '2026-03-31T10:00:00Z');
    const trigger = openApiTrigger();
    const baseline = await poll(trigger, null, T0);
    gateway.backend.answer((_request, response) => response.writeHead(503, { 'content-type': 'application/json', 'retry-after': '60' }).end('{}'));
    const failed = await poll(trigger, baseline.cursor, T0 + 180_000);
    assert.equal(failed.outcome, 'failed');
    assert.equal(failed.error?.code, 'ServiceUnavailable');
    assert.equal(failed.error?.retryable, true);
    assert.match(failed.error?.message ?? '', /operation 'PollFolderForFileUpload' on connection reference 'shared_huddle' answered 503/);
    assert.equal(failed.retryAfterMs, 60_000);
    assert.deepEqual(failed.cursor, baseline.cursor);
  });

  test('ApiConnection: method + path find the operation and its template; the state goes into queries', async () => {
    const folder = huddleFolder(gateway.backend);
    folder.add('x.pdf', '2026-03-31T10:00:00Z');
    const trigger = triggerOf({
      type: 'ApiConnection',
      inputs: { host: { connection: { name: "@parameters('$connections')['huddle']['connectionId']" } }, method: 'get', path: "/trigger/v2/poll/folder/@{encodeURIComponent('f-9')}/upload", queries: { workspaceId: 'ws-1' } },
      splitOn: "@triggerBody()?['files']",
    });
    const first = await poll(trigger, null, T0);
    assert.equal(first.skipReason, 'Baseline');
    folder.add('y.pdf', '2026-04-01T07:00:00Z');
    const second = await poll(trigger, first.cursor, T0 + 180_000);
    assert.equal(gateway.backend.received.at(-1)?.query.get('after'), '2026-03-31T10:00:00Z');
    assert.deepEqual(second.firings.map((firing) => (firing.body as { name: string }).name), ['y.pdf']);
  });

  test('without the operation lookup the poll has no template: every 200 fires', async () => {
    const folder = huddleFolder(gateway.backend);
    folder.add('z.pdf', '2026-03-31T10:00:00Z');
    const result = await pollTrigger({ trigger: openApiTrigger(), evaluate, cursor: null, now: T0, connectors: gateway.connectors() });
    assert.equal(result.outcome, 'fired');
    assert.equal(gateway.backend.received.at(-1)?.query.has('after'), false);
  });

  test('a reference the flow does not have fails the poll with ConnectionReferenceNotFound', async () => {
    const trigger = triggerOf({ type: 'OpenApiConnection', inputs: { host: { connectionName: 'shared_dropbox', operationId: 'PollFolderForFileUpload' }, parameters: {} } });
    const result = await pollTrigger({ trigger, evaluate, cursor: null, now: T0, connectors: gateway.connectors(), connectorOperations: gateway.lookup });
    assert.equal(result.outcome, 'failed');
    assert.equal(result.error?.code, 'ConnectionReferenceNotFound');
    assert.match(result.error?.message ?? '', /^trigger 'When_a_file_is_uploaded': connection reference 'shared_dropbox'/);
  });

  test('without a connector port the poll fails with ConnectorNotAvailable', async () => {
    const result = await pollTrigger({ trigger: openApiTrigger(), evaluate, cursor: null, now: T0 });
    assert.equal(result.error?.code, 'ConnectorNotAvailable');
  });
});

describe('connector polling triggers (iMIS, 202 + Location contract)', () => {
  let gateway: Gateway;
  before(async () => {
    gateway = await startGateway('certified-connectors/iMIS', { connectorName: 'imis', parameters: { api_key: 'k-123' }, usesOAuth: false });
  });
  after(() => gateway.close());

  test('202 waits with Retry-After; the Location query (sequence) is sent on the next poll, which fires on 200', async () => {
    gateway.backend.answer((request, response) => {
      const sequence = Number(request.query.get('sequence') ?? '0');
      if (sequence < 41) return void response.writeHead(202, { location: 'https://mspowerplatform.cloud.csiinc.com/trigger/Activity?sequence=41', 'retry-after': '15' }).end();
      response.writeHead(200, { 'content-type': 'application/json', location: '/trigger/Activity?sequence=43' }).end(JSON.stringify({ Items: [{ ActivityId: 41 }, { ActivityId: 42 }] }));
    });
    const trigger = triggerOf({
      type: 'OpenApiConnection',
      inputs: { host: { connectionName: 'shared_imis', operationId: 'ActivityTriggerPoll' }, parameters: {} },
      splitOn: "@triggerOutputs()?['body/Items']",
    });
    const poll = (cursor: unknown, now: number): Promise<PollResult> => pollTrigger({ trigger, evaluate, cursor, now, connectors: gateway.connectors(), connectorOperations: gateway.lookup });

    const first = await poll(null, T0);
    assert.equal(first.outcome, 'skipped');
    assert.equal(first.retryAfterMs, 15_000);
    // The operation declares `sequence` with default 0: the gateway sends it until a Location says otherwise.
    assert.equal(gateway.backend.received.at(-1)?.query.get('sequence'), '0');
    assert.equal(gateway.backend.received.at(-1)?.headers['x-api-key'], 'k-123');

    const second = await poll(first.cursor, T0 + 15_000);
    assert.equal(gateway.backend.received.at(-1)?.query.get('sequence'), '41');
    assert.equal(second.outcome, 'fired');
    assert.deepEqual(second.firings.map((firing) => firing.body), [{ ActivityId: 41 }, { ActivityId: 42 }]);

    gateway.backend.answer((_request, response) => response.writeHead(202).end());
    const third = await poll(second.cursor, T0 + 30_000);
    assert.equal(gateway.backend.received.at(-1)?.query.get('sequence'), '43');
    assert.equal(third.outcome, 'skipped');
    // A 202 without a Location keeps the state it was asked with.
    await poll(third.cursor, T0 + 45_000);
    assert.equal(gateway.backend.received.at(-1)?.query.get('sequence'), '43');
  });
});
