/**
 * Hostile input: whatever the expression and context, the evaluator returns JSON values or throws
 * one of its own errors; it never hangs, never crashes with a JavaScript error, and never reaches
 * anything outside its context (prototype members, other objects).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { isPlugboardError } from '../../src/core/index.ts';
import { ExpressionEvaluationError, WORKFLOW_FUNCTION_NAMES, createWorkflowEvaluator, evaluateExpression } from '../../src/expressions/index.ts';
import type { ExpressionContext, WorkflowExpressionLimits } from '../../src/expressions/index.ts';

const PROTOTYPE_KEYS = ['constructor', '__proto__', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', '__defineGetter__', 'isPrototypeOf'];
const SMALL_LIMITS: Partial<WorkflowExpressionLimits> = { maxStringLength: 200_000, maxArrayLength: 20_000, maxWork: 2_000_000 };
const small = createWorkflowEvaluator({ limits: SMALL_LIMITS, random: () => 0.42 });

const context: ExpressionContext = {
  parameters: { text: 'Hello World', n: 5, list: [3, 1, 2], obj: { a: { b: 1 } }, xml: '<r><i>1</i><i>2</i></r>' },
  variables: { big: 'x'.repeat(50_000), items: [{ id: 1 }, { id: 2 }] },
  actions: { A: { status: 'Succeeded', outputs: { body: { value: [1, 2] } } } },
  trigger: { outputs: { body: { id: 1 } } },
  item: { id: 1 },
  items: { Loop: 'x' },
  iterationIndexes: { Until: 0 },
  results: { Scope: [] },
  workflow: { name: 'w' },
  utcNow: '2020-01-01T00:00:00Z',
};

/** Only plain JSON data (and bigints) may come out: no functions, no class instances, no prototype objects. */
function assertPlainJson(value: unknown, depth = 0): void {
  assert.ok(depth < 600, 'nested too deep');
  if (value === null || typeof value === 'string' || typeof value === 'boolean' || typeof value === 'bigint') return;
  if (typeof value === 'number') {
    assert.ok(Number.isFinite(value));
    return;
  }
  if (Array.isArray(value)) {
    for (const item of value) assertPlainJson(item, depth + 1);
    return;
  }
  assert.equal(typeof value, 'object', `unexpected ${typeof value}`);
  assert.equal(Object.getPrototypeOf(value), Object.prototype, 'only plain objects');
  for (const key of Object.keys(value as object)) assertPlainJson((value as Record<string, unknown>)[key], depth + 1);
}

function evaluateSafely(expression: string): void {
  let value: unknown;
  try {
    value = small.evaluateExpression(expression, context);
  } catch (error) {
    assert.ok(isPlugboardError(error), `a ${error instanceof Error ? error.name : typeof error} escaped: ${error instanceof Error ? error.stack : String(error)}\nexpression: ${expression}`);
    assert.notEqual(error.kind, 'unexpected', error.message);
    return;
  }
  assertPlainJson(value);
}

const quote = (text: string) => `'${text.replaceAll("'", "''")}'`;
const stringLiteral = fc.oneof(
  fc.constantFrom(...PROTOTYPE_KEYS, '', 'a', 'Day', 'o', 'D', 'yyyy', '#,##0.00', 'en-US', 'UTC', 'Pacific Standard Time', '{"a":1}', '[1,2]', '<a>1</a>', '//a', 'aGVsbG8=', 'data:,x', 'https://x.y/z?q=1', '2018-03-15T00:00:00Z'),
  fc.string({ maxLength: 12 }),
).map(quote);
const numberLiteral = fc.oneof(fc.integer({ min: -5, max: 100 }), fc.constantFrom(0, -1, 2.5, 100000, 100001, 2147483647, 9007199254740993, 1e21, 0.1)).map((n) => (Number.isInteger(n) && Math.abs(n) >= 1e21 ? '1e21' : String(n)));
const literal = fc.oneof(stringLiteral, numberLiteral, fc.constantFrom('true', 'false', 'null'));
const contextCall = fc.constantFrom("parameters('text')", "parameters('list')", "parameters('obj')", "parameters('xml')", "variables('big')", "variables('items')", "body('A')", 'triggerBody()', 'item()', "items('Loop')", 'workflow()', 'utcNow()');
const expression = fc.letrec<{ node: string }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    literal,
    contextCall,
    fc.record({ name: fc.constantFrom(...WORKFLOW_FUNCTION_NAMES), args: fc.array(tie('node'), { maxLength: 4 }) }).map(({ name, args }) => `${name}(${args.join(', ')})`),
    fc.record({ object: tie('node'), key: fc.oneof(stringLiteral, numberLiteral), optional: fc.boolean() }).map(({ object, key, optional }) => `${object}${optional ? '?' : ''}[${key}]`),
    fc.record({ object: tie('node'), key: fc.constantFrom(...PROTOTYPE_KEYS.filter((key) => /^[A-Za-z_$]/.test(key)), 'a', 'id', 'length'), optional: fc.boolean() }).map(({ object, key, optional }) => `${object}${optional ? '?.' : '.'}${key}`),
  ),
}));

