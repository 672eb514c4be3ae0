import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectDocumentKind } from './index.ts';
import { loadFixture } from '../../../test/fixtures/convert/load-fixture.ts';

test('recognises each fixture format', () => {
  assert.equal(detectDocumentKind(loadFixture('petstore-openapi30.json')), 'openapi3');
  assert.equal(detectDocumentKind(loadFixture('events-openapi31.json')), 'openapi3');
  assert.equal(detectDocumentKind(loadFixture('crm-postman-v21.json')), 'postman');
  assert.equal(detectDocumentKind(loadFixture('legacy-postman-v20.json')), 'postman');
  assert.equal(detectDocumentKind(loadFixture('legacy-postman-v1.json')), 'postman');
});

test('recognises Swagger 2.0 and a Postman collection by its schema alone', () => {
  assert.equal(detectDocumentKind({ swagger: '2.0', info: { title: 'T', version: '1' }, paths: {} }), 'swagger2');
  assert.equal(detectDocumentKind({ info: { name: 'C', schema: 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json' }, item: [] }), 'postman');
});

test('answers unknown for anything else', () => {
  for (const input of [undefined, null, 'openapi: 3.0.0', [], {}, { swagger: '1.2' }, { openapi: '2.0' }, { openapi: 3.1 }, { info: { name: 'no postman id' } }]) {
    assert.equal(detectDocumentKind(input), 'unknown', JSON.stringify(input));
  }
});
