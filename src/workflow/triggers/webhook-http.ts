/**
 * HttpWebhook (wdl.md §3): `subscribe` and `unsubscribe` are Http calls (`method`, `uri`,
 * `headers`, `queries`, `body`, `authentication`, `retryPolicy`), run by the Http action's
 * executor through the outbound HTTP port. `listCallbackUrl()` gives the trigger's callback URL in
 * both. In `unsubscribe`, `action()` is the subscribe call's result (`action().outputs.body.id`,
 * `action().outputs.headers.Location`) — the WDL reference gives webhook actions this; Plugboard
 * gives the trigger the same. `unsubscribe` may write `url` (the reference's spelling) or `uri`.
 */
import { PlugboardError } from '../../core/index.ts';
import { isRecord, toJsonText } from '../../expressions/index.ts';
import { httpExecutor } from '../actions/index.ts';
import type { ActionOutcome } from '../actions/index.ts';
import { memberOf } from '../actions/inputs.ts';
import type { ExpressionContext } from '../../expressions/index.ts';
import { actionContextOf, callAction } from './webhook-context.ts';
import type { SubscribeContext, WebhookPorts } from './webhook-context.ts';
import { callAnswered, callFailed, portMissing, triggerInvalid } from './webhook-errors.ts';
import { MAX_STORED_BODY_CHARS, SUBSCRIPTION_FORMAT_VERSION } from './webhook-subscription.ts';
import type { HttpWebhookSubscription, SubscribeResponse, UnsubscribeResult } from './webhook-subscription.ts';
import { setOwn, textRecord } from './values.ts';

/** Calls the trigger's `subscribe` with `listCallbackUrl()` = the callback URL; a non-2xx answer throws `WebhookSubscribeFailed`. */
export async function subscribeHttpWebhook(context: SubscribeContext): Promise<HttpWebhookSubscription> {
  const { trigger } = context;
  const inputs = isRecord(trigger.inputs) ? trigger.inputs : undefined;
  const subscribe = inputs === undefined ? undefined : memberOf(inputs, 'subscribe');
  if (!isRecord(subscribe)) {
    throw triggerInvalid(trigger.name, 'input `subscribe` is required — the call that registers the callback, such as { "method": "POST", "uri": "https://…/subscriptions", "body": { "callbackUrl": "@{listCallbackUrl()}" } }');
  }
  const unsubscribe = inputs === undefined ? undefined : memberOf(inputs, 'unsubscribe');
  if (unsubscribe !== undefined && unsubscribe !== null && !isRecord(unsubscribe)) {
    throw triggerInvalid(trigger.name, 'input `unsubscribe` must be an object like `subscribe`, such as { "method": "DELETE", "uri": "@{action().outputs.headers.Location}" }');
  }
  const response = await call(context, { trigger, phase: 'subscribe', inputs: subscribe, extra: { callbackUrl: context.callbackUrl } });
  return {
    formatVersion: SUBSCRIPTION_FORMAT_VERSION,
    kind: 'HttpWebhook',
    trigger: trigger.name,
    response: stored(response),
    ...(isRecord(unsubscribe) && Object.keys(unsubscribe).length > 0 ? { unsubscribe } : {}),
  };
}

