/**
 * Nothing is silently dropped: every `x-ms-*` key of every corpus definition is either modelled on
 * the object that carried it, kept in that object's `extensions`, or sits inside data the model
 * keeps verbatim (schemas, root parameters/responses, headers). The walk below is independent of
 * the loader: it finds extension keys the way connector-corpus.md §3 counts them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isDeepStrictEqual } from 'node:util';
import { escapePointerToken, parseJsonPointer } from '../../src/core/index.ts';
import { loadConnector } from '../../src/connectors/index.ts';
import type { ConnectorDefinition } from '../../src/connectors/index.ts';
import { parseDocument } from '../../src/connectors/parse/index.ts';
import { corpusFolder, corpusFolders } from './connector-kit.ts';

/** An `x-ms-*` key found in a document: the pointer of the object carrying it, the key and its value. */
interface Occurrence {
  readonly pointer: string;
  readonly key: string;
  readonly value: unknown;
}

/** Containers whose keys are names (of properties, headers, definitions …), not extension keys. */
const NAMED_MAPS = new Set(['properties', 'patternProperties', 'headers', 'definitions', 'securityDefinitions', 'scopes']);
/** Values that are data, not schema: never searched. */
const DATA_KEYS = new Set(['example', 'examples', 'default', 'enum', 'x-example']);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function collect(node: unknown, pointer: string, namedMap: boolean, out: Occurrence[], rootLevel: boolean): void {
  if (Array.isArray(node)) {
    node.forEach((item, index) => collect(item, `${pointer}/${index}`, false, out, false));
    return;
  }
  if (!isObject(node)) return;
  for (const [key, value] of Object.entries(node)) {
    if (!namedMap && key.toLowerCase().startsWith('x-ms-')) {
      out.push({ pointer, key, value });
      continue;
    }
    if (!namedMap && DATA_KEYS.has(key)) continue;
    const childIsNamedMap = !namedMap && (NAMED_MAPS.has(key) || (rootLevel && (key === 'parameters' || key === 'responses')));
    collect(value, `${pointer}/${escapePointerToken(key)}`, childIsNamedMap, out, false);
  }
}

type Lookup = (entity: Record<string, unknown>) => unknown;

/** Which model field holds each modelled key, per kind of object (the test's own table). */
const MODELLED: Record<string, Record<string, Lookup>> = {
  root: { 'x-ms-connector-metadata': (d) => field(d, 'info', 'metadata'), 'x-ms-capabilities': (d) => d['definitionCapabilities'] },
  info: { 'x-ms-keywords': (i) => i['keywords'], 'x-ms-api-annotation': (i) => i['apiAnnotation'], 'x-ms-deployment-version': (i) => i['deploymentVersion'] },
  pathItem: { 'x-ms-notification-content': (p) => p['notificationContent'] },
  operation: {
    'x-ms-visibility': (o) => o['visibility'],
    'x-ms-trigger': (o) => field(o, 'trigger', 'cardinality'),
    'x-ms-trigger-hint': (o) => field(o, 'trigger', 'hint'),
    'x-ms-trigger-metadata': (o) => field(o, 'trigger', 'metadata'),
    'x-ms-pageable': (o) => o['pageable'],
    'x-ms-no-generic-test': (o) => o['noGenericTest'],
    'x-ms-api-annotation': (o) => o['apiAnnotation'],
    'x-ms-openai-data': (o) => o['openAiData'],
    'x-ms-long-running-operation': (o) => o['longRunning'],
    'x-ms-long-running-operation-options': (o) => field(o, 'longRunning', 'options'),
    'x-ms-dynamic-schema': (o) => o['dynamicSchema'],
    'x-ms-dynamic-properties': (o) => o['dynamicProperties'],
  },
  parameter: {
    'x-ms-visibility': (p) => p['visibility'],
    'x-ms-summary': (p) => p['summary'],
    'x-ms-url-encoding': (p) => p['urlEncoding'],
    'x-ms-enum-values': (p) => p['enumNames'],
    'x-ms-test-value': (p) => p['testValue'],
    'x-ms-dynamic-values': (p) => field(p, 'dynamic', 'values'),
    'x-ms-dynamic-list': (p) => field(p, 'dynamic', 'list'),
    'x-ms-dynamic-schema': (p) => field(p, 'dynamic', 'schema'),
    'x-ms-dynamic-properties': (p) => field(p, 'dynamic', 'properties'),
    'x-ms-dynamic-tree': (p) => field(p, 'dynamic', 'tree'),
  },
  response: { 'x-ms-summary': (r) => r['summary'] },
  security: {},
};

function field(value: unknown, ...keys: string[]): unknown {
  let current = value;
  for (const key of keys) current = isObject(current) ? current[key] : undefined;
  return current;
}

interface Index {
  readonly entities: Map<string, { kind: string; entity: Record<string, unknown> }>;
  readonly verbatim: Map<string, unknown>;
}

