import type { Issue } from '../../core/index.ts';
import { decodeText } from './decode-text.ts';
import { parseJsonDocument } from './json-document.ts';
import { resolveParseLimits } from './limits.ts';
import type { ParseLimits } from './limits.ts';
import { parseFailure } from './parsed-document.ts';
import type { ParsedDocument } from './parsed-document.ts';
import { parseYamlDocument } from './yaml-document.ts';

/** Options of {@link parseDocument}. */
export interface ParseDocumentOptions {
  /** Name of the file the bytes came from; every issue carries it. */
  readonly file: string;
  /** `auto` (default) reads JSON when the first non-space character is `{` or `[`, YAML otherwise. */
  readonly format?: 'json' | 'yaml' | 'auto';
  /** Overrides of {@link defaultParseLimits}. */
  readonly limits?: Partial<ParseLimits>;
}

/**
 * Decodes and parses JSON or YAML. ok=false ⇔ one error issue with file/line/column; value is
 * then undefined. Repairs are warnings. Never throws for any input bytes.
 */
export function parseDocument(bytes: Uint8Array, options: ParseDocumentOptions): ParsedDocument {
  const limits = resolveParseLimits(options.limits);
  const { file } = options;
  if (bytes.length > limits.maxBytes) {
    return parseFailure({
      code: 'file-too-large',
      severity: 'error',
      path: '',
      message: `the file is ${formatBytes(bytes.length)}, more than the limit of ${formatBytes(limits.maxBytes)} — remove embedded examples or split the definition, or raise limits.maxBytes if it is genuine`,
      file,
      line: 1,
      column: 1,
    });
  }
  const decoded = decodeText(bytes, file);
  const { source } = decoded;
  const start = firstNonSpace(source.text);
  if (start === -1) {
    return parseFailure(source.issueAt(0, { code: 'empty-document', severity: 'error', message: 'the file is empty — a connector definition must be a JSON object' }), decoded.issues);
  }
  const format = options.format ?? 'auto';
  const first = source.text.charCodeAt(start);
  const json = format === 'json' || (format === 'auto' && (first === 123 || first === 91));
  const parsed = json ? parseJsonDocument(source, limits) : parseYamlDocument(source, limits);
  return withEarlierIssues(parsed, decoded.issues);
}

/** Puts the decoding warnings before the parser's issues, keeping the one error (if any) last. */
function withEarlierIssues(parsed: ParsedDocument, earlier: readonly Issue[]): ParsedDocument {
  if (earlier.length === 0) return parsed;
  return { value: parsed.value, ok: parsed.ok, issues: [...earlier, ...parsed.issues] };
}

function firstNonSpace(text: string): number {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 10 && c !== 13) return i;
  }
  return -1;
}

function formatBytes(bytes: number): string {
  const mib = bytes / (1024 * 1024);
  return `${bytes.toLocaleString('en-US')} bytes (${mib >= 0.1 ? mib.toFixed(1) : mib.toFixed(3)} MiB)`;
}
