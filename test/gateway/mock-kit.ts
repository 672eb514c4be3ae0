/**
 * Test kit for the mock backend: builds a request from generated arguments the naive way (no
 * gateway, no policies), the way a plain HTTP client would call the backend directly, and runs
 * every operation of corpus connectors against a real mock server.
 */
import type { ConnectorDefinition, Operation, Parameter } from '../../src/connectors/index.ts';
import { loadConnector } from '../../src/connectors/index.ts';
import { answerStatus, createArgumentGenerator, createSchemaValidator, isSubscription, startMockServer, successResponse } from '../../src/gateway/mock/index.ts';
import type { ArgumentGenerator, SchemaValidator } from '../../src/gateway/mock/index.ts';
import { corpusFolder, corpusFolders } from '../connectors/connector-kit.ts';

/** A request ready for fetch. */
export interface NaiveRequest {
  readonly url: string;
  readonly init: RequestInit & { headers: Record<string, string> };
}

function separator(collectionFormat: string | undefined): string {
  return collectionFormat === 'ssv' ? ' ' : collectionFormat === 'tsv' ? '\t' : collectionFormat === 'pipes' ? '|' : ',';
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : JSON.stringify(value);
}

function joined(parameter: Parameter, value: unknown): string {
  return Array.isArray(value) ? value.map(text).join(separator(parameter.collectionFormat)) : text(value);
}

function normalizeBase(basePath: string | undefined): string {
  const trimmed = (basePath ?? '').trim();
  if (trimmed === '' || trimmed === '/') return '';
  const slashed = trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
  return slashed.endsWith('/') ? slashed.slice(0, -1) : slashed;
}

function isFile(value: unknown): value is { filename: string; contentType: string; data: Uint8Array } {
  return typeof value === 'object' && value !== null && (value as { data?: unknown }).data instanceof Uint8Array;
}

/** Where and with what a naive request is made. */
export interface NaiveTarget {
  readonly definition: ConnectorDefinition;
  readonly args: Readonly<Record<string, unknown>>;
  /** The mock's origin, e.g. `http://127.0.0.1:1234`. */
  readonly origin: string;
}

/** Builds the request for `operation` with `args` against `origin`, adding the credentials its security asks for. */
export function naiveRequest(operation: Operation, { definition, args, origin }: NaiveTarget): NaiveRequest {
  const query = new URLSearchParams();
  const headers: Record<string, string> = {};
  let path = operation.path.startsWith('/') ? operation.path : `/${operation.path}`;
  let body: RequestInit['body'];
  const form: [string, string | { filename: string; contentType: string; data: Uint8Array }][] = [];

  for (const parameter of operation.parameters) {
    if (!Object.hasOwn(args, parameter.name)) continue;
    const value = args[parameter.name];
    switch (parameter.in) {
      case 'path':
        path = path.split(`{${parameter.name}}`).join(encodeURIComponent(joined(parameter, value)));
        break;
      case 'query':
        if (Array.isArray(value) && parameter.collectionFormat === 'multi') for (const item of value) query.append(parameter.name, text(item));
        else query.append(parameter.name, joined(parameter, value));
        break;
      case 'header':
        // A header name no HTTP client can send (iObeya declares `Type Card`) is left out.
        if (/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(parameter.name)) headers[parameter.name.toLowerCase()] = joined(parameter, value);
        break;
      case 'formData':
        if (isFile(value)) form.push([parameter.name, value]);
        else form.push([parameter.name, joined(parameter, value)]);
        break;
      case 'body':
        // fetch cannot send a body with GET/HEAD (DocuSign BuildNumber declares one).
        if (operation.method === 'get' || operation.method === 'head') break;
        body = JSON.stringify(value);
        headers['content-type'] ??= operation.consumes.find((type) => type.includes('json')) ?? 'application/json';
        break;
      default:
        break;
    }
  }
  if (form.length > 0) {
    const multipart = form.some(([, value]) => typeof value !== 'string') || operation.consumes.some((type) => type.startsWith('multipart/'));
    if (multipart) {
      const data = new FormData();
      for (const [name, value] of form) {
        if (typeof value === 'string') data.append(name, value);
        else data.append(name, new Blob([value.data], { type: value.contentType }), value.filename);
      }
      body = data;
      delete headers['content-type'];
    } else {
      body = new URLSearchParams(form.map(([name, value]): [string, string] => [name, typeof value === 'string' ? value : '']));
      headers['content-type'] = 'application/x-www-form-urlencoded';
    }
  }
  const requirement = (operation.security ?? definition.security ?? [])[0] ?? {};
  for (const name of Object.keys(requirement)) {
    const scheme = definition.securityDefinitions.find((candidate) => candidate.name === name);
    if (scheme?.type === 'apiKey' && scheme.in === 'header') headers[scheme.parameterName.toLowerCase()] ??= 'test-api-key';
    if (scheme?.type === 'apiKey' && scheme.in === 'query' && !query.has(scheme.parameterName)) query.set(scheme.parameterName, 'test-api-key');
    if (scheme?.type === 'basic') headers['authorization'] = `Basic ${Buffer.from('user:password').toString('base64')}`;
    if (scheme?.type === 'oauth2') headers['authorization'] ??= 'Bearer test-token';
  }
  const search = query.toString();
  const url = `${origin}${normalizeBase(definition.basePath)}${path}${search === '' ? '' : `?${search}`}`;
  return { url, init: { method: operation.method.toUpperCase(), headers, body } };
}

