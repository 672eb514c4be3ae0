/**
 * Connectors: load a Power Platform connector folder or an OpenAPI 2/3 / Postman file into one
 * normalized, JSON-serialisable {@link ConnectorDefinition}, and validate it. Pure: the catalog
 * reads the files and hands over their bytes.
 */
export { loadConnector } from './load/load-connector.ts';
export { CONNECTOR_FILE_LIMIT_BYTES } from './load/source.ts';
export type { ConnectorSource, LoadOptions, LoadResult, SourceFile } from './load/source.ts';
export type { ParseLimits } from './load/dependencies.ts';
export { validateConnector } from './validate/validate-connector.ts';
export { readDynamicList, readDynamicProperties, readDynamicSchema, readDynamicValues } from './extensions/dynamic.ts';
export { connectorSummary } from './model/summary.ts';
export type { ConnectorSummary } from './model/summary.ts';
export { CONNECTOR_FORMAT_VERSION } from './model/definition.ts';
export type {
  ConnectorDefinition,
  ConnectorInfo,
  ConnectorMetadata,
  ConnectorSourceInfo,
  ConnectorSourceKind,
  CustomCode,
  DefinitionCapabilities,
  DefinitionDocumentKind,
} from './model/definition.ts';
export { HTTP_METHODS } from './model/operation.ts';
export type {
  ApiAnnotation,
  CallbackUrlProperty,
  DroppedParameter,
  EnumValueName,
  HttpMethod,
  NotificationContent,
  Operation,
  OperationResponse,
  Parameter,
  ParameterLocation,
  PathItem,
  TriggerInfo,
  TriggerMetadata,
  Visibility,
} from './model/operation.ts';
export type {
  DynamicArgument,
  DynamicArguments,
  DynamicBindings,
  DynamicList,
  DynamicProperties,
  DynamicRaw,
  DynamicSchema,
  DynamicTree,
  DynamicTreeCall,
  DynamicValues,
} from './model/dynamic.ts';
export type {
  AllowedValue,
  ConnectionModel,
  ConnectionParameter,
  ConnectionParameterSets,
  ConnectionParameterSetValue,
  ConnectionParameterType,
  ConnectionParameterUi,
  OAuthSettings,
} from './model/connection.ts';
export { POLICY_TEMPLATES } from './model/policy.ts';
export type { PolicySection, PolicyTemplateInstance, PolicyTemplateSpec } from './model/policy.ts';
export type { ApiKeyScheme, BasicScheme, OAuth2Scheme, SecurityRequirement, SecurityScheme, UnknownScheme } from './model/security.ts';
