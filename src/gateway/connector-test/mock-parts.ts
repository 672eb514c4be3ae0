/** The real parts of `connector test --mock`: the generated mock, the guarded egress client, policies and custom code. */
import type { ConnectorDefinition } from '../../connectors/index.ts';
import { createEgressClient } from '../egress/index.ts';
import { compilePolicies } from '../invoke/compile-policies.ts';
import type { CustomCodeResolver } from '../invoke/ports.ts';
import { generateArguments, startMockServer } from '../mock/index.ts';
import type { AuxiliaryRoute } from '../mock/index.ts';
import { createCustomCodeResolver } from '../script/index.ts';
import type { ConnectorTestParts } from './connector-test.ts';

/** Parts plus the clean-up of the shared egress client. */
export interface MockTestParts extends ConnectorTestParts {
  close(): Promise<void>;
}

/**
 * Builds the parts: the egress client admits only the loopback mock (everything else is still
 * refused), does not retry (a mock answers at once, and a retry would hide a failure), and the
 * mock checks requests against each operation as the backend sees it after request policies.
 */
export function createMockTestParts(options: { readonly customCode?: CustomCodeResolver } = {}): MockTestParts {
  const egress = createEgressClient({ allow: ['127.0.0.1/32'], retry: 'none', totalTimeoutMs: 30_000 });
  return {
    egress,
    policies: compilePolicies,
    customCode: options.customCode ?? createCustomCodeResolver(),
    startMock: async (definition: ConnectorDefinition) => {
      const chain = compilePolicies(definition);
      return startMockServer(definition, { backendView: (operation) => chain.backendView(operation), auxiliaryRoutes: auxiliaryRoutesOf(definition) });
    },
    generateArguments: (operation, definition) => generateArguments(operation, definition),
    close: () => egress.close(),
  };
}

/**
 * The backend routes `setvaluefromurl` policies call besides the declared operations (Cradl AI's
 * token endpoint, Planner's ETag lookups): the mock answers them with the value the policy reads.
 */
export function auxiliaryRoutesOf(definition: ConnectorDefinition): AuxiliaryRoute[] {
  const routes: AuxiliaryRoute[] = [];
  for (const policy of definition.policies) {
    if (policy.templateId !== 'setvaluefromurl') continue;
    const url = policy.parameters['parameterValueUrl'];
    const valuePath = policy.parameters['parameterValuePathTemplate'];
    if (typeof url !== 'string' || typeof valuePath !== 'string') continue;
    const property = /@body\(\)(?:\.([A-Za-z0-9_$@-]+)|\['([^']+)'\])/.exec(valuePath);
    const name = property?.[1] ?? property?.[2];
    if (name === undefined) continue;
    const method = policy.parameters['httpMethod'];
    routes.push({ method: typeof method === 'string' ? method : 'GET', path: url, values: { [name]: `mock-${name.replace(/[^A-Za-z0-9]/g, '')}` } });
  }
  return routes;
}
