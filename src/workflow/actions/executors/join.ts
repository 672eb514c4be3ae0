/** Join: the items of `from` as text, separated by `joinWith`. */
import type { ActionExecutor } from '../contract.ts';
import { badInput } from '../errors.ts';
import { describe, fromItems, inputsRecord, memberOf } from '../inputs.ts';
import { DEFAULT_ACTION_LIMITS } from '../limits.ts';
import { wdlJoin } from '../wdl-text.ts';

/** `Join` — `{ from, joinWith }` → `outputs.body`, written as `join()` writes items (`True`, JSON for objects). */
export const joinExecutor: ActionExecutor = {
  type: 'join',
  async execute(action, context) {
    const inputs = inputsRecord(action, { value: context.evaluate(action.inputs), expected: '`from` and `joinWith`' });
    const limits = context.limits ?? DEFAULT_ACTION_LIMITS;
    const from = fromItems(action, { value: memberOf(inputs, 'from'), limit: limits.maxDataOperationItems });
    const joinWith = memberOf(inputs, 'joinWith');
    if (typeof joinWith !== 'string') throw badInput({ action: action.name, input: 'joinWith' }, joinWith === undefined ? 'is required — the separator, such as ","' : `must be a string (got ${describe(joinWith)})`);
    return { status: 'Succeeded', inputs: { from, joinWith }, outputs: { body: wdlJoin(from, joinWith) } };
  },
};
