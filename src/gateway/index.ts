/**
 * Gateway: every call of a connector operation goes through here — connection, custom code,
 * rate limit, request built from arguments, credentials, policies, egress, response handling.
 */
export { createInvoker, isUpstreamError } from './invoke/invoker.ts';
export type { Invoker, InvokerOptions, InvokeRequest, InvokeResult, RawInvokeRequest } from './invoke/invoker.ts';
export type {
  AccessTokens,
  CallLimiter,
  Caller,
  ConnectionAccess,
  ConnectorLookup,
  ConnectorPolicies,
  CustomCodeHook,
  CustomCodeResolver,
  Egress,
  EgressAnswer,
  EgressCall,
  PolicyCompiler,
  PolicyStepContext,
  ResolvedConnector,
  ScriptAnswer,
  ScriptMessage,
  UsableConnection,
  WorkingResponse,
} from './invoke/ports.ts';
export { buildRequest, baseUrlOf } from './invoke/build-request.ts';
export type { BuiltRequest, OperationArguments } from './invoke/build-request.ts';
export { matchOperation } from './invoke/match-operation.ts';
export type { OperationMatch } from './invoke/match-operation.ts';
export { requestUrl } from './invoke/outgoing-request.ts';
export type { OutgoingRequest, FormBody, FilePart, BinaryBody } from './invoke/outgoing-request.ts';
export { createRedactor } from './invoke/redact.ts';
export type { Redactor } from './invoke/redact.ts';
export { UpstreamError, parameterInvalid, parameterMissing } from './errors.ts';
export { dynamicValues, dynamicSchema } from './dynamic/dynamic.ts';
export type { DynamicLookup, DynamicValue } from './dynamic/dynamic.ts';
export { testConnector, throwawayConnection } from './connector-test/connector-test.ts';
export type { ConnectorTestParts, ConnectorTestReport, OperationTestResult, RunningMock } from './connector-test/connector-test.ts';
export {
  createEgressClient,
  resolveEgressClientOptions,
  classifyAddress,
  createAddressPolicy,
  DEFAULT_RETRY_POLICY,
  EgressDeniedError,
  EgressTimeoutError,
  EgressConnectionError,
  EgressErrorCode,
  ResponseTooLargeError,
} from './egress/index.ts';
export type { EgressClient, EgressClientOptions, EgressRequest, EgressResponse, RetryPolicy, EgressLookup } from './egress/index.ts';
export { createRateLimiter, RateLimitedError } from './rate-limit/index.ts';
export type { RateLimiter, RateLimiterOptions } from './rate-limit/index.ts';
export { compilePolicies } from './invoke/compile-policies.ts';
export { createMockTestParts } from './connector-test/mock-parts.ts';
export type { MockTestParts } from './connector-test/mock-parts.ts';
export { startMockServer, createMockBackend, generateArguments, generateValue, declaredView } from './mock/index.ts';
export type { MockServer, MockServerOptions, MockRoute, MockRequestRecord, MockBackend, BackendView, BackendViewOf } from './mock/index.ts';
export { createCustomCodeResolver, customCodeSupport, createScriptRunner } from './script/index.ts';
export { runSandboxedFunction } from './script/index.ts';
export type { SandboxedFunctionFailure, SandboxedFunctionLimits, SandboxedFunctionOptions, SandboxedFunctionResult } from './script/index.ts';
