/**
 * The journal of a run being resumed: the attempts an earlier process recorded, by action and loop
 * iteration, and how a finished leaf action's recorded result is applied again (variables, the
 * reply, a termination) without running the action a second time.
 */
import { isRecord } from '../../expressions/index.ts';
import type { ActionRecord } from '../../storage/index.ts';
import type { ActionResponse, RunTermination } from '../actions/contract.ts';
import type { VariableStore, VariableType } from '../actions/variable-store.ts';

/** The latest recorded attempt of each action in each iteration. */
export interface RunJournal {
  /** The latest attempt of `name` in the iteration `iterationKey`, if any was recorded. */
  latest(iterationKey: string, name: string): ActionRecord | undefined;
}

/** An empty journal (a run that starts now). */
export const EMPTY_JOURNAL: RunJournal = Object.freeze({ latest: () => undefined });

/** Builds the journal from a run's attempts (as `RunStore.listActions` returns them). */
export function createJournal(records: readonly ActionRecord[]): RunJournal {
  const latest = new Map<string, ActionRecord>();
  for (const record of records) {
    const key = journalKey(record.iterationKey, record.name);
    const known = latest.get(key);
    if (known === undefined || record.attempt > known.attempt) latest.set(key, record);
  }
  return { latest: (iterationKey, name) => latest.get(journalKey(iterationKey, name)) };
}

function journalKey(iterationKey: string, name: string): string {
  return `${iterationKey}\u0000${name}`;
}

/** True for a recorded status that ends the attempt (anything but Running/Waiting). */
export function isFinalRecord(record: ActionRecord): boolean {
  return record.status !== 'Running' && record.status !== 'Waiting';
}

/**
 * Applies a finished variable action's recorded effect to `variables`, as its execution did:
 * InitializeVariable declares, Set/Increment/Decrement set the recorded new value, the Append
 * actions append the recorded value. Secured records hold no values: nothing can be applied.
 */
export function replayVariableEffect(type: string, record: ActionRecord, variables: VariableStore): void {
  if (record.status !== 'Succeeded') return;
  switch (type.toLowerCase()) {
    case 'initializevariable': {
      const declared = isRecord(record.inputs) ? record.inputs['variables'] : undefined;
      if (!Array.isArray(declared)) return;
      for (const variable of declared) {
        if (!isRecord(variable) || typeof variable['name'] !== 'string' || typeof variable['type'] !== 'string') continue;
        if (variables.declared(variable['name']) !== undefined) continue;
        variables.declare({ name: variable['name'], type: variable['type'] as VariableType, value: variable['value'] ?? null });
      }
      return;
    }
    case 'setvariable':
    case 'incrementvariable':
    case 'decrementvariable': {
      const body = isRecord(record.outputs) ? record.outputs['body'] : undefined;
      if (isRecord(body) && typeof body['name'] === 'string') variables.set(body['name'], body['value']);
      return;
    }
    case 'appendtoarrayvariable':
    case 'appendtostringvariable': {
      const inputs = record.inputs;
      if (!isRecord(inputs) || typeof inputs['name'] !== 'string') return;
      if (type.toLowerCase() === 'appendtoarrayvariable') variables.append(inputs['name'], inputs['value']);
      else variables.set(inputs['name'], `${String(variables.get(inputs['name']) ?? '')}${String(inputs['value'] ?? '')}`);
      return;
    }
    default:
      return;
  }
}

/** The reply a finished Response action recorded (its outputs), if readable. */
export function recordedResponse(record: ActionRecord): ActionResponse | undefined {
  const outputs = record.outputs;
  if (record.status !== 'Succeeded' || !isRecord(outputs) || typeof outputs['statusCode'] !== 'number') return undefined;
  const headers = isRecord(outputs['headers']) ? (outputs['headers'] as Record<string, string>) : {};
  return { statusCode: outputs['statusCode'], headers, body: outputs['body'] ?? null };
}

/** The termination a finished Terminate action recorded (its inputs). */
export function recordedTermination(record: ActionRecord): RunTermination | undefined {
  const inputs = record.inputs;
  if (record.status !== 'Succeeded' || !isRecord(inputs)) return undefined;
  const runStatus = inputs['runStatus'];
  if (runStatus !== 'Failed' && runStatus !== 'Cancelled' && runStatus !== 'Succeeded') return undefined;
  const runError = isRecord(inputs['runError']) ? inputs['runError'] : undefined;
  return {
    runStatus,
    ...(runStatus === 'Failed' && typeof runError?.['code'] === 'string' ? { code: runError['code'] } : {}),
    ...(runStatus === 'Failed' && typeof runError?.['message'] === 'string' ? { message: runError['message'] } : {}),
  };
}
