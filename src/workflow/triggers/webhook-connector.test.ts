/**
 * Connector webhooks end to end: a real corpus connector (GMO Sign: a webhook trigger whose body
 * marks `urlToPublishTo` with x-ms-notification-url, an internal DELETE operation, basic auth)
 * loaded by the connectors area, its generated mock backend on loopback, the gateway's invoker
 * and the workflow connector port — the way a Plugboard server subscribes.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { loadConnector } from '../../connectors/index.ts';
import type { ConnectorDefinition } from '../../connectors/index.ts';
import { NotFoundError, isPlugboardError } from '../../core/index.ts';
import type { PlugboardError } from '../../core/index.ts';
import { createWorkflowEvaluator } from '../../expressions/index.ts';
import { createEgressClient, createInvoker, startMockServer } from '../../gateway/index.ts';
import type { Egress, EgressClient, MockServer, UsableConnection } from '../../gateway/index.ts';
import { createValueEvaluator } from '../actions/index.ts';
import { createConnectorPort, resolveConnectionReferences } from '../connectors/index.ts';
import { loadWorkflowDefinition } from '../definition/load-workflow-definition.ts';
import type { WorkflowTrigger } from '../definition/model.ts';
import { corpusFolder } from '../../../test/connectors/connector-kit.ts';
import { notificationOutputs } from './notification.ts';
import { CallRefusedError } from './request-trigger.ts';
import { subscribeWebhook, unsubscribeWebhook } from './webhook.ts';
import type { WebhookPorts } from './webhook-context.ts';
import { notificationSchemaOf } from './webhook-operation.ts';
import { readSubscription } from './webhook-subscription.ts';
import type { ConnectorWebhookSubscription } from './webhook-subscription.ts';

const CONNECTOR_NAME = 'gmosign';
const CONNECTION_ID = 'conn-gmo-3';
const SECRET_KEY = 'sk-9a8b7c6d5e4f';
const CALLBACK_URL = 'https://plugboard.example/workflows/flow-2/triggers/When_an_envelope_status_changes/paths/invoke?api-version=2016-10-01&sp=%2Ftriggers%2FWhen_an_envelope_status_changes%2Frun&sv=1.0&sig=Zmxvdy1zaWduYXR1cmU';
/** Where the real service answers its subscriptions: its own subscription URL, on the connector's host. */
const SERVICE_LOCATION = 'https://api.gmo-exapi.net/gmosign/customer/connect/';

const POWER_AUTOMATE_REFERENCES = { shared_gmosign: { connectionName: CONNECTION_ID, source: 'Embedded', id: '/providers/Microsoft.PowerApps/apis/shared_gmosign' } };
const LOGIC_APPS_CONNECTIONS = {
  gmosign: { connectionId: `/subscriptions/0000/resourceGroups/flows/providers/Microsoft.Web/connections/${CONNECTION_ID}`, connectionName: 'gmosign', id: '/subscriptions/0000/providers/Microsoft.Web/locations/westeurope/managedApis/gmosign' },
};

let definition: ConnectorDefinition;
let mock: MockServer;
let egressClient: EgressClient;
let invoker: ReturnType<typeof createInvoker>;
/** How the backend's subscribe answer names the subscription: the mock's own URL, the service's convention, or no Location. */
let locationStyle: 'mock' | 'service' | 'none';
/** A status the service answers DELETE with instead of the mock's (a subscription it already removed: 404). */
let deleteStatus: number | undefined;

