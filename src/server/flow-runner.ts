/**
 * The server's flow runs: the embedded job queue over the store, the durable run launcher with
 * the gateway's ports (Http through the guarded egress client, connector actions through the
 * invoker acting for the flow's owner), Workflow actions limited to the child flows the parent's
 * owner may run (ADR 0004), the worker that executes runs in this process, and the daily run
 * retention job.
 */
import { errorMessage, silentLogger, systemClock } from '../core/index.ts';
import type { Clock, Logger } from '../core/index.ts';
import { createEmbeddedQueue } from '../queue/index.ts';
import type { JobQueue, JobWorker } from '../queue/index.ts';
import type { RunObserver } from '../observability/index.ts';
import type { Store } from '../storage/index.ts';
import { createRunLauncher, createRunRetention } from '../workflow/index.ts';
import type { DurableRuns } from '../workflow/index.ts';
import type { ResolvedConfig } from './config/config.ts';
import type { GatewayWiring } from './gateway-wiring.ts';
import { createFlowPorts } from './flow-ports.ts';
import { principalMayRunFlow } from './permissions.ts';

/** Options of {@link createFlowRunner}. */
export interface FlowRunnerOptions {
  readonly store: Store;
  readonly gateway: Pick<GatewayWiring, 'egress' | 'invoker' | 'connectors'>;
  readonly config: Pick<ResolvedConfig, 'runs'>;
  readonly clock?: Clock;
  readonly logger?: Logger;
  /** Told when runs start and end and when actions end (metrics). */
  readonly observer?: RunObserver;
}

/** The launcher the routes use, and the workers' start and stop. */
export interface FlowRunner {
  readonly runs: DurableRuns;
  readonly queue: JobQueue;
  /** Starts the run worker and the retention job (a cleanup is queued at once, then daily). */
  start(): void;
  /**
   * Stops taking runs: actions in flight finish (waiting ones are checkpointed), interrupted runs
   * are queued again for the next start, callers waiting for a reply get none (202), then the queue stops.
   */
  stop(): Promise<void>;
}

/** Wires durable runs for the server. */
export function createFlowRunner(options: FlowRunnerOptions): FlowRunner {
  const { store, gateway, config } = options;
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger;
  const queue = createEmbeddedQueue({ store, clock, logger });
  // Connector actions act for the flow's owner, through the gateway (built on a run's first connector call).
  const flowPorts = createFlowPorts(store, gateway);

  const runs = createRunLauncher({
    store,
    queue,
    clock,
    http: (request) => gateway.egress.send(request),
    ports: (flow) => ({ connectors: flowPorts.connectors(flow) }),
    // A child acts with its owner's connections: the parent's owner needs the run access the API would ask of them.
    // A flow the system created (no owner) calls children as before.
    mayRunChild: async (parent, child) => parent.ownerId === null || principalMayRunFlow(store, { principalId: parent.ownerId, flow: child }),
    logger,
    ...(options.observer === undefined ? {} : { observer: options.observer }),
  });
  const retention = createRunRetention({ store, queue, clock, retentionDays: config.runs.retentionDays, logger });
  let workers: JobWorker[] | undefined;
  return {
    runs,
    queue,
    start() {
      if (workers !== undefined) return;
      workers = [runs.work({ concurrency: config.runs.workers, lockMs: config.runs.lockMs }), retention.work()];
      // Each start runs today's cleanup unless one already ran or is queued; a failure here only delays it to the next start.
      retention.schedule().catch((error: unknown) => logger.warn('could not queue the run retention job', { error: errorMessage(error) }));
    },
    async stop() {
      await Promise.all((workers ?? []).map((worker) => worker.stop()));
      workers = undefined;
      runs.close();
      await queue.stop();
    },
  };
}
