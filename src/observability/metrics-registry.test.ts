/** The metrics registry and the Prometheus text format, read back with a strict parser. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { PlugboardError } from '../core/index.ts';
import { parsePrometheusText, sampleValue } from '../../test/kit/prometheus-text.ts';
import { createMetricsRegistry, OVERFLOW_LABEL } from './metrics-registry.ts';
import { escapeLabelValue, formatPrometheusText, PROMETHEUS_CONTENT_TYPE } from './prometheus-text.ts';
import type { MetricsRegistry } from './metrics-registry.ts';

async function render(registry: MetricsRegistry): Promise<string> {
  return formatPrometheusText(await registry.collect());
}

function assertInvalid(run: () => unknown, pattern: RegExp): void {
  assert.throws(run, (error: unknown) => error instanceof PlugboardError && error.code === 'MetricDefinitionInvalid' && pattern.test(error.message));
}

describe('metrics registry: counters', () => {
  test('counts per label combination and prints HELP, TYPE and one line per series', async () => {
    const registry = createMetricsRegistry();
    const calls = registry.counter({ name: 'calls_total', help: 'Calls made.', labelNames: ['connector', 'status'] });
    calls.inc({ connector: 'planner', status: '200' });
    calls.inc({ connector: 'planner', status: '200' }, 2);
    calls.inc({ status: '404', connector: 'planner' });
    const text = await render(registry);
    const parsed = parsePrometheusText(text);
    assert.equal(parsed.types.get('calls_total'), 'counter');
    assert.equal(parsed.help.get('calls_total'), 'Calls made.');
    assert.equal(sampleValue(parsed, 'calls_total', { connector: 'planner', status: '200' }), 3);
    assert.equal(sampleValue(parsed, 'calls_total', { connector: 'planner', status: '404' }), 1);
    assert.equal(parsed.samples.length, 2);
    // Labels print in declared order, whatever order the call gave them in.
    assert.match(text, /^calls_total\{connector="planner",status="404"\} 1$/m);
  });

  test('a counter without labels prints a bare sample; an initialised series shows 0 before any increment', async () => {
    const registry = createMetricsRegistry();
    registry.counter({ name: 'ticks_total', help: 'Ticks.', labelNames: [] }).inc({});
    registry.counter({ name: 'runs_total', help: 'Runs.', labelNames: ['status'] }).init({ status: 'Failed' });
    const text = await render(registry);
    assert.match(text, /^ticks_total 1$/m);
    assert.match(text, /^runs_total\{status="Failed"\} 0$/m);
  });

  test('label values with backslashes, quotes and line feeds are escaped and read back unchanged', async () => {
    const registry = createMetricsRegistry();
    const tricky = 'a\\b "quoted"\nsecond line } , x="y"';
    registry.counter({ name: 'odd_total', help: 'Help with a \\ backslash\nand a second line.', labelNames: ['value'] }).inc({ value: tricky });
    const text = await render(registry);
    assert.equal(escapeLabelValue(tricky), 'a\\\\b \\"quoted\\"\\nsecond line } , x=\\"y\\"');
    // Three lines: HELP, TYPE, one sample — neither the help nor the label value broke a line.
    assert.equal(text.split('\n').filter((line) => line !== '').length, 3);
    const parsed = parsePrometheusText(text);
    assert.equal(parsed.samples[0]?.labels['value'], tricky);
    assert.equal(parsed.help.get('odd_total'), 'Help with a \\ backslash\nand a second line.');
  });

  test('refuses a negative increment, wrong labels, and invalid or duplicate names', () => {
    const registry = createMetricsRegistry();
    const counter = registry.counter({ name: 'x_total', help: 'x', labelNames: ['status'] });
    assertInvalid(() => counter.inc({ status: 'ok' }, -1), /only goes up/);
    assertInvalid(() => counter.inc({ status: 'ok', extra: 'no' } as unknown as { status: string }), /declares \{status\}/);
    assertInvalid(() => counter.inc({} as unknown as { status: string }), /declares \{status\}/);
    assertInvalid(() => registry.counter({ name: 'x_total', help: 'again', labelNames: [] }), /defined twice/);
    assertInvalid(() => registry.counter({ name: '1bad', help: 'x', labelNames: [] }), /metric name "1bad" is invalid/);
    assertInvalid(() => registry.counter({ name: 'y_total', help: 'x', labelNames: ['__reserved'] }), /label name "__reserved"/);
    assertInvalid(() => registry.counter({ name: 'z_total', help: 'x', labelNames: ['a', 'a'] }), /declared twice/);
  });

  test('new label combinations past maxSeries are folded into one overflow series', async () => {
    const registry = createMetricsRegistry({ maxSeries: 3 });
    const counter = registry.counter({ name: 'seen_total', help: 'x', labelNames: ['name'] });
    for (let index = 0; index < 10; index++) counter.inc({ name: `n${index}` });
    counter.inc({ name: 'n0' });
    const parsed = parsePrometheusText(await render(registry));
    assert.deepEqual(
      parsed.samples.map((sample) => [sample.labels['name'], sample.value]),
      [['n0', 2], ['n1', 1], ['n2', 1], [OVERFLOW_LABEL, 7]],
    );
  });
});

describe('metrics registry: histograms', () => {
  test('buckets are cumulative, +Inf equals the count, and an observation on a bound falls in that bucket', async () => {
    const registry = createMetricsRegistry();
    const durations = registry.histogram({ name: 'op_seconds', help: 'Op time.', labelNames: ['type'], buckets: [0.1, 1, 10] });
    for (const value of [0.05, 0.1, 0.5, 1, 3, 20, 20]) durations.observe({ type: 'Http' }, value);
    durations.observe({ type: 'Compose' }, 0.001);
    const text = await render(registry);
    const parsed = parsePrometheusText(text);
    assert.equal(parsed.types.get('op_seconds'), 'histogram');
    const bucket = (le: string) => sampleValue(parsed, 'op_seconds_bucket', { type: 'Http', le });
    assert.deepEqual([bucket('0.1'), bucket('1'), bucket('10'), bucket('+Inf')], [2, 4, 5, 7]);
    assert.equal(sampleValue(parsed, 'op_seconds_count', { type: 'Http' }), 7);
    assert.ok(Math.abs((sampleValue(parsed, 'op_seconds_sum', { type: 'Http' }) ?? 0) - 44.65) < 1e-9);
    assert.equal(sampleValue(parsed, 'op_seconds_bucket', { type: 'Compose', le: '0.1' }), 1);
    // Per series: buckets in increasing `le`, then _sum, then _count; `le` is the last label.
    const http = text.split('\n').filter((line) => line.includes('type="Http"'));
    assert.deepEqual(http.map((line) => line.split(' ')[0]), [
      'op_seconds_bucket{type="Http",le="0.1"}',
      'op_seconds_bucket{type="Http",le="1"}',
      'op_seconds_bucket{type="Http",le="10"}',
      'op_seconds_bucket{type="Http",le="+Inf"}',
      'op_seconds_sum{type="Http"}',
      'op_seconds_count{type="Http"}',
    ]);
  });

  test('every series reads back with non-decreasing buckets', async () => {
    const registry = createMetricsRegistry();
    const histogram = registry.histogram({ name: 'h_seconds', help: 'x', labelNames: ['k'], buckets: [1, 2, 3, 4] });
    let seed = 7;
    for (let index = 0; index < 200; index++) {
      seed = (seed * 48271) % 2147483647;
      histogram.observe({ k: `k${seed % 3}` }, (seed % 600) / 100);
    }
    const parsed = parsePrometheusText(await render(registry));
    for (const k of ['k0', 'k1', 'k2']) {
      const values = parsed.samples.filter((s) => s.name === 'h_seconds_bucket' && s.labels['k'] === k).map((s) => s.value);
      assert.equal(values.length, 5);
      for (let index = 1; index < values.length; index++) assert.ok((values[index] ?? 0) >= (values[index - 1] ?? 0), `${k}: ${values.join(',')}`);
      assert.equal(values.at(-1), sampleValue(parsed, 'h_seconds_count', { k }));
    }
  });

  test('refuses unsorted or infinite buckets, an `le` label, and NaN', () => {
    const registry = createMetricsRegistry();
    assertInvalid(() => registry.histogram({ name: 'a_seconds', help: 'x', labelNames: [], buckets: [1, 0.5] }), /strictly increasing/);
    assertInvalid(() => registry.histogram({ name: 'b_seconds', help: 'x', labelNames: [], buckets: [1, Number.POSITIVE_INFINITY] }), /finite/);
    assertInvalid(() => registry.histogram({ name: 'c_seconds', help: 'x', labelNames: ['le'], buckets: [1] }), /reserved/);
    const ok = registry.histogram({ name: 'd_seconds', help: 'x', labelNames: [], buckets: [1] });
    assertInvalid(() => ok.observe({}, Number.NaN), /NaN/);
  });
});

describe('metrics registry: callback gauges', () => {
  test('the callback is read at every collect', async () => {
    const registry = createMetricsRegistry();
    let depth = 3;
    registry.gauge({ name: 'depth', help: 'Depth.', labelNames: ['queue'], collect: async () => [{ labels: { queue: 'a' }, value: depth }, { labels: { queue: 'b' }, value: 0 }] });
    assert.equal(sampleValue(parsePrometheusText(await render(registry)), 'depth', { queue: 'a' }), 3);
    depth = 9;
    const parsed = parsePrometheusText(await render(registry));
    assert.equal(parsed.types.get('depth'), 'gauge');
    assert.equal(sampleValue(parsed, 'depth', { queue: 'a' }), 9);
    assert.equal(sampleValue(parsed, 'depth', { queue: 'b' }), 0);
  });

  test('a failing callback is reported and leaves its gauge empty; the other metrics still render', async () => {
    const failures: string[] = [];
    const registry = createMetricsRegistry({ onCollectError: (name, error) => failures.push(`${name}: ${(error as Error).message}`) });
    registry.gauge({ name: 'broken', help: 'x', labelNames: [], collect: async () => Promise.reject(new Error('database is gone')) });
    registry.counter({ name: 'fine_total', help: 'x', labelNames: [] }).inc({});
    const parsed = parsePrometheusText(await render(registry));
    assert.deepEqual(failures, ['broken: database is gone']);
    assert.equal(sampleValue(parsed, 'broken'), undefined);
    assert.equal(parsed.types.get('broken'), 'gauge');
    assert.equal(sampleValue(parsed, 'fine_total'), 1);
  });
});

describe('Prometheus text format', () => {
  test('an empty registry renders nothing, and the content type names format 0.0.4', async () => {
    assert.equal(await render(createMetricsRegistry()), '');
    assert.equal(PROMETHEUS_CONTENT_TYPE, 'text/plain; version=0.0.4; charset=utf-8');
  });

  test('special values print as +Inf, -Inf and NaN', () => {
    const text = formatPrometheusText([
      { name: 'g', help: 'x', type: 'gauge', samples: [{ suffix: '', labels: [['v', 'a']], value: Number.POSITIVE_INFINITY }, { suffix: '', labels: [['v', 'b']], value: Number.NEGATIVE_INFINITY }, { suffix: '', labels: [['v', 'c']], value: Number.NaN }] },
    ]);
    assert.match(text, /^g\{v="a"\} \+Inf$/m);
    assert.match(text, /^g\{v="b"\} -Inf$/m);
    assert.match(text, /^g\{v="c"\} NaN$/m);
    assert.equal(parsePrometheusText(text).samples.length, 3);
  });
});
