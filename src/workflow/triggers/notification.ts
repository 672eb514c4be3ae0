/**
 * A notification a webhook subscription delivers to its callback URL, as the trigger outputs the
 * run starts with (`headers`, `queries`, `body`, the shape of the Request trigger's), checked
 * against the connector operation's `x-ms-notification-content` schema when there is one.
 */
import type { WorkflowTrigger } from '../definition/model.ts';
import { isRecord } from '../../expressions/index.ts';
import { toProblem } from '../actions/json-schema.ts';
import type { SchemaValidationProblem } from '../actions/json-schema.ts';
import { CallRefusedError } from './request-trigger.ts';
import { WebhookErrorCode } from './webhook-errors.ts';
import type { NotificationSchema } from './webhook-operation.ts';
import { compileNotificationSchema } from './webhook-schema.ts';
import { setOwn } from './values.ts';

/** The query members of a callback URL that are the signature, not the sender's own queries. */
const CALLBACK_QUERY_MEMBERS: ReadonlySet<string> = new Set(['api-version', 'sp', 'sv', 'sig']);

/** The operation option that keeps `Authorization` in the outputs (Request and HttpWebhook triggers). */
const INCLUDE_AUTHORIZATION = 'includeauthorizationheadersinoutputs';

/** At most this many schema problems are listed in a 400 answer. */
const MAX_PROBLEMS = 20;

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
      const first = problems[0];
      throw new CallRefusedError(
        400,
        `the notification does not match what trigger '${trigger.name}' expects (the connector's x-ms-notification-content): ${first === undefined ? '' : `${first.path === '' ? 'the body' : `\`${first.path}\``} ${first.message}`}${problems.length > 1 ? ` (and ${problems.length - 1} more; see details.errors)` : ''} — the service sent a body the connector does not describe`,
        { code: WebhookErrorCode.NotificationSchemaMismatch, details: { errors: problems } },
      );
    }
  }
  const keepAuthorization = operationOptionsOf(trigger).includes(INCLUDE_AUTHORIZATION);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (!keepAuthorization && name.toLowerCase() === 'authorization') continue;
    setOwn(headers, name, value);
  }
  const queries: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.queries ?? {})) if (!CALLBACK_QUERY_MEMBERS.has(name.toLowerCase())) setOwn(queries, name, value);
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
  return (compiled.validate.errors ?? []).slice(0, MAX_PROBLEMS).map(toProblem);
}

/** `operationOptions` lower-cased and split (`"SingleInstance, IncludeAuthorizationHeadersInOutputs"`). */
function operationOptionsOf(trigger: WorkflowTrigger): string[] {
  const raw = isRecord(trigger.raw) ? trigger.raw['operationOptions'] : undefined;
  if (typeof raw !== 'string') return [];
  return raw
    .split(',')
    .map((option) => option.trim().toLowerCase())
    .filter((option) => option !== '');
}
