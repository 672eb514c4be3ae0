/**
 * What a flow's triggers and actions call out through, acting for the flow's owner: connector
 * calls through the gateway's invoker on the flow's connection references, and the connector
 * definition behind a reference (for webhook and polling triggers).
 */
import { PlugboardError } from '../core/index.ts';
import type { ConnectorDefinition } from '../connectors/index.ts';
import type { Store } from '../storage/index.ts';
import { createConnectorPort, resolveConnectionReferences } from '../workflow/index.ts';
import type { ConnectorPort } from '../workflow/index.ts';
import { createEnvironmentNames } from './environment-names.ts';
import type { GatewayWiring } from './gateway-wiring.ts';

/** The flow a port acts for. */
export interface FlowPortsContext {
  readonly flowId: string;
  readonly environmentId: string;
  readonly ownerId: string | null;
  readonly connectionReferences: Readonly<Record<string, unknown>>;
  readonly parameters: Readonly<Record<string, unknown>>;
}

/** Builds connector ports for flows. */
export function createFlowPorts(store: Store, gateway: Pick<GatewayWiring, 'invoker' | 'connectors'>) {
  const environmentName = createEnvironmentNames(store);

  async function connectorsNow(flow: FlowPortsContext): Promise<ConnectorPort> {
    const ownerId = flow.ownerId;
    if (ownerId === null) {
      const refuse = async (): Promise<never> => {
        throw new PlugboardError('this flow has no owner, so its connector calls cannot use any connection — create the flow through the API as the user whose connections it uses', { code: 'FlowOwnerMissing' });
      };
      return { invokeOperation: refuse, invokeRaw: refuse };
    }
    const owner = await store.principals.get(ownerId);
    const references = resolveConnectionReferences(flow.connectionReferences, flow.parameters);
    return createConnectorPort({
      invoker: gateway.invoker,
      environment: await environmentName(flow.environmentId),
      // The owner's role where the flow lives (an assignment there, else the default role); an unknown owner gets the least.
      caller: { principalId: ownerId, role: (await store.environmentRoles.get(flow.environmentId, ownerId))?.role ?? owner?.role ?? 'user' },
      resolveReference: references.resolve,
    });
  }

  return {
    /** A connector port built (owner and environment looked up) on its first call. */
    connectors(flow: FlowPortsContext): ConnectorPort {
      let port: Promise<ConnectorPort> | undefined;
      const resolved = (): Promise<ConnectorPort> => (port ??= connectorsNow(flow));
      return {
        invokeOperation: async (call) => (await resolved()).invokeOperation(call),
        invokeRaw: async (call) => (await resolved()).invokeRaw(call),
      };
    },

    /** The connector definition behind one of the flow's connection references. */
    async connectorDefinition(flow: FlowPortsContext, reference: string): Promise<ConnectorDefinition> {
      const resolved = resolveConnectionReferences(flow.connectionReferences, flow.parameters).resolve(reference);
      if (resolved === undefined) {
        throw new PlugboardError(`the flow has no connection reference '${reference}' — add it to the flow's connectionReferences`, { code: 'ConnectionReferenceNotFound', kind: 'user' });
      }
      let connectorName = resolved.connectorName;
      if (connectorName === undefined) {
        const connection = await store.connections.get(resolved.connectionId);
        if (connection === undefined || connection.environmentId !== flow.environmentId) {
          throw new PlugboardError(`connection reference '${reference}' names a connection that does not exist in the flow's environment`, { code: 'ConnectionNotFound', kind: 'not-found' });
        }
        connectorName = connection.connectorName;
      }
      return (await gateway.connectors.resolve(await environmentName(flow.environmentId), connectorName)).definition;
    },
  };
}
