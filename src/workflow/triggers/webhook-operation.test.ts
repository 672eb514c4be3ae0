/**
 * What a connector definition says about its webhooks: where the callback URL goes, which schema
 * notifications follow, and how a subscription is removed — on corpus connectors and small
 * definitions written for one rule each.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { loadConnector } from '../../connectors/index.ts';
import type { ConnectorDefinition } from '../../connectors/index.ts';
import { corpusFolder } from '../../../test/connectors/connector-kit.ts';
import { notificationSchemaOf, unsubscribePlanOf, webhookOperationById, webhookOperationByRequest, withCallbackAt } from './webhook-operation.ts';

function corpus(folder: string): ConnectorDefinition {
  const loaded = loadConnector(corpusFolder(folder));
  assert.ok(loaded.definition, JSON.stringify(loaded.issues));
  return loaded.definition;
}

/** A definition from a Swagger document (and apiProperties, for policies) written in the test. */
function definitionOf(swagger: Record<string, unknown>, properties?: Record<string, unknown>): ConnectorDefinition {
  const file = (name: string, value: unknown) => {
    const bytes = new TextEncoder().encode(JSON.stringify(value));
    return { name, size: bytes.byteLength, bytes };
  };
  const files = [file('apiDefinition.swagger.json', { swagger: '2.0', info: { title: 'Hooks', version: '1.0' }, schemes: ['https'], consumes: ['application/json'], produces: ['application/json'], ...swagger })];
  if (properties !== undefined) files.push(file('apiProperties.json', { properties }));
  const loaded = loadConnector({ kind: 'folder', path: 'hooks', files });
  assert.ok(loaded.definition, JSON.stringify(loaded.issues));
  return loaded.definition;
}

const subscribeOperation = (path: string, callbackSchema: Record<string, unknown> = { type: 'object', properties: { callbackUrl: { type: 'string', 'x-ms-notification-url': true, 'x-ms-visibility': 'internal' } } }) => ({
  [path]: {
    'x-ms-notification-content': { description: 'event', schema: { type: 'object', properties: { event: { type: 'string' } }, required: ['event'] } },
    post: { operationId: 'Subscribe', 'x-ms-trigger': 'single', parameters: [{ name: 'body', in: 'body', required: true, schema: callbackSchema }], responses: { '201': { description: 'created' } } },
  },
});
const deleteOperation = (path: string, parameter = 'id') => ({
  [path]: { delete: { operationId: 'Unsubscribe', 'x-ms-visibility': 'internal', parameters: [{ name: parameter, in: 'path', required: true, type: 'string' }], responses: { '200': { description: 'ok' } } } },
});

describe('webhook operations of a connector', () => {
  test('finds the callback property as a Power Automate parameters key and the notification schema with its definitions', () => {
    const gmo = corpus('certified-connectors/GMO Sign');
    const webhook = webhookOperationById(gmo, 'CreateHookEnvelope');
    assert.equal(webhook?.callbackKey, 'body/urlToPublishTo');
    assert.deepEqual(webhook?.callbackBody, { parameter: 'body', pointer: '/urlToPublishTo' });
    assert.deepEqual(webhook?.notification?.schema, { $ref: '#/definitions/WebhookEnvelopeResponse' });
    assert.ok(webhook?.notification?.definitions['WebhookEnvelopeResponse'] !== undefined);
    assert.equal(webhookOperationByRequest(gmo, { method: 'post', path: '/customer/connect' })?.operation.operationId, 'CreateHookEnvelope');
    assert.equal(webhookOperationById(gmo, 'DeleteHook')?.callbackKey, undefined, 'a DELETE operation has no callback property');
  });

  test('a nested callback property becomes a nested key, and is written into a copy of the body', () => {
    const definition = definitionOf({ host: 'hooks.example', paths: subscribeOperation('/hooks', { type: 'object', properties: { notification: { type: 'object', properties: { url: { type: 'string', 'x-ms-notification-url': true } } } } }) });
    const webhook = webhookOperationById(definition, 'Subscribe');
    assert.equal(webhook?.callbackKey, 'body/notification/url');
    const body = { notification: { format: 'json' }, name: 'x' };
    assert.deepEqual(withCallbackAt(body, { pointer: '/notification/url', callbackUrl: 'https://cb' }), { notification: { format: 'json', url: 'https://cb' }, name: 'x' });
    assert.deepEqual(body, { notification: { format: 'json' }, name: 'x' }, 'the caller’s body is not changed');
    assert.deepEqual(notificationSchemaOf(definition, 'Subscribe')?.schema, { type: 'object', properties: { event: { type: 'string' } }, required: ['event'] });
  });
});

