/**
 * Policies: the 16 connector policy templates (one module each, found through a registry),
 * compiled per connector into a chain the gateway runs around every call. Pure: the gateway gives
 * the connection values and the auxiliary sender.
 */
export { createPolicyChain } from './chain.ts';
export type { PolicyChain, PolicyChainOptions } from './chain.ts';
export type { BackendView, PolicyContext, PolicyRequest, PolicyResponse, PolicyResponseResult, PollQuery, PollingTriggerConfig } from './model.ts';
export { PolicyError, POLICY_ERROR_CODES } from './errors.ts';
export type { PolicyLocation } from './errors.ts';
export { SUPPORTED_POLICY_TEMPLATES } from './registry.ts';
