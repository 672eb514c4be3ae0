/** Trigger conditions: all must hold, per execution; which ones read the status code; the doc's own spellings. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createWorkflowEvaluator } from '../../expressions/index.ts';
import { createValueEvaluator } from '../actions/value-evaluator.ts';
import { loadWorkflowDefinition } from '../definition/load-workflow-definition.ts';
import type { WorkflowTrigger } from '../definition/model.ts';
import type { TriggerEvaluate, TriggerOutputs } from './split-on.ts';
import { conditionsHold, firingsOf, prepareConditions } from './trigger-conditions.ts';

function triggerWith(conditions: unknown): WorkflowTrigger {
  const trigger = loadWorkflowDefinition({ triggers: { Poll: { type: 'Http', inputs: { method: 'GET', uri: 'https://api.example.com/' }, conditions } }, actions: {} }).definition?.triggers[0];
  assert.ok(trigger);
  return trigger;
}

function evaluator(parameters: Record<string, unknown> = {}): TriggerEvaluate {
  const evaluate = createValueEvaluator({ evaluator: createWorkflowEvaluator() });
  return (value, extra) => evaluate(value, { parameters, ...extra });
}

const answer = (statusCode: number, body: unknown = {}): TriggerOutputs => ({ statusCode, headers: { 'content-type': 'application/json' }, body });

describe('conditionsHold', () => {
  test('no conditions: every execution passes', () => {
    assert.equal(conditionsHold({ trigger: triggerWith(undefined), outputs: answer(200), evaluate: evaluator() }), true);
  });

  test("the reference's parameter condition", () => {
    const trigger = triggerWith([{ expression: "@parameters('sendReports')" }]);
    assert.equal(conditionsHold({ trigger, outputs: answer(200), evaluate: evaluator({ sendReports: true }) }), true);
    assert.equal(conditionsHold({ trigger, outputs: answer(200), evaluate: evaluator({ sendReports: false }) }), false);
  });

  test('several conditions must all hold (AND)', () => {
    const trigger = triggerWith([{ expression: "@equals(triggerBody()?['status'], 'new')" }, { expression: "@greater(triggerBody()?['amount'], 100)" }]);
    const evaluate = evaluator();
    assert.equal(conditionsHold({ trigger, outputs: answer(200, { status: 'new', amount: 150 }), evaluate }), true);
    assert.equal(conditionsHold({ trigger, outputs: answer(200, { status: 'new', amount: 50 }), evaluate }), false);
    assert.equal(conditionsHold({ trigger, outputs: answer(200, { status: 'old', amount: 150 }), evaluate }), false);
  });

  test("the doc's status conditions: triggers().code against the status name, and against numbers", () => {
    const byName = triggerWith([{ expression: "@equals(triggers().code, 'InternalServerError')" }]);
    assert.equal(conditionsHold({ trigger: byName, outputs: answer(500), evaluate: evaluator() }), true);
    assert.equal(conditionsHold({ trigger: byName, outputs: answer(200), evaluate: evaluator() }), false);
    const byNumber = triggerWith([{ expression: '@or(equals(triggers().code, 200),equals(triggers().code,201))' }]);
    assert.equal(conditionsHold({ trigger: byNumber, outputs: answer(201), evaluate: evaluator() }), true);
    assert.equal(conditionsHold({ trigger: byNumber, outputs: answer(202), evaluate: evaluator() }), false);
  });

  test('an interpolated condition reads True / False', () => {
    const trigger = triggerWith([{ expression: "@{equals(triggerBody()?['status'], 'new')}" }]);
    assert.equal(conditionsHold({ trigger, outputs: answer(200, { status: 'new' }), evaluate: evaluator() }), true);
    assert.equal(conditionsHold({ trigger, outputs: answer(200, { status: 'x' }), evaluate: evaluator() }), false);
  });

  test('a condition that is not a boolean is InvalidTriggerCondition, without the value', () => {
    const trigger = triggerWith([{ expression: "@triggerBody()?['status']" }]);
    assert.throws(
      () => conditionsHold({ trigger, outputs: answer(200, { status: 'secret-value' }), evaluate: evaluator() }),
      (error: unknown) => error instanceof Error && 'code' in error && error.code === 'InvalidTriggerCondition' && /condition 0 must evaluate to true or false, but it gave a string/.test(error.message) && !error.message.includes('secret-value'),
    );
  });

  test('conditions that are not an array of { expression } are reported before any poll', () => {
    assert.throws(() => prepareConditions(triggerWith({ expression: '@true' })), { code: 'InvalidTriggerCondition' });
    assert.throws(() => prepareConditions(triggerWith([{ when: '@true' }])), /condition 0 must be an object with an `expression`/);
  });
});

describe('prepareConditions', () => {
  test('tells which conditions read the status code', () => {
    const reads = (expression: string): boolean => prepareConditions(triggerWith([{ expression }])).referencesStatusCode;
    assert.equal(reads("@equals(triggers().code, 'InternalServerError')"), true);
    assert.equal(reads("@equals(trigger()?['code'], 'OK')"), true);
    assert.equal(reads("@equals(triggerOutputs()?['statusCode'], 201)"), true);
    assert.equal(reads('@equals(trigger().outputs.statusCode, 201)'), true);
    assert.equal(reads("@equals(triggerBody()?['code'], 'A1')"), false);
    assert.equal(reads("@equals(triggerBody()?['status'], 'new')"), false);
    assert.equal(prepareConditions(triggerWith(undefined)).referencesStatusCode, false);
  });
});

describe('firingsOf', () => {
  function webhook(raw: Record<string, unknown>): WorkflowTrigger {
    const trigger = loadWorkflowDefinition({ triggers: { hook: { type: 'HttpWebhook', inputs: { subscribe: { method: 'POST', uri: 'https://hooks.example.com/' } }, ...raw } }, actions: {} }).definition?.triggers[0];
    assert.ok(trigger);
    return trigger;
  }
  // A notification's outputs: headers, the sender's own queries, the body.
  const notification = { headers: { 'content-type': 'application/json' }, queries: { tenant: 'contoso' }, body: { orders: [{ id: 1, status: 'new' }, { id: 2, status: 'cancelled' }, { id: 3, status: 'new' }] } };

  test('splitOn first, then the conditions per item; the other members of the outputs stay on every item', () => {
    const trigger = webhook({ splitOn: "@triggerBody()?['orders']", conditions: [{ expression: "@equals(triggerBody()?['status'], 'new')" }] });
    const found = firingsOf({ trigger, outputs: notification, evaluate: evaluator(), now: Date.UTC(2025, 0, 1) });
    assert.equal(found.items, 3);
    assert.deepEqual(found.firings, [
      { headers: notification.headers, queries: { tenant: 'contoso' }, body: { id: 1, status: 'new' } },
      { headers: notification.headers, queries: { tenant: 'contoso' }, body: { id: 3, status: 'new' } },
    ]);
  });

  test('without splitOn the execution is one run, unless a condition rejects it', () => {
    assert.deepEqual(firingsOf({ trigger: webhook({}), outputs: notification, evaluate: evaluator() }).firings, [notification]);
    const rejected = firingsOf({ trigger: webhook({ conditions: [{ expression: "@equals(triggerOutputs()?['queries']?['tenant'], 'fabrikam')" }] }), outputs: notification, evaluate: evaluator() });
    assert.deepEqual(rejected, { items: 1, firings: [] });
  });

  test('with trigger concurrency on, splitOn debatches at most 100 items', () => {
    const outputs = { headers: {}, body: { orders: Array.from({ length: 101 }, (_, id) => ({ id })) } };
    const splitOn = "@triggerBody()?['orders']";
    assert.equal(firingsOf({ trigger: webhook({ splitOn }), outputs, evaluate: evaluator() }).firings.length, 101);
    assert.throws(() => firingsOf({ trigger: webhook({ splitOn, runtimeConfiguration: { concurrency: { runs: 2 } } }), outputs, evaluate: evaluator() }), { code: 'SplitOnLimitExceeded' });
  });
});
