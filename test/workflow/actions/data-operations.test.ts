/** Compose, Query, Select and Join, from the examples of the Logic Apps docs (data operations, action schema reference). */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { run, testContext } from './kit.ts';

const people = [
  { name: 'ageVar', type: 'Integer' as const, value: 35 },
  { name: 'firstNameVar', type: 'String' as const, value: 'Sophie ' },
  { name: 'lastNameVar', type: 'String' as const, value: 'Owen' },
];

describe('Compose', () => {
  test('outputs its literal inputs unchanged ("abcdefg 1234")', async () => {
    const outcome = await run({ type: 'Compose', inputs: 'abcdefg 1234' });
    assert.equal(outcome.status, 'Succeeded');
    assert.equal(outcome.outputs, 'abcdefg 1234');
  });

  test('interpolates variables into one string ("abcdefg1234")', async () => {
    const context = testContext({ variables: [{ name: 'myString', type: 'String', value: 'abcdefg' }, { name: 'myInteger', type: 'Integer', value: 1234 }] });
    const outcome = await run({ type: 'Compose', inputs: "@{variables('myString')}@{variables('myInteger')}" }, context);
    assert.equal(outcome.outputs, 'abcdefg1234');
  });

  test('builds a JSON object from variables of several types, keeping the integer an integer', async () => {
    const context = testContext({ variables: people });
    const outcome = await run({ type: 'Compose', inputs: { age: "@variables('ageVar')", fullName: "@{variables('lastNameVar')}, @{variables('firstNameVar')}" } }, context);
    assert.deepEqual(outcome.outputs, { age: 35, fullName: 'Owen, Sophie ' });
    assert.deepEqual(outcome.inputs, outcome.outputs);
  });

  test('an expression that fails makes the action fail with InvalidTemplate naming where in the inputs', async () => {
    const outcome = await run({ type: 'Compose', inputs: { nested: { value: "@variables('missing')" } }, name: 'Compose_2' }, testContext());
    assert.equal(outcome.status, 'Failed');
    assert.equal(outcome.error?.code, 'InvalidTemplate');
    assert.match(outcome.error?.message ?? '', /action 'Compose_2' at \/actions\/Compose_2\/inputs\/nested\/value/);
  });

  test('a syntax error is InvalidTemplate too', async () => {
    const outcome = await run({ type: 'Compose', inputs: "@concat('a'" });
    assert.equal(outcome.error?.code, 'InvalidTemplate');
  });

  test('object keys are templates as well, and @@ escapes a literal @ (the @odata.type case)', async () => {
    const outcome = await run({ type: 'Compose', inputs: { '@@odata.type': '#microsoft.graph.user', "@{concat('a', 'b')}": 1, 'plain@key': 'x@y.com' } });
    assert.deepEqual(outcome.outputs, { '@odata.type': '#microsoft.graph.user', ab: 1, 'plain@key': 'x@y.com' });
  });

  test('a literal longer than the 8,192-character expression limit is kept as text', async () => {
    const long = `${'x'.repeat(10_000)} mail me at a@b.com`;
    const outcome = await run({ type: 'Compose', inputs: long });
    assert.equal(outcome.outputs, long);
  });
});

describe('Query (Filter array)', () => {
  test('keeps the items greater than 2, in order ([1,3,0,5,4,2] → [3,5,4])', async () => {
    const outcome = await run({ type: 'Query', inputs: { from: [1, 3, 0, 5, 4, 2], where: '@greater(item(), 2)' } });
    assert.equal(outcome.status, 'Succeeded');
    assert.deepEqual(outcome.outputs, { body: [3, 5, 4] });
  });

  test('filters an array variable (the code sample: greater than 1)', async () => {
    const context = testContext({ variables: [{ name: 'myIntegerArray', type: 'Array', value: [1, 2, 3, 4] }] });
    const outcome = await run({ type: 'Query', inputs: { from: "@variables('myIntegerArray')", where: '@greater(item(), 1)' } }, context);
    assert.deepEqual(outcome.outputs, { body: [2, 3, 4] });
  });

  test('gives an empty array when nothing matches', async () => {
    const outcome = await run({ type: 'Query', inputs: { from: [1, 2], where: '@greater(item(), 9)' } });
    assert.deepEqual(outcome.outputs, { body: [] });
  });

  test('filters objects on a property, case-sensitively', async () => {
    const outcome = await run({ type: 'Query', inputs: { from: [{ c: 'Red' }, { c: 'red' }, {}], where: "@equals(item()?['c'], 'red')" } });
    assert.deepEqual(outcome.outputs, { body: [{ c: 'red' }] });
  });

  test('accepts the object form of a condition in `where`', async () => {
    const outcome = await run({ type: 'Query', inputs: { from: [1, 5, 9], where: { and: [{ greater: ['@item()', 2] }, { less: ['@item()', 9] }] } } });
    assert.deepEqual(outcome.outputs, { body: [5] });
  });

  test('fails with BadRequest when `from` is not an array', async () => {
    const outcome = await run({ type: 'Query', inputs: { from: { value: [1] }, where: '@true' } });
    assert.equal(outcome.status, 'Failed');
    assert.equal(outcome.error?.code, 'BadRequest');
    assert.match(outcome.error?.message ?? '', /`from` must be an array \(got an object\)/);
  });

  test('fails with InvalidTemplate naming the item when `where` is not a boolean', async () => {
    const outcome = await run({ type: 'Query', inputs: { from: [1, 2], where: '@item()' } });
    assert.equal(outcome.error?.code, 'InvalidTemplate');
    assert.match(outcome.error?.message ?? '', /item 0 of `from`/);
    assert.match(outcome.error?.message ?? '', /inputs\/where/);
  });

  test('refuses a `from` above the data-operation item limit', async () => {
    const outcome = await run({ type: 'Query', inputs: { from: [1, 2, 3], where: '@true' } }, testContext({ limits: { maxDataOperationItems: 2 } }));
    assert.equal(outcome.error?.code, 'LimitExceeded');
  });
});

