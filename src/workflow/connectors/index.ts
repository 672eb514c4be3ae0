/**
 * The workflow engine's connector port over the gateway: connection references → Plugboard
 * connections, and ApiConnection / OpenApiConnection calls through the invoker.
 */
export { createConnectorPort } from './connector-port.ts';
export type { ConnectorPortOptions } from './connector-port.ts';
export { resolveConnectionReferences } from './connection-references.ts';
export type { ConnectionReferenceTable, ResolvedConnectionReference } from './connection-references.ts';
export { operationArguments } from './operation-arguments.ts';
export { ConnectorPortErrorCode } from './errors.ts';
