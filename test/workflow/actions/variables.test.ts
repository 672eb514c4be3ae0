/** The variable actions, from logic-apps-create-variables-store-values.md, with their type checks and limits. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { run, testContext } from './kit.ts';

const init = (name: string, type: string, value?: unknown) => ({ variables: [{ name, type, ...(value === undefined ? {} : { value }) }] });

describe('InitializeVariable', () => {
  test('declares each documented type with its initial value (docs examples)', async () => {
    const context = testContext();
    const cases: [string, string, unknown][] = [
      ['Count', 'Integer', 0],
      ['myBooleanVariable', 'boolean', false],
      ['myFloatVariable', 'float', 1.99999],
      ['myStringVariable', 'string', 'lorem ipsum'],
      ['MyObjectVariable', 'object', { ProductItem: { Name: 'myProductName', ProductID: '000000' } }],
      ['myArrayVariable', 'array', [1, 2, 3]],
      ['myStringArray', 'Array', ['red', 'orange', 'yellow']],
    ];
    for (const [name, type, value] of cases) {
      const outcome = await run({ type: 'InitializeVariable', inputs: init(name, type, value) }, context);
      assert.equal(outcome.status, 'Succeeded', `${name}: ${outcome.error?.message}`);
      assert.deepEqual(context.variables.get(name), value);
    }
    assert.equal(context.variables.declared('myfloatvariable')?.type, 'Float');
  });

  test('records the canonical type in its inputs', async () => {
    const outcome = await run({ type: 'InitializeVariable', inputs: init('count', 'INTEGER', '@add(1, 2)') });
    assert.deepEqual(outcome.inputs, { variables: [{ name: 'count', type: 'Integer', value: 3 }] });
  });

  test('declares several variables in one action (newer designers)', async () => {
    const context = testContext();
    const outcome = await run({ type: 'InitializeVariable', inputs: { variables: [{ name: 'a', type: 'String', value: 'x' }, { name: 'b', type: 'Integer', value: 2 }] } }, context);
    assert.equal(outcome.status, 'Succeeded');
    assert.deepEqual(context.variables.values(), { a: 'x', b: 2 });
  });

  test('without a value a variable starts at its type’s empty value', async () => {
    const context = testContext();
    for (const [name, type] of [['s', 'String'], ['i', 'Integer'], ['a', 'Array'], ['o', 'Object'], ['b', 'Boolean']]) await run({ type: 'InitializeVariable', inputs: init(name ?? '', type ?? '') }, context);
    assert.deepEqual(context.variables.values(), { s: '', i: 0, a: [], o: {}, b: false });
  });

  test('a value of another type fails with InvalidVariableType', async () => {
    const outcome = await run({ type: 'InitializeVariable', inputs: init('Count', 'Integer', 'five') });
    assert.equal(outcome.status, 'Failed');
    assert.equal(outcome.error?.code, 'InvalidVariableType');
    assert.match(outcome.error?.message ?? '', /type 'Integer' cannot be initialized or updated with a value of type 'String'/);
    assert.doesNotMatch(outcome.error?.message ?? '', /five/, 'messages never contain values');
  });

  test('an Integer variable refuses 1.5; a Float variable takes 2', async () => {
    assert.equal((await run({ type: 'InitializeVariable', inputs: init('i', 'Integer', 1.5) })).error?.code, 'InvalidVariableType');
    assert.equal((await run({ type: 'InitializeVariable', inputs: init('f', 'Float', 2) })).status, 'Succeeded');
  });

  test('a name already initialized (ignoring case) fails with VariableAlreadyExists', async () => {
    const context = testContext();
    await run({ type: 'InitializeVariable', inputs: init('Count', 'Integer', 0) }, context);
    const again = await run({ type: 'InitializeVariable', inputs: init('count', 'Integer', 1) }, context);
    assert.equal(again.error?.code, 'VariableAlreadyExists');
    const twice = await run({ type: 'InitializeVariable', inputs: { variables: [{ name: 'x', type: 'String' }, { name: 'X', type: 'String' }] } });
    assert.equal(twice.error?.code, 'VariableAlreadyExists');
  });

  test('an unknown type fails with BadRequest naming the documented types', async () => {
    const outcome = await run({ type: 'InitializeVariable', inputs: init('d', 'Date', '2020-01-01') });
    assert.equal(outcome.error?.code, 'BadRequest');
    assert.match(outcome.error?.message ?? '', /Boolean, Integer, Float, String, Array, Object/);
  });

  test('a run holds at most maxVariables variables (250 by default)', async () => {
    const context = testContext({ limits: { maxVariables: 2 } });
    await run({ type: 'InitializeVariable', inputs: init('a', 'Integer', 1) }, context);
    await run({ type: 'InitializeVariable', inputs: init('b', 'Integer', 1) }, context);
    assert.equal((await run({ type: 'InitializeVariable', inputs: init('c', 'Integer', 1) }, context)).error?.code, 'VariableLimitExceeded');
  });

  test('a value above the content limit fails with VariableLimitExceeded', async () => {
    const outcome = await run({ type: 'InitializeVariable', inputs: init('s', 'String', 'x'.repeat(101)) }, testContext({ limits: { maxVariableChars: 100 } }));
    assert.equal(outcome.error?.code, 'VariableLimitExceeded');
  });
});

describe('SetVariable', () => {
  test('changes Count from 0 to 100 (docs example)', async () => {
    const context = testContext({ variables: [{ name: 'Count', type: 'Integer', value: 0 }] });
    const outcome = await run({ type: 'SetVariable', inputs: { name: 'Count', value: 100 } }, context);
    assert.equal(outcome.status, 'Succeeded');
    assert.equal(context.variables.get('Count'), 100);
    assert.deepEqual(outcome.outputs, { body: { name: 'Count', value: 100 } });
  });

  test('a value of another type fails with InvalidVariableType and leaves the variable unchanged', async () => {
    const context = testContext({ variables: [{ name: 'Count', type: 'Integer', value: 7 }] });
    const outcome = await run({ type: 'SetVariable', inputs: { name: 'Count', value: '100' } }, context);
    assert.equal(outcome.error?.code, 'InvalidVariableType');
    assert.equal(context.variables.get('Count'), 7);
  });

  test('the value is required', async () => {
    const context = testContext({ variables: [{ name: 'Count', type: 'Integer', value: 7 }] });
    assert.equal((await run({ type: 'SetVariable', inputs: { name: 'Count' } }, context)).error?.code, 'BadRequest');
  });

  test('a variable that was never initialized fails with VariableNotFound', async () => {
    const outcome = await run({ type: 'SetVariable', inputs: { name: 'nope', value: 1 } });
    assert.equal(outcome.error?.code, 'VariableNotFound');
    assert.match(outcome.error?.message ?? '', /InitializeVariable/);
  });

  test('a stored object is a copy: later changes to the action outputs do not change the variable', async () => {
    const context = testContext({ variables: [{ name: 'o', type: 'Object', value: {} }] });
    const outcome = await run({ type: 'SetVariable', inputs: { name: 'o', value: { a: 1 } } }, context);
    (outcome.outputs as { body: { value: { a: number } } }).body.value.a = 2;
    assert.deepEqual(context.variables.get('o'), { a: 1 });
  });
});

describe('IncrementVariable and DecrementVariable', () => {
  test('increment by 1 by default, and by a given value', async () => {
    const context = testContext({ variables: [{ name: 'Count', type: 'Integer', value: 0 }] });
    await run({ type: 'IncrementVariable', inputs: { name: 'Count' } }, context);
    const outcome = await run({ type: 'IncrementVariable', inputs: { name: 'Count', value: 5 } }, context);
    assert.equal(context.variables.get('Count'), 6);
    assert.deepEqual(outcome.outputs, { body: { name: 'Count', value: 6 } });
  });

  test('decrement by 1 by default (docs example)', async () => {
    const context = testContext({ variables: [{ name: 'Count', type: 'Integer', value: 3 }] });
    await run({ type: 'DecrementVariable', inputs: { name: 'Count', value: 1 } }, context);
    await run({ type: 'DecrementVariable', inputs: { name: 'Count' } }, context);
    assert.equal(context.variables.get('Count'), 1);
  });

  test('a Float variable takes fractional steps', async () => {
    const context = testContext({ variables: [{ name: 'f', type: 'Float', value: 1.5 }] });
    await run({ type: 'IncrementVariable', inputs: { name: 'f', value: 0.25 } }, context);
    assert.equal(context.variables.get('f'), 1.75);
  });

  test('an Integer variable cannot step by a Float', async () => {
    const context = testContext({ variables: [{ name: 'i', type: 'Integer', value: 1 }] });
    assert.equal((await run({ type: 'IncrementVariable', inputs: { name: 'i', value: 0.5 } }, context)).error?.code, 'InvalidVariableType');
  });

  test('only Integer and Float variables can be incremented', async () => {
    const context = testContext({ variables: [{ name: 's', type: 'String', value: 'a' }] });
    const outcome = await run({ type: 'IncrementVariable', inputs: { name: 's' } }, context);
    assert.equal(outcome.error?.code, 'InvalidVariableType');
    assert.match(outcome.error?.message ?? '', /only Integer and Float variables/);
  });

  test('a non-number step fails with BadRequest', async () => {
    const context = testContext({ variables: [{ name: 'i', type: 'Integer', value: 1 }] });
    assert.equal((await run({ type: 'IncrementVariable', inputs: { name: 'i', value: 'two' } }, context)).error?.code, 'BadRequest');
  });

  test('integers stay exact beyond 2^53 and stop at the 64-bit range', async () => {
    const context = testContext({ variables: [{ name: 'i', type: 'Integer', value: Number.MAX_SAFE_INTEGER }] });
    await run({ type: 'IncrementVariable', inputs: { name: 'i', value: 2 } }, context);
    assert.equal(context.variables.get('i'), 9007199254740993n);
    await run({ type: 'SetVariable', inputs: { name: 'i', value: '@int(\'9223372036854775807\')' } }, context);
    assert.equal((await run({ type: 'IncrementVariable', inputs: { name: 'i' } }, context)).error?.code, 'VariableLimitExceeded');
  });

  test('100 sequential increments count to 100 (the loop-counter example)', async () => {
    const context = testContext({ variables: [{ name: 'Count', type: 'Integer', value: 0 }] });
    for (let i = 0; i < 100; i++) await run({ type: 'IncrementVariable', inputs: { name: 'Count', value: 1 } }, context);
    assert.equal(context.variables.get('Count'), 100);
  });
});

describe('AppendToArrayVariable and AppendToStringVariable', () => {
  test('[1,2,3] + "red" → [1,2,3,"red"] (docs example)', async () => {
    const context = testContext({ variables: [{ name: 'myArrayVariable', type: 'Array', value: [1, 2, 3] }] });
    const outcome = await run({ type: 'AppendToArrayVariable', inputs: { name: 'myArrayVariable', value: 'red' } }, context);
    assert.equal(outcome.status, 'Succeeded');
    assert.deepEqual(context.variables.get('myArrayVariable'), [1, 2, 3, 'red']);
    assert.equal(context.evaluate("@{string(variables('myArrayVariable'))}"), '[1,2,3,"red"]');
  });

  test('objects are appended as one item', async () => {
    const context = testContext({ variables: [{ name: 'list', type: 'Array', value: [] }] });
    await run({ type: 'AppendToArrayVariable', inputs: { name: 'list', value: { id: 1 } } }, context);
    assert.deepEqual(context.variables.get('list'), [{ id: 1 }]);
  });

  test('null and arrays are refused, as Logic Apps does', async () => {
    const context = testContext({ variables: [{ name: 'list', type: 'Array', value: [] }] });
    const nullOutcome = await run({ type: 'AppendToArrayVariable', inputs: { name: 'list', value: null } }, context);
    assert.equal(nullOutcome.error?.code, 'BadRequest');
    assert.match(nullOutcome.error?.message ?? '', /cannot be null/);
    assert.equal((await run({ type: 'AppendToArrayVariable', inputs: { name: 'list', value: [1] } }, context)).error?.code, 'BadRequest');
  });

  test('appending to a String variable with the array action fails with InvalidVariableType', async () => {
    const context = testContext({ variables: [{ name: 's', type: 'String', value: '' }] });
    assert.equal((await run({ type: 'AppendToArrayVariable', inputs: { name: 's', value: 1 } }, context)).error?.code, 'InvalidVariableType');
  });

  test('an array variable holds at most maxArrayVariableItems items', async () => {
    const context = testContext({ variables: [{ name: 'list', type: 'Array', value: [1, 2] }], limits: { maxArrayVariableItems: 3 } });
    assert.equal((await run({ type: 'AppendToArrayVariable', inputs: { name: 'list', value: 3 } }, context)).status, 'Succeeded');
    assert.equal((await run({ type: 'AppendToArrayVariable', inputs: { name: 'list', value: 4 } }, context)).error?.code, 'VariableLimitExceeded');
    assert.deepEqual(context.variables.get('list'), [1, 2, 3]);
  });

  test('appends text, writing non-strings as @{…} does', async () => {
    const context = testContext({ variables: [{ name: 's', type: 'String', value: 'a' }] });
    await run({ type: 'AppendToStringVariable', inputs: { name: 's', value: 'b' } }, context);
    await run({ type: 'AppendToStringVariable', inputs: { name: 's', value: true } }, context);
    await run({ type: 'AppendToStringVariable', inputs: { name: 's', value: 7 } }, context);
    assert.equal(context.variables.get('s'), 'abTrue7');
  });

  test('AppendToStringVariable on an Array variable fails with InvalidVariableType', async () => {
    const context = testContext({ variables: [{ name: 'list', type: 'Array', value: [] }] });
    assert.equal((await run({ type: 'AppendToStringVariable', inputs: { name: 'list', value: 'x' } }, context)).error?.code, 'InvalidVariableType');
  });

  test('a string variable stops at the content limit', async () => {
    const context = testContext({ variables: [{ name: 's', type: 'String', value: 'x'.repeat(9) }], limits: { maxVariableChars: 10 } });
    assert.equal((await run({ type: 'AppendToStringVariable', inputs: { name: 's', value: 'y' } }, context)).status, 'Succeeded');
    assert.equal((await run({ type: 'AppendToStringVariable', inputs: { name: 's', value: 'z' } }, context)).error?.code, 'VariableLimitExceeded');
  });
});
