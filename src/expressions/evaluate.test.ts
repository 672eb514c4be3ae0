import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NotFoundError } from '../core/index.ts';
import { ExpressionEvaluationError, evaluate, parseExpression, parseTemplate } from './index.ts';
import type { EvaluationScope } from './index.ts';

const body = { items: [{ id: 1, Name: 'first' }, { id: 2 }], empty: null, count: 3, text: 'abc' };

const scope: EvaluationScope = {
  functions: {
    body: { minArgs: 0, maxArgs: 0, call: () => body },
    connectionparameters: { minArgs: 1, maxArgs: 2, call: (args) => `value of ${String(args[0])}` },
    add: { minArgs: 2, maxArgs: 2, call: (args) => Number(args[0]) + Number(args[1]) },
    fail: {
      minArgs: 0,
      maxArgs: 0,
      call: () => {
        throw new NotFoundError('the thing is gone', { code: 'ThingNotFound' });
      },
    },
    crash: {
      minArgs: 0,
      maxArgs: 0,
      call: () => {
        throw new TypeError('boom');
      },
    },
  },
  identifiers: { Request: { OriginalHTTPMethod: 'GET' } },
};

function value(text: string, target: EvaluationScope = scope): unknown {
  return evaluate(parseExpression(text), target);
}

function failure(text: string, target: EvaluationScope = scope): ExpressionEvaluationError {
  try {
    value(text, target);
  } catch (error) {
    assert.ok(error instanceof ExpressionEvaluationError, `expected ExpressionEvaluationError, got ${String(error)}`);
    assert.equal(error.code, 'ExpressionEvaluation');
    assert.equal(error.kind, 'user');
    return error;
  }
  assert.fail(`expected ${text} to fail`);
}

describe('evaluate', () => {
  it('evaluates literals, calls, members and indexes over JSON values', () => {
    assert.equal(value("'x'"), 'x');
    assert.equal(value('add(1, add(2, 3))'), 6);
    assert.equal(value('body().items[0].id'), 1);
    assert.equal(value("body()['items'][1]['id']"), 2);
    assert.equal(value('body().items[add(0, 1)].id'), 2);
  });

  it('finds functions whatever their case', () => {
    assert.equal(evaluate(parseTemplate("@ConnectionParameters('api_key')"), scope), 'value of api_key');
    assert.equal(value('ADD(1, 1)'), 2);
  });

  it('reads properties exactly first, then ignoring case', () => {
    assert.equal(value('body().items[0].name'), 'first');
    assert.equal(value('body().ITEMS[0].Name'), 'first');
  });

  it('resolves bare names from the scope, ignoring case', () => {
    assert.equal(value('Request.OriginalHTTPMethod'), 'GET');
    assert.equal(value('request.originalhttpmethod'), 'GET');
  });

  it('yields null through ? where the value or property is missing', () => {
    assert.equal(value('body()?.missing'), null);
    assert.equal(value("body().empty?['x']"), null);
    assert.equal(value('body().empty?.x'), null);
    assert.equal(value('body().items?[5]'), null);
  });

  it('fails on a missing property without ?, naming it and suggesting ?', () => {
    const error = failure('body().missing');
    assert.equal(error.reason, 'missing-property');
    assert.match(error.message, /property `missing` .*does not exist — use `\?\['missing'\]`/);
  });

  it('fails on member access to null or a non-object without naming the value', () => {
    assert.equal(failure('body().empty.x').reason, 'null-access');
    const error = failure('body().text.length');
    assert.equal(error.reason, 'not-an-object');
    assert.match(error.message, /of a string/);
    assert.doesNotMatch(error.message, /abc/);
    assert.equal(failure('body().count[0]').reason, 'not-an-object');
  });

  it('fails on an index outside the array or of the wrong type', () => {
    assert.match(failure('body().items[2]').message, /index 2 .*outside the array of 2 items/);
    assert.equal(failure("body().items['a']").reason, 'invalid-index');
  });

  it('names an unknown function and suggests a close one', () => {
    const error = failure("queryParamters('graphID')", {
      functions: { queryparameters: { minArgs: 1, maxArgs: 2, call: () => 'x' } },
    });
    assert.equal(error.reason, 'unknown-function');
    assert.match(error.message, /unknown function `queryParamters` \(offset 0\) — did you mean `queryparameters`\?/);
  });

  it('names a wrong number of arguments', () => {
    assert.match(failure('add(1)').message, /function `add` \(offset 0\) takes 2 arguments, but 1 was given/);
    assert.match(failure("connectionParameters('a', 'b', 'c')").message, /takes 1 to 2 arguments, but 3 were given/);
  });

  it('names an unknown identifier', () => {
    assert.equal(failure('Response.status').reason, 'unknown-identifier');
  });

  it('lets errors a function raises on purpose pass through, and wraps crashes', () => {
    assert.throws(() => value('fail()'), (error: unknown) => error instanceof NotFoundError && error.code === 'ThingNotFound');
    const crash = failure('crash()');
    assert.equal(crash.reason, 'function-failed');
    assert.match(crash.message, /function `crash` .*failed: boom/);
  });

  it('refuses an interpolation longer than the output limit', () => {
    const small: EvaluationScope = { ...scope, limits: { maxLength: 8192, maxDepth: 100, maxOutputLength: 10 } };
    assert.equal(evaluate(parseTemplate('@{body().text}'), small), 'abc');
    assert.throws(
      () => evaluate(parseTemplate('@{body().items}@{body().items}'), small),
      (error: unknown) => error instanceof ExpressionEvaluationError && error.reason === 'limit',
    );
  });

  it('never runs JavaScript: text that looks like code is data', () => {
    assert.equal(evaluate(parseTemplate("@{'); process.exit(1); ('}"), scope), '); process.exit(1); (');
    assert.equal(value("'constructor'"), 'constructor');
    assert.equal(failure('constructor()').reason, 'unknown-function');
    assert.equal(failure('body().__proto__').reason, 'missing-property');
  });
});

