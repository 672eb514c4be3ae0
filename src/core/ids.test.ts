import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newId } from './ids.ts';

test('ids made one after another sort in the order they were made, also within one millisecond', () => {
  const ids = Array.from({ length: 20_000 }, () => newId());
  const sorted = [...ids].sort();
  assert.deepEqual(sorted, ids, 'creation order and sort order differ');
  assert.equal(new Set(ids).size, ids.length, 'an id repeated');
  for (const id of ids.slice(0, 100)) assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
});
