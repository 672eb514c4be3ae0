/**
 * Connector webhooks: the subscribe call is a connector operation on the flow's connection,
 * through the gateway (credentials, policies, egress). ApiConnectionWebhook (Logic Apps) writes
 * `host.connection`, `path`, `queries`, `body` with `NotificationUrl: "@{listCallbackUrl()}"`;
 * OpenApiConnectionWebhook (Power Automate) writes `host: { connectionName, operationId }` and
 * flattened `parameters`, and the platform itself writes the callback URL into the body property
 * marked `x-ms-notification-url`. How to remove the subscription is decided from the answer
 * (`unsubscribePlanOf`): DELETE its `Location`, else the connector's DELETE operation, else nothing.
 */
import type { ConnectorDefinition } from '../../connectors/index.ts';
import { isRecord } from '../../expressions/index.ts';
import type { ConnectorAnswer, ConnectorPort } from '../actions/index.ts';
import { apiConnectionHost } from '../actions/connection-host.ts';
import { headerMap, headerValue } from '../actions/headers.ts';
import { describe, evaluateMember, memberOf } from '../actions/inputs.ts';
import { wdlText } from '../actions/wdl-text.ts';
import { actionContextOf, callAction } from './webhook-context.ts';
import type { SubscribeContext, WebhookPorts } from './webhook-context.ts';
import { callAnswered, callFailed, portMissing, triggerInvalid } from './webhook-errors.ts';
import { unsubscribePlanOf, valueAt, webhookOperationById, webhookOperationByRequest, withCallbackAt } from './webhook-operation.ts';
import type { WebhookOperation } from './webhook-operation.ts';
import { SUBSCRIPTION_FORMAT_VERSION } from './webhook-subscription.ts';
import type { ConnectorWebhookSubscription, UnsubscribeResult } from './webhook-subscription.ts';
import { setOwn } from './values.ts';

const SUBSCRIBE_METHODS = ['POST', 'PUT', 'PATCH'];

/** The ports a connector webhook cannot do without. */
interface ConnectorPorts {
  readonly connectors: ConnectorPort;
  readonly connectorDefinition: (connectionReference: string) => Promise<ConnectorDefinition>;
}

/** ApiConnectionWebhook: `method` (default POST) + `path` on the connection; the callback URL also fills the operation's marked property when the body leaves it out. */
export async function subscribeApiConnectionWebhook(context: SubscribeContext): Promise<ConnectorWebhookSubscription> {
  const { trigger } = context;
  const ports = connectorPorts(context, trigger.name);
  const actionContext = actionContextOf(context, { callbackUrl: context.callbackUrl });
  const action = callAction(trigger, { inputs: trigger.inputs, member: 'host' });
  const inputs = inputsOf(trigger.name, trigger.inputs, '`host`, `path` and `body`');
  const { reference, method, path, queries, headers, body } = evaluated(() => {
    const host = apiConnectionHost(action, { host: memberOf(inputs, 'host'), context: actionContext });
    const methodValue = evaluateMember(actionContext, { record: inputs, name: 'method' }) ?? 'POST';
    const upper = typeof methodValue === 'string' ? methodValue.trim().toUpperCase() : '';
    if (!SUBSCRIBE_METHODS.includes(upper)) throw triggerInvalid(trigger.name, `input \`method\` must be one of ${SUBSCRIBE_METHODS.join(', ')} (or left out for POST) — the subscribe call creates the subscription (got ${describe(methodValue)})`);
    const pathValue = evaluateMember(actionContext, { record: inputs, name: 'path' });
    if (typeof pathValue !== 'string' || pathValue.trim() === '') throw triggerInvalid(trigger.name, `input \`path\` is required — the connector's subscription path, such as /MailSubscriptionPoke/$subscriptions (got ${describe(pathValue)})`);
    return {
      reference: host.reference,
      method: upper,
      path: pathValue.startsWith('/') ? pathValue : `/${pathValue}`,
      queries: textMap(trigger.name, evaluateMember(actionContext, { record: inputs, name: 'queries' })),
      headers: headerMap({ action: trigger.name, input: 'headers' }, evaluateMember(actionContext, { record: inputs, name: 'headers' })),
      body: evaluateMember(actionContext, { record: inputs, name: 'body' }),
    };
  }, trigger.name);

  const definition = await lookup(ports, { trigger: trigger.name, reference });
  const webhook = webhookOperationByRequest(definition, { method, path });
  const callback = webhook?.callbackBody;
  // The designer writes the property itself; a hand-written definition may leave it to the platform.
  const sent = callback !== undefined && valueAt(body, callback.pointer) === undefined ? withCallbackAt(body, { pointer: callback.pointer, callbackUrl: context.callbackUrl }) : body;
  const answer = await answered({ trigger: trigger.name, phase: 'subscribe', target: targetOf(reference, webhook?.operation.operationId) }, () =>
    ports.connectors.invokeRaw({ connectionReference: reference, method, path, queries, headers, ...(sent === undefined || sent === null ? {} : { body: sent }), ...signalOf(context) }),
  );
  return subscription({ kind: 'ApiConnectionWebhook', trigger: trigger.name, reference, definition, webhook, answer });
}