describe('how a subscription is removed', () => {
  const paths = { ...subscribeOperation('/api/hooks'), ...deleteOperation('/api/hooks/{id}') };
  const definition = definitionOf({ host: 'hooks.example', basePath: '/v2', paths });
  const operation = webhookOperationById(definition, 'Subscribe')?.operation;

  test('a Location on the connector’s host that a DELETE operation serves is DELETEd there', () => {
    assert.deepEqual(unsubscribePlanOf(definition, { operation, answer: { location: 'https://hooks.example/v2/api/hooks/h-9?tenant=t1', body: undefined } }), {
      method: 'location',
      path: '/v2/api/hooks/h-9',
      queries: { tenant: 't1' },
      operationId: 'Unsubscribe',
    });
    assert.equal(unsubscribePlanOf(definition, { operation, answer: { location: '/v2/api/hooks/h-9', body: undefined } }).method, 'location', 'a relative Location is on the connector’s host');
  });

  test('a Location on another host is refused with the reason; the DELETE operation is used when the answer holds the id', () => {
    const elsewhere = unsubscribePlanOf(definition, { operation, answer: { location: 'https://attacker.example/v2/api/hooks/h-9', body: undefined } });
    assert.equal(elsewhere.method, 'none');
    assert.match(elsewhere.method === 'none' ? elsewhere.reason : '', /Location on host attacker\.example, not on the connector's host hooks\.example/);
    assert.deepEqual(unsubscribePlanOf(definition, { operation, answer: { location: 'https://attacker.example/x', body: { Id: 42 } } }), { method: 'operation', operationId: 'Unsubscribe', parameters: { id: '42' } });
  });

  test('with a policy-chosen host, the Location’s host cannot be checked and its path is used', () => {
    const dynamic = definitionOf(
      { host: 'placeholder.example', paths },
      { connectionParameters: { host: { type: 'string' } }, policyTemplateInstances: [{ templateId: 'dynamichosturl', title: 'host', parameters: { 'x-ms-apimTemplateParameter.urlTemplate': 'https://@connectionParameters(\'host\')' } }] },
    );
    const plan = unsubscribePlanOf(dynamic, { operation: webhookOperationById(dynamic, 'Subscribe')?.operation, answer: { location: 'https://tenant-7.hooks.example/api/hooks/h-9', body: undefined } });
    assert.deepEqual(plan, { method: 'location', path: '/api/hooks/h-9', queries: {}, operationId: 'Unsubscribe' });
  });

  test('a Location no DELETE operation serves, and no id in the answer, leaves nothing to call', () => {
    const plan = unsubscribePlanOf(definition, { operation, answer: { location: 'https://hooks.example/v2/other/h-9', body: { state: 'ok' } } });
    assert.equal(plan.method, 'none');
    assert.match(plan.method === 'none' ? plan.reason : '', /no DELETE operation for the path of the Location/);
  });

  test('the id is found by the parameter’s name in another spelling (connect_id for connectId), else `id`', () => {
    const gmo = corpus('certified-connectors/GMO Sign');
    const subscribe = webhookOperationById(gmo, 'CreateHookEnvelope')?.operation;
    assert.deepEqual(unsubscribePlanOf(gmo, { operation: subscribe, answer: { location: undefined, body: { cus_id: 'c-1', connect_id: 'k-77' } } }), { method: 'operation', operationId: 'DeleteHook', parameters: { connectId: 'k-77' } });
    const none = unsubscribePlanOf(gmo, { operation: subscribe, answer: { location: undefined, body: { cus_id: 'c-1' } } });
    assert.equal(none.method, 'none');
    assert.match(none.method === 'none' ? none.reason : '', /answered no Location header/);
  });

  test('an ancestor collection counts only when it is named like one: POST /users/hooks never leads to DELETE /users/{id}', () => {
    const users = definitionOf({ host: 'hooks.example', paths: { ...subscribeOperation('/users/hooks'), ...deleteOperation('/users/{id}') } });
    assert.equal(unsubscribePlanOf(users, { operation: webhookOperationById(users, 'Subscribe')?.operation, answer: { location: undefined, body: { id: '7' } } }).method, 'none');
    const avepoint = corpus('certified-connectors/AvePoint Cloud Governance');
    const created = webhookOperationById(avepoint, 'Flow_CreateHookForTaskCreated')?.operation;
    assert.equal(created?.path, '/flow/hooks/task/created');
    assert.deepEqual(unsubscribePlanOf(avepoint, { operation: created, answer: { location: undefined, body: { id: 'h-1' } } }), { method: 'operation', operationId: 'Flow_DeleteHookById', parameters: { id: 'h-1' } });
  });
});
