/**
 * The policy chain of one connector: every instance compiled once, then run in document order on
 * each call — request section before the backend call, response section after it, failure
 * section on error responses.
 */
import type { Issue } from '../core/index.ts';
import type { Operation, PolicySection, PolicyTemplateInstance } from '../connectors/index.ts';
import { resolveLimits } from '../expressions/index.ts';
import type { ExpressionLimits } from '../expressions/index.ts';
import { POLICY_ERROR_CODES, PolicyError } from './errors.ts';
import type { PolicyLocation } from './errors.ts';
import type { BackendView, PolicyContext, PolicyRequest, PolicyResponse, PolicyResponseResult, PollingTriggerConfig } from './model.ts';
import { ParameterReader, policyLocation } from './parameters.ts';
import type { BackendViewBuilder, CompiledPolicy } from './policy-template.ts';
import { policyTemplate } from './registry.ts';
import { PolicyRun } from './run.ts';

/** Options of {@link createPolicyChain}. */
export interface PolicyChainOptions {
  /** The file issues point into (e.g. `Planner/apiProperties.json`). */
  readonly file?: string;
  readonly limits?: Partial<ExpressionLimits>;
}

/** The compiled policies of one connector. */
export interface PolicyChain {
  /** What compiling found: unknown templates and ineffective sections (warnings), invalid parameters (errors). */
  readonly issues: readonly Issue[];
  /** Runs the request policies for an operation on a copy of `request`; the copy is returned. */
  applyRequest(operationId: string, request: PolicyRequest, context: PolicyContext): Promise<PolicyRequest>;
  /** Runs the response policies on a copy of the backend's response. */
  applyResponse(operationId: string, response: PolicyResponse, context: PolicyContext): Promise<PolicyResponseResult>;
  /** Runs the failure-section policies (setheader only) on a copy of an error response. */
  applyFailure(operationId: string, response: PolicyResponse, context: PolicyContext): Promise<PolicyResponseResult>;
  /** The pollingtrigger configuration of an operation, if a policy makes it a polling trigger. */
  pollingTrigger(operationId: string): PollingTriggerConfig | undefined;
  /** How the backend sees an operation after the request policies (for the mock backend). */
  backendView(operation: Operation): BackendView;
}

/** One instance, compiled (or not, when its parameters are invalid). */
interface Entry {
  readonly location: PolicyLocation;
  readonly section: PolicySection;
  /** Undefined: every operation. */
  readonly operations: ReadonlySet<string> | undefined;
  readonly compiled: CompiledPolicy | undefined;
  /** A pollingtrigger instance: configuration for the scheduler, not part of a call. */
  readonly isTrigger: boolean;
  /** Why the instance cannot run, when `compiled` is undefined. */
  readonly problem: string;
}

/** The entries that apply to one operation, by section. */
interface OperationPolicies {
  readonly request: readonly Entry[];
  readonly response: readonly Entry[];
  readonly failure: readonly Entry[];
  readonly trigger: Entry | undefined;
  readonly requestTouchesBody: boolean;
  readonly responseTouchesBody: boolean;
}

/** Operations cached per chain; beyond this, lookups are computed each time (ids come from callers). */
const CACHE_LIMIT = 10_000;

/**
 * Compiles a connector's policy instances. Never throws for a bad instance: unknown templates are
 * skipped with a warning, an instance with invalid parameters is reported as errors and makes the
 * operations it targets fail with `PolicyInvalid` (rather than call the backend without it).
 */
export function createPolicyChain(instances: readonly PolicyTemplateInstance[], options: PolicyChainOptions = {}): PolicyChain {
  const issues: Issue[] = [];
  const entries: Entry[] = [];
  for (const instance of instances) {
    const compiled = compileInstance(instance, options);
    issues.push(...compiled.issues);
    if (compiled.entry !== undefined) entries.push(compiled.entry);
  }
  const limits = resolveLimits(options.limits);
  const cache = new Map<string, OperationPolicies>();
  const forOperation = (operationId: string): OperationPolicies => {
    const cached = cache.get(operationId);
    if (cached !== undefined) return cached;
    const found = select(entries, operationId);
    if (cache.size < CACHE_LIMIT) cache.set(operationId, found);
    return found;
  };

  return {
    issues,
    async applyRequest(operationId, request, context) {
      const policies = forOperation(operationId);
      const working = copyRequest(request, policies.requestTouchesBody);
      if (policies.request.length === 0) return working;
      const run = new PolicyRun(context, limits);
      run.request = working;
      for (const entry of policies.request) {
        run.location = entry.location;
        const done = compiledOf(entry).request?.(working, run);
        if (done !== undefined) await done;
      }
      return working;
    },
    applyResponse(operationId, response, context) {
      const policies = forOperation(operationId);
      return runResponse(policies.response, { working: copyResponse(response, policies.responseTouchesBody), run: () => new PolicyRun(context, limits) });
    },
    applyFailure(operationId, response, context) {
      return runResponse(forOperation(operationId).failure, { working: copyResponse(response, false), run: () => new PolicyRun(context, limits) });
    },
    pollingTrigger(operationId) {
      const entry = forOperation(operationId).trigger;
      return entry === undefined ? undefined : compiledOf(entry).trigger?.(operationId);
    },
    backendView(operation) {
      const view: BackendViewBuilder = {
        method: operation.method.toUpperCase(),
        path: operation.path,
        addedHeaders: new Set(),
        addedQuery: new Set(),
        bodyTransformed: false,
        baseUrlTemplate: undefined,
      };
      for (const entry of forOperation(operation.operationId).request) entry.compiled?.describe?.(view);
      return {
        method: view.method,
        path: view.path,
        addedHeaders: [...view.addedHeaders],
        addedQuery: [...view.addedQuery],
        bodyTransformed: view.bodyTransformed,
        baseUrlTemplate: view.baseUrlTemplate,
      };
    },
  };
}