/** OpenApiConnectionWebhook: `host.operationId` with `parameters`; the callback URL goes into the operation's `x-ms-notification-url` property. */
export async function subscribeOpenApiConnectionWebhook(context: SubscribeContext): Promise<ConnectorWebhookSubscription> {
  const { trigger } = context;
  const ports = connectorPorts(context, trigger.name);
  const actionContext = actionContextOf(context, { callbackUrl: context.callbackUrl });
  const inputs = inputsOf(trigger.name, trigger.inputs, '`host` and `parameters`');
  const { reference, operationId, parameters } = evaluated(() => {
    const host = evaluateMember(actionContext, { record: inputs, name: 'host' });
    if (!isRecord(host)) throw triggerInvalid(trigger.name, `input \`host\` must be an object with \`connectionName\` and \`operationId\` (got ${describe(host)})`);
    const connectionName = memberOf(host, 'connectionName');
    if (typeof connectionName !== 'string' || connectionName === '') throw triggerInvalid(trigger.name, `input \`host.connectionName\` is required — the key of one of the flow's connection references (got ${describe(connectionName)})`);
    const id = memberOf(host, 'operationId');
    if (typeof id !== 'string' || id === '') throw triggerInvalid(trigger.name, `input \`host.operationId\` is required — the connector's webhook trigger operation (got ${describe(id)})`);
    const values = evaluateMember(actionContext, { record: inputs, name: 'parameters' }) ?? {};
    if (!isRecord(values)) throw triggerInvalid(trigger.name, `input \`parameters\` must be an object of parameter names and values (got ${describe(values)})`);
    return { reference: connectionName, operationId: id, parameters: values };
  }, trigger.name);

  const definition = await lookup(ports, { trigger: trigger.name, reference });
  const webhook = webhookOperationById(definition, operationId);
  if (webhook === undefined) throw triggerInvalid(trigger.name, `the connector of connection reference '${reference}' has no operation '${operationId}' — pick one of its webhook triggers`);
  if (webhook.callbackKey === undefined) {
    throw triggerInvalid(
      trigger.name,
      webhook.callbackBody === undefined
        ? `operation '${operationId}' marks no body property with x-ms-notification-url, so the service would never learn where to send notifications — pick a webhook trigger operation`
        : `operation '${operationId}' puts the callback URL under a property whose name holds '/', which Power Automate parameters cannot address`,
    );
  }
  // The platform's URL, always: a value the definition wrote there would never reach this trigger.
  const sent = { ...parameters, [webhook.callbackKey]: context.callbackUrl };
  const answer = await answered({ trigger: trigger.name, phase: 'subscribe', target: targetOf(reference, operationId) }, () =>
    ports.connectors.invokeOperation({ connectionReference: reference, operationId, parameters: sent, ...signalOf(context) }),
  );
  return subscription({ kind: 'OpenApiConnectionWebhook', trigger: trigger.name, reference, definition, webhook, answer });
}

/** Removes a connector webhook subscription as its plan says; 404 and 410 count as already gone. */
export async function unsubscribeConnectorWebhook(ports: WebhookPorts, stored: ConnectorWebhookSubscription): Promise<UnsubscribeResult> {
  const plan = stored.unsubscribe;
  if (plan.method === 'none') return { outcome: 'nothing-to-call', reason: plan.reason };
  const connectors = ports.connectors;
  if (connectors === undefined) throw portMissing(stored.trigger, 'this server gave the trigger service no connector gateway, so the subscription cannot be removed');
  const call = { trigger: stored.trigger, phase: 'unsubscribe' as const, target: targetOf(stored.connectionReference, plan.operationId) };
  const answer = await answered(call, () =>
    plan.method === 'location'
      ? connectors.invokeRaw({ connectionReference: stored.connectionReference, method: 'DELETE', path: plan.path, queries: plan.queries, headers: {}, ...signalOf(ports) })
      : connectors.invokeOperation({ connectionReference: stored.connectionReference, operationId: plan.operationId, parameters: plan.parameters, ...signalOf(ports) }),
  );
  if (answer.status >= 200 && answer.status <= 299) return { outcome: 'unsubscribed', statusCode: answer.status };
  if (answer.status === 404 || answer.status === 410) return { outcome: 'already-gone', statusCode: answer.status };
  throw callAnswered(call, answer.status);
}

