import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { WorkflowTrigger } from '../definition/model.ts';
import { concurrencyIssues, triggerConcurrencyOf } from './trigger-concurrency.ts';

function trigger(raw: Record<string, unknown> = {}): WorkflowTrigger {
  return { name: 'manual', type: 'Request', kind: 'Http', inputs: {}, pointer: '/triggers/manual', raw: { type: 'Request', ...raw } };
}

test('no setting: runs are unlimited', () => {
  assert.equal(triggerConcurrencyOf(trigger()), undefined);
  assert.deepEqual(concurrencyIssues(trigger()), []);
  assert.equal(triggerConcurrencyOf(trigger({ operationOptions: 'IncludeAuthorizationHeadersInOutputs' })), undefined);
});

test('runs sets the limit; waiting runs default to 10 more than the limit', () => {
  assert.deepEqual(triggerConcurrencyOf(trigger({ runtimeConfiguration: { concurrency: { runs: 5 } } })), { runs: 5, maximumWaitingRuns: 15 });
  assert.deepEqual(triggerConcurrencyOf(trigger({ runtimeConfiguration: { concurrency: { runs: 100 } } })), { runs: 100, maximumWaitingRuns: 110 });
  assert.deepEqual(triggerConcurrencyOf(trigger({ runtimeConfiguration: { concurrency: { runs: 2, maximumWaitingRuns: 40 } } })), { runs: 2, maximumWaitingRuns: 40 });
});

test('SingleInstance means one run at a time, in any case and among other options', () => {
  assert.deepEqual(triggerConcurrencyOf(trigger({ operationOptions: 'singleInstance' })), { runs: 1, maximumWaitingRuns: 11 });
  assert.deepEqual(triggerConcurrencyOf(trigger({ operationOptions: 'IncludeAuthorizationHeadersInOutputs, SingleInstance', runtimeConfiguration: { concurrency: { maximumWaitingRuns: 3 } } })), { runs: 1, maximumWaitingRuns: 3 });
});

test('invalid settings are refused with a pointer and no limit is applied from them', () => {
  const cases: [Record<string, unknown>, string, RegExp][] = [
    [{ runtimeConfiguration: { concurrency: { runs: 0 } } }, '/triggers/manual/runtimeConfiguration/concurrency/runs', /1 to 100, not 0/],
    [{ runtimeConfiguration: { concurrency: { runs: 101 } } }, '/triggers/manual/runtimeConfiguration/concurrency/runs', /not 101/],
    [{ runtimeConfiguration: { concurrency: { runs: 2.5 } } }, '/triggers/manual/runtimeConfiguration/concurrency/runs', /whole number/],
    [{ runtimeConfiguration: { concurrency: { runs: '5' } } }, '/triggers/manual/runtimeConfiguration/concurrency/runs', /not "5"/],
    [{ runtimeConfiguration: { concurrency: { runs: 2, maximumWaitingRuns: 0 } } }, '/triggers/manual/runtimeConfiguration/concurrency/maximumWaitingRuns', /1 to 200/],
    [{ runtimeConfiguration: { concurrency: { maximumWaitingRuns: 5 } } }, '/triggers/manual/runtimeConfiguration/concurrency/maximumWaitingRuns', /needs a concurrency limit/],
    [{ operationOptions: 'SingleInstance', runtimeConfiguration: { concurrency: { runs: 3 } } }, '/triggers/manual/runtimeConfiguration/concurrency/runs', /both .*SingleInstance/],
    [{ runtimeConfiguration: { concurrency: 4 } }, '/triggers/manual/runtimeConfiguration/concurrency', /must be an object/],
  ];
  for (const [raw, path, message] of cases) {
    const issues = concurrencyIssues(trigger(raw));
    assert.equal(issues.length, 1, JSON.stringify(raw));
    assert.equal(issues[0]?.path, path);
    assert.equal(issues[0]?.severity, 'error');
    assert.match(issues[0]?.message ?? '', message);
    assert.equal(triggerConcurrencyOf(trigger(raw)), undefined);
  }
});
