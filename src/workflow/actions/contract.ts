/**
 * The contract between the workflow engine and the executors of leaf actions: one executor per
 * action type, the same signature for all, found through a registry (STYLE.md §5). Executors are
 * pure apart from the ports they are given here (clock, variables, HTTP, connectors).
 */
import type { Clock } from '../../core/index.ts';
import type { ExpressionContext } from '../../expressions/index.ts';
import type { ActionLimits } from './limits.ts';
import type { VariableStore } from './variable-store.ts';

/** How an action ended (WDL run-history statuses). */
export type OutcomeStatus = 'Succeeded' | 'Failed' | 'Skipped' | 'TimedOut' | 'Cancelled';

/** The error of a failed action, as run history shows it. Messages never contain input values. */
export interface ActionErrorInfo {
  readonly code: string;
  readonly message: string;
}

/** One action of a definition, as the engine hands it over: raw JSON, expressions not yet evaluated. */
export interface ActionInput {
  /** The action's name (its key in `actions`). */
  readonly name: string;
  /** The type as written (`Compose`, `compose`, …); the registry matches it case-insensitively. */
  readonly type: string;
  /** The raw `inputs` member. */
  readonly inputs: unknown;
  /** The raw `runtimeConfiguration` member (secure data, …). */
  readonly runtimeConfiguration?: unknown;
  readonly kind?: string;
  /** JSON pointer of the action in the definition (e.g. `/actions/Compose`), for messages. */
  readonly pointer: string;
}

/** An outbound HTTP request of the Http action, shaped like the gateway's egress request. */
export interface HttpActionRequest {
  readonly method: string;
  /** Absolute URL, queries already appended. */
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string | Uint8Array;
  /** Time for one attempt in ms. */
  readonly timeoutMs?: number;
  /** The action's `retryPolicy` with durations in ms; absent = the client's default policy. */
  readonly retry?: HttpRetryPolicy | 'none';
  readonly signal?: AbortSignal;
}

/** A retry policy with durations in milliseconds (the egress client's shape). */
export type HttpRetryPolicy =
  | { readonly type: 'exponential'; readonly count: number; readonly interval: number; readonly minimumInterval?: number; readonly maximumInterval?: number }
  | { readonly type: 'fixed'; readonly count: number; readonly interval: number };

/** The final response of an outbound call; non-2xx statuses are responses, not errors. */
export interface HttpActionResponse {
  readonly status: number;
  /** Header names in any case (the egress client gives lower case). */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Uint8Array | string;
}

/** The port the Http action calls: the engine passes the guarded egress client (`(r) => egress.send(r)`). */
export type HttpPort = (request: HttpActionRequest) => Promise<HttpActionResponse>;

/** A call of one connector operation by its id (the OpenApiConnection action). */
export interface ConnectorOperationCall {
  /** The key of the flow's connection reference (`shared_office365`, `office365`). */
  readonly connectionReference: string;
  readonly operationId: string;
  /**
   * Argument values as Power Automate writes them: keyed by parameter name, where `a/b` means
   * property `b` of parameter `a`'s object (`emailMessage/To`, `item/Title`, `body/displayName`).
   */
  readonly parameters: Readonly<Record<string, unknown>>;
  readonly signal?: AbortSignal;
}

/** A method + path call on a connection (the ApiConnection action); the path selects the operation. */
export interface ConnectorRawCall {
  /** The key of the flow's connection reference, or the connection id a `$connections` entry holds. */
  readonly connectionReference: string;
  /** Upper case (`GET`, `POST`). */
  readonly method: string;
  /** The operation path as the action writes it (`/v2/Mail`), segments already URL-encoded. */
  readonly path: string;
  /** Query parameters as text. */
  readonly queries: Readonly<Record<string, string>>;
  readonly headers: Readonly<Record<string, string>>;
  /** The JSON body (or text, or a `{ "$content-type", "$content" }` envelope); undefined = none. */
  readonly body?: unknown;
  readonly signal?: AbortSignal;
}

/** A connector's answer. A non-2xx status is an answer, not an error. */
export interface ConnectorAnswer {
  readonly status: number;
  /** Lower-case names. */
  readonly headers: Readonly<Record<string, string>>;
  /** Decoded: a JSON value, text, or `{ "$content-type", "$content" }` for binary content; undefined when empty. */
  readonly body: unknown;
  /** The operation that answered, when known (a raw call finds it from method and path). */
  readonly operationId?: string;
}

/**
 * Connector calls on the connections a flow's references name (the engine passes
 * `createConnectorPort(…)` from `workflow/connectors`). Failures before an answer (unknown
 * reference, missing parameter, connection refused) are thrown as PlugboardErrors.
 */
export interface ConnectorPort {
  invokeOperation(call: ConnectorOperationCall): Promise<ConnectorAnswer>;
  invokeRaw(call: ConnectorRawCall): Promise<ConnectorAnswer>;
}

/**
 * What inline code (JavaScriptCode) may read as `workflowContext`: JSON values as the expression
 * functions return them. The executor copies them into the sandbox, so the engine may hand out
 * its own objects.
 */
