import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseDocument } from './index.ts';
import type { ParsedDocument } from './index.ts';
import { theError } from '../../../test/kit/parse-assertions.ts';

const fixtures = join(import.meta.dirname, '../../../test/fixtures/parse');

function parseFixture(name: string): ParsedDocument {
  return parseDocument(readFileSync(join(fixtures, name)), { file: name });
}

function parseYaml(text: string, limits?: { maxYamlAliases?: number; maxDepth?: number; maxStringLength?: number }): ParsedDocument {
  return parseDocument(new TextEncoder().encode(text), { file: 'inline.yaml', format: 'yaml', ...(limits === undefined ? {} : { limits }) });
}


describe('parseDocument — YAML', () => {
  it('reads a YAML definition (format auto) and applies merge keys', () => {
    const result = parseFixture('openapi.yaml');
    assert.equal(result.ok, true);
    assert.deepEqual(result.issues, []);
    assert.deepEqual(result.value, {
      swagger: '2.0',
      info: { title: 'Pets', version: '1.0' },
      definitions: {
        Base: { type: 'object', required: ['id'] },
        Pet: { type: 'object', required: ['id'], properties: { id: { type: 'string' } } },
      },
      paths: {},
    });
  });

  it('refuses a billion-laughs document (9 levels × 9 aliases) quickly, at the alias that breaks the budget', () => {
    const started = performance.now();
    const error = theError(parseFixture('billion-laughs.yaml'));
    const elapsed = performance.now() - started;
    assert.equal(error.code, 'yaml-alias-limit');
    assert.deepEqual([error.file, error.line, error.column], ['billion-laughs.yaml', 4, 8]);
    assert.match(error.message, /alias \*c .* above the limit of 100/);
    assert.ok(elapsed < 1000, `took ${elapsed} ms`);
  });

  it('refuses merge-key abuse (merge sequences of aliases) the same way', () => {
    const error = theError(parseFixture('merge-key-bomb.yaml'));
    assert.equal(error.code, 'yaml-alias-limit');
    assert.deepEqual([error.line, error.column], [9, 8]);
  });

  it('accepts alias use within the budget and refuses it just above', () => {
    const text = 'a: &a [x]\n' + Array.from({ length: 10 }, (_, i) => `k${i}: *a`).join('\n');
    assert.equal(parseYaml(text, { maxYamlAliases: 10 }).ok, true);
    const error = theError(parseYaml(text, { maxYamlAliases: 9 }));
    assert.equal(error.code, 'yaml-alias-limit');
    assert.deepEqual([error.line, error.column], [11, 5]);
  });

  it('refuses an alias inside the node it names, instead of returning a cyclic value', () => {
    const error = theError(parseFixture('alias-cycle.yaml'));
    assert.equal(error.code, 'yaml-alias-cycle');
    assert.deepEqual([error.line, error.column], [4, 12]);
  });

  it('refuses an alias to an anchor that is not defined', () => {
    const error = theError(parseYaml('a: *nowhere\n'));
    assert.equal(error.code, 'yaml-syntax');
    assert.match(error.message, /\*nowhere refers to no anchor/);
  });

  it('reports a YAML syntax error with its line and column', () => {
    const error = theError(parseFixture('syntax-error.yaml'));
    assert.equal(error.code, 'yaml-syntax');
    assert.deepEqual([error.file, error.line, error.column], ['syntax-error.yaml', 2, 10]);
    assert.match(error.message, /BLOCK_AS_IMPLICIT_KEY/);
  });

  it('reports an unclosed flow sequence where YAML notices it', () => {
    const error = theError(parseYaml('a: [1, 2\nb: 3\n'));
    assert.equal(error.code, 'yaml-syntax');
    assert.deepEqual([error.line, error.column], [2, 1]);
  });

  it('warns about duplicate keys with their pointer, the last value winning', () => {
    const result = parseFixture('duplicate-keys.yaml');
    assert.equal(result.ok, true);
    assert.deepEqual(result.value, { info: { title: 'second' } });
    assert.deepEqual(
      result.issues.map((i) => [i.code, i.severity, i.path, i.line, i.column]),
      [['duplicate-key', 'warning', '/info/title', 3, 3]],
    );
  });

  it('refuses a second document in the same file', () => {
    const error = theError(parseYaml('a: 1\n---\nb: 2\n'));
    assert.equal(error.code, 'yaml-syntax');
    assert.equal(error.line, 2);
  });

  it('refuses a file holding only comments', () => {
    assert.equal(theError(parseYaml('# nothing here\n')).code, 'empty-document');
  });

  it('never lets __proto__ keys reach Object.prototype', () => {
    const result = parseYaml('__proto__: {polluted: yes}\nconstructor: {prototype: {polluted: yes}}\n');
    assert.equal(result.ok, true);
    const value = result.value as Record<string, unknown>;
    assert.ok(Object.hasOwn(value, '__proto__'));
    assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
  });

  it('refuses a string longer than maxStringLength at its position', () => {
    const error = theError(parseYaml('a: ok\nb: abcdefghijk\n', { maxStringLength: 10 }));
    assert.deepEqual([error.code, error.line, error.column], ['string-too-long', 2, 4]);
  });

  it('counts nesting brought in by aliases against maxDepth', () => {
    const text = 'a: &a [[[x]]]\nb: [[*a]]\n';
    assert.equal(parseYaml(text, { maxDepth: 6 }).ok, true);
    const error = theError(parseYaml(text, { maxDepth: 5 }));
    assert.deepEqual([error.code, error.line, error.column], ['too-deep', 2, 6]);
  });
});
