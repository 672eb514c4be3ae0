/** Errors raised by the rate limiter. */
import { PlugboardError } from '../../core/index.ts';

/** Stable error codes of the rate limiter. */
export const RateLimitErrorCode = {
  /** Too many calls for one key (kind `user`, retryable; HTTP 429 with `Retry-After`). */
  RateLimited: 'RateLimited',
  /** A limiter option is invalid (kind `user`). */
  RateLimitConfigInvalid: 'RateLimitConfigInvalid',
} as const;

/** One of {@link RateLimitErrorCode}'s values. */
export type RateLimitErrorCode = (typeof RateLimitErrorCode)[keyof typeof RateLimitErrorCode];

/** Details of {@link RateLimitedError}; the HTTP mapper turns `retryAfterSeconds` into `Retry-After`. */
export type RateLimitedDetails = {
  readonly retryAfterSeconds: number;
  readonly limit: number;
  readonly windowMs: number;
};

/**
 * A call was refused by a rate limit. Kind `user` (the caller sent too much) and retryable; the
 * HTTP error mapper must answer 429 with a `Retry-After: <retryAfterSeconds>` header for this code
 * (ErrorKind has no rate-limit kind of its own).
 */
export class RateLimitedError extends PlugboardError {
  declare readonly details: RateLimitedDetails;

  constructor(message: string, details: RateLimitedDetails) {
    super(message, { code: RateLimitErrorCode.RateLimited, kind: 'user', retryable: true, details });
    this.name = 'RateLimitedError';
  }
}