function subscription(made: {
  readonly kind: ConnectorWebhookSubscription['kind'];
  readonly trigger: string;
  readonly reference: string;
  readonly definition: ConnectorDefinition;
  readonly webhook: WebhookOperation | undefined;
  readonly answer: ConnectorAnswer;
}): ConnectorWebhookSubscription {
  const { kind, trigger, reference, definition, webhook, answer } = made;
  if (answer.status < 200 || answer.status > 299) throw callAnswered({ trigger, phase: 'subscribe', target: targetOf(reference, webhook?.operation.operationId ?? answer.operationId) }, answer.status);
  const operationId = webhook?.operation.operationId ?? answer.operationId;
  const operation = webhook?.operation ?? definition.operations.find((candidate) => candidate.operationId === operationId);
  const location = headerValue(answer.headers, 'location');
  return {
    formatVersion: SUBSCRIPTION_FORMAT_VERSION,
    kind,
    trigger,
    connectionReference: reference,
    ...(operationId === undefined ? {} : { operationId }),
    statusCode: answer.status,
    ...(location === undefined ? {} : { location }),
    unsubscribe: unsubscribePlanOf(definition, { operation, answer: { location, body: answer.body } }),
  };
}

/** The call's answer (any status); a failure before an answer is said about the trigger. */
async function answered(call: { readonly trigger: string; readonly phase: 'subscribe' | 'unsubscribe'; readonly target: string }, send: () => Promise<ConnectorAnswer>): Promise<ConnectorAnswer> {
  try {
    return await send();
  } catch (error) {
    throw callFailed(call, error);
  }
}

/** Runs the evaluation of inputs; its errors are said about the trigger's subscribe call. */
function evaluated<T>(read: () => T, trigger: string): T {
  try {
    return read();
  } catch (error) {
    throw callFailed({ trigger, phase: 'subscribe' }, error);
  }
}

async function lookup(ports: ConnectorPorts, at: { readonly trigger: string; readonly reference: string }): Promise<ConnectorDefinition> {
  try {
    return await ports.connectorDefinition(at.reference);
  } catch (error) {
    throw callFailed({ trigger: at.trigger, phase: 'subscribe' }, error);
  }
}

function connectorPorts(context: WebhookPorts, trigger: string): ConnectorPorts {
  const { connectors, connectorDefinition } = context;
  if (connectors === undefined || connectorDefinition === undefined) {
    throw portMissing(trigger, 'this server gave the trigger service no connector gateway (or no connector definitions), so connector webhook triggers cannot subscribe');
  }
  return { connectors, connectorDefinition };
}

function inputsOf(trigger: string, inputs: unknown, expected: string): Readonly<Record<string, unknown>> {
  if (isRecord(inputs)) return inputs;
  throw triggerInvalid(trigger, `\`inputs\` must be an object with ${expected} (got ${describe(inputs)})`);
}

/** `operation 'X' on connection reference 'r'` (never a value). */
function targetOf(reference: string, operationId: string | undefined): string {
  return `${operationId === undefined ? 'the connector' : `operation '${operationId}'`} on connection reference '${reference}'`;
}

/** `queries` as text values (written as `@{…}` writes them); null members are left out. */
function textMap(trigger: string, value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (value === undefined || value === null) return out;
  if (!isRecord(value)) throw triggerInvalid(trigger, `input \`queries\` must be an object of parameter names and values (got ${describe(value)})`);
  for (const key of Object.keys(value)) {
    const item = value[key];
    if (item === undefined || item === null) continue;
    setOwn(out, key, wdlText(item));
  }
  return out;
}

function signalOf(ports: WebhookPorts): { signal?: AbortSignal } {
  return ports.signal === undefined ? {} : { signal: ports.signal };
}
