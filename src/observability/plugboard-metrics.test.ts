/** The product's instruments: what each observer call shows in a scrape, and what never reaches a label. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Logger } from '../core/index.ts';
import { parsePrometheusText, sampleValue } from '../../test/kit/prometheus-text.ts';
import { createPlugboardMetrics, METRIC_NAMES } from './plugboard-metrics.ts';
import { silentObserver } from './observers.ts';

describe('PlugboardMetrics', () => {
  test('runs started and finished, with durations in seconds, show in the scrape', async () => {
    const metrics = createPlugboardMetrics();
    metrics.runStarted({ trigger: 'Request' });
    metrics.runStarted({ trigger: 'Request' });
    metrics.runStarted({ trigger: 'Recurrence' });
    metrics.runFinished({ status: 'Succeeded', durationMs: 250 });
    metrics.runFinished({ status: 'Failed', durationMs: 7_000 });
    const parsed = parsePrometheusText(await metrics.render());
    assert.equal(sampleValue(parsed, METRIC_NAMES.runsStarted, { trigger: 'Request' }), 2);
    assert.equal(sampleValue(parsed, METRIC_NAMES.runsStarted, { trigger: 'Recurrence' }), 1);
    assert.equal(sampleValue(parsed, METRIC_NAMES.runsFinished, { status: 'Succeeded' }), 1);
    assert.equal(sampleValue(parsed, METRIC_NAMES.runsFinished, { status: 'Failed' }), 1);
    // Exposed at 0 before the first cancelled run, so rate() sees its first increment.
    assert.equal(sampleValue(parsed, METRIC_NAMES.runsFinished, { status: 'Cancelled' }), 0);
    assert.equal(sampleValue(parsed, `${METRIC_NAMES.runDuration}_sum`, { status: 'Succeeded' }), 0.25);
    assert.equal(sampleValue(parsed, `${METRIC_NAMES.runDuration}_bucket`, { status: 'Failed', le: '5' }), 0);
    assert.equal(sampleValue(parsed, `${METRIC_NAMES.runDuration}_bucket`, { status: 'Failed', le: '10' }), 1);
  });

  test('action durations by type and status, trigger polls by outcome, gateway calls by status', async () => {
    const metrics = createPlugboardMetrics();
    metrics.actionFinished({ type: 'Http', status: 'Succeeded', durationMs: 40 });
    metrics.actionFinished({ type: 'Http', status: 'Failed', durationMs: 1_200 });
    metrics.actionFinished({ type: 'Compose', status: 'Succeeded', durationMs: 1 });
    metrics.triggerPolled({ kind: 'Recurrence', outcome: 'fired' });
    metrics.triggerPolled({ kind: 'ApiConnection', outcome: 'skipped' });
    metrics.triggerPolled({ kind: 'ApiConnection', outcome: 'skipped' });
    metrics.gatewayCall({ connector: 'planner', status: 200, durationMs: 30 });
    metrics.gatewayCall({ connector: 'planner', status: 404, durationMs: 20 });
    metrics.gatewayCall({ connector: 'planner', status: 'error' });
    const parsed = parsePrometheusText(await metrics.render());
    assert.equal(sampleValue(parsed, `${METRIC_NAMES.actionDuration}_count`, { type: 'Http', status: 'Succeeded' }), 1);
    assert.equal(sampleValue(parsed, `${METRIC_NAMES.actionDuration}_bucket`, { type: 'Http', status: 'Succeeded', le: '0.05' }), 1);
    assert.equal(sampleValue(parsed, `${METRIC_NAMES.actionDuration}_bucket`, { type: 'Http', status: 'Failed', le: '1' }), 0);
    assert.equal(sampleValue(parsed, `${METRIC_NAMES.actionDuration}_count`, { type: 'Compose', status: 'Succeeded' }), 1);
    assert.equal(sampleValue(parsed, METRIC_NAMES.triggerPolls, { kind: 'ApiConnection', outcome: 'skipped' }), 2);
    assert.equal(sampleValue(parsed, METRIC_NAMES.triggerPolls, { kind: 'Recurrence', outcome: 'fired' }), 1);
    assert.equal(sampleValue(parsed, METRIC_NAMES.gatewayCalls, { connector: 'planner', status: '200' }), 1);
    assert.equal(sampleValue(parsed, METRIC_NAMES.gatewayCalls, { connector: 'planner', status: '404' }), 1);
    assert.equal(sampleValue(parsed, METRIC_NAMES.gatewayCalls, { connector: 'planner', status: 'error' }), 1);
    // Only calls that report a duration are timed.
    assert.equal(sampleValue(parsed, `${METRIC_NAMES.gatewayCallDuration}_count`, { connector: 'planner' }), 2);
  });

  test('ids, URLs and free text given as names become "other", never a label value', async () => {
    const metrics = createPlugboardMetrics();
    const leaks = ['3f2a1b4c-1111-4222-8333-944455556666', 'https://example.com/hook?sig=abc', 'flow run 42 of alice', 'run0123456789abcdef0123'];
    for (const leak of leaks) {
      metrics.runStarted({ trigger: leak });
      metrics.actionFinished({ type: leak, status: 'Succeeded', durationMs: 1 });
      metrics.gatewayCall({ connector: leak, status: 200 });
      metrics.triggerPolled({ kind: leak, outcome: 'fired' });
    }
    metrics.gatewayCall({ connector: 'planner', status: 99_999 });
    const text = await metrics.render();
    for (const leak of leaks) assert.ok(!text.includes(leak), `${leak} reached the scrape`);
    const parsed = parsePrometheusText(text);
    assert.equal(sampleValue(parsed, METRIC_NAMES.runsStarted, { trigger: 'other' }), 4);
    assert.equal(sampleValue(parsed, METRIC_NAMES.gatewayCalls, { connector: 'planner', status: 'error' }), 1);
  });

  test('queue depth is read from the callback at each scrape, per queue', async () => {
    const depths = new Map([['workflow.runs', 4], ['workflow.triggers', 1]]);
    const metrics = createPlugboardMetrics({ queues: ['workflow.runs', 'workflow.triggers'], queueDepth: async (queue) => depths.get(queue) ?? 0 });
    assert.equal(sampleValue(parsePrometheusText(await metrics.render()), METRIC_NAMES.queueDepth, { queue: 'workflow.runs' }), 4);
    depths.set('workflow.runs', 0);
    const parsed = parsePrometheusText(await metrics.render());
    assert.equal(sampleValue(parsed, METRIC_NAMES.queueDepth, { queue: 'workflow.runs' }), 0);
    assert.equal(sampleValue(parsed, METRIC_NAMES.queueDepth, { queue: 'workflow.triggers' }), 1);
  });

  test('a queue depth that cannot be read is logged and left out; the scrape still answers', async () => {
    const warnings: unknown[] = [];
    const logger: Logger = { debug: () => undefined, info: () => undefined, warn: (message, fields) => warnings.push({ message, ...fields }), error: () => undefined };
    const metrics = createPlugboardMetrics({ queues: ['workflow.runs'], queueDepth: async () => Promise.reject(new Error('connection refused')), logger });
    metrics.runStarted({ trigger: 'Request' });
    const parsed = parsePrometheusText(await metrics.render());
    assert.equal(sampleValue(parsed, METRIC_NAMES.queueDepth, { queue: 'workflow.runs' }), undefined);
    assert.equal(sampleValue(parsed, METRIC_NAMES.runsStarted, { trigger: 'Request' }), 1);
    assert.deepEqual(warnings, [{ message: 'a metric could not be read for this scrape', metric: METRIC_NAMES.queueDepth, error: 'connection refused' }]);
  });

  test('the silent observer accepts every event', () => {
    silentObserver.runStarted({ trigger: 'Request' });
    silentObserver.runFinished({ status: 'Succeeded', durationMs: 1 });
    silentObserver.actionFinished({ type: 'Http', status: 'Failed', durationMs: 1 });
    silentObserver.triggerPolled({ kind: 'Recurrence', outcome: 'failed' });
    silentObserver.gatewayCall({ connector: 'x', status: 500 });
    assert.ok(Object.isFrozen(silentObserver));
  });
});
