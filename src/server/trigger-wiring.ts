/**
 * The server's trigger service: callback keys sealed by the secrets area, the job queue shared
 * with the runs, and the ports of the trigger kinds (polling and webhooks through the egress
 * client and the gateway, acting for the flow's owner).
 */
import type { Clock, Logger } from '../core/index.ts';
import { PlugboardError, errorMessage, silentLogger, systemClock } from '../core/index.ts';
import { createWorkflowEvaluator } from '../expressions/index.ts';
import type { ExpressionContext } from '../expressions/index.ts';
import type { JobQueue, JobWorker } from '../queue/index.ts';
import type { Secrets } from '../secrets/index.ts';
import type { Store } from '../storage/index.ts';
import {
  createTriggerService,
  createValueEvaluator,
  firingsOf,
  loadWorkflowDefinition,
  notificationOutputs,
  notificationSchemaOf,
  pollTrigger,
  pollingOperationOf,
  readSubscription,
  subscribeWebhook,
  unsubscribeWebhook,
} from '../workflow/index.ts';
import type { FlowRecord, FlowVersionRecord } from '../storage/index.ts';
import type { HttpPort, LoadedWorkflow, TriggerPorts, TriggerService, TriggerServiceOptions } from '../workflow/index.ts';
import { createCallbackKeys } from './callback-keys.ts';
import { createFlowPorts } from './flow-ports.ts';
import { CALLBACK_REPLY_WAIT_MS } from './routes/triggers.ts';
import type { FlowPortsContext } from './flow-ports.ts';
import type { GatewayWiring } from './gateway-wiring.ts';

/** Options of {@link createTriggerWiring}. */
export interface TriggerWiringOptions {
  readonly store: Store;
  readonly secrets: Secrets;
  readonly queue: JobQueue;
  readonly publicUrl: string | (() => string);
  /** Polling and webhook triggers call out through the gateway (connectors) and its egress client (Http). */
  readonly gateway?: Pick<GatewayWiring, 'invoker' | 'connectors' | 'egress'>;
  readonly clock?: Clock;
  readonly logger?: Logger;
  readonly observer?: TriggerServiceOptions['observer'];
  /** Runs whose caller waits for a Response start here (pure first steps executed at once). */
  readonly replyingRuns?: TriggerServiceOptions['replyingRuns'];
  /**
   * How long a trigger check stays claimed without a heartbeat: after a process dies mid-check,
   * another one (or the next start) checks that trigger again this much later. Default: the job queue's (30 s).
   */
  readonly lockMs?: number;
}