/** Indexes the model by source pointer: entities (with their kind) and verbatim-kept subtrees. */
function indexModel(definition: ConnectorDefinition): Index {
  const entities = new Map<string, { kind: string; entity: Record<string, unknown> }>();
  const verbatim = new Map<string, unknown>();
  const plain: unknown = JSON.parse(JSON.stringify(definition));
  assert.ok(isObject(plain));
  entities.set('', { kind: 'root', entity: plain });
  const info = plain['info'];
  if (isObject(info)) entities.set('/info', { kind: 'info', entity: info });
  for (const [map, base] of [['schemaDefinitions', '/definitions'], ['parameterDefinitions', '/parameters'], ['responseDefinitions', '/responses']] as const) {
    const record = plain[map];
    if (isObject(record)) for (const [name, value] of Object.entries(record)) verbatim.set(`${base}/${escapePointerToken(name)}`, value);
  }
  const list = (value: unknown): Record<string, unknown>[] => (Array.isArray(value) ? value.filter(isObject) : []);
  for (const item of list(plain['pathItems'])) {
    entities.set(String(item['pointer']), { kind: 'pathItem', entity: item });
  }
  for (const scheme of list(plain['securityDefinitions'])) entities.set(String(scheme['pointer']), { kind: 'security', entity: scheme });
  for (const operation of list(plain['operations'])) {
    entities.set(String(operation['pointer']), { kind: 'operation', entity: operation });
    for (const parameter of list(operation['parameters'])) {
      const at = String(parameter['definedAt'] ?? parameter['pointer']);
      entities.set(at, { kind: 'parameter', entity: parameter });
      if (parameter['schema'] !== undefined) verbatim.set(`${at}/schema`, parameter['schema']);
      if (parameter['items'] !== undefined) verbatim.set(`${at}/items`, parameter['items']);
    }
    for (const response of list(operation['responses'])) {
      const at = String(response['definedAt'] ?? response['pointer']);
      entities.set(at, { kind: 'response', entity: response });
      if (response['schema'] !== undefined) verbatim.set(`${at}/schema`, response['schema']);
      if (response['headers'] !== undefined) verbatim.set(`${at}/headers`, response['headers']);
    }
  }
  return { entities, verbatim };
}

/** Where the model keeps an occurrence, or undefined when it does not. */
function representation(index: Index, occurrence: Occurrence): string | undefined {
  const tokens = parseJsonPointer(occurrence.pointer);
  for (let length = tokens.length; length >= 0; length -= 1) {
    const prefix = tokens.slice(0, length).map((token) => `/${escapePointerToken(token)}`).join('');
    const kept = index.verbatim.get(prefix);
    if (kept === undefined) continue;
    const holder = field(kept, ...tokens.slice(length));
    if (isObject(holder) && isDeepStrictEqual(holder[occurrence.key], occurrence.value)) return 'verbatim';
  }
  const entry = index.entities.get(occurrence.pointer);
  if (entry === undefined) return undefined;
  const extensions = entry.entity['extensions'];
  if (isObject(extensions) && isDeepStrictEqual(extensions[occurrence.key], occurrence.value)) return 'extensions';
  const lookup = MODELLED[entry.kind]?.[occurrence.key];
  return lookup !== undefined && lookup(entry.entity) !== undefined ? 'modelled' : undefined;
}

test('every x-ms-* key of every corpus definition is modelled, kept in extensions, or inside verbatim data', () => {
  const missing: string[] = [];
  const seenKeys = new Set<string>();
  let occurrences = 0;
  for (const folder of corpusFolders()) {
    const source = corpusFolder(folder);
    const { definition } = loadConnector(source);
    if (definition === undefined || source.kind !== 'folder') continue;
    const file = source.files.find((candidate) => candidate.name === definition.source.definitionFile);
    assert.ok(file?.bytes !== undefined);
    const parsed = parseDocument(file.bytes, { file: file.name });
    const found: Occurrence[] = [];
    collect(parsed.value, '', false, found, true);
    const index = indexModel(definition);
    for (const occurrence of found) {
      occurrences += 1;
      seenKeys.add(occurrence.key);
      if (representation(index, occurrence) === undefined) missing.push(`${folder}: ${occurrence.pointer} ${occurrence.key}`);
    }
  }
  assert.deepEqual(missing.slice(0, 20), [], `${missing.length} x-ms-* keys are not represented in the model`);
  // The walk must really have found the corpus's extensions (guards against a walker that finds nothing).
  assert.ok(occurrences > 30_000, `only ${occurrences} occurrences found`);
  for (const key of ['x-ms-notification-content', 'x-ms-trigger', 'x-ms-dynamic-tree', 'x-ms-summary title', 'x-ms-visibilty', 'x-ms-openai-manifest']) {
    assert.ok(seenKeys.has(key), `the corpus walk did not see ${key}`);
  }
});

test('the coverage check fails for an extension the model drops', () => {
  const definition = loadConnector(corpusFolder('certified-connectors/Planner')).definition;
  assert.ok(definition !== undefined);
  const index = indexModel(definition);
  const operation = definition.operations[0];
  assert.ok(operation !== undefined);
  assert.equal(representation(index, { pointer: operation.pointer, key: 'x-ms-made-up', value: 1 }), undefined);
  assert.equal(representation(index, { pointer: '/nowhere', key: 'x-ms-summary', value: 'x' }), undefined);
});
