/** Observability: a small metrics registry, the Prometheus text format, the product's instruments, observer ports and log context. */
export { createMetricsRegistry, OVERFLOW_LABEL } from './metrics-registry.ts';
export type {
  CallbackGaugeDefinition,
  Counter,
  GaugeReading,
  Histogram,
  HistogramDefinition,
  InstrumentDefinition,
  Labels,
  MetricFamily,
  MetricSample,
  MetricsRegistry,
  MetricsRegistryOptions,
} from './metrics-registry.ts';
export { escapeHelp, escapeLabelValue, formatPrometheusText, formatSampleValue, PROMETHEUS_CONTENT_TYPE } from './prometheus-text.ts';
export { ACTION_DURATION_BUCKETS, createPlugboardMetrics, GATEWAY_DURATION_BUCKETS, METRIC_NAMES, RUN_DURATION_BUCKETS } from './plugboard-metrics.ts';
export type { PlugboardMetrics, PlugboardMetricsOptions } from './plugboard-metrics.ts';
export { silentObserver } from './observers.ts';
export type {
  ActionFinishedEvent,
  GatewayCallEvent,
  GatewayCallObserver,
  PlugboardObserver,
  RunFinishedEvent,
  RunObserver,
  RunStartedEvent,
  TriggerObserver,
  TriggerPollOutcome,
  TriggerPolledEvent,
} from './observers.ts';
export { boundedName, httpStatusLabel } from './label-values.ts';
export { bindLogger, createPinoLogger } from './log-context.ts';
export type { LogBindings, PinoLike } from './log-context.ts';
export { ObservabilityErrorCode } from './errors.ts';