before(async () => {
  const loaded = loadConnector(corpusFolder('certified-connectors/GMO Sign'));
  assert.ok(loaded.definition, JSON.stringify(loaded.issues));
  definition = loaded.definition;
  mock = await startMockServer(definition);
  egressClient = createEgressClient({ allow: ['127.0.0.1/32'], retry: 'none', totalTimeoutMs: 30_000 });
  const mockOrigin = new URL(mock.url).origin;
  // The definition's host is api.gmo-exapi.net: egress reaches the mock on loopback instead.
  const egress: Egress = {
    send: async (call) => {
      const url = new URL(call.url);
      const response = await egressClient.send({ ...call, url: `${mockOrigin}${url.pathname}${url.search}` });
      if (call.method === 'DELETE' && deleteStatus !== undefined) return { ...response, status: deleteStatus };
      const location = response.headers['location'];
      if (location === undefined || locationStyle === 'mock') return response;
      const headers: Record<string, string> = { ...response.headers };
      delete headers['location'];
      if (locationStyle === 'service') headers['location'] = `${SERVICE_LOCATION}${location.slice(location.lastIndexOf('/') + 1)}`;
      return { ...response, headers };
    },
  };
  const connection: UsableConnection = { id: CONNECTION_ID, environmentId: 'default', connectorName: CONNECTOR_NAME, status: 'connected', parameters: { username: 'cus-1001', password: SECRET_KEY }, secrets: [SECRET_KEY], usesOAuth: false };
  invoker = createInvoker({
    connectors: {
      resolve: async (_environment, name) => {
        if (name !== CONNECTOR_NAME) throw new NotFoundError(`no connector ${name}`, { code: 'ConnectorNotFound' });
        return { key: `${CONNECTOR_NAME}@1`, definition };
      },
    },
    connections: {
      resolveForUse: async (_environment, _caller, connectionId) => {
        if (connectionId !== CONNECTION_ID) throw new NotFoundError(`connection \`${connectionId}\` does not exist`, { code: 'ConnectionNotFound' });
        return connection;
      },
      setStatus: async () => undefined,
    },
    egress,
  });
});
after(async () => {
  await mock.close();
  await egressClient.close();
});
beforeEach(() => {
  locationStyle = 'service';
  deleteStatus = undefined;
});

/** The ports the trigger service builds for a flow: its references, the gateway, and the catalog's definition of a reference's connector. */
function portsFor(references: Readonly<Record<string, unknown>>, parameters: Readonly<Record<string, unknown>> = {}): WebhookPorts {
  const table = resolveConnectionReferences(references, parameters);
  const evaluateValue = createValueEvaluator({ evaluator: createWorkflowEvaluator() });
  return {
    evaluate: (value, extra) => evaluateValue(value, { parameters, ...extra }),
    connectors: createConnectorPort({ invoker, environment: 'default', caller: { principalId: 'flow-owner', role: 'maker' }, resolveReference: table.resolve }),
    connectorDefinition: async (reference) => {
      const resolved = table.resolve(reference);
      if (resolved?.connectorName !== CONNECTOR_NAME) throw new NotFoundError(`no connector for reference ${reference}`, { code: 'ConnectorNotFound' });
      return definition;
    },
  };
}

function triggerOf(type: string, inputs: unknown): WorkflowTrigger {
  const loaded = loadWorkflowDefinition({ definition: { triggers: { When_an_envelope_status_changes: { type, inputs } }, actions: {} } });
  const trigger = loaded.definition?.triggers[0];
  assert.ok(trigger, JSON.stringify(loaded.issues));
  return trigger;
}

const openApiTrigger = (parameters: Record<string, unknown>) =>
  triggerOf('OpenApiConnectionWebhook', {
    host: { apiId: '/providers/Microsoft.PowerApps/apis/shared_gmosign', connectionName: 'shared_gmosign', operationId: 'CreateHookEnvelope' },
    parameters,
    authentication: "@parameters('$authentication')",
  });

