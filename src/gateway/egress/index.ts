/** Egress: the one outbound HTTP client, with the SSRF guard, timeouts, size cap, redirects and retry. */
export { createEgressClient, resolveEgressClientOptions } from './egress-client.ts';
export type { EgressClient, EgressClientOptions, EgressRequest, EgressResponse, ResolvedEgressClientOptions, Sleep } from './egress-client.ts';
export { classifyAddress, createAddressPolicy, normalizeHost } from './address-guard.ts';
export type { AddressClass, AddressPolicy, AddressPolicyOptions, BlockedRange, EmbeddedIpv4Form } from './address-guard.ts';
export type { EgressLookup, ResolvedAddress } from './guarded-connector.ts';
export { DEFAULT_RETRY_POLICY, isRetryableStatus, parseRetryAfter, retryDelay, validateRetryPolicy } from './retry-policy.ts';
export type { ExponentialRetryPolicy, FixedRetryPolicy, RetryPolicy } from './retry-policy.ts';
export {
  EgressAbortedError,
  EgressConnectionError,
  EgressDeniedError,
  EgressErrorCode,
  EgressTimeoutError,
  EgressTooManyRedirectsError,
  ResponseTooLargeError,
} from './errors.ts';
export type { EgressTimeoutPhase } from './errors.ts';
