/**
 * The `$skiptoken` of run listings: where the previous page ended (start time and id of its last
 * run), as opaque base64url text. It holds no secret; a tampered token only moves the cursor.
 */
import { UserInputError } from '../../core/index.ts';
import { FlowsErrorCode } from './errors.ts';

/** The position after which the next page starts. */
export interface RunCursor {
  readonly id: string;
  readonly startedAt: number;
}

/** Encodes a cursor as a token. */
export function encodeRunCursor(cursor: RunCursor): string {
  return Buffer.from(JSON.stringify([cursor.startedAt, cursor.id]), 'utf8').toString('base64url');
}

/** Decodes a token made by {@link encodeRunCursor}; UserInputError (`RunSkipTokenInvalid`) otherwise. */
export function decodeRunCursor(token: string): RunCursor {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    value = undefined; // reported below, like any other malformed token
  }
  if (Array.isArray(value) && value.length === 2 && Number.isSafeInteger(value[0]) && typeof value[1] === 'string' && value[1] !== '') {
    return { startedAt: Number(value[0]), id: value[1] };
  }
  throw new UserInputError('the $skiptoken is not one this server handed out — follow the nextLink of the previous page, or leave $skiptoken out to start at the newest run', {
    code: FlowsErrorCode.RunSkipTokenInvalid,
    details: { parameter: '$skiptoken' },
  });
}
