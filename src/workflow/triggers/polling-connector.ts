/**
 * The call of a connector polling trigger through the connector port, by the matching action
 * executor: `ApiConnection` (`host.connection` + `method` + `path` + `queries`, `invokeRaw`) or
 * `OpenApiConnection` (`host.operationId` + flattened `parameters`, `invokeOperation`).
 *
 * The port handed to the executor adds the trigger's state to the call: the pollingtrigger
 * template's query values (from the cursor; on the first poll only its literal entries) and the
 * query parameters of the last answer's `Location` (a connector's own state, such as iMIS's
 * `sequence`) — as `queries` for a raw call, as parameters for an operation call. It also asks the
 * lookup which operation (and template) the call reaches, with the reference and the evaluated
 * method + path or operation id.
 */
import type { ActionContext, ActionInput, ActionOutcome, ConnectorAnswer, ConnectorOperationCall, ConnectorPort, ConnectorRawCall } from '../actions/contract.ts';
import { apiConnectionExecutor } from '../actions/executors/api-connection.ts';
import { openApiConnectionExecutor } from '../actions/executors/open-api-connection.ts';
import { TriggerStepErrorCode } from './polling-errors.ts';
import type { PollCallRequest, PollCallResult } from './polling-call.ts';
import { executeForTrigger } from './polling-call.ts';
import type { PollingOperation, PollingOperationTarget } from './polling-template.ts';
import { setOwn } from './values.ts';

/** Which connector trigger kind. */
export type ConnectorTriggerKind = 'ApiConnection' | 'OpenApiConnection';

/** Sends one poll of a connector trigger. */
export async function callConnectorTrigger(request: PollCallRequest & { readonly kind: ConnectorTriggerKind }): Promise<PollCallResult> {
  const { trigger, cursor, actionContext, kind } = request;
  const connectors = actionContext.connectors;
  if (connectors === undefined) {
    return { kind: 'failed', error: { code: TriggerStepErrorCode.ConnectorNotAvailable, message: `trigger '${trigger.name}': this engine has no connector gateway, so ${kind} triggers cannot poll here — run the flow on a Plugboard server (or pass a connector port)`, retryable: false } };
  }
  const seen: { operation?: PollingOperation; sentTemplateQuery?: Readonly<Record<string, string>>; reference?: string; operationId?: string; portError?: unknown } = {};

  /** The query values the trigger's state adds to this call. */
  const stateFor = async (target: PollingOperationTarget): Promise<Record<string, string>> => {
    seen.reference = target.connectionReference;
    const operation = request.connectorOperations === undefined ? undefined : await request.connectorOperations(target);
    if (operation !== undefined) seen.operation = operation;
    const template = operation?.template;
    const templateQuery = template === undefined ? undefined : (cursor?.templateQuery ?? Object.fromEntries(template.nextQuery(undefined).query));
    if (templateQuery !== undefined) seen.sentTemplateQuery = templateQuery;
    return { ...templateQuery, ...cursor?.locationQuery };
  };
  const recorded = async (call: () => Promise<ConnectorAnswer>): Promise<ConnectorAnswer> => {
    try {
      const answer = await call();
      if (answer.operationId !== undefined) seen.operationId = answer.operationId;
      return answer;
    } catch (error) {
      seen.portError = error;
      throw error;
    }
  };
  const port: ConnectorPort = {
    async invokeRaw(call: ConnectorRawCall) {
      const state = await stateFor({ connectionReference: call.connectionReference, method: call.method, path: call.path });
      return recorded(() => connectors.invokeRaw({ ...call, queries: withEntries(call.queries, state) }));
    },
    async invokeOperation(call: ConnectorOperationCall) {
      seen.operationId = call.operationId;
      const state = await stateFor({ connectionReference: call.connectionReference, operationId: call.operationId });
      return recorded(() => connectors.invokeOperation({ ...call, parameters: withEntries(call.parameters, state) }));
    },
  };
  const action: ActionInput = { name: trigger.name, type: kind, inputs: trigger.inputs, pointer: trigger.pointer };
  const context: ActionContext = { ...actionContext, connectors: port };
  const execute = (a: ActionInput, c: ActionContext): Promise<ActionOutcome> => (kind === 'ApiConnection' ? apiConnectionExecutor.execute(a, c) : openApiConnectionExecutor.execute(a, c));
  const result = await executeForTrigger({ trigger, action, context, execute, portError: () => seen.portError });
  if (result.kind === 'failed') return result;
  const operationId = seen.operationId ?? seen.operation?.operationId;
  const target = `${operationId === undefined ? 'the connector' : `operation '${operationId}'`} on connection reference '${seen.reference ?? '?'}'`;
  return {
    kind: 'answer',
    outputs: result.outputs,
    target,
    ...(seen.operation === undefined ? {} : { operation: seen.operation }),
    ...(seen.sentTemplateQuery === undefined ? {} : { sentTemplateQuery: seen.sentTemplateQuery }),
  };
}

/** `base` with `entries` set (own members only, whatever their names). */
function withEntries<T>(base: Readonly<Record<string, T>>, entries: Readonly<Record<string, string>>): Record<string, T | string> {
  const out: Record<string, T | string> = {};
  for (const source of [base, entries]) {
    for (const key of Object.keys(source)) setOwn(out, key, source[key]);
  }
  return out;
}
