/** Test helpers for policies: real corpus connectors, their instances, and a recording call context. */
import assert from 'node:assert/strict';
import { loadConnector } from '../../src/connectors/index.ts';
import type { ConnectorDefinition, PolicyTemplateInstance } from '../../src/connectors/index.ts';
import type { PolicyContext, PolicyRequest, PolicyResponse } from '../../src/policies/index.ts';
import { corpusFolder, readFolder } from '../connectors/connector-kit.ts';
import { resolve } from 'node:path';

const loaded = new Map<string, ConnectorDefinition>();

/** A corpus connector by `group/name`, loaded once per test file. */
export function connector(folder: string): ConnectorDefinition {
  const cached = loaded.get(folder);
  if (cached !== undefined) return cached;
  const definition = loadConnector(corpusFolder(folder)).definition;
  assert.ok(definition !== undefined, `${folder} did not load`);
  loaded.set(folder, definition);
  return definition;
}

/** A fixture connector of test/fixtures/policies. */
export function fixtureConnector(name: string): ConnectorDefinition {
  const definition = loadConnector(readFolder(resolve(import.meta.dirname, '../fixtures/policies', name), name)).definition;
  assert.ok(definition !== undefined, `fixture ${name} did not load`);
  return definition;
}

/** The instances of one template in a connector, in document order. */
export function instancesOf(definition: ConnectorDefinition, templateId: string): PolicyTemplateInstance[] {
  return definition.policies.filter((policy) => policy.templateId === templateId);
}

/** The one instance of a template that targets an operation (fails when there is not exactly one). */
export function instanceFor(definition: ConnectorDefinition, templateId: string, operationId: string): PolicyTemplateInstance {
  const found = instancesOf(definition, templateId).filter((policy) => policy.operationNames === undefined || policy.operationNames.includes(operationId));
  assert.equal(found.length, 1, `${templateId} instances for ${operationId}: ${found.length}`);
  const [only] = found;
  assert.ok(only !== undefined);
  return only;
}

/** A request as the gateway builds it before the policies run. */
export function request(overrides: Partial<PolicyRequest> = {}): PolicyRequest {
  return { method: 'GET', baseUrl: 'https://backend.example', path: '/', query: [], headers: {}, body: undefined, ...overrides };
}

/** A backend response. */
export function response(overrides: Partial<PolicyResponse> = {}): PolicyResponse {
  return { status: 200, headers: {}, body: undefined, ...overrides };
}

/** What a test context records. */
export interface Recorded {
  readonly sent: PolicyRequest[];
}

/** A call context; `send` answers with `answer` (default 200 `{}`) and records what was sent. */
export function context(options: {
  operationId?: string;
  originalMethod?: string;
  pathParameters?: Record<string, string>;
  connectionParameters?: Record<string, unknown>;
  originalRequest?: PolicyContext['originalRequest'];
  answer?: (request: PolicyRequest) => PolicyResponse;
} = {}): PolicyContext & Recorded {
  const sent: PolicyRequest[] = [];
  return {
    operationId: options.operationId ?? 'Operation',
    originalMethod: options.originalMethod ?? 'GET',
    pathParameters: options.pathParameters ?? {},
    connectionParameters: options.connectionParameters ?? {},
    originalRequest: options.originalRequest ?? { headers: {}, query: [], body: undefined },
    sent,
    send: async (outgoing) => {
      sent.push(outgoing);
      return options.answer?.(outgoing) ?? response({ body: {} });
    },
    rewriteNextLink: (url) => `https://plugboard.example/apim/next?link=${encodeURIComponent(url)}`,
  };
}
