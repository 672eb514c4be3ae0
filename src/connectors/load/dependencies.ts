// TEMPORARY SHIM — replaced by re-exports of ../parse/index.ts and ../convert/index.ts once they land.
import type { Issue } from '../../core/index.ts';
import { parse as parseYaml } from 'yaml';

export interface ParseLimits { maxBytes: number; maxDepth: number; maxYamlAliases: number; maxStringLength: number }
export const defaultParseLimits: ParseLimits = { maxBytes: 16 * 1024 * 1024, maxDepth: 200, maxYamlAliases: 100, maxStringLength: 4 * 1024 * 1024 };
export interface ParsedDocument { readonly value: unknown; readonly ok: boolean; readonly issues: Issue[] }
export function parseDocument(bytes: Uint8Array, options: { file: string; format?: 'json' | 'yaml' | 'auto'; limits?: Partial<ParseLimits> }): ParsedDocument {
  let text = new TextDecoder('utf-8').decode(bytes);
  const issues: Issue[] = [];
  if (text.charCodeAt(0) === 0xfeff) { text = text.slice(1); issues.push({ code: 'json-bom', severity: 'warning', path: '', message: 'BOM removed', file: options.file, line: 1, column: 1 }); }
  const yaml = options.format === 'yaml' || (options.format !== 'json' && !/^\s*[{[]/.test(text));
  try {
    return { value: yaml ? parseYaml(text) : JSON.parse(text), ok: true, issues };
  } catch (error) {
    try {
      const value: unknown = JSON.parse(text.replace(/,(\s*[}\]])/g, '$1'));
      issues.push({ code: 'json-trailing-comma', severity: 'warning', path: '', message: 'trailing comma removed', file: options.file, line: 1, column: 1 });
      return { value, ok: true, issues };
    } catch {
      return { value: undefined, ok: false, issues: [...issues, { code: 'json-syntax', severity: 'error', path: '', message: String(error), file: options.file, line: 1, column: 1 }] };
    }
  }
}
export interface RefResolver { resolve(ref: string): { ok: true; value: unknown; pointer: string } | { ok: false; issue: Issue }; deref(value: unknown): unknown }
export function createRefResolver(document: unknown, options: { file: string; maxHops?: number }): RefResolver {
  const resolve = (ref: string): { ok: true; value: unknown; pointer: string } | { ok: false; issue: Issue } => {
    if (!ref.startsWith('#')) return { ok: false, issue: { code: 'ref-external', severity: 'error', path: '', message: `external ${ref}`, file: options.file } };
    let v: unknown = document;
    for (const t of ref.slice(1).split('/').slice(1).map((x) => decodeURIComponent(x).replaceAll('~1', '/').replaceAll('~0', '~'))) {
      if (typeof v !== 'object' || v === null || !(t in v)) return { ok: false, issue: { code: 'ref-unresolved', severity: 'error', path: '', message: `unresolved ${ref}`, file: options.file } };
      v = (v as Record<string, unknown>)[t];
    }
    return { ok: true, value: v, pointer: ref.slice(1) };
  };
  return {
    resolve,
    deref(value) {
      let v = value;
      for (let i = 0; i < (options.maxHops ?? 32); i++) {
        if (typeof v !== 'object' || v === null || typeof (v as Record<string, unknown>)['$ref'] !== 'string') return v;
        const r = resolve(String((v as Record<string, unknown>)['$ref']));
        if (!r.ok) return v;
        v = r.value;
      }
      return v;
    },
  };
}
export function checkRefs(_document: unknown, _options: { file: string }): Issue[] { return []; }
export type DocumentKind = 'swagger2' | 'openapi3' | 'postman' | 'unknown';
export function detectDocumentKind(document: unknown): DocumentKind {
  if (typeof document !== 'object' || document === null) return 'unknown';
  const d = document as Record<string, unknown>;
  if (d['swagger'] === '2.0') return 'swagger2';
  if (typeof d['openapi'] === 'string' && d['openapi'].startsWith('3')) return 'openapi3';
  if (typeof d['info'] === 'object' && d['info'] !== null && typeof (d['info'] as Record<string, unknown>)['schema'] === 'string') return 'postman';
  return 'unknown';
}
export interface Conversion { readonly document: Record<string, unknown> | undefined; readonly issues: Issue[] }
export function convertOpenApi3ToSwagger2(_document: unknown, options: { file: string }): Conversion { return { document: undefined, issues: [{ code: 'shim', severity: 'error', path: '', message: 'not yet', file: options.file }] }; }
export function convertPostmanToSwagger2(_document: unknown, options: { file: string }): Conversion { return { document: undefined, issues: [{ code: 'shim', severity: 'error', path: '', message: 'not yet', file: options.file }] }; }
