/** Parsing of untrusted connector files: bytes → value + issues, and local `$ref` resolution. */
export { defaultParseLimits } from './limits.ts';
export type { ParseLimits } from './limits.ts';
export type { ParsedDocument } from './parsed-document.ts';
export { parseDocument } from './parse-document.ts';
export type { ParseDocumentOptions } from './parse-document.ts';
export { createRefResolver, defaultMaxRefHops } from './ref-resolver.ts';
export type { RefResolver, RefResolverOptions, RefResolution } from './ref-resolver.ts';
export { checkRefs } from './check-refs.ts';
export type { CheckRefsOptions } from './check-refs.ts';
