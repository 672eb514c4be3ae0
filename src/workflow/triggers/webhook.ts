/**
 * Webhook trigger subscriptions as step functions over ports (reliability-security.md T-W5): the
 * trigger service calls {@link subscribeWebhook} when a flow with a webhook trigger is enabled or
 * changed, stores the returned {@link Subscription} (plain JSON), and calls
 * {@link unsubscribeWebhook} with it when the flow is disabled, changed or deleted. One module
 * per kind: `webhook-http.ts` (HttpWebhook), `webhook-connector.ts` (ApiConnectionWebhook,
 * OpenApiConnectionWebhook).
 */
import { UserInputError } from '../../core/index.ts';
import type { SubscribeContext, WebhookPorts } from './webhook-context.ts';
import { subscribeApiConnectionWebhook, subscribeOpenApiConnectionWebhook, unsubscribeConnectorWebhook } from './webhook-connector.ts';
import { WebhookErrorCode } from './webhook-errors.ts';
import { subscribeHttpWebhook, unsubscribeHttpWebhook } from './webhook-http.ts';
import { WEBHOOK_KINDS } from './webhook-subscription.ts';
import type { Subscription, UnsubscribeResult, WebhookKind } from './webhook-subscription.ts';

const SUBSCRIBERS: Readonly<Record<WebhookKind, (context: SubscribeContext) => Promise<Subscription>>> = {
  HttpWebhook: subscribeHttpWebhook,
  ApiConnectionWebhook: subscribeApiConnectionWebhook,
  OpenApiConnectionWebhook: subscribeOpenApiConnectionWebhook,
};

/** The webhook kind of a trigger type (any letter case), or undefined for other triggers. */
export function webhookKindOf(type: string): WebhookKind | undefined {
  const lower = type.toLowerCase();
  return WEBHOOK_KINDS.find((kind) => kind.toLowerCase() === lower);
}

/**
 * Subscribes the trigger: evaluates its inputs with `listCallbackUrl()` = `context.callbackUrl` and
 * makes the subscribe call. Throws when the service answers non-2xx (`WebhookSubscribeFailed`,
 * naming the status and the operation or host; `retryable` for 408, 429 and 5xx) or the call
 * cannot be made (the failure's own code: `InvalidTemplate`, `ConnectionReferenceNotFound`,
 * `OperationNotFound`, egress errors …, the message prefixed with the trigger).
 */
export async function subscribeWebhook(context: SubscribeContext): Promise<Subscription> {
  const kind = webhookKindOf(context.trigger.type);
  if (kind === undefined) {
    throw new UserInputError(`trigger '${context.trigger.name}' is of type '${context.trigger.type}', which does not subscribe — webhook triggers are ${WEBHOOK_KINDS.join(', ')}`, {
      code: WebhookErrorCode.KindUnsupported,
      details: { trigger: context.trigger.name },
    });
  }
  return SUBSCRIBERS[kind](context);
}

/**
 * Removes a subscription {@link subscribeWebhook} made. 404 and 410 count as already gone; a
 * subscription that has no way to be removed resolves with `nothing-to-call` and the reason.
 * Throws `WebhookUnsubscribeFailed` for another non-2xx answer, or the failure's own code.
 */
export function unsubscribeWebhook(ports: WebhookPorts, subscription: Subscription): Promise<UnsubscribeResult> {
  return subscription.kind === 'HttpWebhook' ? unsubscribeHttpWebhook(ports, subscription) : unsubscribeConnectorWebhook(ports, subscription);
}