/** Calls the stored `unsubscribe` inputs; 404 and 410 count as already gone, another non-2xx throws `WebhookUnsubscribeFailed`. */
export async function unsubscribeHttpWebhook(ports: WebhookPorts, subscription: HttpWebhookSubscription): Promise<UnsubscribeResult> {
  if (subscription.unsubscribe === undefined) return { outcome: 'nothing-to-call', reason: `trigger '${subscription.trigger}' has no \`unsubscribe\` inputs, so there is nothing to call` };
  const raw = subscription.unsubscribe;
  // The reference writes `url` in unsubscribe (and `uri` in subscribe); accept both.
  const inputs = memberOf(raw, 'uri') === undefined && memberOf(raw, 'url') !== undefined ? renamed(raw, { from: 'url', to: 'uri' }) : raw;
  const subscribed = { name: subscription.trigger, outputs: subscription.response, status: 'Succeeded', code: 'OK' };
  const extra: Partial<ExpressionContext> = { action: subscribed, ...(ports.callbackUrl === undefined ? {} : { callbackUrl: ports.callbackUrl }) };
  try {
    await call(ports, { trigger: { name: subscription.trigger }, phase: 'unsubscribe', inputs, extra });
  } catch (error) {
    const status = error instanceof PlugboardError ? error.details?.['statusCode'] : undefined;
    if (status === 404 || status === 410) return { outcome: 'already-gone', statusCode: status };
    throw error;
  }
  return { outcome: 'unsubscribed' };
}

interface HttpCall {
  readonly trigger: { readonly name: string; readonly pointer?: string };
  readonly phase: 'subscribe' | 'unsubscribe';
  readonly inputs: Readonly<Record<string, unknown>>;
  readonly extra: Partial<ExpressionContext>;
}

/** Runs one Http call; returns the 2xx answer or throws (non-2xx: `callAnswered`, before an answer: the failure's code). */
async function call(ports: WebhookPorts, request: HttpCall): Promise<SubscribeResponse> {
  const { trigger, phase } = request;
  if (ports.http === undefined) throw portMissing(trigger.name, 'this server gave the trigger service no outbound HTTP client, so HttpWebhook triggers cannot subscribe or unsubscribe');
  let outcome: ActionOutcome;
  try {
    outcome = await httpExecutor.execute(callAction(trigger, { inputs: request.inputs, member: phase }), actionContextOf(ports, request.extra));
  } catch (error) {
    throw callFailed({ trigger: trigger.name, phase }, error);
  }
  const outputs = isRecord(outcome.outputs) ? outcome.outputs : undefined;
  const statusCode = outputs?.['statusCode'];
  if (outcome.status === 'Succeeded' && typeof statusCode === 'number') {
    return { statusCode, headers: textRecord(outputs?.['headers']), ...(outputs?.['body'] === undefined ? {} : { body: outputs['body'] }) };
  }
  if (typeof statusCode === 'number') throw callAnswered({ trigger: trigger.name, phase, target: targetOf(outcome.inputs) }, statusCode);
  const error = outcome.error ?? { code: 'ActionFailed', message: `the ${phase} call did not complete` };
  throw callFailed({ trigger: trigger.name, phase }, new PlugboardError(error.message, { code: error.code, kind: 'operational', retryable: outcome.status !== 'Cancelled' }));
}

/** `POST to api.example.com`: the method and host of the recorded inputs (never the path or query: they may hold keys). */
function targetOf(recorded: unknown): string {
  const method = isRecord(recorded) && typeof recorded['method'] === 'string' ? recorded['method'] : 'the request';
  const uri = isRecord(recorded) && typeof recorded['uri'] === 'string' ? recorded['uri'] : undefined;
  let host = 'the endpoint';
  try {
    if (uri !== undefined) host = new URL(uri).host;
  } catch {
    // The executor refuses such a uri before calling; keep the generic name.
  }
  return `${method} to ${host}`;
}

/** The answer as the subscription keeps it: no cookies, no body beyond the size limit. */
function stored(response: SubscribeResponse): SubscribeResponse {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(response.headers)) if (name.toLowerCase() !== 'set-cookie') setOwn(headers, name, value);
  if (response.body === undefined) return { statusCode: response.statusCode, headers };
  const tooLarge = toJsonText(response.body).length > MAX_STORED_BODY_CHARS;
  return { statusCode: response.statusCode, headers, ...(tooLarge ? { bodyOmitted: true } : { body: response.body }) };
}

function renamed(record: Readonly<Record<string, unknown>>, rename: { readonly from: string; readonly to: string }): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(record)) setOwn(out, key.toLowerCase() === rename.from ? rename.to : key, record[key]);
  return out;
}
