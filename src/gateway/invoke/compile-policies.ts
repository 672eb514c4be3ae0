/** The default {@link PolicyCompiler}: the connector's policy templates as a chain. */
import type { ConnectorDefinition } from '../../connectors/index.ts';
import { createPolicyChain } from '../../policies/index.ts';
import type { PolicyChain } from '../../policies/index.ts';
import type { ConnectorPolicies } from './ports.ts';

/** Compiles `definition.policies`; broken instances fail the operations they target, never silently skipped. */
export function compilePolicies(definition: ConnectorDefinition): ConnectorPolicies & Pick<PolicyChain, 'backendView' | 'pollingTrigger' | 'issues'> {
  return createPolicyChain(definition.policies, { file: definition.source.propertiesFile ?? 'apiProperties.json' });
}
