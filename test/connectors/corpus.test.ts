/**
 * The published corpus (199 connector folders, ../shared) loads as published: every folder yields a
 * definition except the three whose definition upstream left structurally broken; repaired files
 * carry their repair warning; validation finds no errors beyond the genuine defects listed here.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connectorSummary, loadConnector, validateConnector } from '../../src/connectors/index.ts';
import type { ConnectorDefinition, LoadResult } from '../../src/connectors/index.ts';
import type { Issue } from '../../src/core/index.ts';
import { corpusFolder, corpusFolders, strictCorpusDefinition } from './connector-kit.ts';
import { countOperations } from '../kit/operation-counter.ts';

interface Loaded {
  readonly folder: string;
  readonly result: LoadResult;
  readonly validation: Issue[];
}

const loaded: Loaded[] = corpusFolders().map((folder) => {
  const result = loadConnector(corpusFolder(folder));
  return { folder, result, validation: result.definition === undefined ? [] : validateConnector(result.definition) };
});
const byFolder = new Map(loaded.map((entry) => [entry.folder, entry]));

function entry(folder: string): Loaded {
  const found = byFolder.get(folder);
  assert.ok(found !== undefined, `${folder} is not in the corpus`);
  return found;
}

function definitionOf(folder: string): ConnectorDefinition {
  const definition = entry(folder).result.definition;
  assert.ok(definition !== undefined, `${folder} did not load`);
  return definition;
}

/**
 * Definitions SOURCE.md lists as structurally broken upstream. Whether the tolerant parser can
 * repair one is its business (ZohoSign's only fault turned out to be EM SPACE characters between
 * tokens); each either loads carrying its repair warnings, or fails with exactly one located error.
 */
const BROKEN_UPSTREAM = ['certified-connectors/CognitiveServicesTextAnalytics', 'certified-connectors/ZohoSign', 'independent-publisher-connectors/GIPHY'];

/**
 * Errors that remain on loadable connectors, each a genuine defect of the published files:
 * - gofileroom: apiProperties.json is structurally broken (unclosed object). Decision: the folder
 *   still loads its definition (operations are browsable) with the one located parse error, and no
 *   connection parameters — nothing is derived, since the real ones are unknown.
 * - Pixela: a routerequesttoendpoint policy builds its path from `@connectionParameters('graphID')`,
 *   but graphID is an operation query parameter, not a connection parameter (the other routes use
 *   `@queryParameters('graphID')`): that call cannot work as published.
 */
const KNOWN_DEFECTS: Readonly<Record<string, readonly string[]>> = {
  'certified-connectors/gofileroom': ['json-syntax'],
  'independent-publisher-connectors/Pixela': ['connection-parameter-undefined'],
};

test('all 199 corpus folders are read', () => {
  assert.equal(loaded.length, 199);
});

test('every corpus folder yields a definition except definitions broken upstream, which fail with one located error or load repaired', () => {
  const failed = loaded.filter((item) => item.result.definition === undefined).map((item) => item.folder);
  assert.deepEqual(
    failed.filter((folder) => !BROKEN_UPSTREAM.includes(folder)),
    [],
    'only definitions listed as broken in SOURCE.md may fail to load',
  );
  assert.ok(failed.length >= 1, 'CognitiveServicesTextAnalytics and GIPHY are broken beyond any safe repair');
  for (const folder of BROKEN_UPSTREAM) {
    const { result } = entry(folder);
    const errors = result.issues.filter((issue) => issue.severity === 'error');
    if (result.definition === undefined) {
      assert.equal(errors.length, 1, `${folder}: ${JSON.stringify(errors)}`);
      const [error] = errors;
      assert.equal(error?.file, 'apiDefinition.swagger.json');
      assert.ok(typeof error?.line === 'number' && error.line > 1 && typeof error.column === 'number', `${folder}: error is not located`);
    } else {
      assert.deepEqual(errors, [], `${folder} loaded, so it must have been repaired without errors`);
      assert.ok(result.issues.some((issue) => issue.code.startsWith('repaired-') && issue.file === 'apiDefinition.swagger.json'), `${folder}: loaded without a repair warning`);
    }
  }
});

test('gofileroom loads its definition with exactly one located apiProperties.json error and no connection parameters', () => {
  const { result } = entry('certified-connectors/gofileroom');
  assert.ok(result.definition !== undefined);
  const errors = result.issues.filter((issue) => issue.severity === 'error');
  assert.equal(errors.length, 1);
  assert.equal(errors[0]?.file, 'apiProperties.json');
  assert.ok(typeof errors[0]?.line === 'number' && typeof errors[0].column === 'number');
  assert.deepEqual(result.definition.connection.parameters, []);
  assert.equal(result.definition.connection.derived, false);
  assert.ok(result.definition.operations.length > 0);
});

