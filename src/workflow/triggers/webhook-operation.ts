/**
 * What a connector definition says about a webhook trigger (connector-corpus.md §6): the trigger
 * operation is the subscribe call; one property of its body (`x-ms-notification-url: true`,
 * usually `x-ms-visibility: internal`) gets the platform's callback URL; the path item's
 * `x-ms-notification-content` describes what the service later posts to it; and the service
 * answers the subscription's URL in `Location`, which the platform DELETEs to unsubscribe. Pure:
 * reads the parsed model (`src/connectors`), calls nothing.
 */
import type { ConnectorDefinition, Operation, Parameter } from '../../connectors/index.ts';
import { isRecord } from '../../expressions/index.ts';
import { baseUrlOf, matchOperation } from '../../gateway/index.ts';
import { setOwn } from './values.ts';

/** The schema notifications of an operation must match, with the document's definitions its `$ref`s point into. */
export interface NotificationSchema {
  readonly schema: Readonly<Record<string, unknown>>;
  /** The definition's `schemaDefinitions` (`#/definitions/X` resolves here). */
  readonly definitions: Readonly<Record<string, unknown>>;
}

/** A webhook operation of a connector and where its callback URL goes. */
export interface WebhookOperation {
  readonly operation: Operation;
  /**
   * The Power Automate parameters key of the callback-URL property (`body/urlToPublishTo`,
   * `body/notification/url`), or undefined when the operation marks none (or its path cannot be
   * written as a key: a property name holding `/`).
   */
  readonly callbackKey: string | undefined;
  /** The body parameter and JSON pointer inside the body value of the callback-URL property. */
  readonly callbackBody: { readonly parameter: string; readonly pointer: string } | undefined;
  readonly notification: NotificationSchema | undefined;
}

/** The webhook operation `operationId` of `definition`, or undefined when there is none by that id. */
export function webhookOperationById(definition: ConnectorDefinition, operationId: string): WebhookOperation | undefined {
  const operation = definition.operations.find((candidate) => candidate.operationId === operationId);
  return operation === undefined ? undefined : webhookOperationOf(definition, operation);
}

/** The operation a raw `method` + `path` call addresses (the ApiConnectionWebhook form), as the gateway matches it. */
export function webhookOperationByRequest(definition: ConnectorDefinition, request: { readonly method: string; readonly path: string }): WebhookOperation | undefined {
  const match = matchOperation(definition, request.method, request.path);
  return match === undefined ? undefined : webhookOperationOf(definition, match.operation);
}

/** The callback property and notification schema of one operation. */
export function webhookOperationOf(definition: ConnectorDefinition, operation: Operation): WebhookOperation {
  const callback = operation.callbackUrl;
  const tokens = callback === undefined ? [] : pointerTokens(callback.bodyPath);
  // Power Automate's flattened keys use `/` for nesting, so a property name holding `/` has no key.
  const addressable = callback !== undefined && !callback.parameter.includes('/') && tokens.every((token) => !token.includes('/'));
  return {
    operation,
    callbackKey: addressable ? [callback.parameter, ...tokens].join('/') : undefined,
    callbackBody: callback === undefined ? undefined : { parameter: callback.parameter, pointer: callback.bodyPath },
    notification: notificationSchemaOf(definition, operation),
  };
}

/** The `x-ms-notification-content` schema of `operation` (from its trigger info, else its path item). */
export function notificationSchemaOf(definition: ConnectorDefinition, operation: Operation | string): NotificationSchema | undefined {
  const found = typeof operation === 'string' ? definition.operations.find((candidate) => candidate.operationId === operation) : operation;
  if (found === undefined) return undefined;
  const content = found.trigger?.notification ?? definition.pathItems.find((item) => item.path === found.path)?.notificationContent;
  if (content?.schema === undefined) return undefined;
  return { schema: content.schema, definitions: definition.schemaDefinitions };
}

