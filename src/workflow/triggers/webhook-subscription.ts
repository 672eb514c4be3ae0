/**
 * A webhook subscription as the trigger service stores it (plain JSON): what unsubscribing needs,
 * decided when the subscription was made, so a later change of the flow's definition does not
 * change how the old subscription is removed.
 */
import { PlugboardError } from '../../core/index.ts';
import { isRecord } from '../../expressions/index.ts';
import { WebhookErrorCode } from './webhook-errors.ts';
import type { UnsubscribePlan } from './webhook-operation.ts';
import { textRecord } from './values.ts';

/** The version of the stored shape; {@link readSubscription} refuses others. */
export const SUBSCRIPTION_FORMAT_VERSION = 1;

/** The webhook trigger kinds (canonical type names). */
export const WEBHOOK_KINDS = ['HttpWebhook', 'ApiConnectionWebhook', 'OpenApiConnectionWebhook'] as const;

/** One of {@link WEBHOOK_KINDS}. */
export type WebhookKind = (typeof WEBHOOK_KINDS)[number];

/** The subscribe call's answer, as `action()` shows it to HttpWebhook `unsubscribe` inputs. */
export interface SubscribeResponse {
  readonly statusCode: number;
  /** Without `Set-Cookie`. */
  readonly headers: Readonly<Record<string, string>>;
  /** Left out when larger than {@link MAX_STORED_BODY_CHARS} as JSON (`bodyOmitted` says so). */
  readonly body?: unknown;
  readonly bodyOmitted?: boolean;
}

/** The longest subscribe answer body (as JSON text) kept in a subscription. */
export const MAX_STORED_BODY_CHARS = 65_536;

/** An HttpWebhook subscription. */
export interface HttpWebhookSubscription {
  readonly formatVersion: typeof SUBSCRIPTION_FORMAT_VERSION;
  readonly kind: 'HttpWebhook';
  readonly trigger: string;
  readonly response: SubscribeResponse;
  /**
   * The trigger's raw `unsubscribe` inputs when it subscribed (expressions not evaluated: they are
   * evaluated when unsubscribing, so parameters holding secrets never sit in the subscription);
   * absent when the trigger has none (or an empty one).
   */
  readonly unsubscribe?: Readonly<Record<string, unknown>>;
}

/** An ApiConnectionWebhook or OpenApiConnectionWebhook subscription. */
export interface ConnectorWebhookSubscription {
  readonly formatVersion: typeof SUBSCRIPTION_FORMAT_VERSION;
  readonly kind: 'ApiConnectionWebhook' | 'OpenApiConnectionWebhook';
  readonly trigger: string;
  readonly connectionReference: string;
  /** The subscribe operation: its `x-ms-notification-content` is what deliveries are checked against. */
  readonly operationId?: string;
  readonly statusCode: number;
  /** The `Location` the service answered, if any. */
  readonly location?: string;
  readonly unsubscribe: UnsubscribePlan;
}

/** What {@link subscribeWebhook} returns and {@link unsubscribeWebhook} takes. */
export type Subscription = HttpWebhookSubscription | ConnectorWebhookSubscription;

/** What unsubscribing did. */
export interface UnsubscribeResult {
  /**
   * `unsubscribed`: the service answered 2xx; `already-gone`: 404 or 410; `nothing-to-call`: the
   * subscription has no way to be removed (`reason` says why; the trigger service refuses its
   * notifications from now on).
   */
  readonly outcome: 'unsubscribed' | 'already-gone' | 'nothing-to-call';
  readonly statusCode?: number;
  readonly reason?: string;
}

/** Checks stored JSON and returns it as a {@link Subscription}; throws `WebhookSubscriptionInvalid` naming the wrong member. */
export function readSubscription(value: unknown): Subscription {
  if (!isRecord(value)) throw invalid('is not an object');
  if (value['formatVersion'] !== SUBSCRIPTION_FORMAT_VERSION) throw invalid(`has formatVersion ${JSON.stringify(value['formatVersion'])}; this version reads ${SUBSCRIPTION_FORMAT_VERSION}`);
  const trigger = value['trigger'];
  if (typeof trigger !== 'string') throw invalid('has no `trigger` name');
  const kind = value['kind'];
  if (kind === 'HttpWebhook') {
    const response = value['response'];
    if (!isRecord(response) || typeof response['statusCode'] !== 'number' || !isRecord(response['headers'])) throw invalid('has no `response` with `statusCode` and `headers`');
    const unsubscribe = value['unsubscribe'];
    if (unsubscribe !== undefined && !isRecord(unsubscribe)) throw invalid('has an `unsubscribe` that is not an object');
    return {
      formatVersion: SUBSCRIPTION_FORMAT_VERSION,
      kind,
      trigger,
      response: {
        statusCode: response['statusCode'],
        headers: textRecord(response['headers']),
        ...(response['body'] === undefined ? {} : { body: response['body'] }),
        ...(response['bodyOmitted'] === true ? { bodyOmitted: true } : {}),
      },
      ...(unsubscribe === undefined ? {} : { unsubscribe }),
    };
  }
  if (kind === 'ApiConnectionWebhook' || kind === 'OpenApiConnectionWebhook') {
    const { connectionReference, statusCode, operationId, location } = value;
    if (typeof connectionReference !== 'string') throw invalid('has no `connectionReference`');
    if (typeof statusCode !== 'number') throw invalid('has no `statusCode`');
    return {
      formatVersion: SUBSCRIPTION_FORMAT_VERSION,
      kind,
      trigger,
      connectionReference,
      statusCode,
      ...(typeof operationId === 'string' ? { operationId } : {}),
      ...(typeof location === 'string' ? { location } : {}),
      unsubscribe: planOf(value['unsubscribe']),
    };
  }
  throw invalid(`has kind ${JSON.stringify(kind)} — one of ${WEBHOOK_KINDS.join(', ')} was expected`);
}

function planOf(plan: unknown): UnsubscribePlan {
  if (isRecord(plan)) {
    const { method, path, queries, operationId, parameters, reason } = plan;
    if (method === 'location' && typeof path === 'string' && typeof operationId === 'string' && isRecord(queries)) return { method, path, queries: textRecord(queries), operationId };
    if (method === 'operation' && typeof operationId === 'string' && isRecord(parameters)) return { method, operationId, parameters: textRecord(parameters) };
    if (method === 'none' && typeof reason === 'string') return { method, reason };
  }
  throw invalid('has an `unsubscribe` plan that is not `location`, `operation` or `none` with their members');
}

function invalid(problem: string): PlugboardError {
  return new PlugboardError(`the stored webhook subscription ${problem} — subscribe again (disable and enable the flow)`, { code: WebhookErrorCode.SubscriptionInvalid, kind: 'unexpected' });
}
