/** Catalog: connectors of an environment, read from disk, validated, stored as versions. */
export { createCatalog, defaultConnectorName } from './catalog.ts';
export type { Catalog, CatalogOptions, ConnectorDetail, ImportOptions, ImportResult } from './catalog.ts';
export { inspectPath, inspectSource } from './inspect.ts';
export type { Inspection, ValidationReport } from './inspect.ts';
export { readConnectorSource } from './read-source.ts';
