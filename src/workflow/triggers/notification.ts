/**
 * A notification a webhook subscription delivers to its callback URL, as the trigger outputs the
 * run starts with (`headers`, `queries`, `body`, the shape of the Request trigger's), checked
 * against the connector operation's `x-ms-notification-content` schema when there is one.
 */
import type { WorkflowTrigger } from '../definition/model.ts';
import { toProblem } from '../actions/json-schema.ts';
import type { SchemaValidationProblem } from '../actions/json-schema.ts';
import { MAX_SCHEMA_PROBLEMS, callerHeaders, callerQueries, schemaMismatchError } from './request-trigger.ts';
import { WebhookErrorCode } from './webhook-errors.ts';
import type { NotificationSchema } from './webhook-operation.ts';
import { compileNotificationSchema } from './webhook-schema.ts';

/** A delivery to the callback URL, as the callback endpoint read it. */
export interface NotificationRequest {
  readonly headers: Readonly<Record<string, string>>;
  /** The query of the callback URL, signature members included (they are left out of the outputs). */
  readonly queries?: Readonly<Record<string, string>>;
  /** The parsed JSON body, a string, a binary `{ $content-type, $content }`, or undefined. */
  readonly body?: unknown;
}

/** The trigger outputs of a notification (`triggerOutputs()`, `triggerBody()`). */
export interface NotificationOutputs {
  readonly headers: Readonly<Record<string, string>>;
  /** Present when the sender added queries of its own. */
  readonly queries?: Readonly<Record<string, string>>;
  readonly body?: unknown;
}

/**
 * The trigger outputs of `request`. `Authorization` is left out unless the trigger's
 * `operationOptions` has `IncludeAuthorizationHeadersInOutputs` (as Logic Apps does). With
 * `schema` (the connector operation's notification schema, {@link notificationSchemaOf}), a body
 * that does not match is refused with a {@link CallRefusedError} 400
 * (`WebhookNotificationSchemaMismatch`, the problems in `details.errors`); a schema that cannot be
 * compiled checks nothing — the sender is not at fault for the connector's schema.
 */
export function notificationOutputs(trigger: WorkflowTrigger, request: NotificationRequest, schema?: NotificationSchema): NotificationOutputs {
  if (schema !== undefined) {
    const problems = schemaProblems(schema, request.body);
    if (problems.length > 0) {
      throw schemaMismatchError({
        what: `the notification does not match what trigger '${trigger.name}' expects (the connector's x-ms-notification-content)`,
        problems,
        fix: 'the service sent a body the connector does not describe',
        code: WebhookErrorCode.NotificationSchemaMismatch,
      });
    }
  }
  const headers = callerHeaders(trigger, request.headers);
  const queries = callerQueries(request.queries ?? {});
  return {
    headers,
    ...(Object.keys(queries).length > 0 ? { queries } : {}),
    ...(request.body === undefined ? {} : { body: request.body }),
  };
}

function schemaProblems(schema: NotificationSchema, body: unknown): SchemaValidationProblem[] {
  const compiled = compileNotificationSchema(schema);
  if ('compileError' in compiled) return [];
  // A delivery without a body validates as null (a schema that requires an object refuses it).
  if (compiled.validate(body ?? null)) return [];
  return (compiled.validate.errors ?? []).slice(0, MAX_SCHEMA_PROBLEMS).map(toProblem);
}
