/** The real parts of `connector test --mock`: the generated mock, the guarded egress client, policies and custom code. */
import type { ConnectorDefinition } from '../../connectors/index.ts';
import { createEgressClient } from '../egress/index.ts';
import { compilePolicies } from '../invoke/compile-policies.ts';
import type { CustomCodeResolver } from '../invoke/ports.ts';
import { generateArguments, startMockServer } from '../mock/index.ts';
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
      return startMockServer(definition, { backendView: (operation) => chain.backendView(operation) });
    },
    generateArguments: (operation, definition) => generateArguments(operation, definition),
    close: () => egress.close(),
  };
}
