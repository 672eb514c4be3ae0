/** Select: maps every item of `from` through `select` (an object map, or one expression in text mode). */
import type { ActionExecutor } from '../contract.ts';
import { badInput } from '../errors.ts';
import { atItem, evaluateMember, fromItems, inputsRecord, memberOf } from '../inputs.ts';
import { DEFAULT_ACTION_LIMITS } from '../limits.ts';

/** `Select` — `{ from, select }`; the output has exactly as many items as `from`. */
export const selectExecutor: ActionExecutor = {
  type: 'select',
  async execute(action, context) {
    const raw = inputsRecord(action, { value: action.inputs, expected: '`from` and `select`' });
    const limits = context.limits ?? DEFAULT_ACTION_LIMITS;
    const from = fromItems(action, { value: evaluateMember(context, { record: raw, name: 'from' }), limit: limits.maxDataOperationItems });
    const select = memberOf(raw, 'select');
    if (select === undefined) throw badInput({ action: action.name, input: 'select' }, 'is required — a map such as { "number": "@item()" } or one expression');
    const body = from.map((item, index) => {
      try {
        return context.evaluate(select, { item });
      } catch (error) {
        throw atItem(error, { input: 'select', index });
      }
    });
    return { status: 'Succeeded', inputs: { from, select }, outputs: { body } };
  },
};
