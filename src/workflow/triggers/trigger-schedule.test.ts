/**
 * The kind of a trigger follows what the polling and webhook modules can handle, so a type neither
 * handles is 'other' (it starts no runs) rather than a webhook that fails to subscribe.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadWorkflowDefinition } from '../definition/load-workflow-definition.ts';
import type { WorkflowTrigger } from '../definition/model.ts';
import { triggerKindOf } from './trigger-schedule.ts';

function triggerOf(type: string): WorkflowTrigger {
  const trigger = loadWorkflowDefinition({ triggers: { t: { type, inputs: {} } }, actions: {} }).definition?.triggers[0];
  assert.ok(trigger);
  return trigger;
}

test('each trigger type gets the kind of the module that runs it, in any letter case', () => {
  const kinds = Object.fromEntries(
    ['Request', 'recurrence', 'SlidingWindow', 'Http', 'ApiConnection', 'openApiConnection', 'HttpWebhook', 'ApiConnectionWebhook', 'OPENAPICONNECTIONWEBHOOK', 'ApiConnectionNotification', 'Batch'].map((type) => [type, triggerKindOf(triggerOf(type))]),
  );
  assert.deepEqual(kinds, {
    Request: 'request',
    recurrence: 'schedule',
    SlidingWindow: 'schedule',
    Http: 'polling',
    ApiConnection: 'polling',
    openApiConnection: 'polling',
    HttpWebhook: 'webhook',
    ApiConnectionWebhook: 'webhook',
    OPENAPICONNECTIONWEBHOOK: 'webhook',
    // No module subscribes it: treated as a webhook it would fail and disable its flow.
    ApiConnectionNotification: 'other',
    Batch: 'other',
  });
});
