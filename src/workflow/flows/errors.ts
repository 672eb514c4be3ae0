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
  /**
   * A connection reference added by a create or update names a connection the editor may not use
   * — or one that does not exist: the two are told alike (kind `user`; `details.path` points at the reference).
   */
  ConnectionReferenceNotUsable: 'ConnectionReferenceNotUsable',
  /** The service cannot check connection references (no connection service is wired in) (kind `operational`). */
  ConnectionCheckUnavailable: 'ConnectionCheckUnavailable',
  /** A member change is malformed, e.g. it names the flow's owner (kind `user`). */
  FlowMemberInvalid: 'FlowMemberInvalid',
  /** The principal is not a member of the flow (kind `not-found`). */
  FlowMemberNotFound: 'FlowMemberNotFound',
  /** No principal has this id (kind `not-found`). */
  PrincipalNotFound: 'PrincipalNotFound',
} as const;

/** One of {@link FlowsErrorCode}'s values. */
export type FlowsErrorCode = (typeof FlowsErrorCode)[keyof typeof FlowsErrorCode];
