/** runAfter decisions, skip propagation, and scope / run status — the rules of wdl.md §5, table by table. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CONTAINER_FAILED_ERROR, failedBranchEnds, loopStatus, runStatus, scopeStatus, shouldRun, skipError } from '../../src/workflow/index.ts';
import type { FinishedAction, ActionStatus, RunAfter, RunAfterStatus } from '../../src/workflow/index.ts';

const ALL: readonly RunAfterStatus[] = ['Succeeded', 'Failed', 'Skipped', 'TimedOut'];
const CATCH: readonly RunAfterStatus[] = ['Failed', 'Skipped', 'TimedOut'];

describe('shouldRun: one predecessor', () => {
  // [runAfter statuses of A, how A ended, decision]
  const rows: ReadonlyArray<readonly [readonly RunAfterStatus[], ActionStatus, 'run' | 'skip']> = [
    [['Succeeded'], 'Succeeded', 'run'],
    [['Succeeded'], 'Failed', 'skip'],
    [['Succeeded'], 'Skipped', 'skip'],
    [['Succeeded'], 'TimedOut', 'skip'],
    [['Failed'], 'Failed', 'run'],
    [['Failed'], 'Succeeded', 'skip'],
    [['Failed'], 'Skipped', 'skip'],
    [['Failed'], 'TimedOut', 'skip'],
    [['Skipped'], 'Skipped', 'run'],
    [['Skipped'], 'Succeeded', 'skip'],
    [['TimedOut'], 'TimedOut', 'run'],
    [['TimedOut'], 'Failed', 'skip'],
    // Catch: runs on any failure, is skipped when the try succeeded.
    [CATCH, 'Failed', 'run'],
    [CATCH, 'Skipped', 'run'],
    [CATCH, 'TimedOut', 'run'],
    [CATCH, 'Succeeded', 'skip'],
    // Finally: runs whatever happened.
    [ALL, 'Succeeded', 'run'],
    [ALL, 'Failed', 'run'],
    [ALL, 'Skipped', 'run'],
    [ALL, 'TimedOut', 'run'],
    [['Succeeded', 'Failed'], 'Skipped', 'skip'],
    // An action cancelled by its limit.timeout (code ActionTimedOut) counts as TimedOut; Aborted as Failed.
    [['TimedOut'], 'Cancelled', 'run'],
    [['Succeeded'], 'Cancelled', 'skip'],
    [['Failed'], 'Aborted', 'run'],
    [['Succeeded'], 'Aborted', 'skip'],
    // An empty list is the designer default ["Succeeded"].
    [[], 'Succeeded', 'run'],
    [[], 'Failed', 'skip'],
  ];
  for (const [listed, actual, expected] of rows) {
    test(`runAfter A ${JSON.stringify(listed)}, A ${actual} → ${expected}`, () => {
      assert.equal(shouldRun({ A: listed }, { A: actual }).kind, expected);
    });
  }

  test('runAfter {} or none starts at once', () => {
    assert.deepEqual(shouldRun({}, {}), { kind: 'run' });
    assert.deepEqual(shouldRun(undefined, {}), { kind: 'run' });
  });
});

describe('shouldRun: several predecessors', () => {
  const both: RunAfter = { A: ['Succeeded'], B: ['Succeeded'] };

  test('waits while any predecessor is unfinished, even if another already rules the action out', () => {
    assert.deepEqual(shouldRun(both, { A: 'Succeeded' }), { kind: 'wait', pending: ['B'] });
    assert.deepEqual(shouldRun(both, { A: 'Failed', B: undefined }), { kind: 'wait', pending: ['B'] });
    assert.deepEqual(shouldRun(both, {}), { kind: 'wait', pending: ['A', 'B'] });
  });

  test('runs only when every predecessor ended with one of its listed statuses', () => {
    assert.deepEqual(shouldRun(both, { A: 'Succeeded', B: 'Succeeded' }), { kind: 'run' });
    assert.deepEqual(shouldRun({ A: ['Succeeded'], B: ['Failed'] }, { A: 'Succeeded', B: 'Failed' }), { kind: 'run' });
    assert.deepEqual(shouldRun(both, { A: 'Succeeded', B: 'Failed' }), { kind: 'skip', unmet: [{ action: 'B', expected: ['Succeeded'], actual: 'Failed' }] });
  });

  test('a skipped action records why, as Logic Apps words it', () => {
    const decision = shouldRun({ Try: CATCH }, { Try: 'Succeeded' });
    assert.equal(decision.kind, 'skip');
    if (decision.kind !== 'skip') return;
    assert.deepEqual(skipError('Catch', decision.unmet), {
      code: 'ActionConditionFailed',
      message: "The execution of template action 'Catch' is skipped: the 'runAfter' condition for action 'Try' is not satisfied. Expected status values 'Failed', 'Skipped', 'TimedOut' and actual value 'Succeeded'.",
    });
  });

  test('a status for a name that is only inherited from Object.prototype counts as unfinished', () => {
    const runAfter: RunAfter = JSON.parse('{ "constructor": ["Succeeded"] }');
    assert.equal(shouldRun(runAfter, {}).kind, 'wait');
  });
});

interface Step {
  readonly name: string;
  readonly runAfter: RunAfter;
  /** How the action ends when it runs. */
  readonly outcome: ActionStatus;
}

