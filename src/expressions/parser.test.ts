import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ExpressionSyntaxError, parseAccessPath, parseExpression, printExpression } from './index.ts';
import type { Expression } from './index.ts';

/** The error a parse throws, asserted to be an ExpressionSyntaxError. */
function syntaxError(run: () => unknown): ExpressionSyntaxError {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof ExpressionSyntaxError, `expected ExpressionSyntaxError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected a syntax error');
}

describe('parseExpression', () => {
  it('reads string literals with doubled quotes as one quote', () => {
    assert.deepEqual(parseExpression("'it''s'"), { kind: 'string', value: "it's", offset: 0 });
    assert.deepEqual(parseExpression("''"), { kind: 'string', value: '', offset: 0 });
  });

  it('reads integers, decimals, negative numbers and exponents', () => {
    assert.equal(value(parseExpression('42')), 42);
    assert.equal(value(parseExpression('-7')), -7);
    assert.equal(value(parseExpression('2.5')), 2.5);
    assert.equal(value(parseExpression('.3')), 0.3);
    assert.equal(value(parseExpression('-.5')), -0.5);
    assert.equal(value(parseExpression('1e3')), 1000);
  });

  it('reads true, false and null in any case', () => {
    assert.deepEqual(parseExpression('true'), { kind: 'boolean', value: true, offset: 0 });
    assert.deepEqual(parseExpression('FALSE'), { kind: 'boolean', value: false, offset: 0 });
    assert.deepEqual(parseExpression('Null'), { kind: 'null', offset: 0 });
  });

  it('keeps the function name as written and lower-cased for lookup', () => {
    const call = parseExpression("ConnectionParameters('api_key', '')");
    assert.equal(call.kind, 'call');
    if (call.kind !== 'call') return;
    assert.equal(call.name, 'ConnectionParameters');
    assert.equal(call.lowerName, 'connectionparameters');
    assert.deepEqual(
      call.args.map((arg) => value(arg)),
      ['api_key', ''],
    );
  });

  it('reads nested calls with spaces between arguments', () => {
    const expression = parseExpression("concat( 'a' , add(1, 2) , body() )");
    assert.equal(printExpression(expression), "concat('a', add(1, 2), body())");
  });

  it('reads member access, indexes and the null-safe ?', () => {
    const expression = parseExpression("triggerBody()?['value'][0].name?.first");
    assert.equal(printExpression(expression), "triggerBody()?['value'][0].name?.first");
    assert.equal(expression.kind, 'member');
    if (expression.kind !== 'member') return;
    assert.equal(expression.optional, true);
    assert.equal(expression.property, 'first');
  });

  it('reads an index computed by an expression', () => {
    const expression = parseExpression("body()[variables('i')]");
    assert.equal(expression.kind, 'index');
    if (expression.kind !== 'index') return;
    assert.equal(expression.index.kind, 'call');
  });

  it('reads a bare dotted name as an identifier with member access', () => {
    assert.deepEqual(parseExpression('Request.OriginalHTTPMethod'), {
      kind: 'member',
      object: { kind: 'identifier', name: 'Request', offset: 0 },
      property: 'OriginalHTTPMethod',
      optional: false,
      offset: 7,
    });
  });

  it('produces a JSON-serialisable AST', () => {
    const expression = parseExpression("if(equals(body()?['a'], null), -1.5, concat('x', true))");
    assert.deepEqual(JSON.parse(JSON.stringify(expression)), expression);
  });

  it('names the column and what was expected when a call is not closed', () => {
    const error = syntaxError(() => parseExpression("concat('a', 'b'"));
    assert.equal(error.code, 'ExpressionSyntax');
    assert.equal(error.kind, 'user');
    assert.equal(error.position.column, 16);
    assert.match(error.message, /column 16.*expected ',' or '\)'/);
  });

  it('names the start of an unterminated string', () => {
    const error = syntaxError(() => parseExpression("concat('abc"));
    assert.match(error.message, /closing quote for the string that starts at offset 7/);
  });

  it('rejects a trailing comma, an empty expression, text after the expression and a dangling ?', () => {
    assert.match(syntaxError(() => parseExpression("concat('a',)")).expected, /an expression/);
    assert.match(syntaxError(() => parseExpression('')).expected, /an expression/);
    assert.match(syntaxError(() => parseExpression('body() x')).expected, /end of the expression/);
    assert.match(syntaxError(() => parseExpression('body()?x')).expected, /'\.' or '\['/);
    assert.match(syntaxError(() => parseExpression('body().')).expected, /property name/);
  });

  it('reports line and column on multi-line text', () => {
    const error = syntaxError(() => parseExpression("concat(\n  'a',\n  )"));
    assert.equal(error.position.line, 3);
    assert.equal(error.position.column, 3);
  });

  it('refuses expressions nested deeper than the limit', () => {
    const deep = `${'f('.repeat(101)}${')'.repeat(101)}`;
    assert.match(syntaxError(() => parseExpression(deep)).expected, /at most 100 levels/);
    assert.doesNotThrow(() => parseExpression(`${'f('.repeat(50)}${')'.repeat(50)}`));
    assert.match(syntaxError(() => parseExpression(`${'f('.repeat(5)}${')'.repeat(5)}`, { limits: { maxDepth: 3 } })).expected, /at most 3 levels/);
  });

  it('refuses texts longer than 8,192 characters', () => {
    const long = `'${'x'.repeat(8200)}'`;
    const error = syntaxError(() => parseExpression(long));
    assert.match(error.message, /8202 characters long; at most 8192/);
  });
});

describe('parseAccessPath', () => {
  it('splits names, dotted paths and bracketed keys', () => {
    assert.deepEqual(parseAccessPath('checklist'), ['checklist']);
    assert.deepEqual(parseAccessPath('peopleObject.XYZ.Age'), ['peopleObject', 'XYZ', 'Age']);
    assert.deepEqual(parseAccessPath("['@odata.type']"), ['@odata.type']);
    assert.deepEqual(parseAccessPath("value[0]['x-y'].z"), ['value', 0, 'x-y', 'z']);
  });

  it('rejects computed keys and empty paths', () => {
    assert.match(syntaxError(() => parseAccessPath("a[body()]")).expected, /literal|name/);
    assert.throws(() => parseAccessPath(''), ExpressionSyntaxError);
    assert.throws(() => parseAccessPath('a..b'), ExpressionSyntaxError);
  });
});

function value(expression: Expression): unknown {
  return 'value' in expression ? expression.value : undefined;
}
