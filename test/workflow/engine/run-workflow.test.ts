import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createManualClock } from '../../../src/core/index.ts';
import { openStore } from '../../../src/storage/index.ts';
import type { Store } from '../../../src/storage/index.ts';
import { loadWorkflowDefinition, runWorkflow, validateWorkflowDefinition } from '../../../src/workflow/index.ts';
import type { HttpPort, RunResult } from '../../../src/workflow/index.ts';

const RUN_FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures', 'workflows', 'runs');

let store: Store;
before(async () => {
  // Every timestamp the store takes is 1 ms after the previous one, so the journal's start order is
  // the order in which the engine recorded attempts (ties would be ordered by name).
  let tick = Date.UTC(2026, 0, 1);
  store = await openStore({ driver: 'sqlite', memory: true }, { clock: { now: () => tick++ } });
});
after(async () => {
  await store.close();
});

/** Loads a fixture (which must be valid) and runs it on the shared store. */
async function runFixture(file: string, triggerOutputs: unknown, parameters?: Record<string, unknown>): Promise<RunResult> {
  const loaded = loadWorkflowDefinition(JSON.parse(readFileSync(join(RUN_FIXTURES, file), 'utf8')), parameters === undefined ? {} : { parameters });
  assert.ok(loaded.definition !== undefined);
  const issues = [...loaded.issues, ...validateWorkflowDefinition(loaded.definition, { parameters: loaded.parameters })].filter((i) => i.severity === 'error');
  assert.deepEqual(issues, []);
  return runWorkflow({ store, loaded, triggerOutputs, clock: createManualClock(Date.UTC(2026, 0, 1)) });
}

/** Runs a definition object (which must be valid) on the shared store. */
async function runDefinition(definition: Record<string, unknown>, options: { readonly http?: HttpPort } = {}): Promise<RunResult> {
  const loaded = loadWorkflowDefinition(definition);
  assert.ok(loaded.definition !== undefined);
  const issues = [...loaded.issues, ...validateWorkflowDefinition(loaded.definition, { parameters: loaded.parameters })].filter((i) => i.severity === 'error');
  assert.deepEqual(issues, []);
  return runWorkflow({ store, loaded, triggerOutputs: { headers: {}, queries: {}, body: {} }, clock: createManualClock(Date.UTC(2026, 0, 1)), ...options });
}

/** `name iterationKey status` of every recorded attempt, in start order. */
async function journal(runId: string): Promise<string[]> {
  return (await store.runs.listActions(runId)).map((a) => `${a.name} ${a.iterationKey} ${a.status}`.replace('  ', ' '));
}