/** Runs a container's steps in order (each listed after its predecessors) through shouldRun, like the engine will. */
function simulate(steps: readonly Step[]): FinishedAction[] {
  const statuses: Record<string, ActionStatus> = {};
  for (const step of steps) {
    const decision = shouldRun(step.runAfter, statuses);
    assert.notEqual(decision.kind, 'wait', `${step.name} listed before its predecessors`);
    statuses[step.name] = decision.kind === 'run' ? step.outcome : 'Skipped';
  }
  return steps.map((step) => ({ name: step.name, runAfter: step.runAfter, status: statuses[step.name] ?? 'Skipped' }));
}

const statusesOf = (outcomes: readonly FinishedAction[]) => Object.fromEntries(outcomes.map((o) => [o.name, o.status]));

describe('skip propagation', () => {
  test('a failure skips every chain whose runAfter does not list Skipped, and a Skipped listener runs', () => {
    const outcomes = simulate([
      { name: 'A', runAfter: {}, outcome: 'Failed' },
      { name: 'B', runAfter: { A: ['Succeeded'] }, outcome: 'Succeeded' },
      { name: 'C', runAfter: { B: ['Succeeded'] }, outcome: 'Succeeded' },
      { name: 'D', runAfter: { C: ['Skipped'] }, outcome: 'Succeeded' },
      { name: 'E', runAfter: { C: ['Succeeded', 'Failed'] }, outcome: 'Succeeded' },
    ]);
    assert.deepEqual(statusesOf(outcomes), { A: 'Failed', B: 'Skipped', C: 'Skipped', D: 'Succeeded', E: 'Skipped' });
  });
});

