import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ExpressionEvaluationError, ExpressionSyntaxError, evaluate, parseExpression, parseTemplate, printExpression } from './index.ts';
import type { EvaluationScope, Expression } from './index.ts';

/** Fragments that exercise every branch of the scanner and parser. */
const TOKENS = ['@', '@@', '@{', '{@', '{', '}', '(', ')', "'", "''", '.', '?', '?.', '?[', '[', ']', ',', ' ', '\n', 'body', 'item', 'Request', 'x', '-', '1', '2.5', '.3', 'true', 'null', 'e', '$', '%40'];
const grammarish = fc.array(fc.constantFrom(...TOKENS), { maxLength: 30 }).map((parts) => parts.join(''));
const anyText = fc.oneof(fc.string({ maxLength: 60 }), fc.string({ unit: 'binary', maxLength: 60 }), grammarish);

function onlySyntaxErrors(parse: () => unknown): void {
  try {
    parse();
  } catch (error) {
    if (!(error instanceof ExpressionSyntaxError)) throw error;
    assert.equal(error.code, 'ExpressionSyntax');
    assert.ok(error.position.offset >= 0 && error.position.column >= 1 && error.position.line >= 1);
  }
}

/** Removes positions, which printing does not preserve. */
function withoutOffsets(node: Expression): unknown {
  return JSON.parse(JSON.stringify(node, (key, value: unknown) => (key === 'offset' ? undefined : value)));
}

const name = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,8}$/).filter((text) => !/^(true|false|null)$/i.test(text));
const memberName = fc.stringMatching(/^[A-Za-z0-9_$][A-Za-z0-9_$-]{0,8}$/);
const expressionArbitrary = fc.letrec<{ expression: Expression; object: Expression }>((tie) => ({
  expression: fc.oneof(
    { depthSize: 'small' },
    fc.string({ maxLength: 10 }).map((value): Expression => ({ kind: 'string', value, offset: 0 })),
    fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true })).map((value): Expression => ({ kind: 'number', value, offset: 0 })),
    fc.integer({ min: -1e6, max: 1e6 }).map((value): Expression => ({ kind: 'number', value, float: true, offset: 0 })),
    fc.boolean().map((value): Expression => ({ kind: 'boolean', value, offset: 0 })),
    fc.constant<Expression>({ kind: 'null', offset: 0 }),
    tie('object'),
  ),
  object: fc.oneof(
    { depthSize: 'small' },
    name.map((text): Expression => ({ kind: 'identifier', name: text, offset: 0 })),
    fc.record({ name, args: fc.array(tie('expression'), { maxLength: 3 }) }).map(({ name: text, args }): Expression => ({ kind: 'call', name: text, lowerName: text.toLowerCase(), args, offset: 0 })),
    fc.record({ object: tie('object'), property: memberName, optional: fc.boolean() }).map(({ object, property, optional }): Expression => ({ kind: 'member', object, property, optional, offset: 0 })),
    fc.record({ object: tie('object'), index: tie('expression'), optional: fc.boolean() }).map(({ object, index, optional }): Expression => ({ kind: 'index', object, index, optional, offset: 0 })),
  ),
}));

describe('parser properties', () => {
  it('throws nothing but ExpressionSyntaxError, whatever the text', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        onlySyntaxErrors(() => parseTemplate(text));
        onlySyntaxErrors(() => parseTemplate(text, { syntax: 'policy' }));
        onlySyntaxErrors(() => parseExpression(text));
      }),
      { numRuns: 3000 },
    );
  });

  it('parses printed expressions back to the same tree', () => {
    fc.assert(
      fc.property(expressionArbitrary.expression, (expression) => {
        assert.deepEqual(withoutOffsets(parseExpression(printExpression(expression))), withoutOffsets(expression));
      }),
      { numRuns: 1000 },
    );
  });

  it('evaluates any parsed text without throwing anything but its own errors', () => {
    const scope: EvaluationScope = {
      functions: {
        body: { minArgs: 0, maxArgs: 0, call: () => ({ a: [1, { b: null }], c: 'text' }) },
        item: { minArgs: 0, maxArgs: 1, call: (args) => args[0] ?? null },
      },
      identifiers: { Request: { x: 1 } },
    };
    fc.assert(
      fc.property(anyText, (text) => {
        let template;
        try {
          template = parseTemplate(text, { syntax: 'policy' });
        } catch (error) {
          if (error instanceof ExpressionSyntaxError) return;
          throw error;
        }
        try {
          evaluate(template, scope);
        } catch (error) {
          if (!(error instanceof ExpressionEvaluationError)) throw error;
        }
      }),
      { numRuns: 3000 },
    );
  });
});
