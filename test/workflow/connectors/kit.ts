/**
 * Test kit: a real corpus connector (Office 365 Groups, OAuth) loaded by the connectors area, its
 * generated mock backend on loopback, and the gateway's invoker over the guarded egress client —
 * the way a Plugboard server calls a connector — plus the connector port a run would get.
 */
import assert from 'node:assert/strict';
import type { ConnectorDefinition } from '../../../src/connectors/index.ts';
import { loadConnector } from '../../../src/connectors/index.ts';
import { NotFoundError } from '../../../src/core/index.ts';
import { createEgressClient, createInvoker, startMockServer } from '../../../src/gateway/index.ts';
import type { Egress, EgressClient, MockServer, UsableConnection } from '../../../src/gateway/index.ts';
import { createConnectorPort, resolveConnectionReferences } from '../../../src/workflow/connectors/index.ts';
import type { ConnectorPort } from '../../../src/workflow/actions/index.ts';
import { corpusFolder } from '../../connectors/connector-kit.ts';

/** The Plugboard connection the flows below use, and its OAuth access token. */
export const CONNECTION_ID = 'conn-groups-7';
export const ACCESS_TOKEN = 'at-0f9e8d7c6b5a';
export const CONNECTOR_NAME = 'office365groups';

/** A running gateway over the mock backend of Office 365 Groups. */
export interface GroupsGateway {
  readonly definition: ConnectorDefinition;
  readonly mock: MockServer;
  /** A port for a flow with `connectionReferences` (and the workflow `parameters`, for `$connections`). */
  portFor(connectionReferences: Readonly<Record<string, unknown>>, parameters?: Readonly<Record<string, unknown>>): ConnectorPort;
  close(): Promise<void>;
}

/** Loads `custom-connectors/Office365Groups` from the corpus and starts its mock and a gateway in front of it. */
export async function startGroupsGateway(): Promise<GroupsGateway> {
  const { definition, issues } = loadConnector(corpusFolder('custom-connectors/Office365Groups'));
  assert.ok(definition, `the corpus connector loads: ${JSON.stringify(issues)}`);
  const mock = await startMockServer(definition);
  // The definition's host is graph.microsoft.com: the egress client sees the mock's loopback origin instead.
  const egressClient: EgressClient = createEgressClient({ allow: ['127.0.0.1/32'], retry: 'none', totalTimeoutMs: 30_000 });
  const mockOrigin = new URL(mock.url).origin;
  const egress: Egress = {
    send: (call) => {
      const url = new URL(call.url);
      return egressClient.send({ ...call, url: `${mockOrigin}${url.pathname}${url.search}` });
    },
  };
  const connection: UsableConnection = { id: CONNECTION_ID, environmentId: 'default', connectorName: CONNECTOR_NAME, status: 'connected', parameters: {}, secrets: [ACCESS_TOKEN], usesOAuth: true };
  const invoker = createInvoker({
    connectors: {
      resolve: async (_environment, name) => {
        if (name !== CONNECTOR_NAME) throw new NotFoundError(`no connector ${name}`, { code: 'ConnectorNotFound' });
        return { key: `${CONNECTOR_NAME}@1`, definition };
      },
    },
    connections: {
      resolveForUse: async (_environment, _caller, connectionId) => {
        if (connectionId !== CONNECTION_ID) throw new NotFoundError(`connection \`${connectionId}\` does not exist`, { code: 'ConnectionNotFound' });
        return connection;
      },
      setStatus: async () => undefined,
    },
    egress,
    tokens: { getAccessToken: async () => ACCESS_TOKEN },
  });
  return {
    definition,
    mock,
    portFor: (connectionReferences, parameters) =>
      createConnectorPort({ invoker, environment: 'default', caller: { principalId: 'flow-owner', role: 'maker' }, resolveReference: resolveConnectionReferences(connectionReferences, parameters).resolve }),
    close: async () => {
      await mock.close();
      await egressClient.close();
    },
  };
}