describe('runWorkflow', () => {
  test('Request → Compose → Response replies with the composed body and evaluates the definition outputs', async () => {
    const result = await runFixture('request-compose-response.json', { headers: {}, queries: {}, body: { name: 'Ada', tags: ['a', 'b'] } });
    assert.equal(result.status, 'Succeeded');
    assert.equal(result.error, null);
    assert.deepEqual(result.response, { statusCode: 201, headers: { 'Content-Type': 'application/json' }, body: { message: 'Hello, Ada!', count: 2 } });
    assert.deepEqual(result.outputs, { message: 'Hello, Ada!' });
    assert.deepEqual(result.actions['Compose_greeting'], { status: 'Succeeded', outputs: { message: 'Hello, Ada!', count: 2 }, error: null });
    assert.deepEqual(await journal(result.runId), ['Compose_greeting Succeeded', 'Response Succeeded']);
    const run = await store.runs.get(result.runId);
    assert.equal(run?.status, 'Succeeded');
    assert.deepEqual(run?.outputs, { message: 'Hello, Ada!' });
    assert.equal(run?.triggerName, 'manual');
  });

  test('supplied parameter values replace the declared defaults', async () => {
    const result = await runFixture('request-compose-response.json', { body: { name: 'Bo', tags: [] } }, { greeting: 'Hi' });
    assert.deepEqual(result.outputs, { message: 'Hi, Bo!' });
  });

  test('Foreach runs each item in order with item(), items() and iterationIndexes(), and variables persist across iterations', async () => {
    const orders = [{ id: 'a', amount: 5 }, { id: 'b', amount: 20 }, { id: 'c', amount: 11 }];
    const result = await runFixture('variables-foreach-condition.json', { body: { orders } });
    assert.equal(result.status, 'Succeeded');
    assert.deepEqual(result.actions['Summary']?.outputs, { total: 36, big: ['b#1', 'c#2'] });
    assert.deepEqual(await journal(result.runId), [
      'Initialize_total Succeeded',
      'Initialize_big Succeeded',
      'For_each_order Succeeded',
      'Add_amount For_each_order[0] Succeeded',
      'Is_big For_each_order[0] Succeeded',
      'Remember_big For_each_order[0] Skipped',
      'Add_amount For_each_order[1] Succeeded',
      'Is_big For_each_order[1] Succeeded',
      'Remember_big For_each_order[1] Succeeded',
      'Add_amount For_each_order[2] Succeeded',
      'Is_big For_each_order[2] Succeeded',
      'Remember_big For_each_order[2] Succeeded',
      'Summary Succeeded',
    ]);
  });

  test('a failure inside Try fails the scope, Catch reads result(), Finally runs, and the handled run succeeds', async () => {
    const result = await runFixture('try-catch-finally.json', { body: { payload: 'not json{' } });
    assert.equal(result.status, 'Succeeded');
    assert.equal(result.actions['Parse_payload']?.status, 'Failed');
    assert.equal(result.actions['Parse_payload']?.error?.code, 'InvalidJSON');
    assert.equal(result.actions['After_parse']?.status, 'Skipped');
    assert.equal(result.actions['After_parse']?.error?.code, 'ActionConditionFailed');
    assert.deepEqual(result.actions['Try'], { status: 'Failed', outputs: null, error: { code: 'ActionFailed', message: 'An action failed. No dependent actions succeeded.' } });
    assert.equal(result.actions['Describe_failure']?.outputs, 'Failed');
    assert.equal(result.actions['Finally']?.status, 'Succeeded');
    assert.deepEqual(await journal(result.runId), [
      'Try Failed',
      'Parse_payload Failed',
      'After_parse Skipped',
      'Catch Succeeded',
      'Describe_failure Succeeded',
      'Finally Succeeded',
      'Clean_up Succeeded',
    ]);
  });

  test('when Try succeeds, Catch is skipped and Finally still runs', async () => {
    const result = await runFixture('try-catch-finally.json', { body: { payload: '{"a":1}' } });
    assert.equal(result.status, 'Succeeded');
    assert.equal(result.actions['Try']?.status, 'Succeeded');
    assert.deepEqual(result.actions['After_parse']?.outputs, { a: 1 });
    assert.equal(result.actions['Catch']?.status, 'Skipped');
    assert.equal(result.actions['Describe_failure']?.status, 'Skipped');
    assert.equal(result.actions['Clean_up']?.status, 'Succeeded');
    const recorded = await journal(result.runId);
    assert.ok(recorded.includes('Catch Skipped') && recorded.includes('Describe_failure Skipped'), recorded.join('\n'));
  });

  test('Terminate ends the run with its status and error and skips the rest', async () => {
    const result = await runFixture('terminate.json', { body: { ok: false } });
    assert.equal(result.status, 'Failed');
    assert.deepEqual(result.error, { code: 'NotOk', message: 'the caller said not ok' });
    assert.equal(result.actions['After']?.status, 'Skipped');
    assert.deepEqual(await journal(result.runId), ['Check Succeeded', 'Stop_when_not_ok Succeeded', 'Terminate Succeeded', 'After Skipped']);
    const run = await store.runs.get(result.runId);
    assert.equal(run?.status, 'Failed');
    assert.deepEqual(run?.error, { code: 'NotOk', message: 'the caller said not ok' });
  });

  test('without Terminate the same workflow runs to the end and the untaken branch is skipped', async () => {
    const result = await runFixture('terminate.json', { body: { ok: true } });
    assert.equal(result.status, 'Succeeded');
    assert.equal(result.actions['Terminate']?.status, 'Skipped');
    assert.equal(result.actions['After']?.outputs, 'still running');
  });

  test('Until repeats until its condition holds, and stops at limit.count when it never does', async () => {
    const result = await runFixture('until.json', { body: {} });
    assert.equal(result.status, 'Succeeded');
    assert.deepEqual(result.actions['Until_three']?.outputs, { iterations: 3, conditionMet: true });
    assert.deepEqual(result.actions['Until_capped']?.outputs, { iterations: 4, conditionMet: false });
    assert.deepEqual(result.actions['Final']?.outputs, { counter: 3, lastPass: 3 });
    const recorded = await journal(result.runId);
    assert.deepEqual(recorded.filter((line) => line.startsWith('Increment ')), ['Increment Until_three[0] Succeeded', 'Increment Until_three[1] Succeeded', 'Increment Until_three[2] Succeeded']);
    assert.equal(recorded.filter((line) => line.startsWith('Pass_index ')).length, 4);
  });

  test('every action of the run is recorded as finished once the run returns', async () => {
    const result = await runFixture('variables-foreach-condition.json', { body: { orders: [{ id: 'x', amount: 1 }] } });
    const attempts = await store.runs.listActions(result.runId);
    assert.ok(attempts.every((a) => a.status !== 'Running' && a.status !== 'Waiting' && a.attempt === 1));
    assert.deepEqual(new Set(attempts.map((a) => a.name)), new Set(Object.keys(result.actions)));
    const byName = new Map(attempts.map((a) => [a.name, a]));
    // Each result is committed before its successor starts.
    for (const [predecessor, successor] of [['Initialize_total', 'Initialize_big'], ['Initialize_big', 'For_each_order'], ['For_each_order', 'Summary'], ['Add_amount', 'Is_big']] as const) {
      const ended = byName.get(predecessor)?.endedAt;
      const started = byName.get(successor)?.startedAt;
      assert.ok(ended !== null && ended !== undefined && started !== undefined && ended < started, `${predecessor} ended ${ended}, ${successor} started ${started}`);
    }
  });
});

