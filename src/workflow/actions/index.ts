/**
 * Leaf action executors of the workflow engine: one module per action type behind one contract,
 * found through a registry; plus the pure helpers the engine's control actions need (conditions,
 * Switch matching, Foreach items), the typed variable store and the deep input evaluator.
 */
export type {
  ActionContext,
  ActionErrorInfo,
  ActionExecutor,
  ActionInput,
  ActionOutcome,
  ActionResponse,
  ChildFlowCall,
  ChildFlowPort,
  ChildFlowReply,
  ConnectorAnswer,
  ConnectorOperationCall,
  ConnectorPort,
  ConnectorRawCall,
  OutcomeStatus,
  HttpActionRequest,
  HttpActionResponse,
  HttpPort,
  HttpRetryPolicy,
  RunTermination,
  SecureParts,
  WorkflowSnapshot,
} from './contract.ts';
export { ActionError, ActionErrorCode } from './errors.ts';
export type { ActionErrorCodeName, ActionErrorOptions } from './errors.ts';
export { DEFAULT_ACTION_LIMITS, resolveActionLimits } from './limits.ts';
export type { ActionLimits } from './limits.ts';
export { BUILT_IN_ACTION_EXECUTORS, createActionRegistry, createBuiltInActionRegistry, failureOf } from './registry.ts';
export type { ActionRegistry } from './registry.ts';
export { createValueEvaluator } from './value-evaluator.ts';
export type { ValueEvaluator, ValueEvaluatorOptions } from './value-evaluator.ts';
export { VARIABLE_TYPES, createVariableStore, fitsVariableType, parseVariableType, typeOfValue } from './variable-store.ts';
export type { DeclaredVariable, VariableStore, VariableStoreOptions, VariableType } from './variable-store.ts';
export { historyView, inheritedSecureParts, inheritsSecureInputs, inlineCodeReferences, outputReferences, secureDataOf } from './secure-data.ts';
export type { OutputReferences, SecuredProducer, SecuredProducers } from './secure-data.ts';
export { evaluateCondition } from './conditions.ts';
export type { ConditionContext } from './conditions.ts';
export { switchCase } from './switch-case.ts';
export type { SwitchCaseDefinition } from './switch-case.ts';
export { foreachItems } from './foreach-items.ts';
export { CALENDAR_UNITS, addCalendarUnits, parseCalendarUnit } from './durations.ts';
export type { CalendarUnit } from './durations.ts';
export { httpStatusName } from './http-status.ts';
export { composeExecutor } from './executors/compose.ts';
export { parseJsonExecutor } from './executors/parse-json.ts';
export type { SchemaValidationProblem } from './executors/parse-json.ts';
export { queryExecutor } from './executors/query.ts';
export { selectExecutor } from './executors/select.ts';
export { joinExecutor } from './executors/join.ts';
export { tableExecutor } from './executors/table.ts';
export { initializeVariableExecutor } from './executors/initialize-variable.ts';
export { setVariableExecutor } from './executors/set-variable.ts';
export { incrementVariableExecutor } from './executors/increment-variable.ts';
export { decrementVariableExecutor } from './executors/decrement-variable.ts';
export { appendToArrayVariableExecutor } from './executors/append-to-array-variable.ts';
export { appendToStringVariableExecutor } from './executors/append-to-string-variable.ts';
export { terminateExecutor } from './executors/terminate.ts';
export { waitExecutor } from './executors/wait.ts';
export { responseExecutor } from './executors/response.ts';
export { httpExecutor } from './executors/http.ts';
export { javaScriptCodeExecutor } from './executors/javascript-code.ts';
export { workflowExecutor } from './executors/workflow.ts';
export { apiConnectionExecutor } from './executors/api-connection.ts';
export { openApiConnectionExecutor } from './executors/open-api-connection.ts';
