/** The variable store the engine persists: restore, case-insensitive names, copies, and the CSV property of Table. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { ActionError, createValueEvaluator, createVariableStore } from '../../../src/workflow/actions/index.ts';
import { run, testContext } from './kit.ts';

describe('variable store', () => {
  test('round-trips through toJSON, so a resumed run sees the same variables', () => {
    const store = createVariableStore();
    store.declare({ name: 'Count', type: 'Integer', value: 1 });
    store.declare({ name: 'list', type: 'Array', value: [] });
    store.append('LIST', { a: 1 });
    const restored = createVariableStore({ variables: JSON.parse(JSON.stringify(store.toJSON())) });
    assert.deepEqual(restored.values(), { Count: 1, list: [{ a: 1 }] });
    assert.equal(restored.declared('count')?.type, 'Integer');
  });

  test('values() is live and reads by the declared name; get() ignores case', () => {
    const store = createVariableStore();
    store.declare({ name: 'Total', type: 'Float', value: 1 });
    const view = store.values();
    store.set('total', 2.5);
    assert.equal(view['Total'], 2.5);
    assert.equal(store.get('TOTAL'), 2.5);
  });

  test('declare copies the value: changing the caller’s object later does not change the variable', () => {
    const value = { nested: [1] };
    const store = createVariableStore();
    store.declare({ name: 'o', type: 'Object', value });
    value.nested.push(2);
    assert.deepEqual(store.get('o'), { nested: [1] });
  });

  test('errors are ActionErrors with stable codes', () => {
    const store = createVariableStore();
    assert.throws(() => store.get('x'), (e: unknown) => e instanceof ActionError && e.code === 'VariableNotFound');
    store.declare({ name: 'x', type: 'String', value: 'a' });
    assert.throws(() => store.set('x', 1), (e: unknown) => e instanceof ActionError && e.code === 'InvalidVariableType');
    assert.throws(() => store.append('x', 1), (e: unknown) => e instanceof ActionError && e.code === 'InvalidVariableType');
  });
});

describe('value evaluator', () => {
  test('walks arrays and objects, evaluating each template string once per call', () => {
    const evaluate = createValueEvaluator();
    const value = { list: ['@add(1, 1)', 'plain', { deep: '@{concat(\'a\', \'b\')}' }], n: 5, nothing: null };
    assert.deepEqual(evaluate(value, {}), { list: [2, 'plain', { deep: 'ab' }], n: 5, nothing: null });
    assert.deepEqual(value.list[0], '@add(1, 1)', 'the raw inputs are not changed');
  });

  test('a key such as __proto__ stays data', () => {
    const evaluate = createValueEvaluator();
    const result = evaluate(JSON.parse('{"__proto__": {"polluted": true}}'), {}) as Record<string, unknown>;
    assert.equal(Object.hasOwn(result, '__proto__'), true);
    assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
  });
});

/** RFC 4180 reader, to check what Table writes. */
function readCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += c;
  }
  return rows;
}

describe('Table CSV (property)', () => {
  test('any strings in the cells read back unchanged with an RFC 4180 reader', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.string(), fc.string()), { minLength: 1, maxLength: 8 }), async (pairs) => {
        // Data comes from a variable: strings in the raw inputs would be read as templates.
        const context = testContext({ variables: [{ name: 'rows', type: 'Array', value: pairs.map(([a, b]) => ({ A: a, B: b })) }] });
        const outcome = await run({ type: 'Table', inputs: { format: 'CSV', from: "@variables('rows')" } }, context);
        const body = (outcome.outputs as { body: string }).body;
        assert.deepEqual(readCsv(body), [['A', 'B'], ...pairs.map(([a, b]) => [a, b])]);
      }),
      { numRuns: 200 },
    );
  });
});
