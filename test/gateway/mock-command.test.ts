/** `plugboard connector mock`: prints the URL and routes, logs each request, stops on signal. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connectorMockCommand } from '../../src/cli/commands/connector-mock.ts';
import { fixtureDefinition } from './mock-fixture.ts';

test('connector mock serves the definition, prints its routes and each request, and stops when asked', async () => {
  const lines: string[] = [];
  const controller = new AbortController();
  let announced: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (announced = resolve));
  const done = connectorMockCommand('fixture', { port: 0 }, {
    loadDefinition: async (target) => {
      assert.equal(target, 'fixture');
      return fixtureDefinition();
    },
    out: (line) => {
      lines.push(line);
      if (line.startsWith('Press Ctrl+C')) announced();
    },
    signal: controller.signal,
  });
  await ready;
  const url = /listening on (http:\/\/\S+)/.exec(lines[0] ?? '')?.[1];
  assert.ok(url !== undefined, lines[0]);
  assert.ok(lines.some((line) => /POST\s+\/v1\/hooks\s+OnItemCreated \(webhook subscription\)/.test(line)));
  const response = await fetch(`${url}/v1/items`, { headers: { 'x-api-key': 'k' } });
  assert.equal(response.status, 400);
  assert.ok(lines.some((line) => line.startsWith('GET /v1/items → 400 ListItems') && line.includes('query.top')));
  controller.abort();
  assert.equal(await done, 0);
  await assert.rejects(fetch(`${url}/v1/public/ping`), 'the server is closed');
});
