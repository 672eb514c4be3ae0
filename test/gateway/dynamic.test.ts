import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConnector } from '../../src/connectors/index.ts';
import { dynamicSchema, dynamicValues } from '../../src/gateway/dynamic/dynamic.ts';
import type { Invoker, InvokeRequest } from '../../src/gateway/invoke/invoker.ts';
import { corpusFolder } from '../connectors/connector-kit.ts';

function fakeInvoker(answers: Record<string, unknown>) {
  const calls: InvokeRequest[] = [];
  const invoker: Invoker = {
    invoke: async (request) => {
      calls.push(request);
      return { operationId: request.operationId, status: 200, headers: {}, body: answers[request.operationId], pages: 1 };
    },
    invokeRaw: async () => {
      throw new Error('not used');
    },
  };
  return { invoker, calls };
}

const airmeet = loadConnector(corpusFolder('certified-connectors/Airmeet')).definition;
assert.ok(airmeet);

test('a drop-down is filled by calling the operation x-ms-dynamic-values names, with its constant arguments (Airmeet airmeetId)', async () => {
  const { invoker, calls } = fakeInvoker({ GetAirmeets: { data: [{ uid: 'a1', name: 'Launch' }, { uid: 'a2', name: 'Town hall' }] } });
  const values = await dynamicValues(invoker, {
    environment: 'default',
    caller: { principalId: 'p', role: 'maker' },
    connectionId: 'c1',
    definition: airmeet,
    operationId: 'RemoveAttendee',
    parameter: 'airmeetId',
  });
  assert.deepEqual(values, [
    { value: 'a1', displayName: 'Launch' },
    { value: 'a2', displayName: 'Town hall' },
  ]);
  assert.equal(calls[0]?.operationId, 'GetAirmeets');
  assert.deepEqual(calls[0]?.arguments, { allAirmeets: true, crmName: 'MICROSOFT_DYNAMICS' });
});

test('dynamic lookups explain a parameter without a binding and an unknown parameter', async () => {
  const { invoker } = fakeInvoker({});
  const lookup = { environment: 'default', caller: { principalId: 'p', role: 'maker' }, connectionId: 'c1', definition: airmeet, operationId: 'RemoveAttendee' };
  await assert.rejects(dynamicValues(invoker, { ...lookup, parameter: 'url_encoded_attendee_email' }), /has no x-ms-dynamic-values/);
  await assert.rejects(dynamicSchema(invoker, { ...lookup, parameter: 'nope' }), /has no parameter `nope` — parameters: airmeetId, url_encoded_attendee_email/);
});

test('a body schema built at design time comes from the operation x-ms-dynamic-schema names, at its value-path', async () => {
  const document = {
    swagger: '2.0',
    info: { title: 'D', version: '1' },
    host: 'example.com',
    paths: {
      '/records/{table}': {
        post: {
          operationId: 'CreateRecord',
          parameters: [
            { name: 'table', in: 'path', required: true, type: 'string' },
            { name: 'item', in: 'body', required: true, schema: { $ref: '#/definitions/Record' } },
          ],
          responses: { '200': { description: 'ok' } },
        },
      },
      '/tables/{table}/schema': {
        get: { operationId: 'GetTableSchema', parameters: [{ name: 'table', in: 'path', required: true, type: 'string' }], responses: { '200': { description: 'ok' } } },
      },
    },
    definitions: {
      Record: { type: 'object', 'x-ms-dynamic-schema': { operationId: 'GetTableSchema', parameters: { table: { parameter: 'table' } }, 'value-path': 'content/schema' } },
    },
  };
  const bytes = new TextEncoder().encode(JSON.stringify(document));
  const { definition } = loadConnector({ kind: 'file', path: 'd.json', file: { name: 'd.json', size: bytes.length, bytes } });
  assert.ok(definition);
  const tableSchema = { type: 'object', properties: { title: { type: 'string' } } };
  const { invoker, calls } = fakeInvoker({ GetTableSchema: { content: { schema: tableSchema } } });
  const schema = await dynamicSchema(invoker, {
    environment: 'default',
    caller: { principalId: 'p', role: 'maker' },
    connectionId: 'c1',
    definition,
    operationId: 'CreateRecord',
    parameter: 'item',
    arguments: { table: 'tasks' },
  });
  assert.deepEqual(schema, tableSchema);
  assert.deepEqual(calls[0]?.arguments, { table: 'tasks' });
});
