/** Puts the document parts, apiProperties parts and folder assets together into one definition. */
import type { Issue } from '../../core/index.ts';
import { nonEmpty } from '../model/json.ts';
import { CONNECTOR_FORMAT_VERSION } from '../model/definition.ts';
import type { ConnectorDefinition, ConnectorSourceInfo } from '../model/definition.ts';
import { deriveConnectionParameters } from './derive-connection.ts';
import type { DocumentParts } from './read-document.ts';
import type { PropertiesParts } from './read-properties.ts';

/** Inputs of {@link assembleDefinition}. */
export interface AssembleInput {
  readonly source: ConnectorSourceInfo;
  readonly document: DocumentParts;
  /** undefined when there is no apiProperties.json (or it could not be parsed). */
  readonly properties: PropertiesParts | undefined;
  /** Derive connection parameters from securityDefinitions when there are no properties. */
  readonly deriveConnection: boolean;
  readonly icon?: string;
  readonly issues: Issue[];
}

/** Builds the definition. */
export function assembleDefinition(input: AssembleInput): ConnectorDefinition {
  const { document, properties } = input;
  const derived = properties === undefined && input.deriveConnection;
  const parameters = properties?.connectionParameters ?? (derived ? deriveConnectionParameters(document.securityDefinitions, { file: input.source.definitionFile, issues: input.issues }) : []);
  return {
    formatVersion: CONNECTOR_FORMAT_VERSION,
    source: input.source,
    info: {
      ...document.info,
      publisher: properties?.publisher,
      stackOwner: properties?.stackOwner,
      iconBrandColor: properties?.iconBrandColor,
      icon: input.icon,
    },
    schemes: document.schemes,
    host: document.host,
    basePath: document.basePath,
    consumes: document.consumes,
    produces: document.produces,
    operations: document.operations,
    pathItems: document.pathItems,
    schemaDefinitions: document.schemaDefinitions,
    parameterDefinitions: document.parameterDefinitions,
    responseDefinitions: document.responseDefinitions,
    securityDefinitions: document.securityDefinitions,
    security: document.security,
    definitionCapabilities: document.definitionCapabilities,
    connection: { parameters, parameterSets: properties?.parameterSets, derived },
    policies: properties?.policies ?? [],
    capabilities: properties?.capabilities ?? [],
    scriptOperations: properties?.scriptOperations ?? [],
    extensions: document.extensions,
    unmodelled: document.unmodelled,
    propertiesExtensions: properties === undefined ? undefined : nonEmpty({ ...properties.propertiesExtensions }),
  } satisfies ConnectorDefinition;
}
