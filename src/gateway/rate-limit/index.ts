/** Rate limits: a per-key sliding-window limiter (per connection in the gateway). */
export { createRateLimiter } from './rate-limiter.ts';
export type { RateLimitDecision, RateLimiter, RateLimiterOptions } from './rate-limiter.ts';
export { RateLimitErrorCode, RateLimitedError } from './errors.ts';
export type { RateLimitedDetails } from './errors.ts';