describe('scope and run status', () => {
  const tryCatchFinally = (tryOutcome: ActionStatus, catchOutcome: ActionStatus): FinishedAction[] =>
    simulate([
      { name: 'Try', runAfter: {}, outcome: tryOutcome },
      { name: 'Catch', runAfter: { Try: CATCH }, outcome: catchOutcome },
      { name: 'Finally', runAfter: { Catch: ALL }, outcome: 'Succeeded' },
    ]);

  // [description, outcomes, expected container status]
  const rows: ReadonlyArray<readonly [string, readonly FinishedAction[], 'Succeeded' | 'Failed']> = [
    ['no actions', [], 'Succeeded'],
    ['all succeeded', [{ name: 'A', status: 'Succeeded' }, { name: 'B', status: 'Succeeded', runAfter: { A: ['Succeeded'] } }], 'Succeeded'],
    ['the last action failed', [{ name: 'A', status: 'Succeeded' }, { name: 'B', status: 'Failed', runAfter: { A: ['Succeeded'] } }], 'Failed'],
    ['the last action timed out', [{ name: 'A', status: 'TimedOut' }], 'Failed'],
    ['the last action was aborted', [{ name: 'A', status: 'Aborted' }], 'Failed'],
    ['the last action was cancelled by its timeout', [{ name: 'A', status: 'Cancelled' }], 'Failed'],
    ['a failure handled by a successor that runs after Failed', [{ name: 'A', status: 'Failed' }, { name: 'Handler', status: 'Succeeded', runAfter: { A: ['Failed'] } }], 'Succeeded'],
    ['a branch ending in an action skipped because its predecessor failed', [{ name: 'A', status: 'Failed' }, { name: 'B', status: 'Skipped', runAfter: { A: ['Succeeded'] } }], 'Failed'],
    ['a branch ending in an action skipped because its predecessor succeeded', [{ name: 'A', status: 'Succeeded' }, { name: 'Catch', status: 'Skipped', runAfter: { A: CATCH } }], 'Succeeded'],
    [
      'a skipped chain two deep takes the status of the first real predecessor',
      [{ name: 'A', status: 'Failed' }, { name: 'B', status: 'Skipped', runAfter: { A: ['Succeeded'] } }, { name: 'C', status: 'Skipped', runAfter: { B: ['Succeeded'] } }],
      'Failed',
    ],
    [
      'a handled failure with a parallel branch skipped because of it',
      [{ name: 'A', status: 'Failed' }, { name: 'Handler', status: 'Succeeded', runAfter: { A: ['Failed'] } }, { name: 'Other', status: 'Skipped', runAfter: { A: ['Succeeded'] } }],
      'Failed',
    ],
    ['parallel branches, one failed', [{ name: 'A', status: 'Succeeded' }, { name: 'B', status: 'Failed' }], 'Failed'],
    ['try failed, catch succeeded, finally succeeded', tryCatchFinally('Failed', 'Succeeded'), 'Succeeded'],
    ['try succeeded, catch skipped, finally succeeded', tryCatchFinally('Succeeded', 'Succeeded'), 'Succeeded'],
    ['try timed out, catch failed, finally succeeded (finally ends the branch)', tryCatchFinally('TimedOut', 'Failed'), 'Succeeded'],
    ['try failed, catch failed, no finally', tryCatchFinally('Failed', 'Failed').slice(0, 2), 'Failed'],
  ];
  for (const [description, outcomes, expected] of rows) {
    test(`${description} → ${expected}`, () => {
      assert.equal(scopeStatus(outcomes), expected);
      assert.equal(runStatus({ actions: outcomes }), expected);
    });
  }

  test('failedBranchEnds names the ends that fail the container', () => {
    assert.deepEqual(failedBranchEnds([{ name: 'A', status: 'Failed' }, { name: 'Handler', status: 'Succeeded', runAfter: { A: ['Failed'] } }, { name: 'Other', status: 'Skipped', runAfter: { A: ['Succeeded'] } }]), ['Other']);
  });

  test('Terminate sets the run status, whatever the actions did', () => {
    const succeeded: FinishedAction[] = [{ name: 'A', status: 'Succeeded' }];
    const failed: FinishedAction[] = [{ name: 'A', status: 'Failed' }];
    assert.equal(runStatus({ actions: succeeded, terminated: 'Cancelled' }), 'Cancelled');
    assert.equal(runStatus({ actions: succeeded, terminated: 'Failed' }), 'Failed');
    assert.equal(runStatus({ actions: failed, terminated: 'Succeeded' }), 'Succeeded');
  });

  test('a loop fails when any iteration failed', () => {
    assert.equal(loopStatus([]), 'Succeeded');
    assert.equal(loopStatus(['Succeeded', 'Succeeded']), 'Succeeded');
    assert.equal(loopStatus(['Succeeded', 'Failed', 'Succeeded']), 'Failed');
  });

  test('a failed container records Logic Apps\' ActionFailed error', () => {
    assert.deepEqual({ ...CONTAINER_FAILED_ERROR }, { code: 'ActionFailed', message: 'An action failed. No dependent actions succeeded.' });
  });

  test('a runAfter cycle (rejected by validation) does not hang the aggregation', () => {
    assert.equal(scopeStatus([{ name: 'A', status: 'Skipped', runAfter: { B: ['Succeeded'] } }, { name: 'B', status: 'Skipped', runAfter: { A: ['Succeeded'] } }]), 'Succeeded');
  });
});
