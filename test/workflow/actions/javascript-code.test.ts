/** JavaScriptCode: inline code in the real QuickJS sandbox, its workflowContext, its limits and its errors. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ActionContext, ActionLimits, WorkflowSnapshot } from '../../../src/workflow/actions/index.ts';
import { run, testContext } from './kit.ts';

/** A run that has a Request trigger with a body and two finished actions, as the engine would describe it. */
const SNAPSHOT: WorkflowSnapshot = {
  trigger: { name: 'manual', outputs: { headers: { 'Content-Type': 'application/json' }, body: { Body: 'Mail from ada@example.com and bob@example.org', count: 21 } }, status: 'Succeeded' },
  actions: {
    Compose: { name: 'Compose', inputs: [1, 2, 3], outputs: [1, 2, 3], status: 'Succeeded' },
    Send_approval_email_: { name: 'Send_approval_email_', outputs: { body: { SelectedOption: 'Approve' } }, status: 'Succeeded' },
    'my.dotted.action': { name: 'my.dotted.action', outputs: { body: 'dotted' }, status: 'Succeeded' },
  },
  workflow: { id: '/subscriptions/s/resourceGroups/g/providers/Microsoft.Logic/workflows/orders', name: 'orders', type: 'Microsoft.Logic/workflows', run: { id: 'run-1', name: 'run-1', type: 'Microsoft.Logic/workflows/runs' } },
};

function codeContext(options: { snapshot?: WorkflowSnapshot | undefined; limits?: Partial<ActionLimits>; signal?: AbortSignal } = {}): ActionContext {
  const snapshot = 'snapshot' in options ? options.snapshot : SNAPSHOT;
  const base = testContext({ ...(options.limits === undefined ? {} : { limits: options.limits }), ...(options.signal === undefined ? {} : { signal: options.signal }) });
  return snapshot === undefined ? base : { ...base, workflowSnapshot: () => snapshot };
}

function runCode(code: string, options: { explicitDependencies?: unknown; context?: ActionContext } = {}) {
  const inputs = { code, ...(options.explicitDependencies === undefined ? {} : { explicitDependencies: options.explicitDependencies }) };
  return run({ type: 'JavaScriptCode', name: 'Execute_JavaScript_Code', inputs }, options.context ?? codeContext());
}

describe('JavaScriptCode: results', () => {
  test('the returned value is outputs.body, of any JSON type', async () => {
    assert.deepEqual((await runCode('return 1 + 2;')).outputs, { body: 3 });
    const outcome = await runCode('const list = [3, 1, 2].sort();\nreturn { list, text: list.join("-"), ok: true, none: null };');
    assert.equal(outcome.status, 'Succeeded');
    assert.deepEqual(outcome.outputs, { body: { list: [1, 2, 3], text: '1-2-3', ok: true, none: null } });
    assert.deepEqual(outcome.inputs, { code: 'const list = [3, 1, 2].sort();\nreturn { list, text: list.join("-"), ok: true, none: null };' });
  });

  test('code without a return statement succeeds with a null body', async () => {
    const outcome = await runCode('const x = 1;');
    assert.equal(outcome.status, 'Succeeded');
    assert.deepEqual(outcome.outputs, { body: null });
  });

  test('the code may await, and a returned promise is awaited', async () => {
    assert.deepEqual((await runCode('const n = await Promise.resolve(20);\nreturn n + 1;')).outputs, { body: 21 });
    assert.deepEqual((await runCode('return Promise.all([1, 2].map(async (n) => n * 2));')).outputs, { body: [2, 4] });
  });

  test('values are returned the way JSON.stringify writes them (dates as ISO text)', async () => {
    assert.deepEqual((await runCode('return { at: new Date(0), skip: undefined, f() {} };')).outputs, { body: { at: '1970-01-01T00:00:00.000Z' } });
  });

  test('a value that is not JSON data fails with InlineCodeResultInvalid', async () => {
    const outcome = await runCode('return 10n;');
    assert.equal(outcome.status, 'Failed');
    assert.equal(outcome.error?.code, 'InlineCodeResultInvalid');
    assert.match(outcome.error?.message ?? '', /^action 'Execute_JavaScript_Code': the value the code returned cannot be turned into JSON .*BigInt/);
  });

  test('awaiting a promise that never settles fails at once instead of hanging', async () => {
    const outcome = await runCode('await new Promise(() => {});\nreturn 1;');
    assert.equal(outcome.error?.code, 'InlineCodeResultInvalid');
    assert.match(outcome.error?.message ?? '', /can never settle/);
  });
});

