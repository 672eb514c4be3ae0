/**
 * HttpWebhook subscriptions end to end: the trigger's subscribe and unsubscribe inputs evaluated
 * with listCallbackUrl() and the flow's parameters, sent through the real egress client to a
 * webhook service on loopback.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { isPlugboardError } from '../../core/index.ts';
import type { PlugboardError } from '../../core/index.ts';
import { createWorkflowEvaluator } from '../../expressions/index.ts';
import { createValueEvaluator } from '../actions/index.ts';
import type { HttpPort } from '../actions/index.ts';
import { loadWorkflowDefinition } from '../definition/load-workflow-definition.ts';
import type { WorkflowTrigger } from '../definition/model.ts';
import { subscribeWebhook, unsubscribeWebhook } from './webhook.ts';
import type { WebhookPorts } from './webhook-context.ts';
import { loopbackHttp, startService } from './webhook-loopback.fixture.ts';
import type { LoopbackService, ServiceAnswer, ServiceRequest } from './webhook-loopback.fixture.ts';
import { readSubscription } from './webhook-subscription.ts';
import type { HttpWebhookSubscription } from './webhook-subscription.ts';

const CALLBACK_URL = 'https://plugboard.example/workflows/flow-1/triggers/When_an_event_arrives/paths/invoke?api-version=2016-10-01&sp=%2Ftriggers%2FWhen_an_event_arrives%2Frun&sv=1.0&sig=c2lnbmF0dXJlLW9mLXRoZS1mbG93';
const API_KEY = 'key-5d41402abc4b2a76';

/** What the service answers next, per method and path; default: 201 for POST /subscriptions, 200 for DELETE. */
let reply: (request: ServiceRequest, origin: string) => ServiceAnswer;
const defaultReply = (request: ServiceRequest, origin: string): ServiceAnswer =>
  request.method === 'POST' ? { status: 201, headers: { location: `${origin}/subscriptions/sub-17` }, json: { id: 'sub-17', state: 'active' } } : { status: 200 };

let service: LoopbackService;
let http: HttpPort;
let closeHttp: () => Promise<void>;
before(async () => {
  service = await startService((request, origin) => reply(request, origin));
  const port = loopbackHttp();
  http = port.http;
  closeHttp = () => port.client.close();
});
after(async () => {
  await service.close();
  await closeHttp();
});

/** The trigger as the definition loader reads it from a Logic Apps definition with `parameters`. */
function triggerOf(inputs: unknown, extra: Record<string, unknown> = {}): WorkflowTrigger {
  const loaded = loadWorkflowDefinition({
    definition: {
      $schema: 'https://schema.management.azure.com/providers/Microsoft.Logic/schemas/2016-06-01/workflowdefinition.json#',
      parameters: { serviceUrl: { type: 'string' }, apiKey: { type: 'securestring' } },
      triggers: { When_an_event_arrives: { type: 'HttpWebhook', inputs, ...extra } },
      actions: {},
    },
  });
  const trigger = loaded.definition?.triggers[0];
  assert.ok(trigger, JSON.stringify(loaded.issues));
  return trigger;
}

/** The ports the trigger service would build: the flow's expression context and the egress client. */
function portsOf(options: { readonly http?: HttpPort; readonly callbackUrl?: string } = {}): WebhookPorts {
  const evaluateValue = createValueEvaluator({ evaluator: createWorkflowEvaluator() });
  const parameters = { serviceUrl: service.origin, apiKey: API_KEY };
  return {
    evaluate: (value, extra) => evaluateValue(value, { parameters, ...extra }),
    ...('http' in options ? (options.http === undefined ? {} : { http: options.http }) : { http }),
    ...(options.callbackUrl === undefined ? {} : { callbackUrl: options.callbackUrl }),
  };
}

const SUBSCRIBE = {
  method: 'POST',
  uri: "@{parameters('serviceUrl')}/subscriptions",
  headers: { 'x-api-key': "@parameters('apiKey')" },
  body: { callbackUrl: '@{listCallbackUrl()}', events: ['order.created'] },
};

