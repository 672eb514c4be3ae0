import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inferSchema } from './schema-infer.ts';

test('types properties, dates and nested arrays from the example, and attaches the example at the root only', () => {
  const example = { id: 7, price: 9.5, name: 'Rex', born: '2020-01-31', seen: '2024-03-01T10:00:00.123+01:00', alive: true, owner: null, toys: [{ kind: 'ball' }], empty: [] };
  assert.deepEqual(inferSchema(example), {
    type: 'object',
    properties: {
      id: { type: 'integer' },
      price: { type: 'number' },
      name: { type: 'string' },
      born: { type: 'string', format: 'date' },
      seen: { type: 'string', format: 'date-time' },
      alive: { type: 'boolean' },
      owner: { 'x-nullable': true },
      toys: { type: 'array', items: { type: 'object', properties: { kind: { type: 'string' } } } },
      empty: { type: 'array', items: {} },
    },
    example,
  });
});

test('copies the example instead of sharing it with the caller', () => {
  const example = { tags: ['a'] };
  const schema = inferSchema(example);
  example.tags.push('b');
  assert.deepEqual(schema.example, { tags: ['a'] });
});

test('types a top-level array from its first element', () => {
  assert.deepEqual(inferSchema([1, 'two']), { type: 'array', items: { type: 'integer' }, example: [1, 'two'] });
});