/** The outcome of calling one operation through the mock. */
export interface OperationOutcome {
  readonly connector: string;
  readonly operationId: string;
  readonly status: number;
  readonly expectedStatus: number;
  /** Why the call does not count as a pass; empty when it passes. */
  readonly failures: readonly string[];
}

/** Loads a corpus connector (undefined for the definitions broken upstream). */
export function loadCorpusDefinition(folder: string): ConnectorDefinition | undefined {
  return loadConnector(corpusFolder(folder)).definition;
}

/** Every corpus folder, or a deterministic sample: every `step`-th folder starting at `offset`. */
export function corpusSample(step = 1, offset = 0): string[] {
  return corpusFolders().filter((_, index) => index % step === offset % step);
}

function isJson(contentType: string | null): boolean {
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  return type === 'application/json' || type === 'text/json' || type.endsWith('+json');
}

interface ConnectorRun {
  readonly connector: string;
  readonly definition: ConnectorDefinition;
  readonly origin: string;
  readonly validator: SchemaValidator;
  readonly argumentsOf: ArgumentGenerator;
}

async function callOperation(operation: Operation, run: ConnectorRun): Promise<OperationOutcome> {
  const { connector, definition, origin, validator } = run;
  const request = naiveRequest(operation, { definition, args: run.argumentsOf.generate(operation), origin });
  const response = await fetch(request.url, request.init);
  const raw = await response.text();
  const expectedStatus = answerStatus(operation);
  const failures: string[] = [];
  if (response.status !== expectedStatus) failures.push(`status ${response.status}, expected ${expectedStatus}: ${raw.slice(0, 600)}`);
  const schema = successResponse(operation)?.schema;
  if (failures.length === 0 && schema !== undefined && response.status !== 204 && isJson(response.headers.get('content-type'))) {
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (error) {
      failures.push(`body is not JSON: ${String(error)}`);
    }
    if (failures.length === 0) {
      const check = validator.check({ schema, value, direction: 'response', where: 'body' });
      if (check.compileError !== undefined) failures.push(`response schema does not compile: ${check.compileError}`);
      for (const problem of check.problems.slice(0, 3)) failures.push(`response ${problem.where}: ${problem.message}`);
    }
  }
  if (failures.length === 0 && isSubscription(operation) && response.headers.get('location') === null) failures.push('subscription answered without Location');
  return { connector, operationId: operation.operationId, status: response.status, expectedStatus, failures };
}

/** Serves `definition` on a mock server and calls every operation once, the naive way. */
export async function runConnector(folder: string, definition: ConnectorDefinition): Promise<OperationOutcome[]> {
  const server = await startMockServer(definition);
  const run: ConnectorRun = { connector: folder, definition, origin: server.url, validator: createSchemaValidator(definition.schemaDefinitions), argumentsOf: createArgumentGenerator(definition) };
  try {
    const out: OperationOutcome[] = [];
    for (const operation of definition.operations) {
      try {
        out.push(await callOperation(operation, run));
      } catch (error) {
        out.push({ connector: folder, operationId: operation.operationId, status: 0, expectedStatus: answerStatus(operation), failures: [`request failed: ${error instanceof Error ? `${error.message} ${String(error.cause ?? '')}` : String(error)}`] });
      }
    }
    return out;
  } finally {
    await server.close();
  }
}
