/** Policy template instances of apiProperties.json. */
import { asArray, asRecord, asString, asStringArray } from '../model/json.ts';
import type { PolicySection, PolicyTemplateInstance } from '../model/policy.ts';

const PARAMETER_PREFIX = 'x-ms-apimTemplateParameter.';
const OPERATION_NAMES = 'x-ms-apimTemplate-operationName';
const POLICY_SECTION = 'x-ms-apimTemplate-policySection';

function readSection(value: unknown): PolicySection | undefined {
  const text = asString(value)?.toLowerCase();
  return text === 'request' || text === 'response' || text === 'failure' ? text : undefined;
}

/** A single name is accepted as a one-element list; anything else means "all operations" (validation warns). */
function readOperationNames(value: unknown): string[] | undefined {
  return typeof value === 'string' ? [value] : asStringArray(value);
}

/** Reads one instance; the template id is lower-cased because deployed connectors mix casings. */
export function readPolicyInstance(value: unknown, index: number, pointer: string): PolicyTemplateInstance {
  const raw = asRecord(value) ?? {};
  const rawParameters = asRecord(raw['parameters']) ?? {};
  const parameters: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(rawParameters)) {
    if (key.startsWith(PARAMETER_PREFIX)) parameters[key.slice(PARAMETER_PREFIX.length)] = item;
  }
  const templateIdRaw = asString(raw['templateId']) ?? '';
  return {
    index,
    pointer,
    templateId: templateIdRaw.trim().toLowerCase(),
    templateIdRaw,
    title: asString(raw['title']),
    type: asString(raw['type']),
    operationNames: readOperationNames(rawParameters[OPERATION_NAMES]),
    policySection: readSection(rawParameters[POLICY_SECTION]),
    parameters,
    rawParameters,
  } satisfies PolicyTemplateInstance;
}

/** Reads `policyTemplateInstances`. */
export function readPolicies(value: unknown, pointer: string): PolicyTemplateInstance[] {
  const list = asArray(value) ?? [];
  return list.map((item, index) => readPolicyInstance(item, index, `${pointer}/${index}`));
}
