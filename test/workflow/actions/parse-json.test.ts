/** ParseJson: the docs' example, text and binary content, schema validation with ajv across drafts. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { run, testContext } from './kit.ts';

const memberSchema = {
  type: 'object',
  properties: {
    Member: {
      type: 'object',
      properties: { Email: { type: 'string' }, FirstName: { type: 'string' }, LastName: { type: 'string' } },
    },
  },
};
const member = { Member: { Email: 'Sophie.Owen@contoso.com', FirstName: 'Sophie', LastName: 'Owen' } };

describe('ParseJson', () => {
  test('parses the docs example object; body is the content', async () => {
    const outcome = await run({ type: 'ParseJson', inputs: { content: member, schema: memberSchema } });
    assert.equal(outcome.status, 'Succeeded');
    assert.deepEqual(outcome.outputs, { body: member });
    assert.deepEqual(outcome.inputs, { content: member, schema: memberSchema });
  });

  test('parses an Object variable (the code sample)', async () => {
    const context = testContext({ variables: [{ name: 'myJSONObject', type: 'Object', value: member }] });
    const outcome = await run({ type: 'ParseJson', inputs: { content: "@variables('myJSONObject')", schema: memberSchema } }, context);
    assert.deepEqual(outcome.outputs, { body: member });
  });

  test('parses JSON text, keeping integers beyond 2^53 exact', async () => {
    const outcome = await run({ type: 'ParseJson', inputs: { content: '{"id": 9007199254740993, "tags": ["a"]}', schema: { type: 'object' } } });
    assert.deepEqual(outcome.outputs, { body: { id: 9007199254740993n, tags: ['a'] } });
  });

  test('validates integers beyond 2^53 against "integer" and "number", keeping the exact value in the body', async () => {
    const schema = { type: 'object', properties: { id: { type: 'integer' }, ids: { type: 'array', items: { type: 'number', minimum: 0 } } } };
    const outcome = await run({ type: 'ParseJson', inputs: { content: '{"id": 9007199254740993, "ids": [1, 9223372036854775807]}', schema } });
    assert.equal(outcome.status, 'Succeeded');
    assert.deepEqual(outcome.outputs, { body: { id: 9007199254740993n, ids: [1, 9223372036854775807n] } });
  });

  test('a big integer that breaks the schema fails with the usual problem, and the body keeps the exact value', async () => {
    const schema = { type: 'object', properties: { id: { type: 'string' }, n: { type: 'integer', maximum: 100 } } };
    const outcome = await run({ type: 'ParseJson', inputs: { content: '{"id": 9007199254740993, "n": -9007199254740995}', schema } });
    assert.equal(outcome.error?.code, 'ValidationFailed');
    const outputs = outcome.outputs as { body: unknown; errors: { path: string; errorType: string; schemaId: string }[] };
    assert.deepEqual(outputs.body, { id: 9007199254740993n, n: -9007199254740995n });
    assert.deepEqual(
      outputs.errors.map((e) => [e.path, e.errorType, e.schemaId]),
      [['id', 'type', '#/properties/id/type']],
    );
    const tooBig = await run({ type: 'ParseJson', inputs: { content: '{"n": 9007199254740993}', schema } });
    assert.deepEqual((tooBig.outputs as { errors: { path: string; errorType: string }[] }).errors.map((e) => [e.path, e.errorType]), [['n', 'maximum']]);
  });

  test('parses a binary JSON body ($content-type/$content)', async () => {
    const content = { '$content-type': 'application/json', $content: Buffer.from('{"ok":true}').toString('base64') };
    const outcome = await run({ type: 'ParseJson', inputs: { content, schema: { type: 'object', properties: { ok: { type: 'boolean' } } } } });
    assert.deepEqual(outcome.outputs, { body: { ok: true } });
  });

  test('fails with ValidationFailed, listing each problem with its path, and keeps the content in the outputs', async () => {
    const schema = { type: 'object', required: ['id'], properties: { id: { type: 'integer' }, items: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' } } } } } };
    const content = { items: [{ name: 'a' }, { name: 5 }] };
    const outcome = await run({ type: 'ParseJson', inputs: { content, schema } });
    assert.equal(outcome.status, 'Failed');
    assert.equal(outcome.error?.code, 'ValidationFailed');
    assert.match(outcome.error?.message ?? '', /^The schema validation failed\./);
    assert.match(outcome.error?.message ?? '', /`id` is required but missing \(and 1 more; see outputs.errors\)/);
    const outputs = outcome.outputs as { body: unknown; errors: { path: string; errorType: string; schemaId: string }[] };
    assert.deepEqual(outputs.body, content);
    assert.deepEqual(
      outputs.errors.map((e) => [e.path, e.errorType]),
      [
        ['id', 'required'],
        ['items[1].name', 'type'],
      ],
    );
    assert.equal(outputs.errors[1]?.schemaId, '#/properties/items/items/properties/name/type');
  });

  test('a value that is not null fails a "string" property; ["string","null"] allows null', async () => {
    const strict = await run({ type: 'ParseJson', inputs: { content: { a: null }, schema: { type: 'object', properties: { a: { type: 'string' } } } } });
    assert.equal(strict.error?.code, 'ValidationFailed');
    const loose = await run({ type: 'ParseJson', inputs: { content: { a: null }, schema: { type: 'object', properties: { a: { type: ['string', 'null'] } } } } });
    assert.equal(loose.status, 'Succeeded');
  });

  test('reads draft-04 schemas: boolean exclusiveMaximum, declared or not', async () => {
    const schema = { type: 'object', properties: { n: { type: 'number', maximum: 10, exclusiveMaximum: true } } };
    assert.equal((await run({ type: 'ParseJson', inputs: { content: { n: 10 }, schema } })).error?.code, 'ValidationFailed');
    assert.equal((await run({ type: 'ParseJson', inputs: { content: { n: 9 }, schema } })).status, 'Succeeded');
    const declared = { ...schema, $schema: 'http://json-schema.org/draft-04/schema#' };
    assert.equal((await run({ type: 'ParseJson', inputs: { content: { n: 10 }, schema: declared } })).error?.code, 'ValidationFailed');
  });

  test('reads 2020-12 schemas (prefixItems) and checks formats', async () => {
    const schema = { $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'array', prefixItems: [{ type: 'string', format: 'date-time' }] };
    assert.equal((await run({ type: 'ParseJson', inputs: { content: ['2024-05-01T10:00:00Z'], schema } })).status, 'Succeeded');
    assert.equal((await run({ type: 'ParseJson', inputs: { content: ['yesterday'], schema } })).error?.code, 'ValidationFailed');
  });

  test('text that is not JSON fails with InvalidJSON', async () => {
    const outcome = await run({ type: 'ParseJson', inputs: { content: '{"a": ', schema: {} } });
    assert.equal(outcome.status, 'Failed');
    assert.equal(outcome.error?.code, 'InvalidJSON');
  });

  test('a schema with a remote $ref fails with InvalidSchema, never fetching it', async () => {
    const outcome = await run({ type: 'ParseJson', inputs: { content: {}, schema: { $ref: 'https://example.com/schema.json' } } });
    assert.equal(outcome.error?.code, 'InvalidSchema');
  });

  test('a missing schema is a BadRequest', async () => {
    const outcome = await run({ type: 'ParseJson', inputs: { content: {} } });
    assert.equal(outcome.error?.code, 'BadRequest');
  });

  test('secure inputs hide the outputs too (ParseJson has only the inputs setting), values stay for successors', async () => {
    const outcome = await run({ type: 'ParseJson', inputs: { content: member, schema: memberSchema }, runtimeConfiguration: { secureData: { properties: ['inputs'] } } }, testContext());
    assert.deepEqual(outcome.secure, { inputs: true, outputs: true });
    assert.deepEqual(outcome.outputs, { body: member });
  });
});
