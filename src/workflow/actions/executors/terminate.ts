/** Terminate: ends the run with a status (and, for Failed, an error). */
import { isRecord } from '../../../expressions/index.ts';
import type { ActionExecutor, RunTermination } from '../contract.ts';
import { badInput } from '../errors.ts';
import { describe, inputsRecord, memberOf } from '../inputs.ts';

const STATUSES: readonly RunTermination['runStatus'][] = ['Failed', 'Cancelled', 'Succeeded'];

/**
 * `Terminate` — `{ runStatus, runError?: { code, message } }`. The action itself succeeds; the
 * engine stops the run with `terminate`, cancels in-flight actions and skips the rest. `runError`
 * applies only to Failed (the docs), so it is ignored for the other statuses.
 */
export const terminateExecutor: ActionExecutor = {
  type: 'terminate',
  async execute(action, context) {
    const inputs = inputsRecord(action, { value: context.evaluate(action.inputs), expected: '`runStatus`' });
    const raw = memberOf(inputs, 'runStatus');
    const runStatus = typeof raw === 'string' ? STATUSES.find((s) => s.toLowerCase() === raw.trim().toLowerCase()) : undefined;
    if (runStatus === undefined) throw badInput({ action: action.name, input: 'runStatus' }, `must be one of ${STATUSES.join(', ')}${typeof raw === 'string' ? ` (got '${raw}')` : ''}`);
    const runError = memberOf(inputs, 'runError');
    let terminate: RunTermination = { runStatus };
    if (runStatus === 'Failed' && runError !== undefined && runError !== null) {
      if (!isRecord(runError)) throw badInput({ action: action.name, input: 'runError' }, `must be an object { "code", "message" } (got ${describe(runError)})`);
      const code = memberOf(runError, 'code');
      const message = memberOf(runError, 'message');
      if (code !== undefined && code !== null && typeof code !== 'string') throw badInput({ action: action.name, input: 'runError.code' }, `must be a string (got ${describe(code)})`);
      if (message !== undefined && message !== null && typeof message !== 'string') throw badInput({ action: action.name, input: 'runError.message' }, `must be a string (got ${describe(message)})`);
      terminate = { runStatus, ...(typeof code === 'string' ? { code } : {}), ...(typeof message === 'string' ? { message } : {}) };
    }
    const recorded = { runStatus, ...(runStatus === 'Failed' && isRecord(runError) ? { runError } : {}) };
    return { status: 'Succeeded', inputs: recorded, terminate };
  },
};
