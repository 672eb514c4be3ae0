/**
 * OpenApiConnection (Power Automate): one connector operation by id on the connection a flow's
 * reference names — `host: { apiId, connectionName, operationId }` and flattened `parameters`
 * (`emailMessage/To` = property `To` of parameter `emailMessage`), through
 * `ActionContext.connectors`. `retryPolicy` (default when absent) is applied here: 408, 429, 5xx
 * and connectivity failures are retried (connector-retry.ts). `authentication`
 * (`@parameters('$authentication')`) is not evaluated: the gateway signs the call with the
 * connection's credentials. Outcomes: see connector-outcome.ts.
 */
import { isRecord } from '../../../expressions/index.ts';
import type { ActionExecutor } from '../contract.ts';
import { noConnectorsOutcome } from '../connector-outcome.ts';
import { callConnectorWithRetry, connectorRetryPolicy } from '../connector-retry.ts';
import { badInput } from '../errors.ts';
import { describe, evaluateMember, inputsRecord, memberOf } from '../inputs.ts';

/** `OpenApiConnection` — `{ host: { connectionName, operationId, apiId? }, parameters?, retryPolicy? }` → `{ statusCode, headers, body }`. */
export const openApiConnectionExecutor: ActionExecutor = {
  type: 'openapiconnection',
  async execute(action, context) {
    const inputs = inputsRecord(action, { value: action.inputs, expected: '`host` and `parameters`' });
    const host = evaluateMember(context, { record: inputs, name: 'host' });
    if (!isRecord(host)) throw badInput({ action: action.name, input: 'host' }, `must be an object with \`connectionName\` and \`operationId\`, such as { "apiId": "/providers/Microsoft.PowerApps/apis/shared_office365", "connectionName": "shared_office365", "operationId": "SendEmailV2" } (got ${describe(host)})`);
    const reference = memberOf(host, 'connectionName');
    if (typeof reference !== 'string' || reference === '') throw badInput({ action: action.name, input: 'host.connectionName' }, `is required — the key of one of the flow's connection references, such as shared_office365 (got ${describe(reference)})`);
    const operationId = memberOf(host, 'operationId');
    if (typeof operationId !== 'string' || operationId === '') throw badInput({ action: action.name, input: 'host.operationId' }, `is required — the operationId of the connector operation to call, such as SendEmailV2 (got ${describe(operationId)})`);
    const parameters = evaluateMember(context, { record: inputs, name: 'parameters' }) ?? {};
    if (!isRecord(parameters)) throw badInput({ action: action.name, input: 'parameters' }, `must be an object of parameter names and values, such as { "emailMessage/To": "…" } (got ${describe(parameters)})`);
    const policy = connectorRetryPolicy(action, evaluateMember(context, { record: inputs, name: 'retryPolicy' }));

    const recorded = { host, parameters };
    const target = { reference, operationId };
    const connectors = context.connectors;
    if (connectors === undefined) return noConnectorsOutcome(action, recorded);
    const call = { connectionReference: reference, operationId, parameters, ...(context.signal === undefined ? {} : { signal: context.signal }) };
    return callConnectorWithRetry(action, { context, policy, recorded, target, send: () => connectors.invokeOperation(call) });
  },
};
