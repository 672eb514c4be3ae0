import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeText } from './decode-text.ts';

const bytes = (...parts: Array<string | number[]>): Uint8Array =>
  Uint8Array.from(parts.flatMap((part) => (typeof part === 'string' ? [...new TextEncoder().encode(part)] : part)));

describe('decodeText', () => {
  it('decodes UTF-8 without issues', () => {
    const { source, issues } = decodeText(bytes('{"a": "café ✓ 😀"}'), 'f');
    assert.equal(source.text, '{"a": "café ✓ 😀"}');
    assert.deepEqual(issues, []);
  });

  it('strips a UTF-8 BOM with a warning at 1:1, and positions count from after it', () => {
    const { source, issues } = decodeText(bytes([0xef, 0xbb, 0xbf], '{}'), 'f');
    assert.equal(source.text, '{}');
    assert.deepEqual(
      issues.map((i) => [i.code, i.severity, i.file, i.line, i.column]),
      [['repaired-bom', 'warning', 'f', 1, 1]],
    );
  });

  it('locates the first invalid byte by line and column in characters, after multi-byte UTF-8 on the same line', () => {
    const { source, issues } = decodeText(bytes('line one\n"é→', [0x96], ' and ', [0x80], '"'), 'f');
    assert.equal(source.text, 'line one\n"é→\u2013 and \u20ac"');
    assert.deepEqual(
      issues.map((i) => [i.code, i.line, i.column]),
      [['repaired-encoding', 2, 4]],
    );
    assert.match(issues[0]?.message ?? '', /byte 0x96 at line 2, column 4 is not valid UTF-8 — read it as windows-1252 U\+2013 \(2 such bytes in the file\)/);
  });

  it('treats overlong forms, surrogates and truncated sequences as invalid bytes', () => {
    for (const bad of [
      [0xc0, 0xaf],
      [0xed, 0xa0, 0x80],
      [0xe2, 0x82],
      [0xf4, 0x90, 0x80, 0x80],
    ]) {
      const { issues } = decodeText(bytes('x', bad), 'f');
      assert.equal(issues[0]?.code, 'repaired-encoding', JSON.stringify(bad));
      assert.equal(issues[0]?.column, 2);
    }
  });

  it('decodes UTF-16 with a BOM, with a warning', () => {
    const { source, issues } = decodeText(Uint8Array.from([0xff, 0xfe, 0x7b, 0x00, 0x7d, 0x00]), 'f');
    assert.equal(source.text, '{}');
    assert.equal(issues[0]?.code, 'repaired-encoding');
    assert.match(issues[0]?.message ?? '', /UTF-16LE/);
  });
});
