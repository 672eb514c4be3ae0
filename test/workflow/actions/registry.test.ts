/** The registry as the engine uses it: lookup, failures as outcomes, cancellation, secure data. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BUILT_IN_ACTION_EXECUTORS, createActionRegistry, createBuiltInActionRegistry, historyView, inheritedSecureParts, inheritsSecureInputs, inlineCodeReferences, outputReferences, secureDataOf } from '../../../src/workflow/actions/index.ts';
import type { ActionExecutor, SecuredProducer } from '../../../src/workflow/actions/index.ts';
import { actionOf, run, testContext } from './kit.ts';

describe('action registry', () => {
  test('every documented leaf action has an executor, found in any letter case', () => {
    const registry = createBuiltInActionRegistry();
    for (const type of ['Compose', 'ParseJson', 'Query', 'Select', 'Join', 'Table', 'InitializeVariable', 'SetVariable', 'IncrementVariable', 'DecrementVariable', 'AppendToArrayVariable', 'AppendToStringVariable', 'Terminate', 'Wait', 'Response', 'Http']) {
      assert.ok(registry.has(type), type);
      assert.ok(registry.has(type.toUpperCase()), type.toUpperCase());
    }
    assert.equal(registry.types().length, BUILT_IN_ACTION_EXECUTORS.length);
  });

  test('an unknown type fails the action with UnknownActionType, listing the known ones', async () => {
    const outcome = await run({ type: 'Xslt', inputs: {} });
    assert.equal(outcome.status, 'Failed');
    assert.equal(outcome.error?.code, 'UnknownActionType');
    assert.match(outcome.error?.message ?? '', /compose/);
  });

  test('the engine can add its own executors; a type registered twice or not lower case is refused', async () => {
    const scope: ActionExecutor = { type: 'scope', execute: async () => ({ status: 'Succeeded' }) };
    const registry = createBuiltInActionRegistry([scope]);
    assert.equal((await registry.execute(actionOf({ type: 'Scope', inputs: undefined }), testContext())).status, 'Succeeded');
    assert.throws(() => createActionRegistry([scope, scope]), /registered for type 'scope'/);
    assert.throws(() => createActionRegistry([{ ...scope, type: 'Scope' }]), /lower-case/);
  });

  test('an aborted signal gives Cancelled without running the executor', async () => {
    const controller = new AbortController();
    controller.abort();
    const context = testContext({ signal: controller.signal });
    const outcome = await run({ type: 'SetVariable', inputs: { name: 'x', value: 1 } }, context);
    assert.equal(outcome.status, 'Cancelled');
    assert.equal(outcome.error?.code, 'Cancelled');
  });

  test('an executor bug (not a PlugboardError) is rethrown, not hidden in an outcome', async () => {
    const broken: ActionExecutor = {
      type: 'broken',
      execute: async () => {
        throw new TypeError('oops');
      },
    };
    await assert.rejects(createActionRegistry([broken]).execute(actionOf({ type: 'broken', inputs: {} }), testContext()), TypeError);
  });
});

describe('secure data', () => {
  test('secureData.properties marks inputs and/or outputs; the values stay in the outcome', async () => {
    const outcome = await run({ type: 'Join', inputs: { from: ['a', 'b'], joinWith: '-' }, runtimeConfiguration: { secureData: { properties: ['outputs'] } } }, testContext());
    assert.deepEqual(outcome.secure, { inputs: false, outputs: true });
    assert.deepEqual(outcome.outputs, { body: 'a-b' });
    const view = historyView(outcome);
    assert.equal(view.outputs, undefined);
    assert.deepEqual(view.inputs, { from: ['a', 'b'], joinWith: '-' });
  });

  test('Compose with secure inputs hides its outputs as well', () => {
    assert.deepEqual(secureDataOf({ secureData: { properties: ['inputs'] } }, 'Compose'), { inputs: true, outputs: true });
    assert.deepEqual(secureDataOf({ secureData: { properties: ['inputs'] } }, 'Http'), { inputs: true, outputs: false });
    assert.equal(secureDataOf({ secureData: { properties: [] } }, 'Http'), undefined);
    assert.equal(secureDataOf(undefined, 'Http'), undefined);
  });

  test('a failed secured action is still marked, and its error message holds no input value', async () => {
    const outcome = await run({ type: 'SetVariable', inputs: { name: 'pin', value: 'hunter2' }, runtimeConfiguration: { secureData: { properties: ['inputs', 'outputs'] } } }, testContext({ variables: [{ name: 'pin', type: 'Integer', value: 0 }] }));
    assert.equal(outcome.status, 'Failed');
    assert.deepEqual(outcome.secure, { inputs: true, outputs: true });
    assert.doesNotMatch(outcome.error?.message ?? '', /hunter2/);
  });

  test('history of a secured Response keeps the status code only', async () => {
    const outcome = await run({ type: 'Response', inputs: { statusCode: 201, body: { token: 't' } }, runtimeConfiguration: { secureData: { properties: ['inputs'] } } }, testContext());
    const view = historyView(outcome);
    assert.deepEqual(view.response, { statusCode: 201, headers: {}, body: null });
    assert.equal(view.inputs, undefined);
    assert.equal(view.outputs, undefined);
  });
});

describe('secure data propagation', () => {
  test('finds the actions and the trigger that raw inputs read', () => {
    const references = outputReferences({ a: "@body('Get_secret')?['value']", b: "Hi @{triggerBody()?['name']}", "@{outputs('Key_name')}": 1, c: "@actions(variables('which'))" });
    assert.deepEqual([...references.actions].sort(), ['Get_secret', 'Key_name']);
    assert.equal(references.trigger, true);
    assert.equal(references.dynamic, true);
  });

  test('answers a repeated question about the same raw inputs from memory, with the same answer', () => {
    const raw = { uri: "@{body('Get_secret')}/x", items: ["@triggerBody()", 'plain'] };
    const first = outputReferences(raw);
    // The engine asks on every execution (each Foreach iteration): the second call parses nothing.
    assert.equal(outputReferences(raw), first);
    assert.equal(outputReferences("@body('Get_secret')"), outputReferences("@body('Get_secret')"));
    const fresh = outputReferences(structuredClone(raw));
    assert.notEqual(fresh, first);
    assert.deepEqual(fresh, first);
    assert.deepEqual([...first.actions], ['Get_secret']);
    assert.equal(first.trigger, true);
    assert.equal(first.dynamic, false);
    assert.deepEqual(outputReferences(42), { actions: new Set(), trigger: false, dynamic: false });
  });

  test('reading a secured output hides the reader’s inputs; Compose’s hidden outputs do not propagate', () => {
    const producers: Record<string, SecuredProducer> = {
      Get_secret: { type: 'Http', secure: { inputs: false, outputs: true } },
      Login: { type: 'Http', secure: { inputs: true, outputs: false } },
      Compose_secret: { type: 'Compose', secure: { inputs: true, outputs: true } },
      Plain: { type: 'Http' },
    };
    const lookup = (name: string | null) => (name === null ? undefined : producers[name]);
    assert.equal(inheritsSecureInputs(outputReferences("@body('Get_secret')"), { producer: lookup }), true);
    assert.equal(inheritsSecureInputs(outputReferences("@body('Login')"), { producer: lookup }), true);
    assert.equal(inheritsSecureInputs(outputReferences("@outputs('Compose_secret')"), { producer: lookup }), false);
    assert.equal(inheritsSecureInputs(outputReferences("@body('Plain')"), { producer: lookup }), false);
    assert.equal(inheritsSecureInputs(outputReferences("@body(variables('x'))"), { producer: lookup, anySecured: true }), true);
  });

  test('inline code sees the whole run unless explicitDependencies name what it reads literally', () => {
    const whole = { actions: new Set(), trigger: true, dynamic: true };
    assert.deepEqual(inlineCodeReferences({ code: 'return 1;' }), whole);
    const narrowed = inlineCodeReferences({ code: 'return workflowContext.actions.Named.outputs;', explicitDependencies: { actions: ['Listed'], includeTrigger: false } });
    assert.deepEqual(narrowed, { actions: new Set(['Listed', 'Named']), trigger: false, dynamic: false });
    assert.equal(inlineCodeReferences({ code: 'return workflowContext.trigger;', explicitDependencies: { actions: [] } }).trigger, true);
    // Names or code an expression gives are only known when the action runs: the whole run counts.
    assert.deepEqual(inlineCodeReferences({ code: 'return 1;', explicitDependencies: { actions: ["@variables('which')"] } }), whole);
    assert.deepEqual(inlineCodeReferences({ code: "return workflowContext.actions['@{variables('which')}'];", explicitDependencies: { actions: [] } }), whole);
    assert.deepEqual(inlineCodeReferences({ code: 'return 1;', explicitDependencies: "@json('{}')" }), whole);
  });

  test('inline code that can see a secured result hides its inputs and outputs; other readers hide what carries it', () => {
    const producers: Record<string, SecuredProducer> = { Get_secret: { type: 'Http', secure: { inputs: false, outputs: true } }, Plain: { type: 'Compose' } };
    const known = { producer: (name: string | null) => (name === null ? undefined : producers[name]), anySecured: true };
    assert.deepEqual(inheritedSecureParts({ type: 'JavaScriptCode', rawInputs: { code: 'return workflowContext.actions.Get_secret.outputs.body;' } }, known), { inputs: true, outputs: true });
    assert.equal(inheritedSecureParts({ type: 'JavaScriptCode', rawInputs: { code: 'return 1;', explicitDependencies: { actions: ['Plain'] } } }, known), undefined);
    assert.equal(inheritedSecureParts({ type: 'JavaScriptCode', rawInputs: { code: 'return 1;' } }, { ...known, anySecured: false }), undefined);
    assert.deepEqual(inheritedSecureParts({ type: 'Compose', rawInputs: "@body('Get_secret')" }, known), { inputs: true, outputs: true });
    assert.deepEqual(inheritedSecureParts({ type: 'Http', rawInputs: { method: 'POST', uri: 'https://x.example', body: "@body('Get_secret')" } }, known), { inputs: true, outputs: false });
    // Only inline code reads through workflowContext: another action's inputs name what it reads.
    assert.equal(inheritedSecureParts({ type: 'Compose', rawInputs: { code: 'return workflowContext.actions.Get_secret;' } }, known), undefined);
  });
});
