/** Extension helpers: misspelling detection, visibility values, dynamic-extension forms. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diagnoseExtensionKey, editDistance, KNOWN_EXTENSIONS } from '../../src/connectors/extensions/known-extensions.ts';
import { readVisibility } from '../../src/connectors/extensions/visibility.ts';
import { readDynamicArgument, readDynamicSchema, readDynamicTree } from '../../src/connectors/extensions/dynamic.ts';

test('every misspelling found in published connectors is traced to the key its author meant', () => {
  const cases: [string, unknown, string][] = [
    ['x-ms-visibilty', 'important', 'x-ms-visibility'],
    ['x-ms-visbility', 'important', 'x-ms-visibility'],
    ['x-ms-visibiltiy', 'internal', 'x-ms-visibility'],
    ['x-ms-summmary', 'Name', 'x-ms-summary'],
    ['x-ms-sumamry', 'Name', 'x-ms-summary'],
    ['x-ms-summary:', 'Name', 'x-ms-summary'],
    ['x-ms-summary title', 'Name', 'x-ms-summary'],
    ['x-ms-api-annotations', { family: 'a', revision: 1 }, 'x-ms-api-annotation'],
    ['x-ms-enum-value', [{ displayName: 'A', value: 'a' }], 'x-ms-enum-values'],
    ['x-ms-trigger-value', { 'value-collection': 'value', 'value-path': 'seqn' }, 'x-ms-dynamic-values'],
    ['X-MS-Visibility', 'advanced', 'x-ms-visibility'],
  ];
  for (const [key, value, intended] of cases) assert.deepEqual(diagnoseExtensionKey(key, value), { kind: 'misspelt', intended }, key);
});

test('correct keys are known and far-off keys are unknown, not misspelt', () => {
  for (const key of KNOWN_EXTENSIONS) assert.deepEqual(diagnoseExtensionKey(key), { kind: 'known' }, key);
  assert.deepEqual(diagnoseExtensionKey('x-ms-tooltip', 'help'), { kind: 'unknown' });
  assert.deepEqual(diagnoseExtensionKey('x-ms-description', 'text'), { kind: 'unknown' });
});

test('edit distance counts an adjacent transposition as one edit', () => {
  assert.equal(editDistance('visibilty', 'visibility'), 1);
  assert.equal(editDistance('sumamry', 'summary'), 1);
  assert.equal(editDistance('abc', 'abc'), 0);
  assert.equal(editDistance('', 'abc'), 3);
  assert.equal(editDistance('kitten', 'sitting'), 3);
});

test('x-ms-visibility is read case-insensitively, empty means none, anything else is rejected', () => {
  assert.equal(readVisibility('Advanced'), 'advanced');
  assert.equal(readVisibility(''), 'none');
  assert.equal(readVisibility('internal'), 'internal');
  assert.equal(readVisibility('hidden'), undefined);
  assert.equal(readVisibility(true), undefined);
});

test('dynamic arguments: {parameter}, {parameterReference}, {value}, {selectedItemValuePath} and literals (objects with other keys are literals)', () => {
  assert.deepEqual(readDynamicArgument({ parameter: 'id' }), { kind: 'parameter', name: 'id' });
  assert.deepEqual(readDynamicArgument({ parameterReference: 'body/object' }), { kind: 'reference', reference: 'body/object' });
  assert.deepEqual(readDynamicArgument({ value: 5 }), { kind: 'value', value: 5 });
  assert.deepEqual(readDynamicArgument({ selectedItemValuePath: 'id' }), { kind: 'selectedItem', path: 'id' });
  assert.deepEqual(readDynamicArgument('Command'), { kind: 'literal', value: 'Command' });
  assert.deepEqual(readDynamicArgument(null), { kind: 'literal', value: null });
  assert.deepEqual(readDynamicArgument({ parameter: 'id', required: true }), { kind: 'literal', value: { parameter: 'id', required: true } });
});

test('a bare-string x-ms-dynamic-schema is kept raw, flagged as such', () => {
  assert.deepEqual(readDynamicSchema('TpcDynamicResolveContentSchemaschema'), { form: 'raw', raw: 'TpcDynamicResolveContentSchemaschema' });
});

test('x-ms-dynamic-tree keeps settings and both calls, unknown keys in extra', () => {
  const tree = readDynamicTree({
    settings: { canSelectParentNodes: true, canSelectLeafNodes: true },
    open: { operationId: 'ListRoot', itemValuePath: 'id', itemTitlePath: 'name', itemIsParent: '(isFolder eq true)' },
    browse: { operationId: 'ListChildren', parameters: { parentId: { selectedItemValuePath: 'id' } }, itemValuePath: 'id', itemTitlePath: 'name' },
    'x-note': 1,
  });
  assert.ok(tree.form === 'object');
  assert.equal(tree.open?.operationId, 'ListRoot');
  assert.equal(tree.open?.itemIsParent, '(isFolder eq true)');
  assert.deepEqual(tree.browse?.parameters, { parentId: { kind: 'selectedItem', path: 'id' } });
  assert.deepEqual(tree.settings, { canSelectParentNodes: true, canSelectLeafNodes: true });
  assert.deepEqual(tree.extra, { 'x-note': 1 });
});