describe('runWorkflow with Switch and failing control expressions', () => {
  test('Switch runs the matching case and records the other cases as skipped', async () => {
    const result = await runFixture('switch-and-failed-condition.json', { body: { kind: 'refund', divisor: 5 } });
    assert.equal(result.status, 'Succeeded');
    assert.deepEqual(result.actions['Route'], { status: 'Succeeded', outputs: { case: 'Refund' }, error: null });
    assert.equal(result.actions['Handle_refund']?.outputs, 'refund handled');
    assert.equal(result.actions['Handle_order']?.status, 'Skipped');
    assert.equal(result.actions['Handle_other']?.status, 'Skipped');
    assert.equal(result.actions['Big']?.outputs, 'big');
    assert.equal(result.actions['Small']?.status, 'Skipped');
  });

  test('Switch falls back to default when no case matches', async () => {
    const result = await runFixture('switch-and-failed-condition.json', { body: { kind: 'gift', divisor: 50 } });
    assert.equal(result.actions['Handle_other']?.outputs, 'unknown kind gift');
    assert.equal(result.actions['Small']?.outputs, 'small');
  });

  test('an If whose condition fails to evaluate fails the run, and both branches are recorded as skipped', async () => {
    const result = await runFixture('switch-and-failed-condition.json', { body: { kind: 'order', divisor: 0 } });
    assert.equal(result.status, 'Failed');
    assert.equal(result.error?.code, 'ActionFailed');
    assert.equal(result.actions['Check_amount']?.status, 'Failed');
    assert.equal(result.actions['Check_amount']?.error?.code, 'InvalidTemplate');
    const recorded = await journal(result.runId);
    assert.ok(recorded.includes('Big Skipped') && recorded.includes('Small Skipped'), recorded.join('\n'));
    assert.ok(recorded.includes('Check_amount Failed'));
  });
});

