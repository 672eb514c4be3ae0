/** Invariants every converted fixture must satisfy, whatever its source format. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { convertOpenApi3ToSwagger2, convertPostmanToSwagger2, detectDocumentKind, type Conversion } from './index.ts';
import { fixtureFiles, loadFixture } from '../../../test/fixtures/convert/load-fixture.ts';
import { valueAt } from '../../../test/fixtures/convert/inspect.ts';

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch'];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Every `$ref` string in a document, with where it sits. */
function collectRefs(value: unknown, path = ''): Array<{ path: string; ref: string }> {
  if (Array.isArray(value)) return value.flatMap((element, index) => collectRefs(element, `${path}/${index}`));
  if (!isRecord(value)) return [];
  return Object.entries(value).flatMap(([key, member]) =>
    key === '$ref' && typeof member === 'string' ? [{ path, ref: member }] : collectRefs(member, `${path}/${key}`),
  );
}

/** The `$ref`s that do not point at an existing definitions/parameters/responses entry. */
function danglingRefs(document: unknown): string[] {
  return collectRefs(document)
    .filter(({ ref }) => !/^#\/(definitions|parameters|responses)\//.test(ref) || valueAt(document, ref.slice(1)) === undefined)
    .map(({ path, ref }) => `${path}: ${ref}`);
}

function convert(name: string): Conversion | undefined {
  const source = loadFixture(name);
  const kind = detectDocumentKind(source);
  if (kind === 'openapi3') return convertOpenApi3ToSwagger2(source, { file: name });
  if (kind === 'postman') return convertPostmanToSwagger2(source, { file: name });
  return undefined;
}

const converted = fixtureFiles()
  .map((name) => ({ name, result: convert(name) }))
  .filter((entry): entry is { name: string; result: Conversion & { document: Record<string, unknown> } } => entry.result?.document !== undefined);

test('the fixtures cover both source formats', () => {
  assert.ok(converted.length >= 4, `only ${converted.length} fixtures converted`);
  assert.ok(converted.some(({ name }) => name.includes('openapi31')));
  assert.ok(converted.some(({ name }) => name.includes('postman')));
});

test('the dangling-reference check notices a reference to a missing definition', () => {
  assert.deepEqual(danglingRefs({ definitions: { A: {} }, paths: { x: { $ref: '#/definitions/B' }, y: { $ref: '#/definitions/A' } } }), ['/paths/x: #/definitions/B']);
  assert.deepEqual(danglingRefs({ definitions: {}, d: { $ref: '#/components/schemas/A' } }), ['/d: #/components/schemas/A']);
});

test('every $ref of every converted document points at an existing #/definitions, #/parameters or #/responses entry', () => {
  let checked = 0;
  for (const { name, result } of converted) {
    checked += collectRefs(result.document).length;
    assert.deepEqual(danglingRefs(result.document), [], `${name} has dangling references`);
  }
  // The OpenAPI fixtures are full of references; a converter that inlined or lost them all would pass vacuously.
  assert.ok(checked >= 30, `only ${checked} references checked`);
});

test('every path template placeholder has a required path parameter', () => {
  for (const { name, result } of converted) {
    const paths = isRecord(result.document.paths) ? result.document.paths : {};
    for (const [template, item] of Object.entries(paths)) {
      if (!isRecord(item)) continue;
      const placeholders = [...template.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]);
      for (const method of METHODS.filter((m) => isRecord(item[m]))) {
        const operation = item[method];
        const declared = [...(Array.isArray(item.parameters) ? item.parameters : []), ...(isRecord(operation) && Array.isArray(operation.parameters) ? operation.parameters : [])]
          .map((parameter) => (isRecord(parameter) && typeof parameter.$ref === 'string' ? valueAt(result.document, parameter.$ref.slice(1)) : parameter))
          .filter((parameter): parameter is Record<string, unknown> => isRecord(parameter) && parameter.in === 'path' && parameter.required === true)
          .map((parameter) => parameter.name);
        for (const placeholder of placeholders) assert.ok(declared.includes(placeholder), `${name} ${method.toUpperCase()} ${template}: no path parameter \`${placeholder}\``);
      }
    }
  }
});

test('every operation has a unique operationId, responses, and never mixes body with formData parameters', () => {
  for (const { name, result } of converted) {
    const ids: unknown[] = [];
    const paths = isRecord(result.document.paths) ? result.document.paths : {};
    for (const [template, item] of Object.entries(paths)) {
      for (const method of METHODS) {
        const operation = isRecord(item) ? item[method] : undefined;
        if (!isRecord(operation)) continue;
        ids.push(operation.operationId);
        assert.ok(isRecord(operation.responses) && Object.keys(operation.responses).length > 0, `${name} ${template} ${method}: no responses`);
        const locations = (Array.isArray(operation.parameters) ? operation.parameters : []).map((parameter) => (isRecord(parameter) ? parameter.in : undefined));
        assert.ok(!(locations.includes('body') && locations.includes('formData')), `${name} ${template} ${method}: body and formData together`);
        if (locations.includes('formData')) assert.ok(Array.isArray(operation.consumes), `${name} ${template} ${method}: formData without consumes`);
      }
    }
    assert.ok(ids.every((id) => typeof id === 'string' && id !== ''), `${name}: operation without operationId`);
    assert.equal(new Set(ids).size, ids.length, `${name}: duplicate operationId`);
  }
});
