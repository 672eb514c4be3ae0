/**
 * The call of an `Http` polling trigger: the trigger's `method`, `uri`, `headers`, `queries`,
 * `body` and `authentication` sent through the Http action's executor (same evaluation, same
 * Basic/Raw authentication, same body and response handling), with two differences:
 *
 * - When the last answer gave a `Location`, the poll GETs that URL instead (it carries the
 *   service's state); `queries` and `body` are not sent. Credentials (`authentication`,
 *   `Authorization`/`Cookie` headers) go with it only when it is on the origin of the trigger's
 *   own `uri`, so a service cannot send them elsewhere. Up to 16,384 characters (the request URL
 *   limit) rather than the 2 KB of a written `uri`.
 * - The request is sent once (`retry: 'none'`): retrying per the trigger's `retryPolicy` is the
 *   trigger service's job, across polls.
 */
import { isRecord } from '../../expressions/index.ts';
import type { ActionContext, ActionInput, HttpActionRequest, HttpPort } from '../actions/contract.ts';
import { httpExecutor } from '../actions/executors/http.ts';
import { CREDENTIAL_HEADERS } from '../actions/headers.ts';
import { resolveActionLimits } from '../actions/limits.ts';
import { TriggerStepErrorCode } from './polling-errors.ts';
import type { PollCallRequest, PollCallResult } from './polling-call.ts';
import { executeForTrigger } from './polling-call.ts';
import { setOwn } from './values.ts';

/** Longest `Location` URL followed (the documented request URL limit). */
const MAX_LOCATION_CHARS = 16_384;


/** Sends one poll of an Http trigger. */
export async function callHttpTrigger(request: PollCallRequest): Promise<PollCallResult> {
  const { trigger, cursor, actionContext } = request;
  const http = actionContext.http;
  if (http === undefined) {
    return { kind: 'failed', error: { code: TriggerStepErrorCode.HttpNotAvailable, message: `trigger '${trigger.name}': this engine has no outbound HTTP client, so Http triggers cannot poll here`, retryable: false } };
  }
  let sent: HttpActionRequest | undefined;
  let portError: unknown;
  const port: HttpPort = async (outgoing) => {
    sent = { ...outgoing, retry: 'none' };
    try {
      return await http(sent);
    } catch (error) {
      portError = error;
      throw error;
    }
  };
  const nextUrl = cursor?.nextUrl;
  const inputs = nextUrl === undefined ? trigger.inputs : locationInputs(trigger.inputs, { url: nextUrl, sameOrigin: sameOrigin(nextUrl, cursor?.origin) });
  const action: ActionInput = { name: trigger.name, type: 'Http', inputs, pointer: trigger.pointer };
  const context: ActionContext = {
    ...actionContext,
    http: port,
    ...(nextUrl === undefined ? {} : { limits: resolveActionLimits({ ...actionContext.limits, maxHttpUriChars: MAX_LOCATION_CHARS }) }),
  };
  const result = await executeForTrigger({ trigger, action, context, execute: (a, c) => httpExecutor.execute(a, c), portError: () => portError });
  if (result.kind === 'failed') return result;
  const url = sent?.url;
  const host = url === undefined ? 'the service' : new URL(url).host;
  return { kind: 'answer', outputs: result.outputs, target: `${sent?.method ?? 'the request'} to ${host}`, ...(url === undefined ? {} : { requestUrl: url }) };
}

/** The origin of the trigger's own request, for {@link PollCursor.origin}. */
export function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

function sameOrigin(url: string, origin: string | undefined): boolean {
  return origin !== undefined && originOf(url) === origin;
}

/** The trigger's inputs for a GET of the `Location` URL; without credentials on another origin. */
function locationInputs(raw: unknown, location: { readonly url: string; readonly sameOrigin: boolean }): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const source = isRecord(raw) ? raw : {};
  for (const key of Object.keys(source)) {
    const lower = key.toLowerCase();
    if (lower === 'uri' || lower === 'method' || lower === 'queries' || lower === 'body') continue;
    if (!location.sameOrigin && lower === 'authentication') continue;
    if (!location.sameOrigin && lower === 'headers') {
      const headers = source[key];
      // Headers written as one expression cannot be filtered: they stay behind.
      if (isRecord(headers)) setOwn(out, key, Object.fromEntries(Object.entries(headers).filter(([name]) => !CREDENTIAL_HEADERS.has(name.toLowerCase()))));
      continue;
    }
    setOwn(out, key, source[key]);
  }
  out['method'] = 'GET';
  out['uri'] = literalText(location.url);
  return out;
}

/** Text the evaluator takes literally: a leading `@` and `@{` escaped. */
function literalText(text: string): string {
  const escaped = text.replaceAll('@{', '@@{');
  return escaped.startsWith('@') && !escaped.startsWith('@@') ? `@${escaped}` : escaped;
}