describe('secure data in run history', () => {
  test('an action reading a secured action\'s outputs keeps them out of history too, while expressions still see them', async () => {
    const canary = 'canary-secret-5150';
    const result = await runFixture('secure-propagation.json', { headers: {}, queries: {}, body: { keys: [canary] } });
    assert.equal(result.status, 'Succeeded');
    const recorded = await store.runs.listActions(result.runId);
    const text = JSON.stringify(recorded) + JSON.stringify(result.actions);
    assert.ok(!text.includes(canary), 'the secured value reached run history through an action that copied it');
    const plain = recorded.find((attempt) => attempt.name === 'Compose_plain');
    assert.equal(plain?.outputs, 'nothing secret here', 'actions that read nothing secured stay visible');
  });

  /** A vault answering every call with a password. */
  const vault: HttpPort = async () => ({ status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user: 'ada', password: 'hunter2' }) });
  const SECRET_GET = { type: 'Http', inputs: { method: 'GET', uri: 'https://vault.example/secret' }, runtimeConfiguration: { secureData: { properties: ['outputs'] } }, runAfter: {} };
  const MANUAL = { manual: { type: 'Request', kind: 'Http', inputs: { schema: {} } } };
  const PLAIN = { type: 'Compose', inputs: { greeting: 'hello' }, runAfter: { Secret: ['Succeeded'] } };

  /** The probe: inline code copies a secured Http body; a later If uses the copy. */
  function codeReadingSecret(codeInputs: Record<string, unknown>, secured = true): Record<string, unknown> {
    return {
      triggers: MANUAL,
      actions: {
        Secret: secured ? SECRET_GET : { ...SECRET_GET, runtimeConfiguration: {} },
        Plain: PLAIN,
        Code: { type: 'JavaScriptCode', inputs: codeInputs, runAfter: { Plain: ['Succeeded'] } },
        Check: {
          type: 'If',
          expression: { and: [{ equals: ["@body('Code')", 'hunter2'] }] },
          actions: { Matched: { type: 'Compose', inputs: 'the code returned the password', runAfter: {} } },
          else: { actions: { Missed: { type: 'Compose', inputs: 'the code returned something else', runAfter: {} } } },
          runAfter: { Code: ['Succeeded'] },
        },
      },
    };
  }

  test('inline code reading a secured action through workflowContext keeps its result out of history, while later expressions still read it', async () => {
    const result = await runDefinition(codeReadingSecret({ code: 'return workflowContext.actions.Secret.outputs.body.password;' }), { http: vault });
    assert.equal(result.status, 'Succeeded');
    const recorded = await store.runs.listActions(result.runId);
    const text = JSON.stringify(recorded) + JSON.stringify(result.actions);
    assert.ok(!text.includes('hunter2'), 'the secured password reached run history through the inline code action');
    const code = recorded.find((attempt) => attempt.name === 'Code');
    assert.equal(code?.status, 'Succeeded');
    assert.equal(code?.outputs ?? null, null, 'the code action\'s outputs are hidden');
    assert.equal(code?.inputs ?? null, null, 'the code action\'s inputs are hidden');
    assert.equal(result.actions['Matched']?.status, 'Succeeded', 'a later expression reads the code\'s real result');
    assert.equal(result.actions['Missed']?.status, 'Skipped');
  });

  test('inline code whose explicitDependencies list a secured action, or whose code names one, is hidden too', async () => {
    const listed = await runDefinition(codeReadingSecret({ code: 'return workflowContext.actions["Secret"].outputs.body.password;', explicitDependencies: { actions: ['Plain'] } }), { http: vault });
    assert.equal(listed.status, 'Succeeded');
    assert.equal(listed.actions['Matched']?.status, 'Succeeded');
    assert.ok(!JSON.stringify(await store.runs.listActions(listed.runId)).includes('hunter2'), 'a secured action the code names literally leaked');
    const declared = await runDefinition(codeReadingSecret({ code: 'const all = workflowContext.actions; return all[Object.keys(all).find((k) => k === "Secret")].outputs.body.password;', explicitDependencies: { actions: ['Secret'], includeTrigger: false } }), { http: vault });
    assert.equal(declared.actions['Matched']?.status, 'Succeeded');
    assert.ok(!JSON.stringify(await store.runs.listActions(declared.runId)).includes('hunter2'), 'a secured action listed in explicitDependencies leaked');
  });

  test('a reader naming the secured action in another case is hidden too (names match ignoring case)', async () => {
    const lowerCase = await runDefinition(codeReadingSecret({ code: 'return workflowContext.actions.Secret.outputs.body.password;', explicitDependencies: { actions: ['secret'] } }), { http: vault });
    assert.equal(lowerCase.actions['Matched']?.status, 'Succeeded');
    assert.ok(!JSON.stringify(await store.runs.listActions(lowerCase.runId)).includes('hunter2'), "explicitDependencies ['secret'] exposed the secured Secret and the code's result showed it");
    const copied = await runDefinition({ triggers: MANUAL, actions: { Secret: SECRET_GET, Copy: { type: 'Compose', inputs: "@body('secret')?['password']", runAfter: { Secret: ['Succeeded'] } } } }, { http: vault });
    assert.equal(copied.status, 'Succeeded');
    assert.ok(!JSON.stringify(await store.runs.listActions(copied.runId)).includes('hunter2'), "@body('secret') read the secured Secret and showed it");
  });

  test('inline code that can see only unsecured actions keeps its outputs visible', async () => {
    const narrowed = await runDefinition(codeReadingSecret({ code: 'return workflowContext.actions.Plain.outputs.greeting;', explicitDependencies: { actions: ['Plain'], includeTrigger: false } }), { http: vault });
    assert.equal(narrowed.status, 'Succeeded');
    const code = (await store.runs.listActions(narrowed.runId)).find((attempt) => attempt.name === 'Code');
    assert.deepEqual(code?.outputs, { body: 'hello' }, 'code that cannot see the secured action is shown');
    const unsecured = await runDefinition(codeReadingSecret({ code: 'return workflowContext.actions.Plain.outputs.greeting;' }, false), { http: vault });
    assert.equal(unsecured.status, 'Succeeded');
    const plainCode = (await store.runs.listActions(unsecured.runId)).find((attempt) => attempt.name === 'Code');
    assert.deepEqual(plainCode?.outputs, { body: 'hello' }, 'code in a run without secured results is shown');
  });
});
