/**
 * The normalized connector: one plain-data object built from a Power Platform connector folder
 * or from an OpenAPI 2/3 or Postman file. It is stored as JSON and returned by the API, so it holds
 * only JSON values (no Maps, classes, functions or Dates).
 */
import type { ConnectionModel } from './connection.ts';
import type { ApiAnnotation, Operation, PathItem } from './operation.ts';
import type { PolicyTemplateInstance } from './policy.ts';
import type { SecurityRequirement, SecurityScheme } from './security.ts';

/** The format version of {@link ConnectorDefinition}; bump it when the shape changes incompatibly. */
export const CONNECTOR_FORMAT_VERSION = 1;

/** What the connector was loaded from. */
export type ConnectorSourceKind = 'power-platform-folder' | 'openapi2' | 'openapi3' | 'postman';

/** The kind of API document that was read (before conversion to Swagger 2.0). */
export type DefinitionDocumentKind = 'swagger2' | 'openapi3' | 'postman';

/** Custom code shipped with the connector. */
export interface CustomCode {
  /** `csharp` for script.csx / Script.cs (recorded, not runnable); `typescript`/`javascript` run in the sandbox. */
  readonly language: 'csharp' | 'typescript' | 'javascript';
  readonly file: string;
  /** The script text (TypeScript/JavaScript only; C# text is not kept). */
  readonly source?: string;
}

/** Where the definition came from, and which files were used. */
export interface ConnectorSourceInfo {
  readonly kind: ConnectorSourceKind;
  readonly documentKind: DefinitionDocumentKind;
  /** The folder or file path the catalog gave. */
  readonly path: string;
  /** File name of the API definition. */
  readonly definitionFile: string;
  readonly propertiesFile?: string;
  readonly settingsFile?: string;
  readonly iconFile?: string;
  /** Every file the loader read, in reading order. */
  readonly filesUsed: readonly string[];
  readonly customCode?: CustomCode;
  /** settings.json (paconn: connectorId, environment, file names, powerAppsUrl …), verbatim. */
  readonly settings?: Readonly<Record<string, unknown>>;
}

/** `x-ms-connector-metadata`, normalized (`propertyName`/`PropertyName` casings both accepted). */
export interface ConnectorMetadata {
  readonly website?: string;
  readonly privacyPolicy?: string;
  readonly categories: readonly string[];
  /** Every entry as written, including the ones above. */
  readonly entries: readonly { readonly name: string; readonly value: unknown }[];
}

/** Display and ownership information. */
export interface ConnectorInfo {
  readonly title: string;
  readonly description?: string;
  readonly version?: string;
  readonly termsOfService?: string;
  readonly contact?: { readonly name?: string; readonly url?: string; readonly email?: string };
  readonly license?: { readonly name?: string; readonly url?: string };
  /** apiProperties `publisher`. */
  readonly publisher?: string;
  /** apiProperties `stackOwner`. */
  readonly stackOwner?: string;
  /** apiProperties `iconBrandColor`, as written. */
  readonly iconBrandColor?: string;
  /** `data:image/png;base64,…` from icon.png. */
  readonly icon?: string;
  readonly metadata?: ConnectorMetadata;
  /** info `x-ms-keywords`. */
  readonly keywords?: readonly string[];
  /** info `x-ms-api-annotation`. */
  readonly apiAnnotation?: ApiAnnotation;
  /** info `x-ms-deployment-version`. */
  readonly deploymentVersion?: string;
  /** Other `x-*` keys of `info`, verbatim (e.g. `x-ms-openai-published-to-copilots`). */
  readonly extensions?: Readonly<Record<string, unknown>>;
  readonly unmodelled?: Readonly<Record<string, unknown>>;
}

/** Root `x-ms-capabilities`: connection test and file picker. */
export interface DefinitionCapabilities {
  readonly testConnection?: { readonly operationId?: string; readonly parameters?: Readonly<Record<string, unknown>> };
  /** `file-picker`, verbatim. */
  readonly filePicker?: Readonly<Record<string, unknown>>;
  readonly extra?: Readonly<Record<string, unknown>>;
}

/** A normalized connector definition. */
export interface ConnectorDefinition {
  readonly formatVersion: typeof CONNECTOR_FORMAT_VERSION;
  readonly source: ConnectorSourceInfo;
  readonly info: ConnectorInfo;
  /** `schemes` of the document (e.g. `["https"]`); with host and basePath it forms the base URL. */
  readonly schemes: readonly string[];
  /** `host`; may be absent or a placeholder when a policy (dynamichosturl) sets it. */
  readonly host?: string;
  readonly basePath?: string;
  /** Document-level media types, the defaults of every operation. */
  readonly consumes: readonly string[];
  readonly produces: readonly string[];
  readonly operations: readonly Operation[];
  readonly pathItems: readonly PathItem[];
  /** The document's `definitions`, verbatim, so `#/definitions/X` in kept schemas resolves. */
  readonly schemaDefinitions: Readonly<Record<string, unknown>>;
  /** The document's root `parameters`, verbatim (operations already have them resolved). */
  readonly parameterDefinitions: Readonly<Record<string, unknown>>;
  /** The document's root `responses`, verbatim (operations already have them resolved). */
  readonly responseDefinitions: Readonly<Record<string, unknown>>;
  readonly securityDefinitions: readonly SecurityScheme[];
  /** Root `security`; undefined when the document has none. */
  readonly security?: readonly SecurityRequirement[];
  readonly definitionCapabilities?: DefinitionCapabilities;
  readonly connection: ConnectionModel;
  readonly policies: readonly PolicyTemplateInstance[];
  /** apiProperties `capabilities` (e.g. `["actions", "triggers"]`), as written. */
  readonly capabilities: readonly string[];
  /** apiProperties `scriptOperations` (or the stray `script` key): operations handled by custom code. */
  readonly scriptOperations: readonly string[];
  /** Root-level `x-*` keys of the definition the model does not name (e.g. `x-ms-openai-manifest`). */
  readonly extensions?: Readonly<Record<string, unknown>>;
  /** Other root-level keys of the definition (e.g. `tags`, `externalDocs`), verbatim. */
  readonly unmodelled?: Readonly<Record<string, unknown>>;
  /** Keys of apiProperties `properties` the model does not know (`website`, `stackowner` …), verbatim. */
  readonly propertiesExtensions?: Readonly<Record<string, unknown>>;
}