describe('hostile expressions', () => {
  test('any composition of the documented functions returns JSON or a Plugboard error', () => {
    fc.assert(fc.property(expression.node, (text) => evaluateSafely(`@${text}`)), { numRuns: 4000 });
  });

  test('interpolations of any composition behave the same', () => {
    fc.assert(fc.property(fc.array(expression.node, { minLength: 1, maxLength: 3 }), (parts) => evaluateSafely(parts.map((part) => `x @{${part}} `).join(''))), { numRuns: 1000 });
  });

  test('prototype keys never reach JavaScript prototypes', () => {
    for (const key of PROTOTYPE_KEYS) {
      const k = quote(key);
      for (const lookup of [`parameters(${k})`, `variables(${k})`, `body(${k})`, `items(${k})`, `result(${k})`, `iterationIndexes(${k})`, `json('{}')[${k}]`, `createArray(1)[${k}]`, `parameters('obj')[${k}]`]) {
        assert.throws(() => evaluateExpression(`@${lookup}`, context), ExpressionEvaluationError, lookup);
      }
      assert.equal(evaluateExpression(`@json('{}')?[${k}]`, context), null);
      assert.equal(evaluateExpression(`@contains(json('{}'), ${k})`, context), false);
      assert.equal(evaluateExpression(`@coalesce(parameters('obj')?[${k}], 'none')`, context), 'none');
      const set = evaluateExpression(`@setProperty(json('{}'), ${k}, json('{"polluted": true}'))`, context);
      assert.ok(set !== null && typeof set === 'object' && Object.hasOwn(set, key), `${key} is an own property`);
      assert.equal(Object.getPrototypeOf(set), Object.prototype);
      const added = evaluateExpression(`@addProperty(json('{}'), ${k}, 1)`, context);
      assert.ok(added !== null && typeof added === 'object' && Object.hasOwn(added, key));
      assert.deepEqual(evaluateExpression(`@json('{"${key}": {"x": 1}}')?[${k}]`, context), { x: 1 });
      assert.equal(evaluateExpression(`@json('{"${key}": {"x": 1}}')?['x']`, context), null);
    }
    assert.equal(({} as Record<string, unknown>).polluted, undefined, 'Object.prototype is untouched');
    assert.equal(({} as Record<string, unknown>).x, undefined);
  });

  test('huge results are bounded errors with the default limits, not hangs', () => {
    const isLimit = (error: unknown) => error instanceof ExpressionEvaluationError && (error.reason === 'limit' || error.reason === 'invalid-argument');
    const hostile = [
      '@range(0, 100000000)',
      "@join(range(0, 100000), variables('big'))",
      "@chunk(concat(variables('big'), variables('big')), 0)",
      "@replace(variables('big'), 'x', variables('big'))",
      // 2,500 references to one 50,000-character string: its JSON text would be 125,000,000 characters.
      "@length(string(variables('shared')))",
      "@length(concat('x', variables('shared')))",
      "@json(concat(join(range(0, 2000), '['), join(range(0, 2000), ']')))",
      "@xml(json(concat(join(range(0, 1000), '{\"a\":'), '1', join(range(0, 1000), '}'))))",
    ];
    const sharedText = 'x'.repeat(50_000);
    const shared = { ...context, variables: { ...context.variables, shared: Array.from({ length: 2500 }, () => sharedText) } };
    for (const text of hostile) assert.throws(() => evaluateExpression(text, shared), isLimit, text);
  });

  test('the work budget stops many medium-sized operations', () => {
    const repeated = `@createArray(${Array.from({ length: 60 }, () => "length(concat(variables('big'), variables('big')))").join(', ')})`;
    assert.throws(
      () => createWorkflowEvaluator({ limits: { maxWork: 3_000_000 } }).evaluateExpression(repeated, context),
      (error: unknown) => error instanceof ExpressionEvaluationError && error.reason === 'limit',
    );
    assert.equal((evaluateExpression(repeated, context) as unknown[]).length, 60);
  });

  test('random text never escapes as anything but a Plugboard error', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 80 }), fc.array(fc.constantFrom('@', '@{', '}', '(', ')', "'", ',', '?', '.', '[', ']', 'concat', 'range', 'json', "'__proto__'", '0', '9'), { maxLength: 40 }).map((parts) => parts.join(''))), (text) =>
        evaluateSafely(text),
      ),
      { numRuns: 3000 },
    );
  });
});