function compileInstance(instance: PolicyTemplateInstance, options: PolicyChainOptions): { readonly entry?: Entry; readonly issues: readonly Issue[] } {
  const params = new ParameterReader(instance, options);
  const template = policyTemplate(instance.templateId);
  const location = policyLocation(instance);
  if (template === undefined) {
    params.issue({ code: 'policy-template-unknown', severity: 'warning', message: `template \`${instance.templateIdRaw}\` is not known, so the policy does not run` });
    return { issues: params.issues };
  }
  const section = instance.policySection ?? template.defaultSection;
  if (template.id !== 'pollingtrigger' && !template.sections.includes(section)) {
    params.issue({ code: 'policy-section-ineffective', severity: 'warning', message: `\`${template.id}\` does nothing in the ${section} section, so the policy does not run — use ${template.sections.map((known) => known[0]?.toUpperCase() + known.slice(1)).join(' or ')}` });
    return { issues: params.issues };
  }
  const compiled = template.compile({ instance, section, params });
  const firstError = params.issues.find((issue) => issue.severity === 'error');
  const operations = instance.operationNames === undefined || instance.operationNames.length === 0 ? undefined : new Set(instance.operationNames);
  const entry: Entry = {
    location,
    section,
    operations,
    compiled: firstError === undefined ? compiled : undefined,
    isTrigger: template.id === 'pollingtrigger',
    problem: firstError === undefined ? 'it did not compile' : firstError.message.replace(`${location.label}: `, ''),
  };
  return { entry, issues: params.issues };
}

function select(entries: readonly Entry[], operationId: string): OperationPolicies {
  const request: Entry[] = [];
  const response: Entry[] = [];
  const failure: Entry[] = [];
  let trigger: Entry | undefined;
  let requestTouchesBody = false;
  let responseTouchesBody = false;
  for (const entry of entries) {
    if (entry.operations !== undefined && !entry.operations.has(operationId)) continue;
    const compiled = entry.compiled;
    if (entry.isTrigger) {
      trigger ??= entry;
      continue;
    }
    const touches = compiled === undefined || compiled.touchesBody === true;
    if (entry.section === 'request') {
      request.push(entry);
      requestTouchesBody ||= touches;
    } else if (entry.section === 'response') {
      response.push(entry);
      responseTouchesBody ||= touches;
    } else failure.push(entry);
  }
  return { request, response, failure, trigger, requestTouchesBody, responseTouchesBody };
}

/** The compiled policy, or the `PolicyInvalid` error of an instance that did not compile. */
function compiledOf(entry: Entry): CompiledPolicy {
  if (entry.compiled !== undefined) return entry.compiled;
  throw new PolicyError(`cannot run because it is invalid: ${entry.problem} — fix the policy in apiProperties.json (the connector's validation lists it)`, {
    code: POLICY_ERROR_CODES.invalid,
    location: entry.location,
  });
}

async function runResponse(entries: readonly Entry[], call: { readonly working: PolicyResponseResult; readonly run: () => PolicyRun }): Promise<PolicyResponseResult> {
  const { working } = call;
  if (entries.length === 0) return working;
  const run = call.run();
  for (const entry of entries) {
    run.location = entry.location;
    const done = compiledOf(entry).response?.(working, run);
    if (done !== undefined) await done;
  }
  return working;
}

function copyRequest(request: PolicyRequest, deep: boolean): PolicyRequest {
  return {
    method: request.method,
    baseUrl: request.baseUrl,
    path: request.path,
    query: request.query.map(([name, value]): [string, string] => [name, value]),
    headers: { ...request.headers },
    body: deep ? structuredClone(request.body) : request.body,
  };
}

function copyResponse(response: PolicyResponse, deep: boolean): PolicyResponseResult {
  return { status: response.status, headers: { ...response.headers }, body: deep ? structuredClone(response.body) : response.body };
}
