/**
 * Workflow: Logic Apps / Power Automate workflow definitions — loading, validation — and the pure
 * rules of runs (runAfter, run and scope status, retry policies).
 */
export { loadWorkflowDefinition } from './definition/load-workflow-definition.ts';
export type { LoadWorkflowOptions, LoadedWorkflow } from './definition/load-workflow-definition.ts';
export { validateWorkflowDefinition } from './definition/validate-workflow-definition.ts';
export type { ValidateWorkflowOptions } from './definition/checks/check.ts';
export { STRUCTURE_LIMITS } from './definition/checks/structure.ts';
export { CONTROL_LIMITS } from './definition/checks/control-actions.ts';
export { ACTION_TYPES, TRIGGER_TYPES, actionTypeOf, triggerTypeOf } from './definition/action-types.ts';
export type { ActionShape, ActionTypeInfo, TypeInfo } from './definition/action-types.ts';
export { connectionReferenceOf } from './definition/connection-references.ts';
export { expressionSites } from './definition/expression-sites.ts';
export type { ExpressionSite } from './definition/expression-sites.ts';
export type {
  ActionContainer,
  ActionParent,
  ConnectionReference,
  ContainerBranch,
  DefinitionFormat,
  ExpressionIssue,
  ParameterDeclaration,
  ParameterType,
  WorkflowAction,
  WorkflowDefinition,
  WorkflowTrigger,
} from './definition/model.ts';
export { RUN_AFTER_STATUSES, asRunAfterStatus, runAfterStatusOf } from './rules/status.ts';
export type { ActionStatus, RunAfter, RunAfterStatus, RunStatus, TerminateStatus } from './rules/status.ts';
export { shouldRun, skipError } from './rules/should-run.ts';
export { TRIGGER_CONCURRENCY_RUNS, TRIGGER_WAITING_RUNS, concurrencyIssues, triggerConcurrencyOf } from './rules/trigger-concurrency.ts';
export type { TriggerConcurrency } from './rules/trigger-concurrency.ts';
export type { RunAfterDecision, UnmetCondition } from './rules/should-run.ts';
export { CONTAINER_FAILED_ERROR, failedBranchEnds, loopStatus, runStatus, scopeStatus } from './rules/aggregate-status.ts';
export type { FinishedAction, ContainerStatus } from './rules/aggregate-status.ts';
export { DEFAULT_RETRY_POLICY, RETRY_LIMITS, resolveRetryPolicy } from './rules/retry-policy.ts';
export type { ResolvedRetryPolicy, RetryPolicy } from './rules/retry-policy.ts';
export { isRetryableFailure, retryAfterDelay, retryDelay, retryDelays } from './rules/retry-delay.ts';
export type { RandomSource } from './rules/retry-delay.ts';
export { formatIsoDuration, parseIsoDuration } from './rules/iso-duration.ts';
// Leaf action executors (actions/): the engine runs them through the registry.
export {
  ActionError,
  ActionErrorCode,
  BUILT_IN_ACTION_EXECUTORS,
  DEFAULT_ACTION_LIMITS,
  createActionRegistry,
  createBuiltInActionRegistry,
  createValueEvaluator,
  createVariableStore,
  evaluateCondition,
  failureOf,
  foreachItems,
  historyView,
  inheritsSecureInputs,
  outputReferences,
  secureDataOf,
  switchCase,
} from './actions/index.ts';
export type {
  ActionContext,
  ActionExecutor,
  ActionInput,
  ActionOutcome,
  ActionRegistry,
  HttpPort,
  OutcomeStatus,
  ValueEvaluator,
  VariableStore,
  VariableType,
} from './actions/index.ts';
export type { ConnectorAnswer, ConnectorOperationCall, ConnectorPort, ConnectorRawCall } from './actions/index.ts';
// The connector port (connectors/): ApiConnection / OpenApiConnection calls through the gateway.
export { ConnectorPortErrorCode, createConnectorPort, operationArguments, resolveConnectionReferences } from './connectors/index.ts';
export type { ConnectionReferenceTable, ConnectorPortOptions, ResolvedConnectionReference } from './connectors/index.ts';
// The run engine (engine/): runs journaled in the store, in-process or durably through the JobQueue.
export type { RunActionResult } from './engine/run-engine.ts';
export { runWorkflow } from './engine/run-workflow.ts';
export type { RunFlowTarget, RunResult, RunWorkflowOptions } from './engine/run-workflow.ts';
export type { ReplyingRunInput, ReplyingRuns, ResubmitOptions, RunLauncher, RunLifecycle, RunReply, StartRunInput } from './engine/run-launcher-types.ts';
export { RUNS_QUEUE, createRunLauncher } from './engine/run-launcher.ts';
export type { DurableRuns, ExecuteOptions, ExecutionOutcome, RunFlowContext, RunLauncherOptions, RunWorkerOptions } from './engine/run-launcher.ts';
export { DEFAULT_RUN_RETENTION_DAYS, MAINTENANCE_QUEUE, MAX_RUN_RETENTION_DAYS, createRunRetention } from './engine/run-retention.ts';
export type { RetentionOutcome, RunRetention, RunRetentionOptions } from './engine/run-retention.ts';
// Flows (flows/): the flow service and the run history views of the HTTP API and the CLI.
export { FlowsErrorCode, RUN_PAGE_LIMITS, checkFlowDefinition, compareIterationKeys, createFlowService, manualTriggerOutputs, repetitionViews, runDocument, runSummaryView } from './flows/index.ts';
export type {
  ConnectionUseCheck,
  CreateFlowRequest,
  FlowAddress,
  FlowEditor,
  FlowListFilter,
  FlowMemberRole,
  FlowMemberView,
  SetFlowMemberRequest,
  StartRunRequest,
  FlowRunEntry,
  FlowService,
  FlowServiceOptions,
  FlowSummaryView,
  FlowView,
  FoundRun,
  ManualTriggerOutputs,
  RepetitionView,
  RunActionView,
  RunAddress,
  RunDocument,
  RunPage,
  RunPageRequest,
  RunSummaryView,
  UpdateFlowRequest,
} from './flows/index.ts';
// Triggers (triggers/): schedules, signed callback URLs, polling and webhooks, the trigger service.
export {
  CALLBACK_LOOKUP_REUSE_MS,
  CallRefusedError,
  TRIGGERS_QUEUE,
  buildCallbackUrl,
  callbackRefusal,
  conditionsHold,
  createTriggerService,
  firingsOf,
  nextOccurrence,
  nextWindow,
  notificationOutputs,
  notificationSchemaOf,
  parseRecurrence,
  pollTrigger,
  pollingOperationOf,
  readSubscription,
  signCallback,
  splitOnItems,
  subscribeWebhook,
  triggerKindOf,
  unsubscribeWebhook,
} from './triggers/index.ts';
export type {
  CallbackKeys,
  CallbackQuery,
  CallbackUrl,
  IncomingCall,
  InvokeResult,
  PollOutcome,
  Recurrence,
  TriggerCallInput,
  TriggerKind,
  TriggerPorts,
  TriggerService,
  TriggerServiceOptions,
} from './triggers/index.ts';