async function rejection(promise: Promise<unknown>): Promise<PlugboardError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(isPlugboardError(error), `a PlugboardError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected a rejection');
}

describe('HttpWebhook', () => {
  test('subscribes with the callback URL from listCallbackUrl() and keeps the answer for unsubscribing', async () => {
    reply = defaultReply;
    const from = service.requests.length;
    const trigger = triggerOf({ subscribe: SUBSCRIBE, unsubscribe: { method: 'DELETE', uri: "@{parameters('serviceUrl')}/subscriptions/@{action().outputs.body.id}" } });
    const subscription = await subscribeWebhook({ ...portsOf(), trigger, callbackUrl: CALLBACK_URL });

    const sent = service.requests.slice(from);
    assert.equal(sent.length, 1);
    assert.equal(sent[0]?.method, 'POST');
    assert.equal(sent[0]?.path, '/subscriptions');
    assert.equal(sent[0]?.headers['x-api-key'], API_KEY, 'parameters are evaluated in the subscribe inputs');
    assert.deepEqual(sent[0]?.body, { callbackUrl: CALLBACK_URL, events: ['order.created'] });

    assert.equal(subscription.kind, 'HttpWebhook');
    const stored = subscription as HttpWebhookSubscription;
    assert.equal(stored.response.statusCode, 201);
    assert.deepEqual(stored.response.body, { id: 'sub-17', state: 'active' });
    assert.equal(stored.response.headers['location'], `${service.origin}/subscriptions/sub-17`);
    assert.doesNotMatch(JSON.stringify(subscription), new RegExp(API_KEY), 'evaluated secrets are not stored');
  });

  test('unsubscribes with the stored unsubscribe inputs, reading the subscribe answer through action()', async () => {
    reply = defaultReply;
    const trigger = triggerOf({
      subscribe: SUBSCRIBE,
      unsubscribe: { method: 'DELETE', url: "@{parameters('serviceUrl')}/subscriptions/@{action().outputs.body.id}", body: { callbackUrl: '@{listCallbackUrl()}' } },
    });
    const subscription = await subscribeWebhook({ ...portsOf(), trigger, callbackUrl: CALLBACK_URL });
    // The trigger service stores the subscription as JSON and reads it back later.
    const stored = readSubscription(JSON.parse(JSON.stringify(subscription)));

    const from = service.requests.length;
    const result = await unsubscribeWebhook(portsOf({ callbackUrl: CALLBACK_URL }), stored);
    const sent = service.requests.slice(from);
    assert.equal(sent.length, 1);
    assert.equal(sent[0]?.method, 'DELETE');
    assert.equal(sent[0]?.path, '/subscriptions/sub-17', 'the id comes from the subscribe answer');
    assert.deepEqual(sent[0]?.body, { callbackUrl: CALLBACK_URL }, 'listCallbackUrl() works in unsubscribe too');
    assert.deepEqual(result, { outcome: 'unsubscribed' });
  });

  test('unsubscribe can DELETE the Location the service answered', async () => {
    reply = defaultReply;
    const trigger = triggerOf({ subscribe: SUBSCRIBE, unsubscribe: { method: 'DELETE', uri: "@{action().outputs.headers['Location']}" } });
    const subscription = await subscribeWebhook({ ...portsOf(), trigger, callbackUrl: CALLBACK_URL });
    const from = service.requests.length;
    await unsubscribeWebhook(portsOf(), subscription);
    assert.deepEqual(
      service.requests.slice(from).map((request) => `${request.method} ${request.path}`),
      ['DELETE /subscriptions/sub-17'],
    );
  });

  test('a subscribe the service refuses throws WebhookSubscribeFailed naming the status and host, never the callback URL or a key', async () => {
    reply = () => ({ status: 400, json: { error: `bad callback ${CALLBACK_URL}` } });
    const error = await rejection(subscribeWebhook({ ...portsOf(), trigger: triggerOf({ subscribe: SUBSCRIBE }), callbackUrl: CALLBACK_URL }));
    assert.equal(error.code, 'WebhookSubscribeFailed');
    assert.equal(error.retryable, false);
    assert.match(error.message, /^trigger 'When_an_event_arrives': the subscribe call \(POST to 127\.0\.0\.1:\d+\) answered 400 \(BadRequest\)/);
    assert.equal(error.details?.['statusCode'], 400);
    assert.doesNotMatch(`${error.message} ${JSON.stringify(error.details)}`, /sig=|c2lnbmF0dXJl|key-5d41/);
  });

  test('a service that is down makes a retryable error', async () => {
    reply = () => ({ status: 503 });
    const error = await rejection(subscribeWebhook({ ...portsOf(), trigger: triggerOf({ subscribe: SUBSCRIBE }), callbackUrl: CALLBACK_URL }));
    assert.equal(error.code, 'WebhookSubscribeFailed');
    assert.equal(error.retryable, true);
    assert.match(error.message, /answered 503 \(ServiceUnavailable\)/);
  });

  test('Basic authentication reaches the service, and a failure message never holds the password', async () => {
    reply = () => ({ status: 401 });
    const from = service.requests.length;
    const trigger = triggerOf({ subscribe: { ...SUBSCRIBE, authentication: { type: 'Basic', username: 'flows', password: "@parameters('apiKey')" } } });
    const error = await rejection(subscribeWebhook({ ...portsOf(), trigger, callbackUrl: CALLBACK_URL }));
    assert.equal(service.requests[from]?.headers['authorization'], `Basic ${Buffer.from(`flows:${API_KEY}`).toString('base64')}`);
    assert.match(error.message, /answered 401 \(Unauthorized\) — the service refused the credentials/);
    assert.doesNotMatch(error.message, new RegExp(API_KEY));
  });

  test('an unsubscribe answered 404 or 410 means the subscription is already gone; 500 throws WebhookUnsubscribeFailed', async () => {
    reply = defaultReply;
    const trigger = triggerOf({ subscribe: SUBSCRIBE, unsubscribe: { method: 'DELETE', uri: "@{parameters('serviceUrl')}/subscriptions/@{action().outputs.body.id}" } });
    const subscription = await subscribeWebhook({ ...portsOf(), trigger, callbackUrl: CALLBACK_URL });

    reply = () => ({ status: 410 });
    assert.deepEqual(await unsubscribeWebhook(portsOf(), subscription), { outcome: 'already-gone', statusCode: 410 });
    reply = () => ({ status: 500 });
    const error = await rejection(unsubscribeWebhook(portsOf(), subscription));
    assert.equal(error.code, 'WebhookUnsubscribeFailed');
    assert.match(error.message, /^trigger 'When_an_event_arrives': the unsubscribe call \(DELETE to 127\.0\.0\.1:\d+\) answered 500 \(InternalServerError\)/);
    assert.equal(error.retryable, true);
  });

  test('a trigger without unsubscribe inputs has nothing to call', async () => {
    reply = defaultReply;
    const subscription = await subscribeWebhook({ ...portsOf(), trigger: triggerOf({ subscribe: SUBSCRIBE, unsubscribe: {} }), callbackUrl: CALLBACK_URL });
    const from = service.requests.length;
    const result = await unsubscribeWebhook(portsOf(), subscription);
    assert.equal(result.outcome, 'nothing-to-call');
    assert.equal(service.requests.length, from);
  });

  test('inputs that cannot make a call are refused before any request, naming the trigger and the input', async () => {
    const from = service.requests.length;
    const missing = await rejection(subscribeWebhook({ ...portsOf(), trigger: triggerOf({ unsubscribe: {} }), callbackUrl: CALLBACK_URL }));
    assert.equal(missing.code, 'WebhookTriggerInvalid');
    assert.match(missing.message, /^trigger 'When_an_event_arrives': input `subscribe` is required/);

    const badUri = await rejection(subscribeWebhook({ ...portsOf(), trigger: triggerOf({ subscribe: { method: 'POST', uri: '@{listCallbackUrl()}/x y', body: {} } }), callbackUrl: 'not a url' }));
    assert.equal(badUri.code, 'BadRequest');
    assert.match(badUri.message, /^trigger 'When_an_event_arrives': subscribe: input `uri` is not an absolute URL/);

    const badExpression = await rejection(subscribeWebhook({ ...portsOf(), trigger: triggerOf({ subscribe: { ...SUBSCRIBE, uri: "@{parameters('nope')}" } }), callbackUrl: CALLBACK_URL }));
    assert.equal(badExpression.code, 'InvalidTemplate');
    assert.equal(service.requests.length, from);
  });

  test('without an outbound HTTP client the subscribe fails with WebhookPortMissing', async () => {
    const error = await rejection(subscribeWebhook({ ...portsOf({ http: undefined }), trigger: triggerOf({ subscribe: SUBSCRIBE }), callbackUrl: CALLBACK_URL }));
    assert.equal(error.code, 'WebhookPortMissing');
  });

  test('a trigger that is not a webhook is refused', async () => {
    const trigger: WorkflowTrigger = { ...triggerOf({ subscribe: SUBSCRIBE }), type: 'Recurrence' };
    const error = await rejection(subscribeWebhook({ ...portsOf(), trigger, callbackUrl: CALLBACK_URL }));
    assert.equal(error.code, 'WebhookKindUnsupported');
  });
});
