/** Response: the reply to the caller of a Request trigger. */
import type { ActionExecutor } from '../contract.ts';
import { badInput } from '../errors.ts';
import { headerMap } from '../headers.ts';
import { describe, inputsRecord, memberOf } from '../inputs.ts';

/**
 * `Response` — `{ statusCode (default 200), headers?, body? }` → `response`. The docs allow 2xx,
 * 4xx and 5xx, not 3xx (nor 1xx). Where a Response may stand (not in Foreach/Until or parallel
 * branches, once per run) is the engine's to check.
 */
export const responseExecutor: ActionExecutor = {
  type: 'response',
  async execute(action, context) {
    const inputs = action.inputs === undefined || action.inputs === null ? {} : inputsRecord(action, { value: context.evaluate(action.inputs), expected: '`statusCode`, `headers` and `body`' });
    const raw = memberOf(inputs, 'statusCode');
    const statusCode = raw === undefined || raw === null ? 200 : typeof raw === 'string' && /^\s*\d{3}\s*$/.test(raw) ? Number(raw) : raw;
    if (typeof statusCode !== 'number' || !Number.isInteger(statusCode) || !(statusCode >= 200 && statusCode <= 299) && !(statusCode >= 400 && statusCode <= 599)) {
      throw badInput({ action: action.name, input: 'statusCode' }, `must be an HTTP status code in 200–299, 400–499 or 500–599 (got ${typeof statusCode === 'number' ? statusCode : describe(raw)}) — a Response cannot redirect (3xx)`);
    }
    const headers = headerMap({ action: action.name, input: 'headers' }, memberOf(inputs, 'headers'));
    const body = memberOf(inputs, 'body');
    const reply = { statusCode, headers, body: body === undefined ? null : body };
    const recorded = { statusCode, headers, ...(body === undefined ? {} : { body }) };
    return { status: 'Succeeded', inputs: recorded, outputs: recorded, response: reply };
  },
};
