/** pollingOperationOf: a connector trigger's cardinality and pollingtrigger template, read from real corpus definitions. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { corpusFolder } from '../../../test/connectors/connector-kit.ts';
import { loadConnector } from '../../connectors/index.ts';
import type { ConnectorDefinition } from '../../connectors/index.ts';
import { pollingOperationOf } from './polling-template.ts';

function corpus(folder: string): ConnectorDefinition {
  const { definition, issues } = loadConnector(corpusFolder(folder));
  assert.ok(definition, JSON.stringify(issues));
  return definition;
}

describe('pollingOperationOf', () => {
  const huddle = corpus('certified-connectors/Huddle US');

  test('Huddle: a batch trigger whose template asks for files after the newest one seen', () => {
    const operation = pollingOperationOf(huddle, { operationId: 'PollFolderForFileUpload' });
    assert.equal(operation?.cardinality, 'batch');
    const template = operation?.template;
    assert.ok(template);
    assert.deepEqual(template.stateParameters, ['after']);
    assert.deepEqual(template.nextQuery(undefined), { query: [], unresolved: ['after'] });
    const body = { files: [{ name: 'b', created: '2026-04-01T08:00:00Z' }, { name: 'a', created: '2026-03-01T08:00:00Z' }] };
    assert.deepEqual(template.nextQuery(body).query, [['after', '2026-04-01T08:00:00Z']]);
    assert.deepEqual(template.nextQuery({ files: [] }).unresolved, ['after']);
    assert.equal(template.items(body).length, 2);
    assert.deepEqual(template.items({}), []);
  });

  test('found by method and path too (an ApiConnection trigger), with or without encoded segments', () => {
    assert.equal(pollingOperationOf(huddle, { method: 'get', path: '/trigger/v2/poll/workspace/ws-1/approvals' })?.template?.stateParameters[0], 'after');
    assert.equal(pollingOperationOf(huddle, { method: 'GET', path: '/trigger/v2/poll/folder/a%20b/upload' })?.operationId, 'PollFolderForFileUpload');
    assert.equal(pollingOperationOf(huddle, { method: 'POST', path: '/trigger/v2/poll/folder/a/upload' }), undefined);
  });

  test('an operation without a template, and an unknown one', () => {
    const plain = huddle.operations.find((operation) => operation.trigger === undefined);
    assert.ok(plain);
    const found = pollingOperationOf(huddle, { operationId: plain.operationId });
    assert.equal(found?.template, undefined);
    assert.equal(found?.cardinality, undefined);
    assert.equal(pollingOperationOf(huddle, { operationId: 'NoSuchOperation' }), undefined);
  });

  test('Feathery Forms: the state is a value of the answer itself (requested_at)', () => {
    const template = pollingOperationOf(corpus('certified-connectors/Feathery Forms'), { operationId: 'FormCompletion' })?.template;
    assert.deepEqual(template?.nextQuery({ requested_at: '2026-04-01T08:00:00Z', results: [] }).query, [['last_requested_at', '2026-04-01T08:00:00Z']]);
  });

  test('Event Tickets: only literal entries, so there is no state and no baseline poll', () => {
    const template = pollingOperationOf(corpus('certified-connectors/Event Tickets'), { operationId: 'AttendeeTrigger' })?.template;
    assert.deepEqual(template?.stateParameters, []);
    assert.deepEqual(template?.nextQuery(undefined).query, [['per_page', '1']]);
    assert.deepEqual(template?.items({ attendees: [{ id: 1 }] }), [{ id: 1 }]);
  });

  test('a broken pollingtrigger instance fails the lookup with PolicyInvalid rather than polling without it', () => {
    const broken: ConnectorDefinition = {
      ...huddle,
      policies: huddle.policies.map((instance) => (instance.templateId === 'pollingtrigger' ? { ...instance, parameters: { triggerConfig: { after: '@{triggerBody().files[0].created}' } } } : instance)),
    };
    assert.throws(() => pollingOperationOf(broken, { operationId: 'PollFolderForFileUpload' }), { code: 'PolicyInvalid' });
  });
});
