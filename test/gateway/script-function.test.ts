/** runSandboxedFunction: a function body in the custom-code sandbox, with frozen JSON parameters and errors as data. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runSandboxedFunction } from '../../src/gateway/index.ts';
import { memoryLogger } from './script-kit.ts';

describe('runSandboxedFunction', () => {
  it('runs the body with its parameters and returns the JSON result', async () => {
    const result = await runSandboxedFunction({ code: 'const total = order.lines.reduce((a, l) => a + l.qty * l.price, 0);\nreturn { id: order.id, total, factor };', parameters: { order: { id: 'A', lines: [{ qty: 2, price: 5 }, { qty: 1, price: 3 }] }, factor: 2 } });
    assert.deepEqual(result, { ok: true, value: { id: 'A', total: 13, factor: 2 } });
    assert.deepEqual(await runSandboxedFunction({ code: 'let x = 1;' }), { ok: true, value: undefined });
  });

  it('hands in deep-frozen copies: the body cannot change them, nor the caller objects', async () => {
    const data = { nested: { list: [1, 2] } };
    const result = await runSandboxedFunction({ code: "'use strict';\ndata.nested.list.push(3);", parameters: { data } });
    assert.equal(result.ok, false);
    assert.deepEqual(!result.ok && result.failure.kind, 'thrown');
    assert.deepEqual(data, { nested: { list: [1, 2] } });
  });

  it('reports syntax errors and thrown errors with their line and column in the body', async () => {
    assert.deepEqual(await runSandboxedFunction({ code: 'const a = 1;\nconst b = ;' }), { ok: false, failure: { kind: 'syntax', message: "unexpected token in expression: ';'", location: { line: 2, column: 11 } } });
    const thrown = await runSandboxedFunction({ code: '// first line\n\n    missing.call();' });
    assert.deepEqual(thrown, { ok: false, failure: { kind: 'thrown', name: 'ReferenceError', message: "'missing' is not defined", location: { line: 3, column: 5 } } });
  });

  it('never runs code that closes the function body early', async () => {
    const logger = memoryLogger();
    for (const code of ['}); console.log("escaped"); (function () {', '}, console.log("escaped"), function () {', '}(console.log("escaped")) + {a: 1']) {
      const result = await runSandboxedFunction({ code, logger });
      assert.equal(!result.ok && result.failure.kind, 'syntax', code);
    }
    assert.equal(logger.lines.length, 0);
    await runSandboxedFunction({ code: 'console.log("inside");', logger });
    assert.deepEqual(logger.lines.map((line) => line.message), ['custom code: inside']);
  });

  it('reaches no host function: the sandbox has no send, require or process, and the harness is out of reach', async () => {
    const result = await runSandboxedFunction({ code: 'return [typeof send, typeof require, typeof process, typeof input, typeof request, typeof globalThis.send];' });
    assert.deepEqual(result, { ok: true, value: ['undefined', 'undefined', 'undefined', 'undefined', 'undefined', 'undefined'] });
  });

  it('stops on its time, heap and data limits', async () => {
    assert.deepEqual(await runSandboxedFunction({ code: 'for (;;) {}', limits: { timeoutMs: 100 } }), { ok: false, failure: { kind: 'timeout', limitMs: 100 } });
    const heap = await runSandboxedFunction({ code: 'const a = []; for (;;) a.push("y".repeat(1 << 20) + a.length);', limits: { memoryLimitBytes: 24 * 1024 * 1024 } });
    assert.deepEqual(heap, { ok: false, failure: { kind: 'memory', limit: 'heap', limitBytes: 24 * 1024 * 1024 } });
    assert.deepEqual(await runSandboxedFunction({ code: 'return "z".repeat(2000);', limits: { maxDataBytes: 1000 } }), { ok: false, failure: { kind: 'result-too-large', limitBytes: 1000 } });
    const input = await runSandboxedFunction({ code: 'return 1;', parameters: { big: 'q'.repeat(2000) }, limits: { maxDataBytes: 1000 } });
    assert.equal(!input.ok && input.failure.kind, 'input-too-large');
  });

  it('refuses a parameter name that is not an identifier', async () => {
    await assert.rejects(runSandboxedFunction({ code: 'return 1;', parameters: { 'a-b': 1 } }), /parameter name "a-b" is not a JavaScript identifier/);
  });
});