/** `value` with `callbackUrl` written at `pointer` (copies; creates missing objects on the way). */
export function withCallbackAt(value: unknown, at: { readonly pointer: string; readonly callbackUrl: string }): unknown {
  const tokens = pointerTokens(at.pointer);
  if (tokens.length === 0) return at.callbackUrl;
  const root: Record<string, unknown> = isRecord(value) ? { ...value } : {};
  let current = root;
  tokens.forEach((token, index) => {
    if (index === tokens.length - 1) {
      setOwn(current, token, at.callbackUrl);
      return;
    }
    const next = current[token];
    const copy: Record<string, unknown> = isRecord(next) ? { ...next } : {};
    setOwn(current, token, copy);
    current = copy;
  });
  return root;
}

/** The value at a JSON pointer inside `value`, or undefined. */
export function valueAt(value: unknown, pointer: string): unknown {
  let current = value;
  for (const token of pointerTokens(pointer)) {
    if (!isRecord(current) || !Object.hasOwn(current, token)) return undefined;
    current = current[token];
  }
  return current;
}

/** How a connector webhook subscription is removed, decided when it is made. */
export type UnsubscribePlan =
  | {
      /** DELETE on the `Location` the service answered, through the connection (the gateway finds the operation). */
      readonly method: 'location';
      /** The path relative to the connector's host, segments still encoded. */
      readonly path: string;
      readonly queries: Readonly<Record<string, string>>;
      /** The connector's DELETE operation the path matched when subscribing. */
      readonly operationId: string;
    }
  | {
      /** No usable `Location`: the connector's DELETE operation on the subscription collection, with the id the service answered. */
      readonly method: 'operation';
      readonly operationId: string;
      readonly parameters: Readonly<Record<string, string>>;
    }
  | {
      /** Nothing Plugboard can call; `reason` says why (shown to the user). */
      readonly method: 'none';
      readonly reason: string;
    };

/** What the subscribe call answered, as far as unsubscribing needs it. */
export interface SubscribeAnswer {
  /** The `Location` header, if any. */
  readonly location: string | undefined;
  readonly body: unknown;
}

/**
 * How to remove a subscription `subscribe` made: DELETE its `Location` when that is on the
 * connector's host and a DELETE operation of the connector serves its path (Power Platform routes
 * that DELETE through the connector, which is why 159 of the 198 webhook connectors of the corpus
 * declare one, usually internal); else the connector's one DELETE operation on the subscribe
 * path (`POST /hooks` → `DELETE /hooks/{id}`; an ancestor named like a subscription collection,
 * `POST /flow/hooks/task/created` → `DELETE /flow/hooks/{id}`) with the id from the subscribe answer's body; else none, with the reason.
 */
export function unsubscribePlanOf(definition: ConnectorDefinition, subscribe: { readonly operation: Operation | undefined; readonly answer: SubscribeAnswer }): UnsubscribePlan {
  const { operation, answer } = subscribe;
  const fromLocation = answer.location === undefined ? undefined : locationPlan(definition, answer.location);
  if (fromLocation !== undefined && fromLocation.method === 'location') return fromLocation;
  const fromOperation = operation === undefined ? undefined : operationPlan(definition, { operation, body: answer.body });
  if (fromOperation !== undefined) return fromOperation;
  if (fromLocation !== undefined) return fromLocation;
  return {
    method: 'none',
    reason: `the service answered no Location header${operation === undefined ? '' : ` and the connector has no DELETE operation on '${operation.path}/{id}' whose id the answer holds`}, so the subscription cannot be removed — the service may keep sending notifications, which Plugboard refuses once the trigger is disabled`,
  };
}

/** True when a policy sets the host per connection, so the definition's host says nothing about where calls go. */
function hasDynamicHost(definition: ConnectorDefinition): boolean {
  return definition.policies.some((policy) => policy.templateId === 'dynamichosturl' || policy.templateId === 'routerequesttoendpoint');
}

