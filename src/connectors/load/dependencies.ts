/**
 * The parse and convert helpers the loader builds on, in one place: tolerant JSON/YAML parsing
 * and `$ref` handling (../parse) and OpenAPI 3 / Postman → Swagger 2.0 conversion (../convert).
 */
export { checkRefs, createRefResolver, defaultParseLimits, parseDocument } from '../parse/index.ts';
export type { ParseLimits, RefResolver } from '../parse/index.ts';
export { convertOpenApi3ToSwagger2, convertPostmanToSwagger2, detectDocumentKind } from '../convert/index.ts';