describe('JavaScriptCode: workflowContext', () => {
  test('reads the trigger, an action result and the workflow, as the docs write them', async () => {
    const outcome = await runCode(
      [
        'const body = workflowContext.trigger.outputs.body;',
        'const sum = workflowContext.actions.Compose.outputs.reduce((a, b) => a + b, 0);',
        'return `Hello world from ${workflowContext.workflow.name}: ${body.count * 2}, ${sum}, ${workflowContext.actions["my.dotted.action"].outputs.body}`;',
      ].join('\n'),
    );
    assert.equal(outcome.status, 'Succeeded', outcome.error?.message);
    assert.deepEqual(outcome.outputs, { body: 'Hello world from orders: 42, 6, dotted' });
  });

  test('exact Int64 values of the run (BigInt) reach the code as numbers', async () => {
    const snapshot: WorkflowSnapshot = { ...SNAPSHOT, actions: { Big: { outputs: 2n ** 60n } } };
    const outcome = await runCode('const n = workflowContext.actions.Big.outputs;\nreturn [typeof n, n > 1e18];', { context: codeContext({ snapshot }) });
    assert.deepEqual(outcome.outputs, { body: ['number', true] });
  });

  test('is read-only: assignments are ignored, throw under strict mode, and never reach the run', async () => {
    const snapshot = structuredClone(SNAPSHOT);
    const context = codeContext({ snapshot });
    const sloppy = await runCode('workflowContext.trigger.outputs.body.count = 99;\nworkflowContext.actions.Compose.outputs.push(4);\nreturn 0;', { context });
    assert.equal(sloppy.status, 'Failed');
    assert.match(sloppy.error?.message ?? '', /line 2, column \d+: TypeError: .*(not extensible|read-only)/);
    const ignored = await runCode('workflowContext.trigger.outputs.body.count = 99;\nreturn workflowContext.trigger.outputs.body.count;', { context });
    assert.deepEqual(ignored.outputs, { body: 21 });
    const strict = await runCode("'use strict';\nworkflowContext.workflow.name = 'other';", { context });
    assert.equal(strict.error?.code, 'InlineCodeScriptRuntimeFailure');
    assert.match(strict.error?.message ?? '', /line 2, column \d+: TypeError: 'name' is read-only/);
    assert.deepEqual(snapshot, SNAPSHOT);
  });

  test('without explicitDependencies the code sees every action result and the trigger', async () => {
    const outcome = await runCode('return [Object.keys(workflowContext.actions), Object.keys(workflowContext).sort()];');
    assert.deepEqual(outcome.outputs, { body: [['Compose', 'Send_approval_email_', 'my.dotted.action'], ['actions', 'trigger', 'workflow']] });
  });

  test('explicitDependencies narrows it to the listed actions (names in any case), without the trigger unless includeTrigger', async () => {
    const code = 'return [Object.keys(workflowContext.actions), Object.keys(workflowContext).sort()];';
    const listed = await runCode(code, { explicitDependencies: { actions: ['compose'] } });
    assert.deepEqual(listed.outputs, { body: [['Compose'], ['actions', 'workflow']] });
    const withTrigger = await runCode(code, { explicitDependencies: { actions: [], includeTrigger: true } });
    assert.deepEqual(withTrigger.outputs, { body: [[], ['actions', 'trigger', 'workflow']] });
  });

  test('with explicitDependencies, what the code names literally is included too (the docs example reads the trigger it does not list)', async () => {
    const code = [
      'const re = /[\\w.]+@[\\w.]+\\.\\w+/g;',
      'const email = workflowContext.trigger.outputs.body.Body;',
      'const reply = workflowContext.actions.Send_approval_email_.outputs.body.SelectedOption;',
      'return { found: email.match(re).join(","), reply, seen: Object.keys(workflowContext.actions) };',
    ].join('\n');
    const outcome = await runCode(code, { explicitDependencies: { actions: ['Send_approval_email_'] } });
    assert.equal(outcome.status, 'Succeeded', outcome.error?.message);
    assert.deepEqual(outcome.outputs, { body: { found: 'ada@example.com,bob@example.org', reply: 'Approve', seen: ['Send_approval_email_'] } });
    const bracket = await runCode('return Object.keys(workflowContext.actions).concat(workflowContext.actions["my.dotted.action"].outputs.body);', { explicitDependencies: { actions: [] } });
    assert.deepEqual(bracket.outputs, { body: ['my.dotted.action', 'dotted'] });
  });

  test('an explicit dependency without a result in the run fails with BadRequest naming it', async () => {
    const outcome = await runCode('return 1;', { explicitDependencies: { actions: ['Not_run_yet'] } });
    assert.equal(outcome.error?.code, 'BadRequest');
    assert.match(outcome.error?.message ?? '', /explicitDependencies\.actions` names 'Not_run_yet', which has no result in this run yet/);
  });

  test('malformed explicitDependencies fail with BadRequest', async () => {
    assert.match((await runCode('return 1;', { explicitDependencies: { actions: 'Compose' } })).error?.message ?? '', /explicitDependencies\.actions` must be an array of action names/);
    assert.match((await runCode('return 1;', { explicitDependencies: { includeTrigger: 'yes' } })).error?.message ?? '', /includeTrigger` must be true or false/);
  });

  test('an engine that gives no workflowSnapshot fails the action with InlineCodeNotAvailable', async () => {
    const outcome = await runCode('return 1;', { context: codeContext({ snapshot: undefined }) });
    assert.equal(outcome.status, 'Failed');
    assert.equal(outcome.error?.code, 'InlineCodeNotAvailable');
  });
});

describe('JavaScriptCode: sandbox', () => {
  test('has no host access: no require, process, fetch or timers, and constructor chains stay inside the sandbox', async () => {
    const outcome = await runCode(
      [
        'return {',
        '  globals: [typeof require, typeof process, typeof fetch, typeof setTimeout, typeof module],',
        '  viaConstructor: workflowContext.constructor.constructor("return typeof process + typeof require")(),',
        '  viaFunction: (function () { return this.process; }).call(undefined) === undefined,',
        '};',
      ].join('\n'),
    );
    assert.equal(outcome.status, 'Succeeded', outcome.error?.message);
    assert.deepEqual(outcome.outputs, { body: { globals: ['undefined', 'undefined', 'undefined', 'undefined', 'undefined'], viaConstructor: 'undefinedundefined', viaFunction: true } });
    const required = await runCode("const fs = require('fs');\nreturn fs.readFileSync('/etc/passwd', 'utf8');");
    assert.equal(required.error?.code, 'InlineCodeScriptRuntimeFailure');
    assert.match(required.error?.message ?? '', /line 1, column \d+: ReferenceError: 'require' is not defined/);
  });

  test('an endless loop is stopped by the time limit', async () => {
    const outcome = await runCode('let n = 0;\nwhile (true) { n++; }', { context: codeContext({ limits: { inlineCodeTimeoutMs: 300 } }) });
    assert.equal(outcome.status, 'Failed');
    assert.equal(outcome.error?.code, 'InlineCodeTimeout');
    assert.match(outcome.error?.message ?? '', /ran for more than 300 ms and was stopped/);
  });

  test('a memory bomb is stopped by the heap limit', async () => {
    const outcome = await runCode('const parts = [];\nwhile (true) parts.push("x".repeat(1 << 20) + parts.length);', { context: codeContext({ limits: { inlineCodeMemoryBytes: 32 * 1024 * 1024 } }) });
    assert.equal(outcome.status, 'Failed');
    assert.equal(outcome.error?.code, 'InlineCodeMemoryLimit');
    assert.match(outcome.error?.message ?? '', /ran out of memory: it may use at most 32 MiB/);
  });

  test('runaway recursion is stopped by the stack limit', async () => {
    const outcome = await runCode('function down(n) { return down(n + 1) + 1; }\nreturn down(0);');
    assert.equal(outcome.error?.code, 'InlineCodeMemoryLimit');
    assert.match(outcome.error?.message ?? '', /stack/);
  });

  test('a workflowContext larger than the data limit is refused before the code runs', async () => {
    const big: WorkflowSnapshot = { ...SNAPSHOT, trigger: { outputs: { body: 'x'.repeat(2048) } } };
    const outcome = await runCode('return 1;', { context: codeContext({ snapshot: big, limits: { inlineCodeMaxDataBytes: 1024 } }) });
    assert.equal(outcome.error?.code, 'InlineCodeLimitExceeded');
    assert.match(outcome.error?.message ?? '', /workflowContext is \d+ bytes as JSON, more than the 1024 inline code accepts/);
  });

  test('a run cancelled after the action started ends it Cancelled instead of running the code', async () => {
    const controller = new AbortController();
    const base = testContext({ signal: controller.signal });
    // The cancellation arrives while the executor prepares workflowContext, after the registry's own check.
    const context: ActionContext = { ...base, workflowSnapshot: () => (controller.abort(), SNAPSHOT) };
    const outcome = await runCode('while (true) {}', { context });
    assert.equal(outcome.status, 'Cancelled');
    assert.equal(outcome.error?.code, 'Cancelled');
  });
});

describe('JavaScriptCode: errors', () => {
  test('a syntax error fails with InlineCodeSyntaxError, its line and column in the code', async () => {
    const outcome = await runCode('let a = 1;\nlet b = ;\nreturn a;');
    assert.equal(outcome.status, 'Failed');
    assert.equal(outcome.error?.code, 'InlineCodeSyntaxError');
    assert.match(outcome.error?.message ?? '', /^action 'Execute_JavaScript_Code': input `code` has a syntax error at line 2, column 9: /);
  });

  test('code that closes the function it runs in is a syntax error and does not run', async () => {
    for (const code of ['}); (function () {', '}, globalThis.escaped = 1, function () {', '}(globalThis.escaped = 1) + {a: 1']) {
      const outcome = await runCode(code);
      assert.equal(outcome.error?.code, 'InlineCodeSyntaxError', code);
    }
    assert.match((await runCode('return [1, 2')).error?.message ?? '', /ends inside an unclosed string, comment, bracket or block/);
  });

  test('a thrown error fails with InlineCodeScriptRuntimeFailure, its message and where it was thrown', async () => {
    const outcome = await runCode('const order = workflowContext.trigger.outputs.body;\nif (order.count > 0) {\n  throw new RangeError(`too many: ${order.count}`);\n}');
    assert.equal(outcome.error?.code, 'InlineCodeScriptRuntimeFailure');
    assert.match(outcome.error?.message ?? '', /^action 'Execute_JavaScript_Code': the inline code failed at line 3, column \d+: RangeError: too many: 21$/);
    const plain = await runCode("throw 'this is an error';");
    // A thrown string has no stack, so no location (Logic Apps showed '<null>' here: Azure/logicapps#676).
    assert.equal(plain.error?.message, "action 'Execute_JavaScript_Code': the inline code failed: it threw this is an error");
  });

  test('code longer than the limit fails with InlineCodeTooLong naming the limit', async () => {
    const code = `return ${'1 + '.repeat(300)}1;`;
    const outcome = await runCode(code, { context: codeContext({ limits: { maxInlineCodeChars: 1024 } }) });
    assert.equal(outcome.error?.code, 'InlineCodeTooLong');
    assert.match(outcome.error?.message ?? '', new RegExp(`is ${code.length} characters long; at most 1024 are allowed`));
    assert.equal((await runCode(code)).status, 'Succeeded');
  });

  test('missing code fails with BadRequest', async () => {
    const outcome = await run({ type: 'JavaScriptCode', inputs: { explicitDependencies: { actions: [] } } }, codeContext());
    assert.equal(outcome.error?.code, 'BadRequest');
    assert.match(outcome.error?.message ?? '', /input `code` is required/);
  });
});
