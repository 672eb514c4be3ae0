/**
 * A small metrics registry: counters and histograms with labels, kept in memory, and gauges whose
 * value is computed by a callback when the registry is collected (a scrape). No dependency: the
 * project does not take prom-client for the three instrument kinds it needs.
 *
 * Label cardinality is bounded twice: callers pass bounded values (status, type, connector name —
 * never ids or URLs), and each instrument keeps at most `maxSeries` label combinations; beyond it
 * new combinations are counted in one overflow series whose every label is {@link OVERFLOW_LABEL}.
 */
import { PlugboardError } from '../core/index.ts';
import { ObservabilityErrorCode } from './errors.ts';

/** Label values by label name. */
export type Labels<L extends string> = Readonly<Record<L, string>>;

/** What every instrument definition has. */
export interface InstrumentDefinition<L extends string> {
  /** `[a-zA-Z_:][a-zA-Z0-9_:]*`; counters end in `_total` by convention. */
  readonly name: string;
  /** One line saying what is counted and in which unit. */
  readonly help: string;
  /** The label names every use must give, in exposition order (empty: no labels). */
  readonly labelNames: readonly L[];
}

/** A histogram's definition: its upper bounds (`le`), strictly increasing; `+Inf` is implied. */
export interface HistogramDefinition<L extends string> extends InstrumentDefinition<L> {
  readonly buckets: readonly number[];
}

/** One reading of a callback gauge. */
export interface GaugeReading<L extends string> {
  readonly labels: Labels<L>;
  readonly value: number;
}

/** A gauge computed when collected (e.g. a queue's depth, read from the store at scrape time). */
export interface CallbackGaugeDefinition<L extends string> extends InstrumentDefinition<L> {
  readonly collect: () => readonly GaugeReading<L>[] | Promise<readonly GaugeReading<L>[]>;
}

/** A monotonically increasing count. */
export interface Counter<L extends string> {
  /** Adds `amount` (default 1, must be ≥ 0) to the series of `labels`. */
  inc(labels: Labels<L>, amount?: number): void;
  /** Creates the series of `labels` at 0, so it is exposed before its first increment. */
  init(labels: Labels<L>): void;
}

/** Observations counted into fixed buckets, with their sum and count. */
export interface Histogram<L extends string> {
  observe(labels: Labels<L>, value: number): void;
}

/** One exposed sample: a metric name suffix (`_bucket`, `_sum`, `_count` or none), its labels and value. */
export interface MetricSample {
  readonly suffix: '' | '_bucket' | '_sum' | '_count';
  /** Label name/value pairs in exposition order (a histogram bucket's `le` last). */
  readonly labels: readonly (readonly [string, string])[];
  readonly value: number;
}

/** One metric family as collected: what the Prometheus text format prints. */
export interface MetricFamily {
  readonly name: string;
  readonly help: string;
  readonly type: 'counter' | 'gauge' | 'histogram';
  readonly samples: readonly MetricSample[];
}

/** Options of {@link createMetricsRegistry}. */
export interface MetricsRegistryOptions {
  /** Most label combinations one instrument keeps before it folds new ones into the overflow series; default 1000. */
  readonly maxSeries?: number;
  /** Told when a callback gauge throws during a collect; that gauge then exposes no sample. */
  readonly onCollectError?: (metricName: string, error: unknown) => void;
}

/** Instruments by name, collected in the order they were defined. */
export interface MetricsRegistry {
  counter<const L extends string>(definition: InstrumentDefinition<L>): Counter<L>;
  histogram<const L extends string>(definition: HistogramDefinition<L>): Histogram<L>;
  gauge<const L extends string>(definition: CallbackGaugeDefinition<L>): void;
  /** Reads every instrument (callback gauges are called now, concurrently). */
  collect(): Promise<MetricFamily[]>;
}

/** The label value of the overflow series that takes new label combinations past `maxSeries`. */
export const OVERFLOW_LABEL = 'other';

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

function invalid(message: string): PlugboardError {
  return new PlugboardError(message, { code: ObservabilityErrorCode.MetricDefinitionInvalid, kind: 'unexpected' });
}

/** Series of one instrument, keyed by their label values. */
interface SeriesTable<V> {
  /** The series of `labels`, created by `create` when new (or the overflow series past the cap). */
  get(labels: Readonly<Record<string, string>>): V;
  /** Every series, ordered by label values: `[label values, series]`. */
  entries(): (readonly [readonly string[], V])[];
}

function seriesTable<V>({ metric, labelNames, maxSeries, create }: { metric: string; labelNames: readonly string[]; maxSeries: number; create: () => V }): SeriesTable<V> {
  const series = new Map<string, { readonly values: readonly string[]; readonly value: V }>();
  const overflowValues = labelNames.map(() => OVERFLOW_LABEL);
  const overflowKey = overflowValues.join('\u0000');
  return {
    get(labels) {
      if (Object.keys(labels).length !== labelNames.length) {
        throw invalid(`metric ${metric}: labels {${Object.keys(labels).join(', ')}} given, but it declares {${labelNames.join(', ')}} — pass exactly those`);
      }
      const values = labelNames.map((name) => {
        const value = labels[name];
        if (typeof value !== 'string') throw invalid(`metric ${metric}: label "${name}" is missing or not a string — pass every declared label as a string`);
        return value;
      });
      const key = values.join('\u0000');
      const found = series.get(key);
      if (found !== undefined) return found.value;
      if (series.size >= maxSeries && key !== overflowKey) {
        // Unbounded label values must not grow memory or the scrape: fold them into one series.
        let overflow = series.get(overflowKey);
        if (overflow === undefined) {
          overflow = { values: overflowValues, value: create() };
          series.set(overflowKey, overflow);
        }
        return overflow.value;
      }
      const value = create();
      series.set(key, { values, value });
      return value;
    },
    entries() {
      return [...series.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, entry]) => [entry.values, entry.value] as const);
    },
  };
}

