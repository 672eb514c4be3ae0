/** splitOn: one run per element of the selected array, the element as body, with the documented limits. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createWorkflowEvaluator } from '../../expressions/index.ts';
import { createValueEvaluator } from '../actions/value-evaluator.ts';
import { loadWorkflowDefinition } from '../definition/load-workflow-definition.ts';
import type { WorkflowTrigger } from '../definition/model.ts';
import { TriggerStepError } from './polling-errors.ts';
import { SPLIT_ON_MAX_ITEMS_WITH_CONCURRENCY, splitOnItems, triggerResult } from './split-on.ts';
import type { TriggerEvaluate, TriggerOutputs } from './split-on.ts';

function triggerOf(raw: Record<string, unknown>): WorkflowTrigger {
  const trigger = loadWorkflowDefinition({ triggers: { Poll: { type: 'Http', inputs: { method: 'GET', uri: 'https://api.example.com/rows' }, ...raw } }, actions: {} }).definition?.triggers[0];
  assert.ok(trigger);
  return trigger;
}

function evaluator(parameters: Record<string, unknown> = {}): TriggerEvaluate {
  const evaluate = createValueEvaluator({ evaluator: createWorkflowEvaluator() });
  return (value, extra) => evaluate(value, { parameters, ...extra });
}

// The Logic Apps reference's splitOn example: an API returning Status + Rows.
const ROWS: TriggerOutputs = {
  statusCode: 200,
  headers: { 'content-type': 'application/json' },
  body: { Status: 'success', Rows: [{ id: 938109380, name: 'mycoolrow' }, { id: 938109381, name: 'another row' }] },
};

describe('splitOnItems', () => {
  test('the reference example: one run per row, the row as triggerBody, headers and status kept', () => {
    const firings = splitOnItems({ trigger: triggerOf({ splitOn: "@triggerBody()?.Rows" }), outputs: ROWS, evaluate: evaluator() });
    assert.deepEqual(firings, [
      { headers: ROWS.headers, statusCode: 200, body: { id: 938109380, name: 'mycoolrow' } },
      { headers: ROWS.headers, statusCode: 200, body: { id: 938109381, name: 'another row' } },
    ]);
  });

  test('without splitOn the execution is one run with the whole body', () => {
    assert.deepEqual(splitOnItems({ trigger: triggerOf({}), outputs: ROWS, evaluate: evaluator() }), [ROWS]);
  });

  test("Power Automate's path accessor and triggerOutputs() select the same array", () => {
    const firings = splitOnItems({ trigger: triggerOf({ splitOn: "@triggerOutputs()?['body/Rows']" }), outputs: ROWS, evaluate: evaluator() });
    assert.equal(firings.length, 2);
  });

  test('a missing array (null through ?) starts no run; an empty array neither', () => {
    assert.deepEqual(splitOnItems({ trigger: triggerOf({ splitOn: "@triggerBody()?['value']" }), outputs: ROWS, evaluate: evaluator() }), []);
    assert.deepEqual(splitOnItems({ trigger: triggerOf({ splitOn: '@triggerBody()?.Rows' }), outputs: { headers: {}, body: { Rows: [] } }, evaluate: evaluator() }), []);
  });

  test('a value that is not an array is InvalidSplitOn, naming the type', () => {
    assert.throws(
      () => splitOnItems({ trigger: triggerOf({ splitOn: '@triggerBody()?.Status' }), outputs: ROWS, evaluate: evaluator() }),
      (error: unknown) => error instanceof TriggerStepError && error.code === 'InvalidSplitOn' && /evaluate to an array, but it gave a string/.test(error.message) && !error.message.includes('success'),
    );
  });

  test('plain text is not a splitOn expression', () => {
    assert.throws(() => splitOnItems({ trigger: triggerOf({ splitOn: 'Rows' }), outputs: ROWS, evaluate: evaluator() }), { code: 'InvalidSplitOn' });
  });

  test('100,000 items are allowed; 100,001 fail with SplitOnLimitExceeded', () => {
    const trigger = triggerOf({ splitOn: '@triggerBody()' });
    const items = Array.from({ length: 100_000 }, (_, index) => index);
    assert.equal(splitOnItems({ trigger, outputs: { headers: {}, body: items }, evaluate: evaluator() }).length, 100_000);
    assert.throws(
      () => splitOnItems({ trigger, outputs: { headers: {}, body: [...items, 100_000] }, evaluate: evaluator() }),
      (error: unknown) => error instanceof TriggerStepError && error.code === 'SplitOnLimitExceeded' && /100001 items; at most 100000/.test(error.message),
    );
  });

  test('with trigger concurrency on the limit is 100 and the message says how to lift it', () => {
    const trigger = triggerOf({ splitOn: '@triggerBody()' });
    const body = Array.from({ length: 101 }, (_, index) => index);
    assert.throws(() => splitOnItems({ trigger, outputs: { headers: {}, body }, evaluate: evaluator(), maxItems: SPLIT_ON_MAX_ITEMS_WITH_CONCURRENCY }), /turn trigger concurrency off/);
  });

  test('splitOn may use parameters and utcNow() reads the poll time', () => {
    const trigger = triggerOf({ splitOn: "@if(startsWith(utcNow(), '2026-02-01T10:00:00'), triggerBody()?[parameters('list')], json('[]'))" });
    const firings = splitOnItems({ trigger, outputs: ROWS, evaluate: evaluator({ list: 'Rows' }), now: Date.UTC(2026, 1, 1, 10) });
    assert.equal(firings.length, 2);
  });
});

describe('triggerResult', () => {
  test('code is the status name, as run history shows it', () => {
    assert.equal(triggerResult({ name: 'Poll' }, { outputs: ROWS })['code'], 'OK');
    assert.equal(triggerResult({ name: 'Poll' }, { outputs: { headers: {}, statusCode: 500 } })['code'], 'InternalServerError');
    assert.equal(triggerResult({ name: 'Poll' }, { outputs: { headers: {}, statusCode: 299 } })['code'], '299');
  });
});