describe('Select', () => {
  test('maps [1,2,3] through { number: @item() }', async () => {
    const outcome = await run({ type: 'Select', inputs: { from: [1, 2, 3], select: { number: '@item()' } } });
    assert.deepEqual(outcome.outputs, { body: [{ number: 1 }, { number: 2 }, { number: 3 }] });
  });

  test('maps an array variable to Product_ID objects (the code sample)', async () => {
    const context = testContext({ variables: [{ name: 'myIntegerArray', type: 'Array', value: [1, 2, 3, 4] }] });
    const outcome = await run({ type: 'Select', inputs: { from: "@variables('myIntegerArray')", select: { Product_ID: '@item()' } } }, context);
    assert.deepEqual(outcome.outputs, { body: [{ Product_ID: 1 }, { Product_ID: 2 }, { Product_ID: 3 }, { Product_ID: 4 }] });
  });

  test('text mode: one expression makes an array of primitives', async () => {
    const outcome = await run({ type: 'Select', inputs: { from: [{ id: 'a' }, { id: 'b' }], select: "@item()?['id']" } });
    assert.deepEqual(outcome.outputs, { body: ['a', 'b'] });
  });

  test('keys may be expressions, values may nest', async () => {
    const outcome = await run({ type: 'Select', inputs: { from: [{ k: 'x', v: 1 }], select: { "@{item()['k']}": { value: "@item()['v']", fixed: true } } } });
    assert.deepEqual(outcome.outputs, { body: [{ x: { value: 1, fixed: true } }] });
  });

  test('an empty source gives an empty array', async () => {
    const outcome = await run({ type: 'Select', inputs: { from: [], select: { a: '@item()' } } });
    assert.deepEqual(outcome.outputs, { body: [] });
  });

  test('a failing map names the item', async () => {
    const outcome = await run({ type: 'Select', inputs: { from: [{ a: 1 }, {}], select: { a: '@item().a' } } });
    assert.equal(outcome.error?.code, 'InvalidTemplate');
    assert.match(outcome.error?.message ?? '', /item 1 of `from`/);
  });
});

describe('Join', () => {
  test('joins [1,2,3,4] with "," into "1,2,3,4"', async () => {
    const context = testContext({ variables: [{ name: 'myIntegerArray', type: 'Array', value: [1, 2, 3, 4] }] });
    const outcome = await run({ type: 'Join', inputs: { from: "@variables('myIntegerArray')", joinWith: ',' } }, context);
    assert.deepEqual(outcome.outputs, { body: '1,2,3,4' });
  });

  test('joins with a colon (the data-operations example)', async () => {
    const outcome = await run({ type: 'Join', inputs: { from: [1, 2, 3, 4], joinWith: ':' } });
    assert.deepEqual(outcome.outputs, { body: '1:2:3:4' });
  });

  test('writes items as join() does: True, nothing for null, JSON for objects', async () => {
    const outcome = await run({ type: 'Join', inputs: { from: [true, null, 'a', { b: 1 }, 1.5], joinWith: '|' } });
    assert.deepEqual(outcome.outputs, { body: 'True||a|{"b":1}|1.5' });
  });

  test('fails with BadRequest without joinWith', async () => {
    const outcome = await run({ type: 'Join', inputs: { from: [1] } });
    assert.equal(outcome.error?.code, 'BadRequest');
    assert.match(outcome.error?.message ?? '', /joinWith/);
  });
});
