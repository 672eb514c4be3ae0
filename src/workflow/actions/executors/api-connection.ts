/**
 * ApiConnection (Logic Apps managed connectors): `method` + `path` + `queries` + `headers` + `body`
 * on the connection `host.connection` names (wdl.md §8), through `ActionContext.connectors`; the
 * gateway finds the connector operation from method and path. `host.connection.name` is usually
 * `@parameters('$connections')['office365']['connectionId']`: the key `office365` is the
 * connection reference (see connection-host.ts). `retryPolicy` (default when absent) is applied
 * here: 408, 429, 5xx and connectivity failures are retried (connector-retry.ts). `authentication`
 * is not evaluated (the gateway signs the call). Outcomes: see connector-outcome.ts.
 */
import { isRecord } from '../../../expressions/index.ts';
import type { ActionExecutor, ActionInput } from '../contract.ts';
import { apiConnectionHost } from '../connection-host.ts';
import { noConnectorsOutcome } from '../connector-outcome.ts';
import { callConnectorWithRetry, connectorRetryPolicy } from '../connector-retry.ts';
import { badInput } from '../errors.ts';
import { headerMap, sanitizedHeaders } from '../headers.ts';
import { describe, evaluateMember, inputsRecord, memberOf } from '../inputs.ts';
import { wdlText } from '../wdl-text.ts';

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];

/** `ApiConnection` — `{ host: { connection: { name | referenceName } }, method, path, queries?, headers?, body?, retryPolicy? }` → `{ statusCode, headers, body }`. */
export const apiConnectionExecutor: ActionExecutor = {
  type: 'apiconnection',
  async execute(action, context) {
    const inputs = inputsRecord(action, { value: action.inputs, expected: '`host`, `method` and `path`' });
    const host = apiConnectionHost(action, { host: memberOf(inputs, 'host'), context });
    const methodValue = evaluateMember(context, { record: inputs, name: 'method' });
    const method = typeof methodValue === 'string' ? methodValue.trim().toUpperCase() : '';
    if (!METHODS.includes(method)) throw badInput({ action: action.name, input: 'method' }, `must be one of ${METHODS.join(', ')} in any letter case${typeof methodValue === 'string' ? ` (got '${methodValue}')` : ` (got ${describe(methodValue)})`}`);
    const pathValue = evaluateMember(context, { record: inputs, name: 'path' });
    if (typeof pathValue !== 'string' || pathValue.trim() === '') throw badInput({ action: action.name, input: 'path' }, `is required — the operation path of the connector, such as /v2/Mail (got ${describe(pathValue)})`);
    const path = pathValue.startsWith('/') ? pathValue : `/${pathValue}`;
    const queriesValue = evaluateMember(context, { record: inputs, name: 'queries' });
    const queries = queryMap(action, queriesValue);
    const headers = headerMap({ action: action.name, input: 'headers' }, evaluateMember(context, { record: inputs, name: 'headers' }));
    const body = evaluateMember(context, { record: inputs, name: 'body' });
    const policy = connectorRetryPolicy(action, evaluateMember(context, { record: inputs, name: 'retryPolicy' }));

    const recorded = {
      host: host.recorded,
      method: method.toLowerCase(),
      path,
      ...(queriesValue === undefined || queriesValue === null ? {} : { queries: queriesValue }),
      ...(Object.keys(headers).length === 0 ? {} : { headers: sanitizedHeaders(headers) }),
      ...(body === undefined ? {} : { body }),
    };
    const target = { reference: host.reference };
    const connectors = context.connectors;
    if (connectors === undefined) return noConnectorsOutcome(action, recorded);
    const call = {
      connectionReference: host.reference,
      method,
      path,
      queries,
      headers,
      ...(body === undefined || body === null ? {} : { body }),
      ...(context.signal === undefined ? {} : { signal: context.signal }),
    };
    return callConnectorWithRetry(action, { context, policy, recorded, target, send: () => connectors.invokeRaw(call) });
  },
};

/** `queries` as text values (written as `@{…}` writes them); null members are left out. */
function queryMap(action: ActionInput, queries: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (queries === undefined || queries === null) return out;
  if (!isRecord(queries)) throw badInput({ action: action.name, input: 'queries' }, `must be an object of parameter names and values (got ${describe(queries)})`);
  for (const key of Object.keys(queries)) {
    const value = queries[key];
    if (value === undefined || value === null) continue;
    Object.defineProperty(out, key, { value: wdlText(value), enumerable: true, writable: true, configurable: true });
  }
  return out;
}
