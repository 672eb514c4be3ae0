/**
 * The mock backend generated from a connector definition (`plugboard connector mock`, and
 * `connector test --mock`): schema-valid value and argument generation, request checking against
 * the operation as the backend sees it, and a node:http server answering every operation.
 */
export { generateValue, createValueGenerator } from './generate-value.ts';
export type { GenerateValueOptions, GenerateCallOptions, ValueGenerator } from './generate-value.ts';
export { createArgumentGenerator, generateArguments } from './generate-arguments.ts';
export type { ArgumentGenerator, GenerateArgumentsOptions, GeneratedFile } from './generate-arguments.ts';
export { createSchemaValidator } from './schema-validator.ts';
export type { SchemaCheck, SchemaCheckInput, SchemaProblem, SchemaValidator } from './schema-validator.ts';
export type { SchemaDirection } from './clean-schema.ts';
export { declaredView } from './route-table.ts';
export type { BackendView, BackendViewOf } from './route-table.ts';
export type { MockProblem } from './check-request.ts';
export { PAGE_PARAMETER, answerStatus, isSubscription, successResponse } from './mock-response.ts';
export { createMockBackend } from './mock-backend.ts';
export type { AuxiliaryRoute, MockBackend, MockBackendOptions, MockRequestRecord, MockRoute, MockSubscription } from './mock-backend.ts';
export { startMockServer } from './mock-server.ts';
export type { MockServer, MockServerOptions } from './mock-server.ts';