describe('evaluate hooks for the workflow language', () => {
  it('gives a lazy function thunks that evaluate each argument at most once, and only when asked', () => {
    let calls = 0;
    const lazyScope: EvaluationScope = {
      functions: {
        first: { minArgs: 1, maxArgs: Infinity, lazy: true, call: (args) => args[0]?.() ?? null },
        twice: { minArgs: 1, maxArgs: 1, lazy: true, call: (args) => [args[0]?.(), args[0]?.()] },
        count: { minArgs: 0, maxArgs: 0, call: () => ++calls },
        boom: { minArgs: 0, maxArgs: 0, call: () => { throw new TypeError('never called'); } },
      },
    };
    assert.equal(value('first(1, boom(), unknownFunction())', lazyScope), 1);
    assert.deepEqual(value('twice(count())', lazyScope), [1, 1]);
    assert.equal(calls, 1);
  });

  it('reads slash paths only when the scope asks for them', () => {
    const data: EvaluationScope = { functions: { o: { minArgs: 0, maxArgs: 0, call: () => ({ body: { value: 1 }, 'a/b': 2 }) } } };
    assert.equal(value("o()?['body/value']", data), null);
    assert.equal(value("o()?['body/value']", { ...data, slashPaths: true }), 1);
    assert.equal(value("o()['a/b']", { ...data, slashPaths: true }), 2, 'a key with a slash wins over the path');
  });

  it('lets the scope decide what number literals and interpolated values become', () => {
    const hooks: EvaluationScope = { functions: {}, numberLiteral: (literal) => (literal.float === true ? `float ${literal.value}` : literal.value), text: (v) => (v === true ? 'True' : String(v)) };
    assert.equal(value('5.0', hooks), 'float 5');
    assert.equal(value('5', hooks), 5);
    assert.equal(evaluate(parseTemplate('@{true}!'), hooks), 'True!');
  });
});
