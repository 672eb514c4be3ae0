/** Run history views built from journal rows: last attempt, last iteration by number, repetitions in order. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ActionRecord, RunRecord } from '../../../src/storage/index.ts';
import { compareIterationKeys, repetitionViews, runDocument } from '../../../src/workflow/index.ts';

const RUN: RunRecord = {
  id: 'run-1',
  flowId: 'flow-1',
  flowVersion: 2,
  environmentId: 'env-1',
  status: 'Succeeded',
  triggerName: 'manual',
  error: null,
  correlationId: null,
  clientTrackingId: 'order-7',
  startedBy: null,
  startedAt: Date.UTC(2026, 0, 2, 3, 4, 5),
  endedAt: Date.UTC(2026, 0, 2, 3, 4, 9),
  triggerOutputs: { body: { n: 1 } },
  outputs: { total: 3 },
};

let clock = RUN.startedAt;
function attempt(name: string, iterationKey: string, fields: Partial<ActionRecord> = {}): ActionRecord {
  clock += 10;
  return {
    id: `${name}-${iterationKey}-${fields.attempt ?? 1}`,
    runId: RUN.id,
    name,
    iterationKey,
    attempt: 1,
    status: 'Succeeded',
    inputs: null,
    outputs: `${name}@${iterationKey}`,
    error: null,
    trackedProperties: null,
    idempotencyKey: `${RUN.id}/${iterationKey}/${name}`,
    startedAt: clock,
    endedAt: clock + 5,
    ...fields,
  };
}

describe('run history views', () => {
  test('an action restarted after a crash shows its last attempt and counts both', () => {
    const rows = [
      attempt('Call', '', { status: 'Aborted', outputs: null, endedAt: null }),
      attempt('Call', '', { attempt: 2, outputs: 'second try' }),
    ];
    const document = runDocument(RUN, rows);
    assert.deepEqual(document.actions['Call'], {
      status: 'Succeeded',
      inputs: null,
      outputs: 'second try',
      error: null,
      attempts: 2,
      startTime: new Date(rows[1]?.startedAt ?? 0).toISOString(),
      endTime: new Date(rows[1]?.endedAt ?? 0).toISOString(),
    });
    assert.equal(document.clientTrackingId, 'order-7');
    assert.deepEqual(document.trigger, { name: 'manual', outputs: { body: { n: 1 } } });
    assert.equal(document.startTime, '2026-01-02T03:04:05.000Z');
  });

  test('nested loops: the last iteration is the highest number at each level, whatever order the rows came in', () => {
    const keys = ['Outer[1]/Inner[10]', 'Outer[0]/Inner[2]', 'Outer[1]/Inner[9]', 'Outer[0]/Inner[11]', 'Outer[1]/Inner[2]'];
    const rows = keys.map((key) => attempt('Step', key));
    const document = runDocument(RUN, rows);
    assert.equal(document.actions['Step']?.outputs, 'Step@Outer[1]/Inner[10]');
    assert.equal(document.actions['Step']?.iterations, 5);
    assert.deepEqual(
      repetitionViews(rows, 'Step')?.map((r) => r.iterationKey),
      ['Outer[0]/Inner[2]', 'Outer[0]/Inner[11]', 'Outer[1]/Inner[2]', 'Outer[1]/Inner[9]', 'Outer[1]/Inner[10]'],
    );
  });

  test('repetitions count the attempts of each iteration and find the action regardless of case', () => {
    const rows = [attempt('Each', 'Loop[0]'), attempt('Each', 'Loop[1]', { status: 'Aborted' }), attempt('Each', 'Loop[1]', { attempt: 2, status: 'Failed', error: { code: 'X', message: 'y' } })];
    const repetitions = repetitionViews(rows, 'each');
    assert.deepEqual(repetitions?.map((r) => [r.iterationKey, r.status, r.attempts]), [['Loop[0]', 'Succeeded', 1], ['Loop[1]', 'Failed', 2]]);
    assert.deepEqual(repetitions?.[1]?.error, { code: 'X', message: 'y' });
    assert.equal(repetitionViews(rows, 'Other'), undefined);
  });

  test('iteration keys order by number, not by text', () => {
    assert.ok(compareIterationKeys('Loop[9]', 'Loop[10]') < 0);
    assert.ok(compareIterationKeys('A[1]/B[0]', 'A[1]') > 0);
    assert.equal(compareIterationKeys('', ''), 0);
  });
});
