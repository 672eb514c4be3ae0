/** The workflow expression language as a user writes it: templates, access, interpolation, types, limits. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ExpressionEvaluationError, ExpressionSyntaxError, createWorkflowEvaluator, evaluateExpression, expressionContextOf, parseTemplate } from '../../src/expressions/index.ts';
import type { ExpressionContext } from '../../src/expressions/index.ts';
import { evaluateExpression as fromPackage } from '../../src/index.ts';
import { createManualClock } from '../../src/core/index.ts';

const context: ExpressionContext = {
  parameters: { myAge: 42, name: 'Sophia', flag: true, nothing: null, list: [1, 2], obj: { Inner: { Value: 'deep' }, 'content-type': 'text/plain' } },
  variables: { counter: 3 },
  actions: { Get_items: { status: 'Succeeded', outputs: { statusCode: 200, body: { value: [{ id: 1 }, { id: 2 }], 'odata.nextLink': null } } } },
  trigger: { outputs: { headers: { 'Content-Type': 'application/json' }, body: { id: 7, tags: ['a'] } } },
};
const run = (expression: string, extra: ExpressionContext = {}) => evaluateExpression(expression, { ...context, ...extra });

function failsWith(expression: string, check: { readonly type: typeof ExpressionEvaluationError | typeof ExpressionSyntaxError; readonly reason?: string }): void {
  assert.throws(
    () => run(expression),
    (error: unknown) => {
      assert.ok(error instanceof check.type, String(error));
      if (check.reason !== undefined && error instanceof ExpressionEvaluationError) assert.equal(error.reason, check.reason, error.message);
      return true;
    },
  );
}

describe('templates', () => {
  test('@expr keeps the JSON type of its value', () => {
    assert.equal(run("@parameters('myAge')"), 42);
    assert.deepEqual(run("@parameters('list')"), [1, 2]);
    assert.equal(run("@parameters('nothing')"), null);
  });

  test('@{…} always gives a string, even as the whole value', () => {
    assert.equal(run("@{parameters('myAge')}"), '42');
    assert.equal(run("Age: @{parameters('myAge')}, name: @{parameters('name')}."), 'Age: 42, name: Sophia.');
  });

  test('interpolation writes values as .NET does: True/False, nothing for null, compact JSON for objects', () => {
    assert.equal(run("@{parameters('flag')}|@{parameters('nothing')}|@{parameters('list')}|@{div(1, 4.0)}"), 'True||[1,2]|0.25');
    assert.equal(run("@{json('{\"a\": true}')}"), '{"a":true}');
  });

  test('@@ escapes: a leading @@ is a literal @, and @@{ is a literal @{', () => {
    assert.equal(run('@@add(1, 2)'), '@add(1, 2)');
    assert.equal(run('mail me at a@b.com'), 'mail me at a@b.com');
    assert.equal(run("literal @@{x} and @{add(1, 2)}"), 'literal @{x} and 3');
  });

  test('text without @ is returned as it is', () => {
    assert.equal(run('add(1, 2)'), 'add(1, 2)');
  });
});

describe('access', () => {
  test('.prop, [\'prop\'] and [i] read objects and arrays; property names ignore case', () => {
    assert.equal(run("@parameters('obj').inner.value"), 'deep');
    assert.equal(run("@parameters('obj')['Inner']['Value']"), 'deep');
    assert.equal(run("@parameters('obj').content-type"), 'text/plain');
    assert.equal(run("@body('Get_items').value[1].id"), 2);
  });

  test('a missing property is an error without ?, null with ?', () => {
    failsWith("@parameters('obj').missing", { type: ExpressionEvaluationError, reason: 'missing-property' });
    assert.equal(run("@parameters('obj')?.missing"), null);
    assert.equal(run("@parameters('obj')?['missing']?['deeper']"), null);
    failsWith("@parameters('list')[5]", { type: ExpressionEvaluationError, reason: 'index-out-of-range' });
    assert.equal(run("@parameters('list')?[5]"), null);
  });

  test("Power Automate's ['body/value'] reads a path inside one bracket", () => {
    assert.deepEqual(run("@outputs('Get_items')?['body/value']"), [{ id: 1 }, { id: 2 }]);
    assert.equal(run("@outputs('Get_items')?['body/odata.nextLink']"), null);
    assert.equal(run("@triggerOutputs()?['headers/Content-Type']"), 'application/json');
    assert.equal(run("@outputs('Get_items')?['body/missing']"), null);
    failsWith("@outputs('Get_items')['body/missing']", { type: ExpressionEvaluationError, reason: 'missing-property' });
  });

  test('function names ignore case', () => {
    assert.equal(run("@ADD(INT('123'), int('456'))"), 579);
    assert.equal(run("@encodeURIComponent('a b')"), 'a%20b');
    assert.equal(run("@TriggerBody()?['ID']"), 7);
  });
});

describe('evaluation', () => {
  test('and, or and if evaluate only the arguments they need', () => {
    assert.equal(run('@and(false, noSuchFunction())'), false);
    assert.equal(run("@or(true, variables('undefined'))"), true);
    assert.equal(run("@if(equals(variables('counter'), 3), 'three', div(1, 0))"), 'three');
    failsWith('@and(true, noSuchFunction())', { type: ExpressionEvaluationError, reason: 'unknown-function' });
  });

  test('integers and floats stay apart: 5.0 is a float, integer division truncates', () => {
    assert.equal(run('@div(7, 2)'), 3);
    assert.equal(run('@div(7, 2.0)'), 3.5);
    assert.equal(run('@div(float(7), 2)'), 3.5);
    assert.equal(run('@div(mul(2.0, 3), 4)'), 1.5);
  });

  test('integers beyond 2^53 stay exact (ticks)', () => {
    const ticks = run("@ticks('2018-01-01T00:00:00.0000001Z')");
    assert.equal(ticks, 636503616000000001n);
    assert.equal(run("@add(ticks('2018-01-01T00:00:00Z'), 1)"), 636503616000000001n);
    assert.equal(run("@string(ticks('2018-01-01T00:00:00Z'))"), '636503616000000000');
  });

  test('the clock is fixed by the context, or injected', () => {
    assert.equal(run('@utcNow()', { utcNow: '2020-02-29T12:00:00Z' }), '2020-02-29T12:00:00.0000000Z');
    const clock = createManualClock(Date.UTC(2021, 5, 1, 8, 30));
    assert.equal(createWorkflowEvaluator({ clock }).evaluateExpression("@utcNow('s')"), '2021-06-01T08:30:00');
    assert.throws(() => run('@utcNow()', { utcNow: 'yesterday' }), /utcNow/);
  });

  test('rand() and guid() use the injected randomness', () => {
    const evaluator = createWorkflowEvaluator({ random: () => 0.5 });
    assert.equal(evaluator.evaluateExpression('@rand(0, 10)'), 5);
    assert.equal(evaluator.evaluateExpression('@guid()'), '80808080-8080-4080-8080-808080808080');
  });

  test('a parsed template evaluates again with another context', () => {
    const template = parseTemplate("Hello @{parameters('name')}");
    const evaluator = createWorkflowEvaluator();
    assert.equal(evaluator.evaluateTemplate(template, { parameters: { name: 'A' } }), 'Hello A');
    assert.equal(evaluator.evaluateTemplate(template, { parameters: { name: 'B' } }), 'Hello B');
  });

  test('the package entry exports evaluateExpression', () => {
    assert.equal(fromPackage('@concat(\'a\', \'b\')'), 'ab');
  });
});

describe('limits', () => {
  test('an expression longer than 8,192 characters is rejected', () => {
    const long = `@concat('${'x'.repeat(8200)}')`;
    assert.throws(() => evaluateExpression(long), ExpressionSyntaxError);
    assert.equal(evaluateExpression(`@length('${'x'.repeat(8000)}')`), 8000);
  });

  test('nesting deeper than 100 levels is rejected when parsed', () => {
    const deep = `@${'not('.repeat(150)}true${')'.repeat(150)}`;
    assert.throws(() => evaluateExpression(deep), ExpressionSyntaxError);
  });

  test('results longer than the string limit fail before they are built', () => {
    const isLimit = (error: unknown) => error instanceof ExpressionEvaluationError && error.reason === 'limit';
    const big = { variables: { big: 'x'.repeat(100_000) } };
    // 2,000 × 100,000 characters is above the documented 104,857,600.
    assert.throws(() => evaluateExpression("@length(join(range(0, 2000), variables('big')))", big), isLimit);
    assert.throws(() => evaluateExpression("@length(replace(variables('big'), 'x', variables('big')))", big), isLimit);
    assert.equal(evaluateExpression("@length(join(range(0, 1000), variables('big')))", big), 999 * 100_000 + 2890);
  });
});

describe('context', () => {
  test('expressionContextOf accepts the documented members and rejects others', () => {
    assert.deepEqual(expressionContextOf({ variables: { a: 1 } }).variables, { a: 1 });
    assert.throws(() => expressionContextOf({ variabels: {} }), /unknown member `variabels`/);
    assert.throws(() => expressionContextOf({ parameters: [] }), /must be an object/);
    assert.throws(() => expressionContextOf({ iterationIndexes: { Until: 'x' } }), /must be an integer/);
  });
});