function locationPlan(definition: ConnectorDefinition, location: string): UnsubscribePlan {
  const base = baseUrlOf(definition);
  let url: URL;
  try {
    url = new URL(location, base ?? 'https://connector.invalid/');
  } catch {
    return { method: 'none', reason: 'the service answered a Location header that is not a URL, so the subscription cannot be removed' };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return { method: 'none', reason: `the service answered a Location with scheme ${url.protocol.slice(0, -1)}, so the subscription cannot be removed` };
  const absolute = /^[a-z][a-z0-9+.-]*:/i.test(location.trim());
  const expectedHost = base === undefined ? undefined : new URL(base).host.toLowerCase();
  // The DELETE goes through the connection to the connector's own host (with its credentials), so
  // a Location elsewhere cannot be honoured; a policy-chosen host cannot be checked here.
  if (absolute && !hasDynamicHost(definition) && url.host.toLowerCase() !== expectedHost) {
    return {
      method: 'none',
      reason: `the service answered a Location on host ${url.host}, not on the connector's host${expectedHost === undefined ? '' : ` ${expectedHost}`}; Plugboard sends the connection's credentials only to the connector's host, so it cannot remove the subscription there`,
    };
  }
  const match = matchOperation(definition, 'DELETE', url.pathname);
  if (match === undefined) {
    return {
      method: 'none',
      reason: `the connector declares no DELETE operation for the path of the Location the service answered, so Plugboard cannot call it — add an (internal) DELETE operation on that path to the connector`,
    };
  }
  const queries: Record<string, string> = {};
  for (const [name, value] of url.searchParams) setOwn(queries, name, value);
  return { method: 'location', path: url.pathname, queries, operationId: match.operation.operationId };
}

function operationPlan(definition: ConnectorDefinition, subscribe: { readonly operation: Operation; readonly body: unknown }): UnsubscribePlan | undefined {
  const { operation, body } = subscribe;
  // The subscribe path is the subscription collection; an ancestor only when named like one
  // (`POST /flow/hooks/task/created` → `DELETE /flow/hooks/{id}`): `POST /users/hooks` must never
  // lead to `DELETE /users/{id}`.
  const collections = new Set([trimSlash(operation.path)]);
  for (let ancestor = parentOf(operation.path); ancestor !== ''; ancestor = parentOf(ancestor)) {
    if (SUBSCRIPTION_COLLECTION.test(lastSegment(ancestor))) collections.add(ancestor);
  }
  const plans: UnsubscribePlan[] = [];
  for (const candidate of definition.operations) {
    if (candidate.method !== 'delete') continue;
    const idParameter = lastSegmentParameter(candidate);
    if (idParameter === undefined) continue;
    if (!collections.has(trimSlash(parentOf(candidate.path)))) continue;
    // Only the id may be needed: any other required value is unknown here.
    if (candidate.parameters.some((parameter) => parameter !== idParameter && parameter.required && parameter.default === undefined)) continue;
    const id = idIn(body, idParameter.name);
    if (id !== undefined) plans.push({ method: 'operation', operationId: candidate.operationId, parameters: { [idParameter.name]: id } });
  }
  // Two candidates would be a guess.
  return plans.length === 1 ? plans[0] : undefined;
}

/** The path parameter that is the last segment of `operation`'s path, when it is the only path parameter. */
function lastSegmentParameter(operation: Operation): Parameter | undefined {
  const pathParameters = operation.parameters.filter((parameter) => parameter.in === 'path');
  if (pathParameters.length !== 1) return undefined;
  const last = /\{([^{}/]+)\}\/?$/.exec(operation.path)?.[1];
  return pathParameters.find((parameter) => parameter.name === last);
}

/** The subscription id in the answer's body: the property named like the parameter (`connect_id` ~ `connectId`), else `id`. */
function idIn(body: unknown, name: string): string | undefined {
  if (!isRecord(body)) return undefined;
  const wanted = [normalizeName(name), 'id'];
  for (const target of wanted) {
    for (const key of Object.keys(body)) {
      if (normalizeName(key) !== target) continue;
      const value = body[key];
      if (typeof value === 'string' && value !== '') return value;
      if (typeof value === 'number' && Number.isFinite(value)) return String(value);
    }
  }
  return undefined;
}

/** Last segments that name a collection of subscriptions. */
const SUBSCRIPTION_COLLECTION = /hook|subscri|notif|callback|listener|watch/i;

function lastSegment(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

function normalizeName(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '');
}

function parentOf(path: string): string {
  const trimmed = trimSlash(path);
  const at = trimmed.lastIndexOf('/');
  return at <= 0 ? '' : trimmed.slice(0, at);
}

function trimSlash(path: string): string {
  return path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
}

function pointerTokens(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .split('/')
    .slice(1)
    .map((token) => token.replace(/~1/g, '/').replace(/~0/g, '~'));
}
