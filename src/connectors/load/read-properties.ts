/** apiProperties.json: branding, connection parameters, policies, capabilities, script operations. */
import type { Issue } from '../../core/index.ts';
import { asRecord, asString, asStringArray, isRecord, nonEmpty } from '../model/json.ts';
import type { ConnectionParameter, ConnectionParameterSets } from '../model/connection.ts';
import type { PolicyTemplateInstance } from '../model/policy.ts';
import { escapePointer } from './pointer.ts';
import { readConnectionParameters, readConnectionParameterSets } from './read-connection.ts';
import { readPolicies } from './read-policies.ts';

/** The parts of a definition that come from apiProperties.json. */
export interface PropertiesParts {
  readonly iconBrandColor?: string;
  readonly publisher?: string;
  readonly stackOwner?: string;
  readonly capabilities: string[];
  readonly connectionParameters: ConnectionParameter[];
  readonly parameterSets?: ConnectionParameterSets;
  readonly policies: PolicyTemplateInstance[];
  readonly scriptOperations: string[];
  readonly propertiesExtensions?: Record<string, unknown>;
}

const KNOWN_KEYS = new Set([
  'iconBrandColor',
  'capabilities',
  'connectionParameters',
  'connectionParameterSets',
  'policyTemplateInstances',
  'publisher',
  'stackOwner',
  'scriptOperations',
]);

/** Reads an apiProperties.json document. Unknown keys are kept (`propertiesExtensions`, keyed by JSON pointer) with an info issue. */
export function readProperties(document: unknown, options: { file: string; issues: Issue[] }): PropertiesParts {
  const root = asRecord(document) ?? {};
  const properties = asRecord(root['properties']) ?? {};
  const strays: Record<string, unknown> = {};
  const note = (pointer: string, message: string): void => {
    options.issues.push({ code: 'properties-key-unknown', severity: 'info', path: pointer, file: options.file, message });
  };
  for (const [key, value] of Object.entries(root)) {
    if (key === 'properties' || key === '$schema') continue;
    strays[`/${escapePointer(key)}`] = value;
    note(`/${escapePointer(key)}`, `apiProperties.json has an unknown top-level key \`${key}\` — it was kept but is not used; move it under \`properties\` or remove it`);
  }
  for (const [key, value] of Object.entries(properties)) {
    if (KNOWN_KEYS.has(key)) continue;
    if (key === 'script') {
      strays['/properties/script'] = value;
      continue;
    }
    strays[`/properties/${escapePointer(key)}`] = value;
    const hint = [...KNOWN_KEYS].find((known) => known.toLowerCase() === key.toLowerCase());
    note(
      `/properties/${escapePointer(key)}`,
      hint === undefined
        ? `apiProperties.json has an unknown key \`properties.${key}\` — it was kept but is not used`
        : `apiProperties.json has \`properties.${key}\`; the key is spelt \`${hint}\` — it was kept but is not used`,
    );
  }
  if (root['properties'] !== undefined && !isRecord(root['properties'])) strays['/properties'] = root['properties'];
  // A few connectors write `script: {language: "CSharpScript", operationIds: […]}` instead of `scriptOperations`.
  const scriptRecord = asRecord(properties['script']);
  const script = asStringArray(scriptRecord === undefined ? properties['script'] : scriptRecord['operationIds']);
  if (properties['script'] !== undefined) {
    note('/properties/script', 'apiProperties.json lists script operations under `script` — they were read as script operations and the object was kept; the documented key is `scriptOperations: [operationId, …]`');
  }
  return {
    iconBrandColor: asString(properties['iconBrandColor']),
    publisher: asString(properties['publisher']),
    stackOwner: asString(properties['stackOwner']),
    capabilities: asStringArray(properties['capabilities']) ?? [],
    connectionParameters: readConnectionParameters(properties['connectionParameters'], '/properties/connectionParameters'),
    parameterSets: readConnectionParameterSets(properties['connectionParameterSets'], '/properties/connectionParameterSets'),
    policies: readPolicies(properties['policyTemplateInstances'], '/properties/policyTemplateInstances'),
    scriptOperations: [...(asStringArray(properties['scriptOperations']) ?? []), ...(script ?? [])],
    propertiesExtensions: nonEmpty(strays),
  };
}
