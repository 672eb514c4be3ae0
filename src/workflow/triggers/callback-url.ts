/**
 * Signed callback URLs, as Logic Apps issues them: `…/workflows/{flow}/triggers/{trigger}/paths/invoke
 * ?api-version=2016-10-01&sp=%2Ftriggers%2F{trigger}%2Frun&sv=1.0&sig={signature}`.
 *
 * The signature is HMAC-SHA256 under the flow's callback key (32 random bytes, sealed in the store;
 * regenerating it invalidates every URL issued before) over the flow id, the trigger name, the
 * permission (`sp`) and the signature version (`sv`). The relative path after `/paths/invoke` is
 * not signed (it carries the Request trigger's `relativePath` parameters). Verification compares
 * in constant time.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** The API version Logic Apps callback URLs carry. */
export const CALLBACK_API_VERSION = '2016-10-01';

/** The signature version this module writes and accepts. */
export const CALLBACK_SIGNATURE_VERSION = '1.0';

/** What a callback URL grants: running one trigger. */
export function callbackPermission(triggerName: string): string {
  return `/triggers/${triggerName}/run`;
}

/** The signature over a flow's trigger (base64url, 43 characters). */
export function signCallback(key: Uint8Array, flowId: string, triggerName: string, permission = callbackPermission(triggerName), version = CALLBACK_SIGNATURE_VERSION): string {
  return createHmac('sha256', key).update(JSON.stringify([flowId, triggerName, permission, version])).digest('base64url');
}

/** The query members a callback request carries. */
export interface CallbackQuery {
  readonly sp?: unknown;
  readonly sv?: unknown;
  readonly sig?: unknown;
}

/** Why a callback request is refused; undefined when its signature is good. */
export function callbackRefusal(key: Uint8Array, flowId: string, triggerName: string, query: CallbackQuery): string | undefined {
  return createCallbackVerifier(key, flowId)(triggerName, query);
}

/**
 * {@link callbackRefusal} for one flow key, remembering each trigger's expected signature (an HMAC
 * per call was a measurable share of a callback's cost). Drop it when the key changes.
 */
export function createCallbackVerifier(key: Uint8Array, flowId: string): (triggerName: string, query: CallbackQuery) => string | undefined {
  const expectedByTrigger = new Map<string, Buffer>();
  return (triggerName, query) => {
    const { sp, sv, sig } = query;
    if (typeof sig !== 'string' || sig === '') return 'the callback URL has no signature (`sig`) — use the URL `listCallbackUrl` returns, unchanged';
    if (sp !== callbackPermission(triggerName)) return `the callback URL's permission (\`sp\`) does not grant running trigger '${triggerName}' — use the URL \`listCallbackUrl\` returns for this trigger`;
    if (sv !== CALLBACK_SIGNATURE_VERSION) return `the callback URL's signature version (\`sv\`) must be ${CALLBACK_SIGNATURE_VERSION}`;
    let expected = expectedByTrigger.get(triggerName);
    if (expected === undefined) {
      expected = Buffer.from(signCallback(key, flowId, triggerName, sp, sv));
      if (expectedByTrigger.size >= 1000) expectedByTrigger.clear();
      expectedByTrigger.set(triggerName, expected);
    }
    return compareSignature(expected, sig);
  };
}

function compareSignature(expected: Buffer, sig: string): string | undefined {
  const given = Buffer.from(sig);
  // Same length first (timingSafeEqual needs it); the length of a good signature is public anyway.
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return 'the callback URL signature is not valid for this flow and trigger (it was changed, or the flow’s access key was regenerated) — get a new URL with `listCallbackUrl`';
  }
  return undefined;
}

/** The URL parts `listCallbackUrl` answers with (the shape of Logic Apps' WorkflowTriggerCallbackUrl). */
export interface CallbackUrl {
  /** The whole URL to call. */
  readonly value: string;
  readonly method: string;
  /** The URL without its query string. */
  readonly basePath: string;
  readonly queries: { readonly 'api-version': string; readonly sp: string; readonly sv: string; readonly sig: string };
  /** The trigger's `relativePath` template (e.g. `customers/{id}`), when it declares one. */
  readonly relativePath?: string;
  readonly relativePathParameters?: readonly string[];
}

/** Builds a trigger's callback URL under `publicUrl` (the server's external base URL). */
export function buildCallbackUrl(options: {
  readonly publicUrl: string;
  readonly flowId: string;
  readonly triggerName: string;
  readonly key: Uint8Array;
  readonly method?: string;
  readonly relativePath?: string;
}): CallbackUrl {
  const { flowId, triggerName } = options;
  const permission = callbackPermission(triggerName);
  const queries = { 'api-version': CALLBACK_API_VERSION, sp: permission, sv: CALLBACK_SIGNATURE_VERSION, sig: signCallback(options.key, flowId, triggerName) };
  const base = `${options.publicUrl.replace(/\/+$/, '')}/workflows/${encodeURIComponent(flowId)}/triggers/${encodeURIComponent(triggerName)}/paths/invoke`;
  const relativePath = options.relativePath?.replace(/^\/+/, '');
  const basePath = relativePath === undefined || relativePath === '' ? base : `${base}/${relativePath}`;
  const query = new URLSearchParams(queries).toString();
  const parameters = relativePath === undefined ? [] : [...relativePath.matchAll(/\{([^{}]+)\}/g)].map((m) => m[1] ?? '');
  return {
    value: `${basePath}?${query}`,
    method: options.method ?? 'POST',
    basePath,
    queries,
    ...(relativePath === undefined || relativePath === '' ? {} : { relativePath, relativePathParameters: parameters }),
  };
}
