/**
 * Flows: the flow service (create, validate, version, enable/disable, delete, manual runs) and the
 * run history views the HTTP API and the CLI show.
 */
export { createFlowService, manualTriggerOutputs, RUN_PAGE_LIMITS } from './flow-service.ts';
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
  FoundRun,
  ManualTriggerOutputs,
  RunAddress,
  RunPage,
  RunPageRequest,
  UpdateFlowRequest,
} from './flow-service.ts';
export { FlowsErrorCode } from './errors.ts';
export { checkFlowDefinition, DEFINITION_POINTER, REFERENCES_POINTER } from './check-definition.ts';
export type { FlowDefinitionCheck } from './check-definition.ts';
export type { FlowSummaryView, FlowView } from './flow-view.ts';
export { compareIterationKeys } from './iteration-order.ts';
export { repetitionViews, runDocument, runSummaryView } from './run-views.ts';
export type { RepetitionView, RunActionView, RunDocument, RunSummaryView } from './run-views.ts';
