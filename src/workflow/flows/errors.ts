/** Stable error codes raised by the flow service (documented in docs/errors.md). */
export const FlowsErrorCode = {
  /** The definition (or its connection references) has errors; `details.issues` lists them with JSON pointers (kind `user`). */
  WorkflowDefinitionInvalid: 'WorkflowDefinitionInvalid',
  /** A create or update request is malformed: name, state, connection references (kind `user`). */
  FlowInputInvalid: 'FlowInputInvalid',
  /** No flow with this id in this environment (kind `not-found`). */
  FlowNotFound: 'FlowNotFound',
  /** The flow has no such version (kind `not-found`). */
  FlowVersionNotFound: 'FlowVersionNotFound',
  /** A disabled flow cannot be run; enable it first (kind `conflict`). */
  FlowDisabled: 'FlowDisabled',
  /** No run with this id in this flow (kind `not-found`). */
  RunNotFound: 'RunNotFound',
  /** The run has no recorded action of this name (kind `not-found`). */
  ActionNotFound: 'ActionNotFound',
  /** A `$skiptoken` that this server did not hand out (kind `user`). */
  RunSkipTokenInvalid: 'RunSkipTokenInvalid',
  /** No environment of this name (kind `not-found`). */
  EnvironmentNotFound: 'EnvironmentNotFound',
  /** The service was created without a run launcher, so it cannot start runs (kind `operational`). */
  RunLauncherUnavailable: 'RunLauncherUnavailable',
} as const;

/** One of {@link FlowsErrorCode}'s values. */
export type FlowsErrorCode = (typeof FlowsErrorCode)[keyof typeof FlowsErrorCode];