function pairs(labelNames: readonly string[], values: readonly string[]): [string, string][] {
  return labelNames.map((name, index) => [name, values[index] ?? '']);
}

/** Creates an empty registry. */
export function createMetricsRegistry(options: MetricsRegistryOptions = {}): MetricsRegistry {
  const maxSeries = options.maxSeries ?? 1000;
  if (!Number.isSafeInteger(maxSeries) || maxSeries < 1) throw invalid(`maxSeries is ${maxSeries} — give a whole number of at least 1`);
  const collectors: { readonly name: string; readonly collect: () => Promise<MetricFamily> }[] = [];

  function define(definition: InstrumentDefinition<string>, reserved: readonly string[]): void {
    if (!METRIC_NAME.test(definition.name)) throw invalid(`metric name "${definition.name}" is invalid — use letters, digits, _ and :, not starting with a digit`);
    if (collectors.some((collector) => collector.name === definition.name)) throw invalid(`metric ${definition.name} is defined twice — define each instrument once and share it`);
    const seen = new Set<string>();
    for (const label of definition.labelNames) {
      if (!LABEL_NAME.test(label) || label.startsWith('__') || reserved.includes(label)) {
        throw invalid(`metric ${definition.name}: label name "${label}" is invalid or reserved — use letters, digits and _, not starting with __${reserved.length > 0 ? ` (and not ${reserved.join(', ')})` : ''}`);
      }
      if (seen.has(label)) throw invalid(`metric ${definition.name}: label "${label}" is declared twice`);
      seen.add(label);
    }
  }

  return {
    counter(definition) {
      define(definition, []);
      const table = seriesTable({ metric: definition.name, labelNames: definition.labelNames, maxSeries, create: () => ({ value: 0 }) });
      collectors.push({
        name: definition.name,
        collect: async () => ({
          name: definition.name,
          help: definition.help,
          type: 'counter',
          samples: table.entries().map(([values, series]) => ({ suffix: '', labels: pairs(definition.labelNames, values), value: series.value })),
        }),
      });
      return {
        inc(labels, amount = 1) {
          if (!Number.isFinite(amount) || amount < 0) throw invalid(`metric ${definition.name}: a counter only goes up — increment by a finite amount ≥ 0, not ${amount}`);
          table.get(labels).value += amount;
        },
        init(labels) {
          table.get(labels);
        },
      };
    },

    histogram(definition) {
      define(definition, ['le']);
      const bounds = [...definition.buckets];
      for (let index = 0; index < bounds.length; index++) {
        const bound = bounds[index] ?? Number.NaN;
        if (!Number.isFinite(bound) || (index > 0 && bound <= (bounds[index - 1] ?? Number.NaN))) {
          throw invalid(`metric ${definition.name}: buckets must be finite and strictly increasing (+Inf is added) — got [${bounds.join(', ')}]`);
        }
      }
      // Per series: observations per bucket (not cumulative; the last slot is +Inf), sum, count.
      const table = seriesTable({ metric: definition.name, labelNames: definition.labelNames, maxSeries, create: () => ({ counts: new Array<number>(bounds.length + 1).fill(0), sum: 0, count: 0 }) });
      const bucketLabels = [...bounds.map((bound) => String(bound)), '+Inf'];
      collectors.push({
        name: definition.name,
        collect: async () => {
          const samples: MetricSample[] = [];
          for (const [values, series] of table.entries()) {
            const labels = pairs(definition.labelNames, values);
            let cumulative = 0;
            series.counts.forEach((count, index) => {
              cumulative += count;
              samples.push({ suffix: '_bucket', labels: [...labels, ['le', bucketLabels[index] ?? '+Inf']], value: cumulative });
            });
            samples.push({ suffix: '_sum', labels, value: series.sum }, { suffix: '_count', labels, value: series.count });
          }
          return { name: definition.name, help: definition.help, type: 'histogram', samples };
        },
      });
      return {
        observe(labels, value) {
          if (Number.isNaN(value)) throw invalid(`metric ${definition.name}: observed NaN — observe a number`);
          const series = table.get(labels);
          let index = bounds.findIndex((bound) => value <= bound);
          if (index === -1) index = bounds.length;
          series.counts[index] = (series.counts[index] ?? 0) + 1;
          series.sum += value;
          series.count += 1;
        },
      };
    },

    gauge(definition) {
      define(definition, []);
      collectors.push({
        name: definition.name,
        collect: async () => {
          let samples: MetricSample[] = [];
          try {
            const readings = await definition.collect();
            // Readings go through a table too: wrong labels are caught, duplicates keep the last value.
            const table = seriesTable({ metric: definition.name, labelNames: definition.labelNames, maxSeries, create: () => ({ value: 0 }) });
            for (const reading of readings) table.get(reading.labels).value = reading.value;
            samples = table.entries().map(([values, series]) => ({ suffix: '', labels: pairs(definition.labelNames, values), value: series.value }));
          } catch (error) {
            options.onCollectError?.(definition.name, error);
          }
          return { name: definition.name, help: definition.help, type: 'gauge', samples };
        },
      });
    },

    async collect() {
      return Promise.all(collectors.map((collector) => collector.collect()));
    },
  };
}
