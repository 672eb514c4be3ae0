/** Loads a single API definition file (OpenAPI 2.0 / 3.x, Postman v2.1; JSON or YAML). */
import type { Issue } from '../../core/index.ts';
import type { ConnectorSourceKind } from '../model/definition.ts';
import type { DefinitionDocumentKind } from '../model/definition.ts';
import { assembleDefinition } from './assemble.ts';
import { createRefResolver } from './dependencies.ts';
import { readDocument } from './read-document.ts';
import { parseSourceFile, toSwagger2 } from './read-source-document.ts';
import type { ResolvedLimits } from './read-source-document.ts';
import type { LoadResult, SourceFile } from './source.ts';

const SOURCE_KIND: Readonly<Record<DefinitionDocumentKind, ConnectorSourceKind>> = { swagger2: 'openapi2', openapi3: 'openapi3', postman: 'postman' };

/** Loads one file; connection parameters come from securityDefinitions (there is no apiProperties.json). */
export function loadFile(source: { path: string; file: SourceFile }, limits: ResolvedLimits): LoadResult {
  const issues: Issue[] = [];
  const { file } = source;
  const value = parseSourceFile(file, { limits, issues });
  if (value === undefined) return { definition: undefined, issues };
  const api = toSwagger2(value, { file: file.name, issues });
  if (api === undefined) return { definition: undefined, issues };
  const document = readDocument(api.document, { file: file.name, resolver: createRefResolver(api.document, { file: file.name }), issues });
  const definition = assembleDefinition({
    source: { kind: SOURCE_KIND[api.kind], documentKind: api.kind, path: source.path, definitionFile: file.name, filesUsed: [file.name] },
    document,
    properties: undefined,
    deriveConnection: true,
    issues,
  });
  return { definition, issues };
}
