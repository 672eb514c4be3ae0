/**
 * The mock against the real corpus: for a deterministic sample of connectors (every operation,
 * called the naive way with generated arguments) the mock answers 2xx — 201 for webhook
 * subscriptions — with a body valid against the declared response schema. Every pageable and
 * every webhook operation of the whole corpus is exercised too. `node scripts/mock-corpus.ts`
 * runs every operation of every connector (slower; not part of npm test).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isSubscription, startMockServer, generateArguments } from '../../src/gateway/mock/index.ts';
import type { ConnectorDefinition } from '../../src/connectors/index.ts';
import { KNOWN_MOCK_DEFECTS, isKnownDefect } from './mock-defects.ts';
import { corpusSample, loadCorpusDefinition, naiveRequest, runConnector } from './mock-kit.ts';
import type { OperationOutcome } from './mock-kit.ts';

/** One connector in SAMPLE_STEP runs in npm test (about a quarter of the corpus operations). */
const SAMPLE_STEP = 4;

const everyConnector: { folder: string; definition: ConnectorDefinition }[] = corpusSample().flatMap((folder) => {
  const definition = loadCorpusDefinition(folder);
  return definition === undefined ? [] : [{ folder, definition }];
});

test('every operation of a corpus sample gets a schema-valid 2xx answer, except documented definition defects', async () => {
  const sample = new Set(corpusSample(SAMPLE_STEP));
  const outcomes: OperationOutcome[] = [];
  for (const { folder, definition } of everyConnector) if (sample.has(folder)) outcomes.push(...(await runConnector(folder, definition)));
  const failed = outcomes.filter((outcome) => outcome.failures.length > 0);
  const unexpected = failed.filter((outcome) => !isKnownDefect(outcome)).map((outcome) => `${outcome.connector}#${outcome.operationId}: ${outcome.failures.join('; ')}`);
  assert.deepEqual(unexpected, []);
  const stale = Object.keys(KNOWN_MOCK_DEFECTS).filter((key) => {
    const [connector = '', operationId] = key.split('#');
    return sample.has(connector) && outcomes.some((o) => o.connector === connector && o.operationId === operationId && o.failures.length === 0);
  });
  assert.deepEqual(stale, [], 'listed defects that now pass must be removed from mock-defects.ts');
  assert.ok(outcomes.length > 500, `the sample covers ${outcomes.length} operations`);
});

test('pageable operations across the corpus answer one next link to the mock, then none', async () => {
  let checked = 0;
  for (const { definition } of everyConnector) {
    const pageable = definition.operations.filter((op) => typeof op.pageable?.nextLinkName === 'string');
    if (pageable.length === 0) continue;
    const server = await startMockServer(definition);
    try {
      for (const operation of pageable) {
        const nextLinkName = operation.pageable?.nextLinkName ?? '';
        const request = naiveRequest(operation, { definition, args: generateArguments(operation, definition), origin: server.url });
        const first = await fetch(request.url, request.init);
        assert.equal(first.status, 200, `${operation.operationId}: ${await first.clone().text()}`);
        const firstBody = (await first.json()) as Record<string, unknown>;
        const link = firstBody[nextLinkName];
        assert.ok(typeof link === 'string' && link.startsWith(`${server.url}/`), `${operation.operationId}: next link ${String(link)}`);
        const second = await fetch(link, { method: 'GET', headers: request.init.headers });
        assert.equal(second.status, 200, `${operation.operationId} page 2`);
        const secondBody = (await second.json()) as Record<string, unknown>;
        assert.equal(Object.hasOwn(secondBody, nextLinkName), false, `${operation.operationId}: page 2 has no next link`);
        checked += 1;
      }
    } finally {
      await server.close();
    }
  }
  assert.ok(checked >= 40, `${checked} pageable operations`);
});

test('webhook subscriptions across the corpus answer 201 with a Location that DELETE ends', async () => {
  let checked = 0;
  for (const { folder, definition } of everyConnector) {
    const subscribe = definition.operations.filter(isSubscription);
    if (subscribe.length === 0) continue;
    const server = await startMockServer(definition);
    try {
      for (const operation of subscribe) {
        if (Object.hasOwn(KNOWN_MOCK_DEFECTS, `${folder}#${operation.operationId}`)) continue;
        const request = naiveRequest(operation, { definition, args: generateArguments(operation, definition), origin: server.url });
        const response = await fetch(request.url, request.init);
        assert.equal(response.status, 201, `${folder} ${operation.operationId}: ${await response.text()}`);
        const location = response.headers.get('location') ?? '';
        assert.ok(location.startsWith(`${server.url}/__mock/subscriptions/`), location);
        assert.equal((await fetch(location, { method: 'DELETE' })).status, 204);
        checked += 1;
      }
    } finally {
      await server.close();
    }
  }
  assert.ok(checked >= 150, `${checked} subscriptions`);
});
