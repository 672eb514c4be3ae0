/** Queue names: a portable subset, valid as pg-boss queue names too. */
import { UserInputError } from '../core/index.ts';
import { QueueErrorCode } from './errors.ts';

const QUEUE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/** Throws unless `name` is 1–100 letters, digits, `.`, `_` or `-`, starting with a letter or digit. */
export function requireQueueName(name: string): void {
  if (typeof name !== 'string' || !QUEUE_NAME.test(name)) {
    throw new UserInputError(`queue name ${JSON.stringify(name)} is invalid — use 1 to 100 letters, digits, ".", "_" or "-", starting with a letter or digit`, {
      code: QueueErrorCode.InvalidQueueInput,
    });
  }
}