async function rejection(promise: Promise<unknown>): Promise<PlugboardError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(isPlugboardError(error), `a PlugboardError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected a rejection');
}

describe('OpenApiConnectionWebhook (Power Automate)', () => {
  test('subscribes with the callback URL in the x-ms-notification-url property, stores the Location, and unsubscribes with DELETE on it', async () => {
    const from = mock.requests.length;
    const subscription = await subscribeWebhook({ ...portsFor(POWER_AUTOMATE_REFERENCES), trigger: openApiTrigger({ 'body/name': 'Contracts' }), callbackUrl: CALLBACK_URL });

    const subscribe = mock.requests.slice(from);
    assert.equal(subscribe.length, 1);
    assert.equal(subscribe[0]?.operationId, 'CreateHookEnvelope');
    assert.equal(subscribe[0]?.path, '/gmosign/customer/connect');
    assert.deepEqual(subscribe[0]?.problems, [], 'the backend finds the subscribe request valid');
    assert.deepEqual(subscribe[0]?.body, { name: 'Contracts', urlToPublishTo: CALLBACK_URL, envelopeEvents: 'Completed' }, 'the callback URL at the marked property, the internal default filled by the gateway');
    assert.equal(subscribe[0]?.headers['authorization'], '[redacted]', 'the connection signs the call');
    const accepted = mock.subscriptions.at(-1);
    assert.equal(accepted?.callbackUrl, CALLBACK_URL, 'the mock read the callback URL where the connector says it is');

    const stored = readSubscription(JSON.parse(JSON.stringify(subscription)));
    assert.equal(stored.kind, 'OpenApiConnectionWebhook');
    const connector = stored as ConnectorWebhookSubscription;
    assert.equal(connector.operationId, 'CreateHookEnvelope');
    assert.equal(connector.statusCode, 201);
    assert.equal(connector.location, `${SERVICE_LOCATION}${accepted?.id}`);
    assert.deepEqual(connector.unsubscribe, { method: 'location', path: `/gmosign/customer/connect/${accepted?.id}`, queries: {}, operationId: 'DeleteHook' });
    assert.doesNotMatch(JSON.stringify(stored), new RegExp(SECRET_KEY));

    const before = mock.requests.length;
    const result = await unsubscribeWebhook(portsFor(POWER_AUTOMATE_REFERENCES), stored);
    const unsubscribe = mock.requests.slice(before);
    assert.equal(unsubscribe.length, 1);
    assert.equal(unsubscribe[0]?.method, 'DELETE');
    assert.equal(unsubscribe[0]?.path, `/gmosign/customer/connect/${accepted?.id}`);
    assert.equal(unsubscribe[0]?.operationId, 'DeleteHook');
    assert.equal(unsubscribe[0]?.headers['authorization'], '[redacted]', 'the DELETE carries the connection’s credentials');
    assert.deepEqual(result, { outcome: 'unsubscribed', statusCode: 200 });
  });

  test('the platform’s callback URL replaces whatever the definition wrote into the notification property', async () => {
    const from = mock.requests.length;
    await subscribeWebhook({ ...portsFor(POWER_AUTOMATE_REFERENCES), trigger: openApiTrigger({ 'body/name': 'Contracts', 'body/urlToPublishTo': 'https://elsewhere.example/hook' }), callbackUrl: CALLBACK_URL });
    assert.equal((mock.requests[from]?.body as { urlToPublishTo?: unknown }).urlToPublishTo, CALLBACK_URL);
  });

  test('without a Location, the connector’s DELETE operation on the subscription collection is called with the id the service answered', async () => {
    locationStyle = 'none';
    const subscription = await subscribeWebhook({ ...portsFor(POWER_AUTOMATE_REFERENCES), trigger: openApiTrigger({ 'body/name': 'Contracts' }), callbackUrl: CALLBACK_URL });
    const created = mock.requests.at(-1);
    assert.equal(created?.operationId, 'CreateHookEnvelope');
    const plan = (subscription as ConnectorWebhookSubscription).unsubscribe;
    assert.equal(plan.method, 'operation');
    assert.ok(plan.method === 'operation');
    assert.equal(plan.operationId, 'DeleteHook');
    const connectId = plan.parameters['connectId'];
    assert.ok(typeof connectId === 'string' && connectId !== '', 'the id comes from the answer’s connect_id');

    const before = mock.requests.length;
    const result = await unsubscribeWebhook(portsFor(POWER_AUTOMATE_REFERENCES), subscription);
    const sent = mock.requests.slice(before);
    assert.deepEqual(sent.map((request) => `${request.method} ${request.path} ${request.operationId}`), [`DELETE /gmosign/customer/connect/${encodeURIComponent(connectId)} DeleteHook`]);
    assert.equal(result.outcome, 'unsubscribed');
  });

  test('a Location on another host is never called: the DELETE operation is used instead', async () => {
    // The mock answers its own loopback URL, which is not the connector's host.
    locationStyle = 'mock';
    const subscription = (await subscribeWebhook({ ...portsFor(POWER_AUTOMATE_REFERENCES), trigger: openApiTrigger({ 'body/name': 'Contracts' }), callbackUrl: CALLBACK_URL })) as ConnectorWebhookSubscription;
    assert.match(subscription.location ?? '', /^http:\/\/127\.0\.0\.1:\d+\/__mock\/subscriptions\//);
    assert.equal(subscription.unsubscribe.method, 'operation');
  });

  test('a subscribe the service refuses throws WebhookSubscribeFailed naming the operation, the reference and the status — no secret, no callback URL', async () => {
    // envelopeEvents must be a string: the mock answers 400.
    const error = await rejection(subscribeWebhook({ ...portsFor(POWER_AUTOMATE_REFERENCES), trigger: openApiTrigger({ 'body/name': 'Contracts', 'body/envelopeEvents': ['x'] }), callbackUrl: CALLBACK_URL }));
    assert.equal(error.code, 'WebhookSubscribeFailed');
    assert.match(error.message, /^trigger 'When_an_envelope_status_changes': the subscribe call \(operation 'CreateHookEnvelope' on connection reference 'shared_gmosign'\) answered 400 \(BadRequest\)/);
    assert.doesNotMatch(`${error.message} ${JSON.stringify(error.details)}`, /sig=|Zmxvdy1z|sk-9a8b/);
  });

  test('an operation that is not a webhook, or a reference the flow lacks, fails before any call', async () => {
    const from = mock.requests.length;
    const notWebhook = await rejection(
      subscribeWebhook({ ...portsFor(POWER_AUTOMATE_REFERENCES), trigger: triggerOf('OpenApiConnectionWebhook', { host: { connectionName: 'shared_gmosign', operationId: 'DeleteHook' }, parameters: {} }), callbackUrl: CALLBACK_URL }),
    );
    assert.equal(notWebhook.code, 'WebhookTriggerInvalid');
    assert.match(notWebhook.message, /operation 'DeleteHook' marks no body property with x-ms-notification-url/);
    const unknown = await rejection(subscribeWebhook({ ...portsFor(POWER_AUTOMATE_REFERENCES), trigger: triggerOf('OpenApiConnectionWebhook', { host: { connectionName: 'shared_other', operationId: 'CreateHookEnvelope' } }), callbackUrl: CALLBACK_URL }));
    assert.equal(unknown.code, 'ConnectorNotFound');
    assert.match(unknown.message, /^trigger 'When_an_envelope_status_changes': subscribe: /);
    assert.equal(mock.requests.length, from);
  });

  test('an unsubscribe answered 404 counts as already gone, 500 throws WebhookUnsubscribeFailed, and a path no DELETE operation serves is OperationNotFound', async () => {
    const subscription = (await subscribeWebhook({ ...portsFor(POWER_AUTOMATE_REFERENCES), trigger: openApiTrigger({ 'body/name': 'Contracts' }), callbackUrl: CALLBACK_URL })) as ConnectorWebhookSubscription;
    deleteStatus = 404;
    assert.deepEqual(await unsubscribeWebhook(portsFor(POWER_AUTOMATE_REFERENCES), subscription), { outcome: 'already-gone', statusCode: 404 });

    deleteStatus = 500;
    const failed = await rejection(unsubscribeWebhook(portsFor(POWER_AUTOMATE_REFERENCES), subscription));
    assert.equal(failed.code, 'WebhookUnsubscribeFailed');
    assert.match(failed.message, /^trigger 'When_an_envelope_status_changes': the unsubscribe call \(operation 'DeleteHook' on connection reference 'shared_gmosign'\) answered 500 \(InternalServerError\)/);

    const plan = subscription.unsubscribe;
    assert.ok(plan.method === 'location');
    const unserved: ConnectorWebhookSubscription = { ...subscription, unsubscribe: { ...plan, path: '/gmosign/customer/connect/x/y' } };
    const error = await rejection(unsubscribeWebhook(portsFor(POWER_AUTOMATE_REFERENCES), unserved));
    assert.equal(error.code, 'OperationNotFound');
    assert.match(error.message, /^trigger 'When_an_envelope_status_changes': unsubscribe: /);
  });
});

describe('ApiConnectionWebhook (Logic Apps)', () => {
  const trigger = (body: Record<string, unknown>) =>
    triggerOf('ApiConnectionWebhook', {
      host: { connection: { name: "@parameters('$connections')['gmosign']['connectionId']" } },
      path: '/customer/connect',
      body,
    });

  test('posts the body with @{listCallbackUrl()} to the subscription path and unsubscribes at the Location', async () => {
    const ports = portsFor({}, { $connections: LOGIC_APPS_CONNECTIONS });
    const from = mock.requests.length;
    const subscription = await subscribeWebhook({ ...ports, trigger: trigger({ name: 'Contracts', urlToPublishTo: '@{listCallbackUrl()}', envelopeEvents: 'Completed' }), callbackUrl: CALLBACK_URL });
    assert.deepEqual(mock.requests[from]?.body, { name: 'Contracts', urlToPublishTo: CALLBACK_URL, envelopeEvents: 'Completed' });
    assert.equal(mock.requests[from]?.operationId, 'CreateHookEnvelope');
    const stored = subscription as ConnectorWebhookSubscription;
    assert.equal(stored.connectionReference, 'gmosign');
    assert.equal(stored.operationId, 'CreateHookEnvelope');
    assert.equal(stored.unsubscribe.method, 'location');

    const before = mock.requests.length;
    assert.equal((await unsubscribeWebhook(ports, subscription)).outcome, 'unsubscribed');
    assert.equal(mock.requests[before]?.operationId, 'DeleteHook');
  });

  test('a body that leaves out the notification property gets the callback URL there', async () => {
    const from = mock.requests.length;
    await subscribeWebhook({ ...portsFor({}, { $connections: LOGIC_APPS_CONNECTIONS }), trigger: trigger({ name: 'Contracts' }), callbackUrl: CALLBACK_URL });
    assert.equal((mock.requests[from]?.body as { urlToPublishTo?: unknown }).urlToPublishTo, CALLBACK_URL);
  });

  test('without the connector ports the subscribe fails with WebhookPortMissing', async () => {
    const ports = portsFor({}, { $connections: LOGIC_APPS_CONNECTIONS });
    const error = await rejection(subscribeWebhook({ evaluate: ports.evaluate, trigger: trigger({ name: 'x' }), callbackUrl: CALLBACK_URL }));
    assert.equal(error.code, 'WebhookPortMissing');
  });
});

describe('notifications of a connector webhook', () => {
  const trigger = openApiTrigger({ 'body/name': 'Contracts' });
  const schema = () => notificationSchemaOf(definition, 'CreateHookEnvelope');

  test('a body that matches x-ms-notification-content becomes the trigger outputs, without the signature queries and Authorization', () => {
    const body = { envelope_name: 'NDA', envelope_xid: 'ex-1', document_list: [{ documentId: 'd-1', document_name: 'nda.pdf' }] };
    const outputs = notificationOutputs(
      trigger,
      { headers: { 'Content-Type': 'application/json', Authorization: 'Bearer from-the-service', 'x-request-id': 'r-1' }, queries: { 'api-version': '2016-10-01', sp: '/triggers/x/run', sv: '1.0', sig: 'abc', page: '2' }, body },
      schema(),
    );
    assert.deepEqual(outputs, { headers: { 'Content-Type': 'application/json', 'x-request-id': 'r-1' }, queries: { page: '2' }, body });
  });

  test('a body that does not match is refused with 400 naming the property', () => {
    let refused: unknown;
    try {
      notificationOutputs(trigger, { headers: {}, body: { envelope_name: 'NDA', document_list: 'nda.pdf' } }, schema());
    } catch (error) {
      refused = error;
    }
    assert.ok(refused instanceof CallRefusedError);
    assert.equal(refused.statusCode, 400);
    assert.equal(refused.code, 'WebhookNotificationSchemaMismatch');
    assert.match(refused.message, /`document_list` must be array/);
    assert.deepEqual((refused.details?.['errors'] as { path: string }[]).map((problem) => problem.path), ['document_list']);
  });
});
