/**
 * Error codes of one trigger step (a poll, splitOn, trigger conditions). A failed poll reports
 * `{ code, message }` in its result rather than throwing; the helpers (`splitOnItems`,
 * `conditionsHold`) throw {@link TriggerStepError} with these codes. Codes of the HTTP answer
 * itself are the .NET status names (`NotFound`, `InternalServerError`), as actions report them.
 */
import { PlugboardError } from '../../core/index.ts';
import type { ErrorKind } from '../../core/index.ts';

/** Stable codes of trigger steps. */
export const TriggerStepErrorCode = {
  /** The trigger's type cannot be polled (only Http, ApiConnection and OpenApiConnection can). */
  TriggerNotPollable: 'TriggerNotPollable',
  /** `splitOn` gave more items than the limit (100,000; 100 with trigger concurrency on). */
  SplitOnLimitExceeded: 'SplitOnLimitExceeded',
  /** `splitOn` is not an expression, or its value is not an array. */
  InvalidSplitOn: 'InvalidSplitOn',
  /** `conditions` is not an array of `{ expression }`, or a condition's value is not a boolean. */
  InvalidTriggerCondition: 'InvalidTriggerCondition',
  /** The engine gave the Http trigger no outbound HTTP client. */
  HttpNotAvailable: 'HttpNotAvailable',
  /** The engine gave a connector trigger no connector port. */
  ConnectorNotAvailable: 'ConnectorNotAvailable',
  /** A 4xx/5xx answer whose status has no .NET name. */
  TriggerFailed: 'TriggerFailed',
} as const;

/** Options of {@link TriggerStepError}. */
export interface TriggerStepErrorOptions {
  readonly code: string;
  readonly kind?: ErrorKind;
  readonly details?: Readonly<Record<string, unknown>>;
  readonly cause?: unknown;
}

/** A failure of one trigger step; the message names the trigger, the member and the fix, never a value. */
export class TriggerStepError extends PlugboardError {
  constructor(message: string, options: TriggerStepErrorOptions) {
    super(message, { code: options.code, kind: options.kind ?? 'user', details: options.details, cause: options.cause });
    this.name = 'TriggerStepError';
  }
}