/** The trigger service with its worker's start and stop. */
export interface TriggerWiring {
  readonly triggers: TriggerService;
  /** Reconciles every flow's triggers, then starts checking due triggers. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Wires the trigger service for the server. */
export function createTriggerWiring(options: TriggerWiringOptions): TriggerWiring {
  const logger = options.logger ?? silentLogger;
  const clock = options.clock ?? systemClock;
  const triggers = createTriggerService({
    store: options.store,
    queue: options.queue,
    clock,
    keys: createCallbackKeys(options.store, options.secrets),
    publicUrl: options.publicUrl,
    logger,
    ...(options.observer === undefined ? {} : { observer: options.observer }),
    ...(options.replyingRuns === undefined ? {} : { replyingRuns: options.replyingRuns, replyWaitMs: CALLBACK_REPLY_WAIT_MS }),
    ...(options.gateway === undefined ? {} : { ports: createTriggerPorts(options.store, options.gateway, clock) }),
  });
  let worker: JobWorker | undefined;
  return {
    triggers,
    async start() {
      try {
        await triggers.reconcileAll();
      } catch (error) {
        logger.error('reconciling triggers at start failed; flows are reconciled again when they change', { error: errorMessage(error) });
      }
      worker ??= triggers.work(options.lockMs === undefined ? {} : { lockMs: options.lockMs });
    },
    async stop() {
      await worker?.stop();
      worker = undefined;
    },
  };
}

/** The trigger kinds' ports over the gateway, acting for each flow's owner. */
export function createTriggerPorts(store: Store, gateway: Pick<GatewayWiring, 'invoker' | 'connectors' | 'egress'>, clock: Clock): TriggerPorts {
  const flowPorts = createFlowPorts(store, gateway);
  const evaluateValue = createValueEvaluator({ evaluator: createWorkflowEvaluator({ clock }) });
  const http: HttpPort = (request) => gateway.egress.send(request);

  const contextOf = (flow: FlowRecord, version: FlowVersionRecord, loaded: LoadedWorkflow): FlowPortsContext => ({
    flowId: flow.id,
    environmentId: flow.environmentId,
    ownerId: flow.ownerId,
    connectionReferences: version.connectionReferences,
    parameters: loaded.parameters,
  });
  /** Trigger inputs see the flow's parameters and `workflow()`; the trigger kinds add `trigger`, `utcNow`, `callbackUrl`. */
  const evaluatorOf = (flow: FlowRecord, loaded: LoadedWorkflow) => (value: unknown, extra?: Partial<ExpressionContext>): unknown =>
    evaluateValue(value, { parameters: loaded.parameters, workflow: { id: flow.id, name: flow.name, type: 'Microsoft.Logic/workflows' }, utcNow: new Date(clock.now()).toISOString(), ...extra });
  const webhookPorts = (flow: FlowRecord, version: FlowVersionRecord, loaded: LoadedWorkflow) => {
    const context = contextOf(flow, version, loaded);
    return {
      evaluate: evaluatorOf(flow, loaded),
      http,
      connectors: flowPorts.connectors(context),
      connectorDefinition: (reference: string) => flowPorts.connectorDefinition(context, reference),
    };
  };

  return {
    async poll({ flow, version, loaded, trigger, cursor, signal }) {
      const context = contextOf(flow, version, loaded);
      return pollTrigger({
        trigger,
        evaluate: evaluatorOf(flow, loaded),
        cursor,
        now: clock.now(),
        signal,
        http,
        connectors: flowPorts.connectors(context),
        connectorOperations: async (target) => pollingOperationOf(await flowPorts.connectorDefinition(context, target.connectionReference), target),
      });
    },

    async subscribe({ flow, version, loaded, trigger, callbackUrl: url }) {
      return subscribeWebhook({ ...webhookPorts(flow, version, loaded), trigger, callbackUrl: url });
    },

    async unsubscribe({ flowId, triggerName, subscription, version: subscribedWith, callbackUrl }) {
      const flow = await store.flows.get(flowId);
      // The version that subscribed knows the connections and parameters the subscription was made with.
      const version =
        flow === undefined
          ? undefined
          : ((subscribedWith === null ? undefined : await store.flows.getVersion(flow.id, subscribedWith)) ?? (await store.flows.getVersion(flow.id, flow.currentVersion)));
      if (flow === undefined || version === undefined || callbackUrl === undefined) {
        throw new PlugboardError(`flow ${flowId} is gone, so its subscription for trigger '${triggerName}' cannot be removed with its connections — remove it at the service`, { code: 'UnsubscribeImpossible', kind: 'conflict' });
      }
      const loaded = loadWorkflowDefinition(version.definition, { connectionReferences: version.connectionReferences });
      await unsubscribeWebhook({ ...webhookPorts(flow, version, loaded), callbackUrl }, readSubscription(subscription));
    },

    async notification({ flow, version, loaded, trigger, call, subscription }) {
      const stored = readSubscription(subscription);
      let schema;
      if (stored.kind !== 'HttpWebhook' && stored.operationId !== undefined) {
        const definition = await flowPorts.connectorDefinition(contextOf(flow, version, loaded), stored.connectionReference);
        schema = notificationSchemaOf(definition, stored.operationId);
      }
      const outputs = notificationOutputs(trigger, { headers: call.headers, queries: call.queries, ...(call.body === undefined ? {} : { body: call.body }) }, schema);
      // splitOn and conditions as a poll applies them (concurrency caps splitOn at 100 items).
      return firingsOf({ trigger, outputs, evaluate: evaluatorOf(flow, loaded), now: clock.now() }).firings;
    },
  };
}
