/**
 * The product's named instruments behind small typed methods, so callers cannot put an id in a
 * label: runs started and finished, action durations, trigger polls, gateway calls and the job
 * queues' depth (read from the store at each scrape, through a callback).
 */
import { errorMessage, silentLogger } from '../core/index.ts';
import type { Logger } from '../core/index.ts';
import { boundedName, httpStatusLabel, seconds } from './label-values.ts';
import { createMetricsRegistry } from './metrics-registry.ts';
import type { MetricsRegistry } from './metrics-registry.ts';
import type { ActionFinishedEvent, GatewayCallEvent, PlugboardObserver, RunFinishedEvent, RunStartedEvent, TriggerPolledEvent } from './observers.ts';
import { formatPrometheusText } from './prometheus-text.ts';

/** The metric names {@link createPlugboardMetrics} defines (docs and tests refer to these). */
export const METRIC_NAMES = Object.freeze({
  runsStarted: 'plugboard_runs_started_total',
  runsFinished: 'plugboard_runs_finished_total',
  runDuration: 'plugboard_run_duration_seconds',
  actionDuration: 'plugboard_action_duration_seconds',
  triggerPolls: 'plugboard_trigger_polls_total',
  gatewayCalls: 'plugboard_gateway_calls_total',
  gatewayCallDuration: 'plugboard_gateway_call_duration_seconds',
  queueDepth: 'plugboard_queue_depth',
});

/** Run durations reach from milliseconds (a Response-only flow) to days (Waits); seconds. */
export const RUN_DURATION_BUCKETS: readonly number[] = Object.freeze([0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 1800, 3600, 86_400]);
/** Action durations, seconds. */
export const ACTION_DURATION_BUCKETS: readonly number[] = Object.freeze([0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300]);
/** Gateway call durations (the egress timeout defaults to 120 s), seconds. */
export const GATEWAY_DURATION_BUCKETS: readonly number[] = Object.freeze([0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 120]);

/** Options of {@link createPlugboardMetrics}. */
export interface PlugboardMetricsOptions {
  /** Live (queued or running) jobs of a queue, read at each scrape — the store's `jobs.countLive`. */
  readonly queueDepth?: (queue: string) => Promise<number>;
  /** The queues whose depth `plugboard_queue_depth` exposes (queue names are fixed in code, so bounded). */
  readonly queues?: readonly string[];
  /** Warned when the queue depth cannot be read during a scrape (the rest of the scrape still answers). */
  readonly logger?: Logger;
  /** Most label combinations per instrument; default 1000. */
  readonly maxSeries?: number;
}

/** The server's metrics: every observer port, plus the text a scrape returns. */
export interface PlugboardMetrics extends PlugboardObserver {
  /** The registry behind the instruments (to add an instrument next to these). */
  readonly registry: MetricsRegistry;
  /** Collects every instrument (the queue depth is read now) in the Prometheus text format. */
  render(): Promise<string>;
}

/** Final run statuses, exposed at 0 from the start so `rate()` sees their first increment. */
const RUN_STATUSES = ['Succeeded', 'Failed', 'Cancelled'] as const;

/** Creates the instruments. Each process has one (two would count the same events twice). */
export function createPlugboardMetrics(options: PlugboardMetricsOptions = {}): PlugboardMetrics {
  const logger = options.logger ?? silentLogger;
  const registry = createMetricsRegistry({
    ...(options.maxSeries === undefined ? {} : { maxSeries: options.maxSeries }),
    onCollectError: (metric, error) => logger.warn('a metric could not be read for this scrape', { metric, error: errorMessage(error) }),
  });
  const runsStarted = registry.counter({ name: METRIC_NAMES.runsStarted, help: 'Flow runs created, by the type of the trigger that started them.', labelNames: ['trigger'] });
  const runsFinished = registry.counter({ name: METRIC_NAMES.runsFinished, help: 'Flow runs that reached a final status, by status.', labelNames: ['status'] });
  const runDuration = registry.histogram({ name: METRIC_NAMES.runDuration, help: 'Time from a run\'s start to its end (waits included), by final status, in seconds.', labelNames: ['status'], buckets: RUN_DURATION_BUCKETS });
  const actionDuration = registry.histogram({
    name: METRIC_NAMES.actionDuration,
    help: 'Time one action attempt took, by action type and status, in seconds (a control action includes its children).',
    labelNames: ['type', 'status'],
    buckets: ACTION_DURATION_BUCKETS,
  });
  const triggerPolls = registry.counter({ name: METRIC_NAMES.triggerPolls, help: 'Polling trigger evaluations, by trigger type and outcome (fired, skipped, failed).', labelNames: ['kind', 'outcome'] });
  const gatewayCalls = registry.counter({ name: METRIC_NAMES.gatewayCalls, help: 'Calls through the gateway, by connector and backend HTTP status (error: no answer came back).', labelNames: ['connector', 'status'] });
  const gatewayDuration = registry.histogram({ name: METRIC_NAMES.gatewayCallDuration, help: 'Time one gateway call took, by connector, in seconds.', labelNames: ['connector'], buckets: GATEWAY_DURATION_BUCKETS });
  for (const status of RUN_STATUSES) runsFinished.init({ status });

  const queueDepth = options.queueDepth;
  const queues = [...(options.queues ?? [])];
  if (queueDepth !== undefined && queues.length > 0) {
    registry.gauge({
      name: METRIC_NAMES.queueDepth,
      help: 'Live (queued or running) jobs of a job queue, read from the store at scrape time.',
      labelNames: ['queue'],
      collect: async () => Promise.all(queues.map(async (queue) => ({ labels: { queue }, value: await queueDepth(queue) }))),
    });
  }

  return {
    registry,
    runStarted(event: RunStartedEvent) {
      runsStarted.inc({ trigger: boundedName(event.trigger) });
    },
    runFinished(event: RunFinishedEvent) {
      const status = boundedName(event.status);
      runsFinished.inc({ status });
      runDuration.observe({ status }, seconds(event.durationMs));
    },
    actionFinished(event: ActionFinishedEvent) {
      actionDuration.observe({ type: boundedName(event.type), status: boundedName(event.status) }, seconds(event.durationMs));
    },
    triggerPolled(event: TriggerPolledEvent) {
      triggerPolls.inc({ kind: boundedName(event.kind), outcome: boundedName(event.outcome) });
    },
    gatewayCall(event: GatewayCallEvent) {
      const connector = boundedName(event.connector);
      gatewayCalls.inc({ connector, status: httpStatusLabel(event.status) });
      if (event.durationMs !== undefined) gatewayDuration.observe({ connector }, seconds(event.durationMs));
    },
    async render() {
      return formatPrometheusText(await registry.collect());
    },
  };
}
