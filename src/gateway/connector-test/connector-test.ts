/**
 * `plugboard connector test --mock`: what a connector author runs before going live. Starts the
 * mock backend of the definition, makes a throwaway connection with generated credentials, sends
 * all of its egress to the mock, and invokes every operation with generated arguments through the
 * full gateway path (credentials, policies, custom code, egress, response handling).
 */
import { randomBytes } from 'node:crypto';
import type { ConnectionParameter, ConnectorDefinition, Operation } from '../../connectors/index.ts';
import { errorMessage, isPlugboardError } from '../../core/index.ts';
import { createInvoker } from '../invoke/invoker.ts';
import type { CustomCodeResolver, Egress, PolicyCompiler, UsableConnection } from '../invoke/ports.ts';

/** One operation's outcome. */
export interface OperationTestResult {
  readonly operationId: string;
  readonly ok: boolean;
  /** The status the gateway answered with, or null when the call failed before an answer. */
  readonly status: number | null;
  /** Why it failed (code and message), null when ok. */
  readonly error: string | null;
}

/** The outcome of one connector. */
export interface ConnectorTestReport {
  readonly ok: boolean;
  readonly operations: readonly OperationTestResult[];
}

/** A running mock backend. */
export interface RunningMock {
  readonly url: string;
  close(): Promise<void>;
}

/** The parts the harness puts together; the CLI passes the real ones. */
export interface ConnectorTestParts {
  startMock(definition: ConnectorDefinition): Promise<RunningMock>;
  generateArguments(operation: Operation, definition: ConnectorDefinition): Record<string, unknown>;
  /** The egress client (it must admit the mock's loopback address). */
  readonly egress: Egress;
  readonly policies?: PolicyCompiler;
  readonly customCode?: CustomCodeResolver;
}

/** Runs every operation of `definition` against its mock. */
export async function testConnector(definition: ConnectorDefinition, parts: ConnectorTestParts): Promise<ConnectorTestReport> {
  const mock = await parts.startMock(definition);
  try {
    const mockOrigin = new URL(mock.url).origin;
    const routed: Egress = {
      send: (call) => parts.egress.send({ ...call, url: rerouted(call.url, mockOrigin) }),
    };
    const connection = throwawayConnection(definition);
    const invoker = createInvoker({
      connectors: { resolve: async () => ({ key: 'connector-test', definition }) },
      connections: { resolveForUse: async () => connection, setStatus: async () => undefined },
      egress: routed,
      tokens: { getAccessToken: async () => connection.secrets[0] ?? 'generated-token' },
      policies: parts.policies,
      customCode: parts.customCode,
      pageCap: 3,
    });
    const operations: OperationTestResult[] = [];
    for (const operation of definition.operations) {
      if (operation.operationId === '') continue;
      try {
        const args = parts.generateArguments(operation, definition);
        const result = await invoker.invoke({
          environment: 'connector-test',
          caller: { principalId: 'connector-test', role: 'admin' },
          connectionId: connection.id,
          operationId: operation.operationId,
          arguments: args,
        });
        operations.push({ operationId: operation.operationId, ok: true, status: result.status, error: null });
      } catch (error) {
        const status = isPlugboardError(error) && typeof error.details?.['status'] === 'number' ? error.details['status'] : null;
        const code = isPlugboardError(error) ? `${error.code}: ` : '';
        operations.push({ operationId: operation.operationId, ok: false, status, error: `${code}${describeFailure(error)}` });
      }
    }
    return { ok: operations.every((operation) => operation.ok), operations };
  } finally {
    await mock.close();
  }
}

function describeFailure(error: unknown): string {
  const message = errorMessage(error);
  if (!isPlugboardError(error) || error.code !== 'UpstreamError') return message;
  const body = error.details?.['body'];
  return `${message}: ${typeof body === 'string' ? body : JSON.stringify(body)}`.slice(0, 2000);
}

/** Same path and query, on the mock's origin. */
function rerouted(url: string, mockOrigin: string): string {
  const parsed = new URL(url);
  return `${mockOrigin}${parsed.pathname}${parsed.search}`;
}

/** A connection with a generated value for every parameter (the first parameter set, when there are sets). */
export function throwawayConnection(definition: ConnectorDefinition): UsableConnection {
  const parameters: Record<string, unknown> = {};
  const secrets: string[] = [];
  const declared: ConnectionParameter[] = [...definition.connection.parameters, ...(definition.connection.parameterSets?.values[0]?.parameters ?? [])];
  let usesOAuth = false;
  for (const parameter of declared) {
    switch (parameter.type) {
      case 'securestring': {
        const value = `pbtest-${randomBytes(12).toString('hex')}`;
        parameters[parameter.name] = value;
        secrets.push(value);
        break;
      }
      case 'oauthSetting':
        usesOAuth = true;
        break;
      case 'gatewaySetting':
        break;
      default: {
        const allowed = parameter.ui?.allowedValues?.[0]?.value;
        parameters[parameter.name] = allowed ?? parameter.defaultValue ?? (/url|uri|host|endpoint|domain/i.test(parameter.name) ? 'https://test.example.com' : 'test');
      }
    }
  }
  // An OAuth scheme with no user-supplied key means the connection signs in with OAuth.
  if (definition.securityDefinitions.some((scheme) => scheme.type === 'oauth2') && secrets.length === 0) usesOAuth = true;
  if (usesOAuth) secrets.unshift(`pbtest-token-${randomBytes(12).toString('hex')}`);
  if (definition.securityDefinitions.some((scheme) => scheme.type === 'basic') && secrets.length === 0) {
    parameters['username'] ??= 'pbtest-user';
    if (parameters['password'] === undefined) {
      const password = `pbtest-${randomBytes(8).toString('hex')}`;
      parameters['password'] = password;
      secrets.push(password);
    }
  }
  return { id: 'connector-test', environmentId: 'connector-test', connectorName: definition.info.title, status: 'connected', parameters, secrets, usesOAuth };
}
