/**
 * The ports of webhook subscriptions, and the action context the actions area's helpers (the Http
 * executor, the connection-host reader) need, built from them.
 */
import type { ConnectorDefinition } from '../../connectors/index.ts';
import { systemClock } from '../../core/index.ts';
import type { ExpressionContext } from '../../expressions/index.ts';
import { createVariableStore } from '../actions/index.ts';
import type { ActionContext, ActionInput, ConnectorPort, HttpPort } from '../actions/index.ts';
import type { WorkflowTrigger } from '../definition/model.ts';

/** The connector definition behind one of the flow's connection references. */
export type ConnectorDefinitionLookup = (connectionReference: string) => Promise<ConnectorDefinition>;

/** What subscribing and unsubscribing may use. The trigger service builds one per call. */
export interface WebhookPorts {
  /**
   * Deep-evaluates raw trigger inputs with the flow's expression context (parameters, workflow,
   * …); `extra` overrides members. `ActionContext.evaluate` has this shape.
   */
  evaluate(value: unknown, extra?: Partial<ExpressionContext>): unknown;
  /**
   * The trigger's signed callback URL: what `listCallbackUrl()` returns and what connector webhooks
   * register. Unsubscribing needs it only when HttpWebhook `unsubscribe` inputs call
   * `listCallbackUrl()` — pass the URL the subscription was made with.
   */
  readonly callbackUrl?: string;
  /** Outbound HTTP (the guarded egress client) for HttpWebhook. */
  readonly http?: HttpPort;
  /** Connector calls on the flow's connection references, for connector webhooks. */
  readonly connectors?: ConnectorPort;
  /** The definition behind a connection reference, for connector webhooks (callback property, notification schema, DELETE operations). */
  readonly connectorDefinition?: ConnectorDefinitionLookup;
  readonly signal?: AbortSignal;
}

/** What {@link subscribeWebhook} needs: the ports, the trigger and its callback URL. */
export interface SubscribeContext extends WebhookPorts {
  readonly trigger: WorkflowTrigger;
  readonly callbackUrl: string;
}

/** The trigger's call as an action of the actions area (its name and pointer for messages). */
export function callAction(trigger: { readonly name: string; readonly pointer?: string }, call: { readonly inputs: unknown; readonly member: string }): ActionInput {
  return { name: trigger.name, type: 'Http', inputs: call.inputs, pointer: `${trigger.pointer ?? `/triggers/${trigger.name}`}/inputs/${call.member}` };
}

/** An action context whose evaluation sees `extra` (`callbackUrl`, `action`) on top of the flow's context. */
export function actionContextOf(ports: WebhookPorts, extra: Partial<ExpressionContext>): ActionContext {
  return {
    evaluate: (value, more) => ports.evaluate(value, { ...extra, ...more }),
    // Trigger inputs cannot read variables: InitializeVariable runs inside the run.
    variables: createVariableStore(),
    clock: systemClock,
    ...(ports.http === undefined ? {} : { http: ports.http }),
    ...(ports.connectors === undefined ? {} : { connectors: ports.connectors }),
    ...(ports.signal === undefined ? {} : { signal: ports.signal }),
  };
}
