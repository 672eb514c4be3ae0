/** Recognises which API description format a parsed document is. */
import { isRecord } from './source-node.ts';

/** The formats a connector author may import. */
export type DocumentKind = 'swagger2' | 'openapi3' | 'postman' | 'unknown';

/**
 * swagger: "2.0" → swagger2; openapi: "3.x" → openapi3; info._postman_id or info.schema containing
 * "collection/v2" → postman. A Postman v1 collection (top-level `requests` and `order`/`id`) is
 * also reported as postman, so it reaches the Postman converter, which explains how to re-export it.
 */
export function detectDocumentKind(document: unknown): DocumentKind {
  if (!isRecord(document)) return 'unknown';
  if (document.swagger === '2.0') return 'swagger2';
  if (typeof document.openapi === 'string' && /^3\.\d+/.test(document.openapi)) return 'openapi3';
  const info = document.info;
  if (isRecord(info)) {
    if (typeof info._postman_id === 'string') return 'postman';
    if (typeof info.schema === 'string' && info.schema.includes('collection/v2')) return 'postman';
  }
  if (isPostmanV1(document)) return 'postman';
  return 'unknown';
}

/** The shape of a Postman v1 collection: requests listed flat at the top level. */
export function isPostmanV1(document: Record<string, unknown>): boolean {
  return Array.isArray(document.requests) && (Array.isArray(document.order) || typeof document.id === 'string');
}