export interface WorkflowSnapshot {
  /** The trigger's result object, as `trigger()` returns it (`outputs.body`, `outputs.headers`, …). */
  readonly trigger: unknown;
  /** Result objects of the actions that have a result in this run, by name, as `actions('X')` returns them. */
  readonly actions: Readonly<Record<string, unknown>>;
  /** As `workflow()` returns it: `{ id, name, type, location, run: { id, name, type }, tags }`. */
  readonly workflow: unknown;
}

/** A call of another workflow's Request trigger (the Workflow action). */
export interface ChildFlowCall {
  /**
   * The child's id: the last path segment of `host.workflow.id` (an ARM id
   * `/subscriptions/…/providers/Microsoft.Logic/workflows/<name>`, or a Plugboard flow id or name),
   * or Power Automate's `host.workflowReferenceName`.
   */
  readonly flowId: string;
  /** The id exactly as the action wrote it (the port may resolve a full ARM id itself). */
  readonly flowReference: string;
  /** `host.triggerName`; `manual` when the action names none (Power Automate's child flows). */
  readonly triggerName: string;
  readonly headers: Readonly<Record<string, string>>;
  /** The evaluated `body`; undefined when the action has none. */
  readonly body?: unknown;
  readonly signal?: AbortSignal;
}

/** The child's reply: what its Response action answered (the port decides what a child without one answers). */
export interface ChildFlowReply {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  /** A JSON value or text; undefined when empty. */
  readonly body?: unknown;
}

/**
 * Runs another workflow through its Request trigger and waits for its reply (the Workflow
 * action). The engine resolves `flowId`; an unknown child or trigger is thrown as a PlugboardError.
 */
export type ChildFlowPort = (call: ChildFlowCall) => Promise<ChildFlowReply>;

/** What an executor may use while it runs. The engine builds one per action execution. */
export interface ActionContext {
  /**
   * Deep-evaluates a JSON value: every string that is a template (`@…`, `@{…}`) is evaluated with
   * the run's expression context, `extra` overriding members (`{ item }` for Query/Select/Table).
   * Throws the expression errors (`ExpressionSyntax`, `ExpressionEvaluation`) or a
   * {@link ActionError} with code `InvalidTemplate`.
   */
  evaluate(value: unknown, extra?: Partial<ExpressionContext>): unknown;
  readonly variables: VariableStore;
  readonly clock: Clock;
  /** Aborts the action (run cancelled, Terminate elsewhere): the outcome is then `Cancelled`. */
  readonly signal?: AbortSignal;
  /** Outbound HTTP for the Http action; without it the Http action fails with `HttpNotAvailable`. */
  readonly http?: HttpPort;
  /** Connector calls for ApiConnection and OpenApiConnection; without it they fail with `ConnectorNotAvailable`. */
  readonly connectors?: ConnectorPort;
  /** Limits for this run (default {@link DEFAULT_ACTION_LIMITS}). */
  readonly limits?: ActionLimits;
  /** What JavaScriptCode's `workflowContext` is built from; without it JavaScriptCode fails with `InlineCodeNotAvailable`. */
  readonly workflowSnapshot?: () => WorkflowSnapshot;
  /** Runs child workflows for the Workflow action; without it that action fails with `ChildFlowNotAvailable`. */
  readonly childFlows?: ChildFlowPort;
  /**
   * Waits `ms` between the retries of a connector action, ending early when `signal` aborts
   * (resolves, never rejects). Default: the queue's real timers.
   */
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Uniform numbers in [0, 1) for the jitter of exponential retries. Default `Math.random`. */
  readonly random?: () => number;
}

/** The reply a Response action gives the caller of the Request trigger. */
export interface ActionResponse {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: unknown;
}

/** How a Terminate action ends the run. */
export interface RunTermination {
  readonly runStatus: 'Failed' | 'Cancelled' | 'Succeeded';
  readonly code?: string;
  readonly message?: string;
}

/**
 * Which parts of the outcome the run history must hide (`runtimeConfiguration.secureData`). The
 * outcome keeps the real values: successors read them through expressions.
 */
export interface SecureParts {
  readonly inputs: boolean;
  readonly outputs: boolean;
}

/** The result of one execution of an action. */
export interface ActionOutcome {
  readonly status: OutcomeStatus;
  /** The evaluated inputs (what run history shows as the action's inputs). */
  readonly inputs?: unknown;
  /** What `outputs('X')` returns; `body('X')` reads `outputs.body`. */
  readonly outputs?: unknown;
  readonly error?: ActionErrorInfo;
  /** Set by the Response action. */
  readonly response?: ActionResponse;
  /** Set by the Terminate action: the engine stops the run with this status. */
  readonly terminate?: RunTermination;
  /**
   * Set by the Wait action: epoch ms at which the action completes. The engine records the action
   * as running, schedules the continuation and marks it `status` at that time.
   */
  readonly waitUntil?: number;
  /** Present when some part must be hidden from run history. */
  readonly secure?: SecureParts;
}

/** Executes one action type. `type` is lower case (`compose`, `parsejson`, …). */
export interface ActionExecutor {
  readonly type: string;
  execute(action: ActionInput, context: ActionContext): Promise<ActionOutcome>;
}
