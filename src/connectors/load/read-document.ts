/** Normalizes a Swagger 2.0 document (the API definition) into the definition-side parts of the model. */
import { asRecord, asString, asStringArray, nonEmpty } from '../model/json.ts';
import type { ConnectorInfo, DefinitionCapabilities } from '../model/definition.ts';
import type { Operation, PathItem } from '../model/operation.ts';
import type { SecurityRequirement, SecurityScheme } from '../model/security.ts';
import type { DocumentContext } from './context.ts';
import type { RefResolver } from './dependencies.ts';
import { keyReader, leftovers, skip, take } from './key-reader.ts';
import { readConnectorMetadata, readInfo } from './read-info.ts';
import { readPaths } from './read-operations.ts';
import { readSecurityDefinitions, readSecurityRequirements } from './read-security.ts';
import type { Issue } from '../../core/index.ts';

/** The parts of a definition that come from the API document. */
export interface DocumentParts {
  readonly info: ConnectorInfo;
  readonly schemes: string[];
  readonly host?: string;
  readonly basePath?: string;
  readonly consumes: string[];
  readonly produces: string[];
  readonly operations: Operation[];
  readonly pathItems: PathItem[];
  readonly schemaDefinitions: Readonly<Record<string, unknown>>;
  readonly parameterDefinitions: Readonly<Record<string, unknown>>;
  readonly responseDefinitions: Readonly<Record<string, unknown>>;
  readonly securityDefinitions: SecurityScheme[];
  readonly security?: SecurityRequirement[];
  readonly definitionCapabilities?: DefinitionCapabilities;
  readonly extensions?: Record<string, unknown>;
  readonly unmodelled?: Record<string, unknown>;
}

function readCapabilities(value: unknown): DefinitionCapabilities | undefined {
  const record = asRecord(value);
  if (record === undefined) return undefined;
  const extra: Record<string, unknown> = {};
  let testConnection: DefinitionCapabilities['testConnection'];
  let filePicker: Record<string, unknown> | undefined;
  for (const [key, item] of Object.entries(record)) {
    const itemRecord = asRecord(item);
    if (key === 'testConnection' && itemRecord !== undefined) {
      testConnection = { operationId: asString(itemRecord['operationId']), parameters: asRecord(itemRecord['parameters']) };
    } else if (key === 'file-picker' && itemRecord !== undefined) filePicker = itemRecord;
    else extra[key] = item;
  }
  return { testConnection, filePicker, extra: nonEmpty(extra) } satisfies DefinitionCapabilities;
}

/** Reads the whole API document. Never throws on malformed input; problems go to `issues`. */
export function readDocument(document: Readonly<Record<string, unknown>>, options: { file: string; resolver: RefResolver; issues: Issue[] }): DocumentParts {
  const reader = keyReader(document);
  skip(reader, 'swagger', 'paths');
  const consumes = take(reader, 'consumes', asStringArray) ?? [];
  const produces = take(reader, 'produces', asStringArray) ?? [];
  const context: DocumentContext = { file: options.file, resolver: options.resolver, issues: options.issues, consumes, produces };
  const metadata = take(reader, 'x-ms-connector-metadata', readConnectorMetadata);
  const { operations, pathItems, extensions: pathsExtensions } = readPaths(context, document['paths']);
  const parts = {
    info: readInfo(take(reader, 'info', asRecord), metadata),
    schemes: take(reader, 'schemes', asStringArray) ?? [],
    host: take(reader, 'host', asString),
    basePath: take(reader, 'basePath', asString),
    consumes,
    produces,
    operations,
    pathItems,
    schemaDefinitions: take(reader, 'definitions', asRecord) ?? {},
    parameterDefinitions: take(reader, 'parameters', asRecord) ?? {},
    responseDefinitions: take(reader, 'responses', asRecord) ?? {},
    securityDefinitions: readSecurityDefinitions(take(reader, 'securityDefinitions', asRecord)),
    security: take(reader, 'security', readSecurityRequirements),
    definitionCapabilities: take(reader, 'x-ms-capabilities', readCapabilities),
  };
  const rest = leftovers(reader);
  const extensions = pathsExtensions === undefined ? rest.extensions : { ...rest.extensions, ...prefixKeys(pathsExtensions, 'paths.') };
  return { ...parts, extensions, unmodelled: rest.unmodelled } satisfies DocumentParts;
}

function prefixKeys(record: Readonly<Record<string, unknown>>, prefix: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) out[prefix + key] = value;
  return out;
}
