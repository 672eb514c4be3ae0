import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Issue } from '../../core/index.ts';
import { parseDocument } from './index.ts';
import type { ParsedDocument } from './index.ts';
import { theError as oneError } from '../../../test/kit/parse-assertions.ts';

const fixtures = join(import.meta.dirname, '../../../test/fixtures/parse');

function parseFixture(name: string): ParsedDocument {
  return parseDocument(readFileSync(join(fixtures, name)), { file: name });
}

function parseText(text: string, file = 'inline.json'): ParsedDocument {
  return parseDocument(new TextEncoder().encode(text), { file });
}

/** The issues reduced to what a user reads first: code, severity, where. */
function located(issues: readonly Issue[]): Array<[string, string, number | undefined, number | undefined]> {
  return issues.map((i) => [i.code, i.severity, i.line, i.column]);
}

/** The one error of a failed parse, with its line and column. */
function theError(result: ParsedDocument): Issue {
  return oneError(result, { located: true });
}

describe('parseDocument — JSON repairs', () => {
  it('drops trailing commas in arrays and objects, warning at each comma', () => {
    const result = parseFixture('trailing-commas.json');
    assert.equal(result.ok, true);
    assert.deepEqual(result.value, { swagger: '2.0', schemes: ['https'], info: { title: 'Trailing', version: '1.0' } });
    assert.deepEqual(located(result.issues), [
      ['repaired-trailing-comma', 'warning', 3, 22],
      ['repaired-trailing-comma', 'warning', 6, 21],
    ]);
    assert.deepEqual(
      result.issues.map((i) => i.path),
      ['/schemes', '/info'],
    );
    assert.match(result.issues[1]?.message ?? '', /trailing ',' before '}'/);
  });

  it('inserts a comma missing at a line break between members and between elements, warning where it belongs', () => {
    const result = parseFixture('missing-commas.json');
    assert.equal(result.ok, true);
    assert.deepEqual(result.value, { info: { title: 'Missing', version: '1.0' }, tags: [{ name: 'a' }, { name: 'b' }] });
    assert.deepEqual(located(result.issues), [
      ['repaired-missing-comma', 'warning', 3, 23],
      ['repaired-missing-comma', 'warning', 7, 18],
    ]);
    assert.match(result.issues[0]?.message ?? '', /next one starts at line 4, column 5/);
  });

  it('keeps a raw TAB inside a string as a tab, warning at the tab', () => {
    const result = parseFixture('raw-tab.json');
    assert.equal(result.ok, true);
    assert.deepEqual(result.value, { summary: 'Tab\there' });
    assert.deepEqual(located(result.issues), [['repaired-control-character', 'warning', 2, 18]]);
    assert.match(result.issues[0]?.message ?? '', /TAB.*\\t/);
  });

  it('strips a UTF-8 BOM with a warning at 1:1', () => {
    const result = parseFixture('bom.json');
    assert.equal(result.ok, true);
    assert.deepEqual(result.value, { title: 'BOM' });
    assert.deepEqual(located(result.issues), [['repaired-bom', 'warning', 1, 1]]);
  });

  it('reads a stray cp1252 byte as windows-1252 and keeps the valid UTF-8 around it', () => {
    const result = parseFixture('cp1252-byte.json');
    assert.equal(result.ok, true);
    assert.deepEqual(result.value, { café: 'UTF-8 ok', quote: 'it\u2019s' });
    assert.deepEqual(located(result.issues), [['repaired-encoding', 'warning', 3, 15]]);
    assert.match(result.issues[0]?.message ?? '', /byte 0x92 at line 3, column 15.*U\+2019/);
  });

  it('warns about duplicate keys with their JSON pointer, the last value winning (also for otherwise strict JSON)', () => {
    const result = parseFixture('duplicate-keys.json');
    assert.equal(result.ok, true);
    assert.deepEqual(result.value, { title: 'second', info: { x: 2 } });
    assert.deepEqual(located(result.issues), [
      ['duplicate-key', 'warning', 3, 20],
      ['duplicate-key', 'warning', 4, 3],
    ]);
    assert.deepEqual(
      result.issues.map((i) => i.path),
      ['/info/x', '/title'],
    );
  });

  it('lists 50 repairs of a kind and summarises the rest in one warning', () => {
    const result = parseText(`[${'1,'.repeat(3)}${'[2,],'.repeat(60)}3]`);
    assert.equal(result.ok, true);
    const trailing = result.issues.filter((i) => i.code === 'repaired-trailing-comma');
    assert.equal(trailing.length, 51);
    assert.match(trailing[50]?.message ?? '', /^10 more trailing commas \(ignored\) from here on/);
  });
});

describe('parseDocument — prototype keys', () => {
  for (const [name, bytes] of [
    ['strict JSON (fast path)', new TextEncoder().encode('{"__proto__": {"polluted": "yes"}, "constructor": {"prototype": {"polluted": "yes"}}, "nested": [{"__proto__": {"polluted": "yes"}}]}')],
    ['repaired JSON (tolerant path)', readFileSync(join(fixtures, 'prototype-keys.json'))],
  ] as const) {
    it(`stores __proto__/constructor/prototype as own data properties — ${name}`, () => {
      const result = parseDocument(bytes, { file: 'proto.json' });
      assert.equal(result.ok, true);
      const value = result.value as Record<string, unknown>;
      assert.ok(Object.hasOwn(value, '__proto__'));
      assert.deepEqual(Object.keys(value), ['__proto__', 'constructor', 'nested']);
      assert.equal(Object.getPrototypeOf(value), Object.prototype);
      assert.deepEqual(value['__proto__'], { polluted: 'yes' });
      const nested = (value['nested'] as Array<Record<string, unknown>>)[0];
      assert.ok(nested !== undefined && Object.hasOwn(nested, '__proto__'));
      assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
      assert.equal((Object.prototype as unknown as Record<string, unknown>)['polluted'], undefined);
    });
  }
});

