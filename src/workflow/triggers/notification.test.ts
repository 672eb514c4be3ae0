/**
 * Notifications as trigger outputs: what the run sees of the delivery, and which bodies the
 * connector's notification schema — Swagger 2.0 as published, quirks included — refuses.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { WorkflowTrigger } from '../definition/model.ts';
import { notificationOutputs } from './notification.ts';
import type { NotificationRequest } from './notification.ts';
import { CallRefusedError } from './request-trigger.ts';
import type { NotificationSchema } from './webhook-operation.ts';
import { compileNotificationSchema } from './webhook-schema.ts';

function trigger(raw: Record<string, unknown> = {}): WorkflowTrigger {
  return { name: 'When_a_form_is_submitted', type: 'OpenApiConnectionWebhook', kind: undefined, inputs: {}, pointer: '/triggers/When_a_form_is_submitted', raw: { type: 'OpenApiConnectionWebhook', ...raw } };
}

/** The problems of a refused body, or [] when it was accepted. */
function problems(schema: NotificationSchema, body: unknown): { path: string; errorType: string }[] {
  try {
    notificationOutputs(trigger(), { headers: {}, body }, schema);
    return [];
  } catch (error) {
    assert.ok(error instanceof CallRefusedError, String(error));
    assert.equal(error.statusCode, 400);
    return (error.details?.['errors'] as { path: string; errorType: string }[]).map(({ path, errorType }) => ({ path, errorType }));
  }
}

describe('notificationOutputs', () => {
  const request: NotificationRequest = {
    headers: { 'content-type': 'application/json', authorization: 'SharedAccessSignature sr=x', 'x-ms-workflow-run-id': 'ignored-by-nobody' },
    queries: { 'api-version': '2016-10-01', sp: '/triggers/When_a_form_is_submitted/run', sv: '1.0', sig: 's1g', tenant: 'contoso' },
    body: { formId: 'f-1' },
  };

  test('gives headers, the sender’s own queries and the body; Authorization only with IncludeAuthorizationHeadersInOutputs', () => {
    assert.deepEqual(notificationOutputs(trigger(), request), { headers: { 'content-type': 'application/json', 'x-ms-workflow-run-id': 'ignored-by-nobody' }, queries: { tenant: 'contoso' }, body: { formId: 'f-1' } });
    const kept = notificationOutputs(trigger({ operationOptions: 'SingleInstance, IncludeAuthorizationHeadersInOutputs' }), request);
    assert.equal(kept.headers['authorization'], 'SharedAccessSignature sr=x');
  });

  test('a delivery without a body or own queries has neither member', () => {
    assert.deepEqual(notificationOutputs(trigger(), { headers: {}, queries: { sig: 'x', sp: 'y', sv: '1.0', 'api-version': 'v' } }), { headers: {} });
  });

  test('Swagger quirks of published schemas do not refuse good bodies', () => {
    const schema: NotificationSchema = {
      schema: {
        type: 'object',
        required: ['submission'],
        properties: {
          submission: { $ref: '#/definitions/Submission' },
          // `required: true` on a property (invalid draft-04), a file type, a nullable, a date format.
          attachment: { type: 'file', required: true },
          note: { type: 'string', 'x-nullable': true, enum: ['a', 'b'] },
          submittedAt: { type: 'string', format: 'date-time' },
          answers: { type: 'object', properties: {}, 'x-ms-dynamic-schema': { operationId: 'GetSchema', 'value-path': 'schema' } },
          code: { type: 'string', pattern: '(?<=x)\\p{L}+(?i)abc' },
        },
      },
      definitions: { Submission: { type: 'object', required: ['id'], properties: { id: { type: 'string' }, owner: { $ref: '#/definitions/Person' } } }, Person: { type: 'object', properties: { email: { type: 'string' } } }, Unused: { type: 'number' } },
    };
    assert.deepEqual(problems(schema, { submission: { id: 's-1', owner: { email: 'a@b.c' } }, note: null, submittedAt: '2024-05-01 10:00', answers: { q1: [1, 2] }, code: 'anything' }), []);
    assert.deepEqual(problems(schema, { submission: { owner: { email: 5 } } }), [
      { path: 'submission.id', errorType: 'required' },
      { path: 'submission.owner.email', errorType: 'type' },
    ]);
    assert.deepEqual(problems(schema, null), [{ path: '', errorType: 'type' }], 'a delivery without a body is checked as null');
  });

  test('a schema that cannot be compiled checks nothing: the sender is not at fault', () => {
    const broken: NotificationSchema = { schema: { type: 'object', properties: { a: { $ref: '#/definitions/Odd' } } }, definitions: { Odd: { type: 'strange' } } };
    assert.ok('compileError' in compileNotificationSchema(broken), 'ajv refuses the schema');
    assert.deepEqual(problems(broken, { a: 1 }), []);
  });
});
