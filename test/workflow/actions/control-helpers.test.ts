/** The pure helpers the engine uses for If/Until, Switch and Foreach. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ActionError, evaluateCondition, foreachItems, switchCase } from '../../../src/workflow/actions/index.ts';
import { testContext } from './kit.ts';

const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (error) {
    return error instanceof ActionError ? error.code : `not an ActionError: ${String(error)}`;
  }
  return undefined;
};

describe('evaluateCondition', () => {
  const context = testContext({ variables: [{ name: 'myIntegerVariable', type: 'Integer', value: 3 }], expressions: { parameters: { hasSpecialAction: true, threshold: 5 } } });

  test('a template condition: @parameters(…) and a comparison', () => {
    assert.equal(evaluateCondition("@parameters('hasSpecialAction')", context), true);
    assert.equal(evaluateCondition("@greater(variables('myIntegerVariable'), parameters('threshold'))", context), false);
    assert.equal(evaluateCondition("@or(greater(variables('myIntegerVariable'), 5), less(variables('myIntegerVariable'), 100))", context), true);
  });

  test('the object form of the If docs example: { and: [ { greater: [ "@variables(…)", 0 ] } ] }', () => {
    assert.equal(evaluateCondition({ and: [{ greater: ["@variables('myIntegerVariable')", 0] }] }, context), true);
    assert.equal(evaluateCondition({ and: [{ greater: ["@variables('myIntegerVariable')", 0] }, { equals: ['@true', false] }] }, context), false);
  });

  test('object form: nested calls as arguments, not with a single object, or', () => {
    assert.equal(evaluateCondition({ not: { equals: [{ length: ['abc'] }, 3] } }, context), false);
    assert.equal(evaluateCondition({ or: [{ equals: [1, 2] }, { contains: [['a', 'b'], 'b'] }] }, context), true);
    assert.equal(evaluateCondition({ Equals: ["@toLower('ABC')", 'abc'] }, context), true, 'function names ignore case');
  });

  test('and/or short-circuit: a later argument that would fail is not evaluated', () => {
    assert.equal(evaluateCondition({ and: [{ equals: [1, 2] }, { equals: ["@variables('missing')", 1] }] }, context), false);
    assert.equal(evaluateCondition({ or: [{ equals: [1, 1] }, { equals: ["@variables('missing')", 1] }] }, context), true);
  });

  test('JSON booleans and the text True/False count; anything else is InvalidTemplate', () => {
    assert.equal(evaluateCondition(true, context), true);
    assert.equal(evaluateCondition("@{equals(1, 1)}", context), true);
    assert.equal(codeOf(() => evaluateCondition("@variables('myIntegerVariable')", context)), 'InvalidTemplate');
    assert.equal(codeOf(() => evaluateCondition('@null', context)), 'InvalidTemplate');
  });

  test('an object that does not name a function is InvalidTemplate', () => {
    assert.equal(codeOf(() => evaluateCondition({ bogus: [1] }, context)), 'InvalidTemplate');
    assert.equal(codeOf(() => evaluateCondition({ equals: [1, 1], less: [1, 2] }, context)), 'InvalidTemplate');
  });

  test('item() is available through extra (Query, Until over loop items)', () => {
    assert.equal(evaluateCondition('@greater(item(), 2)', { evaluate: context.evaluate, extra: { item: 3 } }), true);
    assert.equal(evaluateCondition({ greater: ['@item()', 2] }, { evaluate: context.evaluate, extra: { item: 1 } }), false);
  });
});

describe('switchCase', () => {
  const cases = { Case: { case: 'Approve', actions: {} }, Case_2: { case: 'Reject', actions: {} } };

  test('picks the case whose value equals On (the approval example)', () => {
    assert.equal(switchCase('Approve', cases), 'Case');
    assert.equal(switchCase('Reject', cases), 'Case_2');
  });

  test('no match → undefined (run default); strings compare case-sensitively', () => {
    assert.equal(switchCase('Maybe', cases), undefined);
    assert.equal(switchCase('approve', cases), undefined);
  });

  test('numbers match by value, never a string', () => {
    const numeric = { One: { case: 1 }, Two: { case: 2 } };
    assert.equal(switchCase(1, numeric), 'One');
    assert.equal(switchCase('1', numeric), undefined);
    assert.equal(switchCase(2n, numeric), 'Two');
  });

  test('duplicate values, a missing value, an expression as value, or more than 25 cases are BadRequest', () => {
    assert.equal(codeOf(() => switchCase('a', { A: { case: 'a' }, B: { case: 'a' } })), 'BadRequest');
    assert.equal(codeOf(() => switchCase('a', { A: {} })), 'BadRequest');
    assert.equal(codeOf(() => switchCase('a', { A: { case: "@variables('x')" } })), 'BadRequest');
    const many = Object.fromEntries(Array.from({ length: 26 }, (_, i) => [`C${i}`, { case: i }]));
    assert.equal(codeOf(() => switchCase(1, many)), 'BadRequest');
  });

  test('On must be a string or a number', () => {
    assert.equal(codeOf(() => switchCase(null, cases)), 'InvalidTemplate');
    assert.equal(codeOf(() => switchCase({ a: 1 }, cases)), 'InvalidTemplate');
  });
});

describe('foreachItems', () => {
  test('returns the array', () => {
    assert.deepEqual(foreachItems([1, 2]), [1, 2]);
  });

  test('null or an object is InvalidTemplate ("The result must be a valid array")', () => {
    assert.equal(codeOf(() => foreachItems(null)), 'InvalidTemplate');
    assert.equal(codeOf(() => foreachItems({ value: [] })), 'InvalidTemplate');
  });

  test('more than 100,000 items is LimitExceeded', () => {
    assert.equal(codeOf(() => foreachItems(new Array(100_001).fill(0))), 'LimitExceeded');
    assert.equal(foreachItems(new Array(100_000).fill(0)).length, 100_000);
  });
});
