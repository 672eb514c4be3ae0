/** Generated values and arguments: deterministic, and valid against their schema as ajv reads it. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createArgumentGenerator, createSchemaValidator, generateArguments, generateValue } from '../../src/gateway/mock/index.ts';
import { loadDocument } from './mock-fixture.ts';

const DEFINITIONS: Record<string, unknown> = {
  Folder: {
    type: 'object',
    required: ['name'],
    properties: { name: { type: 'string' }, parent: { $ref: '#/definitions/Folder' }, children: { type: 'array', items: { $ref: '#/definitions/Folder' } } },
  },
  Endless: { type: 'object', required: ['next'], properties: { next: { $ref: '#/definitions/Endless' } } },
  Base: { type: 'object', required: ['id'], properties: { id: { type: 'string', format: 'uuid' } } },
  Timestamped: { type: 'object', properties: { created: { type: 'string', format: 'date-time' } } },
};

function problems(schema: unknown, value: unknown, definitions: Record<string, unknown> = DEFINITIONS): readonly unknown[] {
  const check = createSchemaValidator(definitions).check({ schema, value, direction: 'response', where: 'value' });
  assert.equal(check.compileError, undefined);
  return check.problems;
}

const TRICKY: Record<string, unknown> = {
  'date-time': { type: 'string', format: 'date-time' },
  date: { type: 'string', format: 'date' },
  email: { type: 'string', format: 'email' },
  uri: { type: 'string', format: 'uri' },
  uuid: { type: 'string', format: 'uuid' },
  byte: { type: 'string', format: 'byte' },
  binary: { type: 'string', format: 'binary' },
  file: { type: 'file' },
  int32: { type: 'integer', format: 'int32', minimum: -5, maximum: -2 },
  int64: { type: 'integer', format: 'int64' },
  double: { type: 'number', format: 'double', minimum: 0, exclusiveMinimum: true, maximum: 0.5 },
  multipleOf: { type: 'number', multipleOf: 0.25, minimum: 3.1 },
  exclusive: { type: 'integer', minimum: 10, exclusiveMinimum: true, maximum: 12, exclusiveMaximum: true },
  lengths: { type: 'string', minLength: 12, maxLength: 14 },
  pattern: { type: 'string', pattern: '^[A-Z]{3}-\\d{4}$' },
  'pattern with lookahead': { type: 'string', pattern: '(?!^(space|system)$)(^[a-zA-Z][a-zA-Z0-9_-]{0,41}[a-zA-Z0-9]?$)' },
  'pattern and length': { type: 'string', pattern: '^[0-9]+$', minLength: 6 },
  enum: { type: 'string', enum: ['first', 'second'] },
  'numeric enum written as strings': { type: 'integer', enum: ['0', '1'] },
  'type list': { type: ['null', 'integer'], minimum: 3 },
  'missing type with properties': { properties: { a: { type: 'boolean' } }, required: ['a'] },
  'missing type': {},
  'unique items': { type: 'array', minItems: 3, uniqueItems: true, items: { type: 'string', enum: ['a', 'b', 'c', 'd'] } },
  'max items 0': { type: 'array', maxItems: 0, items: { type: 'string' } },
  dictionary: { type: 'object', additionalProperties: { type: 'integer', minimum: 7 } },
  closed: { type: 'object', additionalProperties: false, properties: { only: { type: 'string' } } },
  'closed allOf': { type: 'object', additionalProperties: false, allOf: [{ $ref: '#/definitions/Timestamped' }], properties: { name: { type: 'string' } } },
  allOf: { allOf: [{ $ref: '#/definitions/Base' }, { $ref: '#/definitions/Timestamped' }, { properties: { extra: { type: 'integer', maximum: 0 } }, required: ['extra'] }] },
  'recursive reference': { $ref: '#/definitions/Folder' },
  'x-ms keys': { type: 'object', 'x-ms-summary': 'Thing', 'x-ms-visibility': 'internal', properties: { v: { type: 'string', 'x-ms-dynamic-values': { operationId: 'X' } } } },
  'invalid pattern is ignored': { type: 'string', pattern: '[a-' },
  'required flag on a property': { type: 'object', properties: { a: { type: 'string', required: true } } },
  'min properties': { type: 'object', minProperties: 2, properties: { a: { type: 'string' } } },
};

for (const [name, schema] of Object.entries(TRICKY)) {
  test(`a generated value is valid for a schema with ${name}`, () => {
    const value = generateValue(schema, { definitions: DEFINITIONS });
    assert.deepEqual(problems(schema, value), [], JSON.stringify(value));
  });
}

test('a reference cycle through required properties (no finite value exists) still ends', () => {
  const value = generateValue({ $ref: '#/definitions/Endless' }, { definitions: DEFINITIONS });
  let depth = 0;
  for (let current: unknown = value; typeof current === 'object' && current !== null; current = (current as { next?: unknown }).next) depth += 1;
  assert.ok(depth >= 1 && depth < 40, `depth ${depth}`);
});

test('the same seed gives the same value; the value is a fresh copy', () => {
  const schema = { type: 'object', properties: { name: { type: 'string' }, tags: { type: 'array', items: { type: 'string' } }, id: { type: 'string', format: 'uuid' } } };
  const a = generateValue(schema, { seed: 7 });
  const b = generateValue(schema, { seed: 7 });
  assert.deepEqual(a, b);
  assert.notEqual(a, b);
  const seeds = new Set(Array.from({ length: 8 }, (_, seed) => JSON.stringify(generateValue(schema, { seed }))));
  assert.ok(seeds.size > 1, 'different seeds vary the words');
});

test('a valid example or default is preferred; an invalid one is ignored', () => {
  assert.equal(generateValue({ type: 'string', example: 'from-example', default: 'from-default' }), 'from-example');
  assert.equal(generateValue({ type: 'string', 'x-example': 'from-x-example' }), 'from-x-example');
  assert.equal(generateValue({ type: 'integer', default: 42 }), 42);
  assert.notEqual(generateValue({ type: 'integer', example: 'forty-two', default: 4.5 }), 'forty-two');
  assert.equal(typeof generateValue({ type: 'integer', example: 'forty-two', default: 4.5 }), 'number');
  const object = generateValue({ type: 'object', required: ['id'], properties: { id: { type: 'integer' } }, example: { id: 'not-a-number' } });
  assert.equal(typeof (object as { id: unknown }).id, 'number');
  assert.equal(generateValue({ type: 'string', example: 'x' }, { useExamples: false }) === 'x', false);
});

test('enums answer their first value; arrays have at least one item', () => {
  assert.equal(generateValue({ type: 'string', enum: ['first', 'second'] }), 'first');
  assert.deepEqual(generateValue({ type: 'array', items: { type: 'boolean' } }), [true]);
});

test('every declared property is present within the depth budget; only required ones below it', () => {
  const deep = generateValue(
    { type: 'object', properties: { a: { type: 'object', required: ['must'], properties: { must: { type: 'string' }, may: { type: 'string' } } } } },
    { maxDepth: 1 },
  );
  assert.deepEqual(Object.keys((deep as { a: object }).a), ['must']);
  const full = generateValue({ type: 'object', properties: { a: { type: 'string' }, b: { type: 'integer' } } });
  assert.deepEqual(Object.keys(full as object), ['a', 'b']);
});

test('a size budget keeps huge schemas small', () => {
  const wide = { type: 'object', properties: Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`p${i}`, { type: 'array', items: { type: 'object', properties: Object.fromEntries(Array.from({ length: 50 }, (_, j) => [`q${j}`, { type: 'string' }])) } }])) };
  const value = generateValue(wide, { maxNodes: 200 });
  assert.ok(JSON.stringify(value).length < 20_000);
  assert.deepEqual(problems(wide, value), []);
});

// Random schemas built from the keywords the generator handles; every value must validate.
const leaf = fc.oneof(
  fc.record({ type: fc.constant('string'), minLength: fc.integer({ min: 0, max: 5 }), extra: fc.integer({ min: 0, max: 10 }), format: fc.constantFrom(undefined, 'date-time', 'date', 'email', 'uri', 'uuid', 'byte', 'enum', 'guid') }).map(({ type, minLength, extra, format }) => ({ type, minLength, maxLength: format === undefined ? minLength + extra : undefined, format })),
  fc.record({ type: fc.constantFrom('integer', 'number'), minimum: fc.integer({ min: -50, max: 50 }), span: fc.integer({ min: 2, max: 40 }), exclusiveMinimum: fc.boolean(), exclusiveMaximum: fc.boolean(), multipleOf: fc.constantFrom(undefined, 1, 2, 0.5) }).map(({ type, minimum, span, exclusiveMinimum, exclusiveMaximum, multipleOf }) => ({ type, minimum, maximum: minimum + span + 2 * (multipleOf ?? 1), exclusiveMinimum, exclusiveMaximum, multipleOf })),
  fc.constant({ type: 'boolean' }),
  fc.uniqueArray(fc.string({ minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 4 }).map((values) => ({ type: 'string', enum: values })),
);
const schemaArbitrary = fc.letrec((tie) => ({
  schema: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, tie('array'), tie('object')),
  array: fc.record({ items: tie('schema'), minItems: fc.integer({ min: 0, max: 3 }), more: fc.integer({ min: 0, max: 3 }) }).map(({ items, minItems, more }) => ({ type: 'array', items, minItems, maxItems: minItems + more })),
  object: fc.dictionary(fc.constantFrom('a', 'b', 'c', 'd'), tie('schema'), { maxKeys: 4 }).chain((properties) =>
    fc.subarray(Object.keys(properties)).map((required) => ({ type: 'object', properties, ...(required.length > 0 ? { required } : {}), additionalProperties: false })),
  ),
})).schema;

test('values generated for random schemas validate (property)', () => {
  fc.assert(
    fc.property(schemaArbitrary, fc.integer({ min: 0, max: 1000 }), (schema, seed) => {
      const clean = JSON.parse(JSON.stringify(schema)) as unknown;
      const value = generateValue(clean, { seed });
      assert.deepEqual(problems(clean, value, {}), [], JSON.stringify({ schema: clean, value }));
    }),
    { numRuns: 300 },
  );
});

const ARGUMENTS_DOCUMENT = {
  swagger: '2.0',
  info: { title: 'Arguments', version: '1' },
  host: 'api.example.com',
  paths: {
    '/things/{link}/{when}/{name}': {
      post: {
        operationId: 'Everything',
        consumes: ['application/xml'],
        produces: ['text/csv'],
        parameters: [
          { name: 'link', in: 'path', required: true, type: 'string', format: 'uri' },
          { name: 'when', in: 'path', required: true, type: 'string', format: 'date-time' },
          { name: 'name', in: 'path', required: true, type: 'string', pattern: '^[a-z]+ [a-z]+$' },
          { name: 'Content-Type', in: 'header', required: true, type: 'string' },
          { name: 'Accept', in: 'header', type: 'string' },
          { name: 'X-Note', in: 'header', type: 'string', default: 'line one\nline two' },
          { name: 'tags', in: 'query', type: 'array', items: { type: 'string', enum: ['red', 'blue'] }, collectionFormat: 'multi' },
          { name: 'internal', in: 'query', type: 'string', default: 'fixed', 'x-ms-visibility': 'internal' },
          { name: 'optional', in: 'query', type: 'integer' },
        ],
        responses: { '200': { description: 'ok' } },
      },
    },
    '/upload': {
      post: {
        operationId: 'Upload',
        consumes: ['multipart/form-data'],
        parameters: [
          { name: 'file', in: 'formData', required: true, type: 'file' },
          { name: 'kind', in: 'formData', type: 'string', enum: ['doc', 'image'] },
        ],
        responses: { '200': { description: 'ok' } },
      },
    },
  },
};

test('generated arguments cover every parameter with path values that are non-empty and URL-safe', () => {
  const definition = loadDocument(ARGUMENTS_DOCUMENT);
  const operation = definition.operations.find((op) => op.operationId === 'Everything');
  assert.ok(operation !== undefined);
  const args = generateArguments(operation, definition);
  assert.deepEqual(Object.keys(args).sort(), ['Accept', 'Content-Type', 'X-Note', 'internal', 'link', 'name', 'optional', 'tags', 'when'].sort());
  for (const name of ['link', 'when']) {
    const value = String(args[name]);
    assert.match(value, /^[A-Za-z0-9._~!$&'()*+,;=:@-]+$/, `${name}: ${value}`);
  }
  assert.equal(args['name'], 'a a', 'a value only the pattern allows is kept, for the client to encode');
  assert.equal(args['Content-Type'], 'application/xml');
  assert.equal(args['Accept'], 'text/csv');
  assert.doesNotMatch(String(args['X-Note']), /[\r\n]/);
  assert.deepEqual(args['tags'], ['red']);
  assert.equal(args['internal'], 'fixed');
  const requiredOnly = createArgumentGenerator(definition, { includeOptional: false }).generate(operation);
  assert.deepEqual(Object.keys(requiredOnly).sort(), ['Content-Type', 'link', 'name', 'when']);
});

test('a formData file argument is a small byte buffer with a file name', () => {
  const definition = loadDocument(ARGUMENTS_DOCUMENT);
  const operation = definition.operations.find((op) => op.operationId === 'Upload');
  assert.ok(operation !== undefined);
  const file = generateArguments(operation, definition)['file'] as { filename: string; contentType: string; data: Uint8Array };
  assert.ok(file.data instanceof Uint8Array && file.data.length > 0 && file.data.length < 1024);
  assert.equal(file.filename, 'example.txt');
  assert.equal(file.contentType, 'text/plain');
});
