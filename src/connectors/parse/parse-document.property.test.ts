import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseDocument } from './index.ts';
import type { ParsedDocument } from './index.ts';

/** The contract every result must keep, whatever the input. */
function assertContract(result: ParsedDocument, file: string): void {
  const errors = result.issues.filter((i) => i.severity === 'error');
  for (const issue of result.issues) {
    assert.equal(issue.file, file);
    assert.equal(typeof issue.code, 'string');
    assert.equal(typeof issue.message, 'string');
    assert.ok(!/\n\s+at /.test(issue.message), `stack trace in message: ${issue.message}`);
  }
  if (result.ok) {
    assert.equal(errors.length, 0, JSON.stringify(result.issues));
  } else {
    assert.equal(result.value, undefined);
    assert.equal(errors.length, 1, JSON.stringify(result.issues));
    assert.equal(result.issues.at(-1), errors[0]);
    assert.ok(Number.isInteger(errors[0]?.line) && Number.isInteger(errors[0]?.column), JSON.stringify(errors[0]));
  }
  assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
}

const encode = (text: string): Uint8Array => new TextEncoder().encode(text);

/** JSON text with one small edit: a character deleted, inserted or replaced by JSON punctuation. */
const mutatedJson = fc
  .tuple(
    fc.json({ maxDepth: 4 }),
    fc.nat(),
    fc.constantFrom('delete', 'insert', 'replace'),
    fc.constantFrom(',', '}', ']', '{', '[', '"', ':', '\n', '\t', ' ', 'x', '\\', '0', '\u2003', '\u0000'),
  )
  .map(([json, position, edit, char]) => {
    const text = JSON.stringify(JSON.parse(json), null, 2);
    const at = text.length === 0 ? 0 : position % text.length;
    if (edit === 'delete') return text.slice(0, at) + text.slice(at + 1);
    if (edit === 'insert') return text.slice(0, at) + char + text.slice(at);
    return text.slice(0, at) + char + text.slice(at + 1);
  });

describe('parseDocument never throws', () => {
  it('for random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.constantFrom('json', 'yaml', 'auto') as fc.Arbitrary<'json' | 'yaml' | 'auto'>, (bytes, format) => {
        assertContract(parseDocument(bytes, { file: 'random.bin', format }), 'random.bin');
      }),
      { numRuns: 2000 },
    );
  });

  it('for random strings, read as JSON, YAML and auto', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), fc.constantFrom('json', 'yaml', 'auto') as fc.Arbitrary<'json' | 'yaml' | 'auto'>, (text, format) => {
        assertContract(parseDocument(encode(text), { file: 'random.txt', format }), 'random.txt');
      }),
      { numRuns: 2000 },
    );
  });

  it('for mutated JSON, and a repaired or strict result matches what a fixed file would give', () => {
    fc.assert(
      fc.property(mutatedJson, (text) => {
        const result = parseDocument(encode(text), { file: 'mutated.json', format: 'json' });
        assertContract(result, 'mutated.json');
        let strict: unknown;
        try {
          strict = JSON.parse(text);
        } catch {
          return; // not strict JSON: the contract above is all there is to check
        }
        assert.equal(result.ok, true, `strict JSON refused: ${JSON.stringify(result.issues)}`);
        assert.deepEqual(result.value, strict);
      }),
      { numRuns: 3000 },
    );
  });

  it('for JSON with prototype keys at any depth', () => {
    const key = fc.constantFrom('__proto__', 'constructor', 'prototype', 'polluted', 'a');
    const value = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small' }, fc.constant('yes'), fc.dictionary(key, tie('node'), { maxKeys: 3 }), fc.array(tie('node'), { maxLength: 2 })),
    })).node;
    fc.assert(
      fc.property(value, fc.boolean(), (tree, trailingComma) => {
        const text = JSON.stringify(tree).replace(/\}$/, trailingComma ? ',}' : '}');
        assertContract(parseDocument(encode(text), { file: 'proto.json' }), 'proto.json');
      }),
      { numRuns: 1000 },
    );
  });

  it('for strict JSON of any shape: the value equals JSON.parse', () => {
    fc.assert(
      fc.property(fc.json(), (text) => {
        const result = parseDocument(encode(text), { file: 'strict.json', format: 'json' });
        assert.equal(result.ok, true);
        assert.deepEqual(result.value, JSON.parse(text));
      }),
      { numRuns: 1000 },
    );
  });
});