describe('parseDocument — JSON that cannot be repaired', () => {
  const cases: Array<{ file: string; line: number; column: number; message: RegExp }> = [
    { file: 'unclosed-object.json', line: 5, column: 1, message: /expected ',' or '}' after property value but found the end of the file — the object opened at line 1, column 1 is never closed/ },
    {
      file: 'extra-closing-brace.json',
      line: 7,
      column: 4,
      message: /unexpected data after the end of the document: found ',', but the root object already closed at line 7, column 3 — an extra closing brace.*'}' at line 5, column 7 is indented differently/,
    },
    { file: 'unterminated-string.json', line: 2, column: 26, message: /expected '"' to close the string that starts at line 2, column 12 but found a line break/ },
    { file: 'missing-comma-then-garbage.json', line: 4, column: 3, message: /expected ',' or '}' after property value but found '"'/ },
    { file: 'wrong-closer.json', line: 2, column: 20, message: /expected ',' or ']' after array element but found '}' — the array opened at line 2, column 11 must be closed with ']'/ },
  ];
  for (const c of cases) {
    it(`refuses ${c.file} with one located json-syntax error`, () => {
      const error = theError(parseFixture(c.file));
      assert.deepEqual([error.code, error.file, error.line, error.column], ['json-syntax', c.file, c.line, c.column]);
      assert.match(error.message, c.message);
    });
  }

  it('reads EM SPACE indentation between tokens as whitespace, with a located warning', () => {
    const result = parseFixture('em-space.json');
    assert.equal(result.ok, true);
    assert.deepEqual(located(result.issues), [
      ['repaired-whitespace', 'warning', 5, 1],
      ['repaired-whitespace', 'warning', 5, 2],
    ]);
    assert.match(result.issues[0]?.message ?? '', /U\+2003/);
  });

  it('keeps the repair warnings made before the error, so both problems can be fixed at once', () => {
    const result = parseFixture('missing-comma-then-garbage.json');
    assert.deepEqual(located(result.issues), [
      ['repaired-missing-comma', 'warning', 2, 9],
      ['json-syntax', 'error', 4, 3],
    ]);
  });

  const inline: Array<[string, string, number, number, RegExp]> = [
    ['a missing value', '{"a": }', 1, 7, /expected a value for property "a" .* but found '}'/],
    ['single quotes', "{'a': 1}", 1, 2, /found ''' — JSON strings use double quotes/],
    ['a comment', '{"a": 1 // note\n}', 1, 9, /found '\/' — JSON has no comments/],
    ['a bad escape', '{"a": "x\\qy"}', 1, 9, /invalid escape '\\' followed by 'qy'/],
    ['a bad unicode escape', '{"a": "\\u12G4"}', 1, 12, /expected four hex digits after '\\u' but found 'G4'/],
    ['a leading zero', '{"a": 012}', 1, 7, /leading zeros/],
    ['NaN', '[NaN]', 1, 2, /expected an array element .* but found 'NaN'/],
    ['a missing colon', '{"a" 1}', 1, 6, /expected ':' after property name "a" but found '1'/],
    ['two commas', '[1,,2]', 1, 4, /expected an array element .* but found ','/],
    ['a comma missing on one line', '{"a": 1 "b": 2}', 1, 9, /expected ',' or '}' after property value but found '"'/],
    ['an unterminated string at the end', '{"a": "abc', 1, 11, /close the string that starts at line 1, column 7 but found the end of the file/],
    ['nothing after a colon', '{"a":', 1, 6, /expected a value for property "a" .* but found the end of the file — the object opened at line 1, column 1 is never closed/],
    ['CRLF line endings', '{\r\n  "a": 1\r\n  "b" 2\r\n}', 3, 3, /expected ',' or '}'/],
  ];
  for (const [name, text, line, column, message] of inline) {
    it(`locates ${name} at ${line}:${column}`, () => {
      const error = theError(parseText(text));
      assert.equal(error.code, 'json-syntax');
      assert.deepEqual([error.line, error.column], [line, column]);
      assert.match(error.message, message);
    });
  }
});

describe('parseDocument — strict JSON', () => {
  it('returns exactly what JSON.parse returns, with no issues', () => {
    const text = JSON.stringify({ a: [1, -0.5e3, true, null, 'x\u2028y'], b: { c: '\\"\u0001' }, '': {} });
    const result = parseText(text);
    assert.deepEqual(result, { value: JSON.parse(text), ok: true, issues: [] });
  });

  it('reads a document with format "json" even when it does not start with a brace', () => {
    assert.deepEqual(parseDocument(new TextEncoder().encode(' "text" '), { file: 'x', format: 'json' }).value, 'text');
  });

  it('refuses YAML when the format is forced to JSON', () => {
    const error = theError(parseDocument(new TextEncoder().encode('a: 1'), { file: 'x.json', format: 'json' }));
    assert.equal(error.code, 'json-syntax');
    assert.deepEqual([error.line, error.column], [1, 1]);
  });

  it('refuses an empty file with a clear error', () => {
    const error = theError(parseText(' \n '));
    assert.equal(error.code, 'empty-document');
  });
});
