/**
 * Errors of webhook subscriptions. Messages name the trigger, the operation (or the host of an
 * HttpWebhook call) and the status — never a URL, a header value or a body: the callback URL and
 * the connection's credentials are secrets, and services echo them back.
 */
import { PlugboardError, UserInputError, isPlugboardError } from '../../core/index.ts';
import { httpStatusName } from '../actions/index.ts';
import { triggerMessage } from './values.ts';

/** Stable codes of webhook subscriptions (a failed call before any answer keeps its own code). */
export const WebhookErrorCode = {
  /** The subscribe call answered a non-2xx status. */
  SubscribeFailed: 'WebhookSubscribeFailed',
  /** The unsubscribe call answered a non-2xx status other than 404/410. */
  UnsubscribeFailed: 'WebhookUnsubscribeFailed',
  /** The trigger is not a webhook kind (HttpWebhook, ApiConnectionWebhook, OpenApiConnectionWebhook). */
  KindUnsupported: 'WebhookKindUnsupported',
  /** The trigger's inputs cannot make a subscription (missing `subscribe`, unknown operation, …). */
  TriggerInvalid: 'WebhookTriggerInvalid',
  /** The caller gave no outbound HTTP port (HttpWebhook) or no connector ports (connector webhooks). */
  PortMissing: 'WebhookPortMissing',
  /** A stored subscription is not one this module wrote. */
  SubscriptionInvalid: 'WebhookSubscriptionInvalid',
  /** A notification does not match the operation's `x-ms-notification-content` schema (400). */
  NotificationSchemaMismatch: 'WebhookNotificationSchemaMismatch',
} as const;

/** Which call of which trigger failed, for messages. */
export interface WebhookCall {
  readonly trigger: string;
  readonly phase: 'subscribe' | 'unsubscribe';
  /** `operation 'CreateHook' on connection reference 'shared_x'`, or `POST to api.example.com`. */
  readonly target: string;
}

/** Statuses worth trying again later: the service or the network, not the flow, was at fault. */
function isTransient(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/** The subscribe or unsubscribe call answered `status` (a non-2xx). */
export function callAnswered(call: WebhookCall, status: number): PlugboardError {
  const name = httpStatusName(status);
  const fix =
    call.phase === 'subscribe'
      ? isTransient(status)
        ? 'the service is unavailable or throttling — enable the flow again later'
        : status === 401 || status === 403
          ? 'the service refused the credentials — check the connection (or the trigger’s authentication)'
          : 'check the trigger’s inputs against what the service expects'
      : isTransient(status)
        ? 'the service is unavailable or throttling — try again later; until then the service may still send notifications, which Plugboard refuses'
        : 'the subscription may still exist at the service — remove it there; Plugboard refuses its notifications';
  return new PlugboardError(`trigger '${call.trigger}': the ${call.phase} call (${call.target}) answered ${status}${name === undefined ? '' : ` (${name})`} — ${fix}`, {
    code: call.phase === 'subscribe' ? WebhookErrorCode.SubscribeFailed : WebhookErrorCode.UnsubscribeFailed,
    kind: isTransient(status) ? 'operational' : 'user',
    retryable: isTransient(status),
    details: { trigger: call.trigger, phase: call.phase, statusCode: status, ...(name === undefined ? {} : { status: name }) },
  });
}

/**
 * A failure before any answer (bad input, unknown reference or operation, connection refused),
 * said about the trigger: the code, kind and retryable flag stay the original's.
 */
export function callFailed(call: Omit<WebhookCall, 'target'>, error: unknown): unknown {
  if (!isPlugboardError(error)) return error;
  return new PlugboardError(triggerMessage(error.message, call), { code: error.code, kind: error.kind, retryable: error.retryable, details: { ...error.details, trigger: call.trigger, phase: call.phase }, cause: error });
}

/** The trigger's inputs cannot make a subscription: `problem` says what to write. */
export function triggerInvalid(trigger: string, problem: string): UserInputError {
  return new UserInputError(`trigger '${trigger}': ${problem}`, { code: WebhookErrorCode.TriggerInvalid, details: { trigger } });
}

/** A port the trigger kind needs was not given. */
export function portMissing(trigger: string, what: string): PlugboardError {
  return new PlugboardError(`trigger '${trigger}': ${what}`, { code: WebhookErrorCode.PortMissing, kind: 'operational', details: { trigger } });
}
