/** Query ("Filter array"): the items of `from` for which `where` holds, in order. */
import type { ActionExecutor } from '../contract.ts';
import { evaluateCondition } from '../conditions.ts';
import { badInput } from '../errors.ts';
import { atItem, evaluateMember, fromItems, inputsRecord, memberOf } from '../inputs.ts';
import { DEFAULT_ACTION_LIMITS } from '../limits.ts';

/** `Query` — `{ from, where }`; `where` is evaluated per item with `item()`; no match gives `[]`. */
export const queryExecutor: ActionExecutor = {
  type: 'query',
  async execute(action, context) {
    const raw = inputsRecord(action, { value: action.inputs, expected: '`from` and `where`' });
    const limits = context.limits ?? DEFAULT_ACTION_LIMITS;
    const from = fromItems(action, { value: evaluateMember(context, { record: raw, name: 'from' }), limit: limits.maxDataOperationItems });
    const where = memberOf(raw, 'where');
    if (where === undefined || where === null || where === '') throw badInput({ action: action.name, input: 'where' }, 'is required — a condition on item(), such as "@greater(item(), 2)"');
    const body: unknown[] = [];
    for (let index = 0; index < from.length; index++) {
      const item = from[index];
      let keep: boolean;
      try {
        keep = evaluateCondition(where, { evaluate: (value, extra) => context.evaluate(value, extra), extra: { item } });
      } catch (error) {
        throw atItem(error, { input: 'where', index });
      }
      if (keep) body.push(item);
    }
    return { status: 'Succeeded', inputs: { from, where }, outputs: { body } };
  },
};
