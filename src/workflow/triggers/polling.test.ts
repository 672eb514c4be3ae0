/**
 * pollTrigger's decisions that do not need a network: a template without state (Event Tickets,
 * from the corpus), limits, and what the cursor keeps — over a recording connector port.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { corpusFolder } from '../../../test/connectors/connector-kit.ts';
import { loadConnector } from '../../connectors/index.ts';
import { createWorkflowEvaluator } from '../../expressions/index.ts';
import type { ConnectorAnswer, ConnectorOperationCall, ConnectorPort } from '../actions/contract.ts';
import { createValueEvaluator } from '../actions/value-evaluator.ts';
import { loadWorkflowDefinition } from '../definition/load-workflow-definition.ts';
import type { WorkflowTrigger } from '../definition/model.ts';
import { pollTrigger, retryAfterOf } from './polling.ts';
import { pollingOperationOf } from './polling-template.ts';
import type { TriggerEvaluate } from './split-on.ts';

function recordingPort(answer: (call: ConnectorOperationCall) => ConnectorAnswer): { port: ConnectorPort; calls: ConnectorOperationCall[] } {
  const calls: ConnectorOperationCall[] = [];
  return {
    calls,
    port: {
      invokeOperation: async (call) => {
        calls.push(call);
        return answer(call);
      },
      invokeRaw: async () => {
        throw new Error('not used');
      },
    },
  };
}

function triggerOf(raw: Record<string, unknown>): WorkflowTrigger {
  const trigger = loadWorkflowDefinition({ triggers: { New_attendee: { type: 'OpenApiConnection', recurrence: { frequency: 'Minute', interval: 1 }, ...raw } }, actions: {} }).definition?.triggers[0];
  assert.ok(trigger);
  return trigger;
}

const evaluate: TriggerEvaluate = (() => {
  const value = createValueEvaluator({ evaluator: createWorkflowEvaluator() });
  return (input, extra) => value(input, { ...extra });
})();

const NOW = Date.UTC(2026, 4, 5, 6, 7, 8);
const eventTickets = loadConnector(corpusFolder('certified-connectors/Event Tickets')).definition;
assert.ok(eventTickets);
const lookup = async (target: Parameters<typeof pollingOperationOf>[1]) => pollingOperationOf(eventTickets, target);
const attendeeTrigger = (extra: Record<string, unknown> = {}): WorkflowTrigger =>
  triggerOf({ inputs: { host: { connectionName: 'shared_eventtickets', operationId: 'AttendeeTrigger' }, parameters: {} }, splitOn: "@triggerOutputs()?['body/attendees']", ...extra });

describe('pollTrigger', () => {
  test('a template with only literal entries has no baseline: the first poll fires, sending them', async () => {
    const { port, calls } = recordingPort(() => ({ status: 200, headers: { 'content-type': 'application/json' }, body: { attendees: [{ id: 7 }] } }));
    const result = await pollTrigger({ trigger: attendeeTrigger(), evaluate, cursor: null, now: NOW, connectors: port, connectorOperations: lookup });
    assert.equal(result.outcome, 'fired');
    assert.deepEqual(calls[0]?.parameters, { per_page: '1' });
    assert.deepEqual(result.firings.map((firing) => firing.body), [{ id: 7 }]);
  });

  test('the template selecting no items skips, even with a 200', async () => {
    const { port } = recordingPort(() => ({ status: 200, headers: {}, body: { attendees: [] } }));
    const result = await pollTrigger({ trigger: attendeeTrigger(), evaluate, cursor: null, now: NOW, connectors: port, connectorOperations: lookup });
    assert.equal(result.outcome, 'skipped');
    assert.equal(result.skipReason, 'NoItems');
  });

  test('too many items for splitOn fail the poll and keep the cursor', async () => {
    const { port } = recordingPort(() => ({ status: 200, headers: {}, body: { attendees: [1, 2, 3] } }));
    const first = await pollTrigger({ trigger: attendeeTrigger(), evaluate, cursor: null, now: NOW, connectors: port, connectorOperations: lookup, limits: { maxSplitOnItems: 3 } });
    assert.equal(first.firings.length, 3);
    const { port: more } = recordingPort(() => ({ status: 200, headers: {}, body: { attendees: [1, 2, 3, 4] } }));
    const second = await pollTrigger({ trigger: attendeeTrigger(), evaluate, cursor: first.cursor, now: NOW, connectors: more, connectorOperations: lookup, limits: { maxSplitOnItems: 3 } });
    assert.equal(second.outcome, 'failed');
    assert.equal(second.error?.code, 'SplitOnLimitExceeded');
    assert.deepEqual(second.cursor, first.cursor);
  });

  test('the cursor keeps the previous answer for trigger() in the inputs, its body only when small', async () => {
    const { port } = recordingPort(() => ({ status: 200, headers: { etag: 'v1' }, body: { attendees: [{ id: 1 }], note: 'x'.repeat(200) } }));
    const small = await pollTrigger({ trigger: attendeeTrigger(), evaluate, cursor: null, now: NOW, connectors: port, connectorOperations: lookup });
    assert.deepEqual(small.cursor?.previous, { startTime: '2026-05-05T06:07:08.000Z', status: 'Succeeded', code: 'OK', outputs: { headers: { etag: 'v1' }, statusCode: 200, body: { attendees: [{ id: 1 }], note: 'x'.repeat(200) } } });
    const capped = await pollTrigger({ trigger: attendeeTrigger(), evaluate, cursor: null, now: NOW, connectors: port, connectorOperations: lookup, limits: { maxPreviousBodyChars: 100 } });
    assert.deepEqual(capped.cursor?.previous?.outputs, { headers: { etag: 'v1' }, statusCode: 200 });
  });

  test('a cursor that is not one of ours is ignored rather than trusted', async () => {
    const { port, calls } = recordingPort(() => ({ status: 200, headers: {}, body: { attendees: [] } }));
    await pollTrigger({ trigger: attendeeTrigger(), evaluate, cursor: { version: 1, fingerprint: 'someone-else', locationQuery: { per_page: '5000' } }, now: NOW, connectors: port, connectorOperations: lookup });
    assert.deepEqual(calls[0]?.parameters, { per_page: '1' });
  });

  test('a port error that is not a PlugboardError is a bug and is thrown', async () => {
    const port: ConnectorPort = {
      invokeOperation: async () => {
        throw new TypeError('boom');
      },
      invokeRaw: async () => {
        throw new TypeError('boom');
      },
    };
    await assert.rejects(pollTrigger({ trigger: attendeeTrigger(), evaluate, cursor: null, now: NOW, connectors: port }), TypeError);
  });
});

describe('retryAfterOf', () => {
  test('delta seconds, an HTTP date, or nothing usable', () => {
    assert.equal(retryAfterOf({ 'retry-after': '0' }, NOW), 0);
    assert.equal(retryAfterOf({ 'retry-after': ' 300 ' }, NOW), 300_000);
    assert.equal(retryAfterOf({ 'retry-after': new Date(NOW - 5_000).toUTCString() }, NOW), 0);
    assert.equal(retryAfterOf({ 'retry-after': 'soon' }, NOW), undefined);
    assert.equal(retryAfterOf({}, NOW), undefined);
  });
});