test('repaired files load and carry their repair warning with file, line and column', () => {
  const expected: [string, string, string][] = [
    ['certified-connectors/InEight', 'apiDefinition.swagger.json', 'repaired-bom'],
    ['certified-connectors/Plumsail Documents', 'apiDefinition.swagger.json', 'repaired-trailing-comma'],
    ['certified-connectors/envoy', 'apiDefinition.swagger.json', 'repaired-trailing-comma'],
    ['certified-connectors/IN-D Invoice Data Capture', 'apiDefinition.swagger.json', 'repaired-missing-comma'],
    ['independent-publisher-connectors/XSOAR', 'apiDefinition.swagger.json', 'repaired-missing-comma'],
    ['certified-connectors/Easyvista_Service._Manager', 'apiDefinition.swagger.json', 'repaired-control-character'],
    ['independent-publisher-connectors/Yelp', 'apiDefinition.swagger.json', 'repaired-encoding'],
    ['certified-connectors/SigningHub', 'apiProperties.json', 'repaired-missing-comma'],
  ];
  for (const [folder, file, code] of expected) {
    const { result } = entry(folder);
    assert.ok(result.definition !== undefined, `${folder} did not load`);
    const repair = result.issues.find((issue) => issue.code === code && issue.file === file);
    assert.ok(repair !== undefined, `${folder}: no ${code} on ${file} in ${JSON.stringify(result.issues.map((issue) => issue.code))}`);
    assert.equal(repair.severity, 'warning');
    assert.ok(typeof repair.line === 'number', `${folder}: repair is not located`);
  }
  const strict = entry('certified-connectors/Planner').result.issues.filter((issue) => issue.code.startsWith('repaired-'));
  assert.deepEqual(strict, []);
});

test('validation finds no errors on the loadable corpus beyond the listed genuine defects', () => {
  const unexpected: string[] = [];
  for (const item of loaded) {
    if (item.result.definition === undefined) continue;
    const codes = [...item.result.issues, ...item.validation].filter((issue) => issue.severity === 'error').map((issue) => issue.code);
    const expected = KNOWN_DEFECTS[item.folder] ?? [];
    if (JSON.stringify(codes) !== JSON.stringify(expected)) unexpected.push(`${item.folder}: ${codes.join(', ') || 'none'} (expected ${expected.join(', ') || 'none'})`);
  }
  assert.deepEqual(unexpected, []);
});

/** Sample connectors whose counts are checked against the independent counter. */
const SAMPLE: readonly (readonly [string, { dropTrailingCommas?: boolean }])[] = [
  ['certified-connectors/Encodian', {}],
  ['independent-publisher-connectors/HubSpot CRM V2', {}],
  ['certified-connectors/DocuSign', {}],
  ['certified-connectors/Planner', {}],
  ['certified-connectors/JIRA', {}],
  ['certified-connectors/InEight', {}],
  ['certified-connectors/Microsoft Bookings', {}],
  ['certified-connectors/Plumsail Documents', { dropTrailingCommas: true }],
  ['certified-connectors/Scrive eSign', {}],
  ['certified-connectors/Mobili Stotele', {}],
  ['certified-connectors/Zvanu parvaldnieks', {}],
  ['certified-connectors/Actsoft', {}],
  ['certified-connectors/MicrosoftGraphSecurity', {}],
  ['certified-connectors/Azure Communication Services SMS Events', {}],
  ['certified-connectors/AtBot', {}],
  ['certified-connectors/SurveyMonkey', {}],
  ['certified-connectors/iMIS', {}],
  ['custom-connectors/Infobip', {}],
  ['independent-publisher-connectors/Spotify', {}],
];

test('operation, trigger and webhook/polling counts of sample connectors match an independent count', () => {
  let triggers = 0;
  let polling = 0;
  for (const [folder, options] of SAMPLE) {
    const expected = countOperations(strictCorpusDefinition(folder, options));
    const definition = definitionOf(folder);
    const summary = connectorSummary(definition);
    const webhook = definition.operations.filter((operation) => operation.trigger?.kind === 'webhook').length;
    assert.deepEqual(
      { operations: summary.operations, triggers: summary.triggers, webhook, polling: summary.triggers - webhook },
      { operations: expected.operations, triggers: expected.triggers, webhook: expected.webhook, polling: expected.polling },
      folder,
    );
    triggers += expected.triggers;
    polling += expected.polling;
  }
  // The sample must exercise both trigger kinds, or the webhook/polling comparison proves nothing.
  assert.ok(triggers > 20 && polling > 3, `sample has ${triggers} triggers, ${polling} polling`);
  // The counter itself agrees with connector-corpus.md §2 (Encodian is the largest connector, 219 operations).
  assert.equal(countOperations(strictCorpusDefinition('certified-connectors/Encodian')).operations, 219);
});

test('every loaded definition is plain JSON data that survives a JSON round trip', () => {
  for (const item of loaded) {
    const definition = item.result.definition;
    if (definition === undefined) continue;
    assert.equal(definition.formatVersion, 1);
    const text = JSON.stringify(definition);
    assert.equal(JSON.stringify(JSON.parse(text)), text, item.folder);
    assertPlainJson(definition, item.folder);
  }
});

function assertPlainJson(value: unknown, where: string): void {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const node = stack.pop();
    if (node === null || node === undefined || typeof node === 'string' || typeof node === 'boolean') continue;
    if (typeof node === 'number') {
      assert.ok(Number.isFinite(node), `${where}: non-finite number`);
      continue;
    }
    if (Array.isArray(node)) {
      stack.push(...node);
      continue;
    }
    assert.equal(typeof node, 'object', `${where}: ${typeof node} in the model`);
    assert.equal(Object.getPrototypeOf(node), Object.prototype, `${where}: a non-plain object in the model`);
    if (typeof node === 'object') stack.push(...Object.values(node));
  }
}
