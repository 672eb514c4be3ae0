/** Converts OpenAPI 3.x documents and Postman v2.1 collections into Swagger 2.0, the format the connector loader reads. */
export { detectDocumentKind } from './detect.ts';
export type { DocumentKind } from './detect.ts';
export type { Conversion } from './conversion.ts';
export { convertOpenApi3ToSwagger2 } from './openapi3/convert-openapi3.ts';
export { convertPostmanToSwagger2 } from './postman/convert-postman.ts';
