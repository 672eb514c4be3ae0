import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UserInputError } from '../../core/index.ts';
import type { Issue } from '../../core/index.ts';
import { defaultParseLimits, parseDocument } from './index.ts';
import type { ParsedDocument, ParseLimits } from './index.ts';

const MiB = 1024 * 1024;
const encode = (text: string): Uint8Array => new TextEncoder().encode(text);

function theError(result: ParsedDocument): Issue {
  assert.equal(result.ok, false, 'expected the parse to fail');
  assert.equal(result.value, undefined);
  const errors = result.issues.filter((i) => i.severity === 'error');
  assert.equal(errors.length, 1, `expected exactly one error, got ${JSON.stringify(result.issues).slice(0, 500)}`);
  const [error] = errors;
  assert.ok(error !== undefined);
  return error;
}

/** About `bytes` of valid JSON shaped like a big definition: many small objects in an array. */
function bigJson(bytes: number): string {
  const item = JSON.stringify({ name: 'parameter-name', in: 'query', type: 'string', description: 'x'.repeat(60) });
  const count = Math.ceil(bytes / (item.length + 1));
  return `{"items":[${Array.from({ length: count }, () => item).join(',')}]}`;
}

describe('parse limits', () => {
  it('has the documented defaults', () => {
    assert.deepEqual({ ...defaultParseLimits }, { maxBytes: 16 * MiB, maxDepth: 256, maxYamlAliases: 100, maxStringLength: 4 * MiB });
  });

  it('refuses a 50 MB input before decoding it, naming size, limit and what to do', () => {
    const bytes = new Uint8Array(50 * MiB).fill(0x20);
    bytes[0] = 0xff; // not even valid UTF-8: proves nothing was decoded
    const error = theError(parseDocument(bytes, { file: 'huge.json' }));
    assert.equal(error.code, 'file-too-large');
    assert.equal(error.file, 'huge.json');
    assert.match(error.message, /52,428,800 bytes \(50\.0 MiB\), more than the limit of 16,777,216 bytes \(16\.0 MiB\).*raise limits\.maxBytes/);
  });

  it('parses a 50 MB valid JSON document when maxBytes is raised', () => {
    const text = bigJson(50 * MiB);
    const result = parseDocument(encode(text), { file: 'big.json', limits: { maxBytes: 64 * MiB } });
    assert.equal(result.ok, true);
    assert.deepEqual(result.issues, []);
    assert.equal((result.value as { items: unknown[] }).items.length, JSON.parse(text).items.length);
  });

  it('repairs a 50 MB JSON document on the tolerant path when maxBytes is raised', () => {
    const text = bigJson(50 * MiB).replace(/\]\}$/, ',]}');
    const result = parseDocument(encode(text), { file: 'big.json', limits: { maxBytes: 64 * MiB } });
    assert.equal(result.ok, true);
    assert.deepEqual(
      result.issues.map((i) => [i.code, i.line, i.column]),
      [['repaired-trailing-comma', 1, text.length - 2]],
    );
  });

  it('refuses JSON nested 100,000 deep with too-deep at level 257, whether balanced (JSON.parse accepts it) or not', () => {
    for (const text of ['['.repeat(100_000) + ']'.repeat(100_000), '{"a":'.repeat(100_000)]) {
      const error = theError(parseDocument(encode(text), { file: 'deep.json' }));
      assert.equal(error.code, 'too-deep');
      assert.equal(error.line, 1);
      assert.equal(error.column, text.startsWith('[') ? 257 : 5 * 256 + 1);
    }
  });

  it('refuses YAML nested 100,000 deep (flow and block) with too-deep, without a stack overflow', () => {
    for (const [text, column] of [
      ['a: ' + '['.repeat(100_000) + ']'.repeat(100_000), 259],
      ['- '.repeat(100_000) + 'x\n', 2 * 256 + 1],
    ] as const) {
      const error = theError(parseDocument(encode(text), { file: 'deep.yaml' }));
      assert.deepEqual([error.code, error.line, error.column], ['too-deep', 1, column]);
    }
  });

  it('accepts nesting exactly at maxDepth and refuses one level more', () => {
    const nest = (levels: number): string => '['.repeat(levels) + ']'.repeat(levels);
    assert.equal(parseDocument(encode(nest(256)), { file: 'x.json' }).ok, true);
    assert.equal(theError(parseDocument(encode(nest(257)), { file: 'x.json' })).code, 'too-deep');
    assert.equal(parseDocument(encode('{"a": [1, {"b": 2}]}'), { file: 'x.json', limits: { maxDepth: 3 } }).ok, true);
    assert.equal(theError(parseDocument(encode('{"a": [1, {"b": []}]}'), { file: 'x.json', limits: { maxDepth: 3 } })).column, 17);
  });

  it('accepts a 1 MB string and refuses a 5 MB one at its position', () => {
    const oneMb = `{"example": "${'a'.repeat(MiB)}"}`;
    assert.equal(parseDocument(encode(oneMb), { file: 'x.json' }).ok, true);
    const fiveMb = `{\n  "example": "${'a'.repeat(5 * MiB)}"\n}`;
    const error = theError(parseDocument(encode(fiveMb), { file: 'x.json' }));
    assert.deepEqual([error.code, error.line, error.column], ['string-too-long', 2, 14]);
    assert.match(error.message, /5242880 characters long, more than the limit of 4194304/);
  });

  it('applies maxStringLength to keys and on the tolerant path too', () => {
    const limits: Partial<ParseLimits> = { maxStringLength: 5 };
    assert.deepEqual(
      [theError(parseDocument(encode('{"abcdef": 1}'), { file: 'x.json', limits })).column, theError(parseDocument(encode('{"a": "abcdef",}'), { file: 'x.json', limits })).column],
      [2, 7],
    );
  });

  it('throws a UserInputError for a limit that is not a positive integer, without touching the defaults', () => {
    assert.throws(() => parseDocument(encode('{}'), { file: 'x', limits: { maxDepth: 0 } }), (e: unknown) => e instanceof UserInputError && e.code === 'parse-limits-invalid');
    assert.throws(() => parseDocument(encode('{}'), { file: 'x', limits: { maxBytes: Number.NaN } }), UserInputError);
    assert.equal(defaultParseLimits.maxDepth, 256);
    assert.ok(Object.isFrozen(defaultParseLimits));
  });
});
