import type { Issue } from '../../core/index.ts';
import { SourceText } from './source-text.ts';

/** Decoded text plus the warnings for anything that had to be repaired to get it. */
export interface DecodedText {
  readonly source: SourceText;
  readonly issues: Issue[];
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Every byte 0x00–0xFF decoded as windows-1252, built once (the WHATWG decoder maps all 256). */
const WINDOWS_1252 = new TextDecoder('windows-1252').decode(Uint8Array.from({ length: 256 }, (_, i) => i));

/**
 * Decodes bytes as UTF-8. A UTF-8 BOM is stripped; a UTF-16 BOM selects UTF-16. When the bytes are
 * not valid UTF-8, each invalid byte is read as windows-1252 while valid UTF-8 sequences stay UTF-8
 * (a stray cp1252 byte in an otherwise UTF-8 file is the case seen in the corpus; decoding the
 * whole file as cp1252 would garble its correct non-ASCII text). Repairs are warnings.
 */
export function decodeText(bytes: Uint8Array, file: string): DecodedText {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return decodeUtf16(bytes, file, 'utf-16le');
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return decodeUtf16(bytes, file, 'utf-16be');
  const issues: Issue[] = [];
  let body = bytes;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    body = bytes.subarray(3);
    issues.push({
      code: 'repaired-bom',
      severity: 'warning',
      path: '',
      message: 'the file starts with a UTF-8 byte order mark (EF BB BF), which JSON does not allow — ignored it; save the file as UTF-8 without BOM',
      file,
      line: 1,
      column: 1,
    });
  }
  const strict = decodeStrictUtf8(body);
  if (strict !== undefined) return { source: new SourceText(strict, file), issues };
  const firstInvalid = findInvalidUtf8(body, 0);
  const { text, invalidCount, firstInvalidOffset } = decodeMixed(body, firstInvalid);
  const source = new SourceText(text, file);
  const byte = body[firstInvalid] ?? 0;
  const code = text.charCodeAt(firstInvalidOffset);
  issues.push(
    source.issueAt(firstInvalidOffset, {
      code: 'repaired-encoding',
      severity: 'warning',
      message:
        `byte 0x${byte.toString(16).toUpperCase().padStart(2, '0')} at ${source.describePosition(firstInvalidOffset)} is not valid UTF-8 — ` +
        `read it as windows-1252 U+${code.toString(16).toUpperCase().padStart(4, '0')}${invalidCount > 1 ? ` (${invalidCount} such bytes in the file)` : ''}; re-save the file as UTF-8`,
    }),
  );
  return { source, issues };
}

/** The native decoder is several times faster than validating in JS; it signals bad bytes only by throwing. */
function decodeStrictUtf8(bytes: Uint8Array): string | undefined {
  try {
    return utf8.decode(bytes);
  } catch {
    return undefined; // invalid UTF-8: the caller locates the bad byte and falls back to windows-1252
  }
}

function decodeUtf16(bytes: Uint8Array, file: string, encoding: 'utf-16le' | 'utf-16be'): DecodedText {
  const text = new TextDecoder(encoding).decode(bytes.subarray(2));
  return {
    source: new SourceText(text, file),
    issues: [
      {
        code: 'repaired-encoding',
        severity: 'warning',
        path: '',
        message: `the file is ${encoding.toUpperCase()} (it starts with a UTF-16 byte order mark) — decoded it; save it as UTF-8 without BOM`,
        file,
        line: 1,
        column: 1,
      },
    ],
  };
}

/** Decodes valid UTF-8 runs as UTF-8 and every invalid byte as windows-1252. */
function decodeMixed(bytes: Uint8Array, firstInvalid: number): { text: string; invalidCount: number; firstInvalidOffset: number } {
  const parts: string[] = [];
  let invalidCount = 0;
  let runStart = 0;
  let invalid = firstInvalid;
  let firstInvalidOffset = 0;
  let length = 0;
  while (invalid !== -1) {
    const run = utf8.decode(bytes.subarray(runStart, invalid));
    parts.push(run);
    length += run.length;
    if (invalidCount === 0) firstInvalidOffset = length;
    parts.push(WINDOWS_1252.charAt(bytes[invalid] ?? 0));
    length += 1;
    invalidCount++;
    runStart = invalid + 1;
    invalid = findInvalidUtf8(bytes, runStart);
  }
  parts.push(utf8.decode(bytes.subarray(runStart)));
  return { text: parts.join(''), invalidCount, firstInvalidOffset };
}

function isContinuation(byte: number | undefined): boolean {
  return byte !== undefined && byte >= 0x80 && byte <= 0xbf;
}

/**
 * The index of the first byte at or after `from` that does not start a valid UTF-8 sequence, or -1.
 * Follows the WHATWG/Unicode rules: no overlongs, no surrogates, nothing above U+10FFFF.
 */
function findInvalidUtf8(bytes: Uint8Array, from: number): number {
  let i = from;
  const n = bytes.length;
  while (i < n) {
    const b = bytes[i] ?? 0;
    if (b < 0x80) {
      i++;
      continue;
    }
    const b1 = bytes[i + 1];
    if (b >= 0xc2 && b <= 0xdf) {
      if (!isContinuation(b1)) return i;
      i += 2;
      continue;
    }
    const b2 = bytes[i + 2];
    if (b >= 0xe0 && b <= 0xef) {
      const low = b === 0xe0 ? 0xa0 : 0x80;
      const high = b === 0xed ? 0x9f : 0xbf;
      if (b1 === undefined || b1 < low || b1 > high || !isContinuation(b2)) return i;
      i += 3;
      continue;
    }
    if (b >= 0xf0 && b <= 0xf4) {
      const low = b === 0xf0 ? 0x90 : 0x80;
      const high = b === 0xf4 ? 0x8f : 0xbf;
      if (b1 === undefined || b1 < low || b1 > high || !isContinuation(b2) || !isContinuation(bytes[i + 3])) return i;
      i += 4;
      continue;
    }
    return i;
  }
  return -1;
}
