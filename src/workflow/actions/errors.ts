/**
 * Error codes of the leaf actions. An executor throws {@link ActionError}; `executeAction` turns it
 * into a `Failed` outcome with `error: { code, message }`. Codes follow Logic Apps where Logic Apps
 * documents or shows one (`InvalidTemplate`, `BadRequest`, `ValidationFailed`, `ActionFailed`);
 * the rest are ours and named in README.md.
 */
import { PlugboardError } from '../../core/index.ts';
import type { ErrorKind } from '../../core/index.ts';

/** Stable codes of action failures. */
export const ActionErrorCode = {
  /** An expression in the inputs does not parse or fails to evaluate. */
  InvalidTemplate: 'InvalidTemplate',
  /** A required input is missing or has the wrong type/shape. */
  BadRequest: 'BadRequest',
  /** ParseJson: the content does not match the schema (outputs carry the content and the errors). */
  ValidationFailed: 'ValidationFailed',
  /** ParseJson: the content is text that is not JSON. */
  InvalidJson: 'InvalidJSON',
  /** ParseJson: the schema is not a JSON schema ajv can compile. */
  InvalidSchema: 'InvalidSchema',
  /** A variable value or operation does not fit the variable's declared type. */
  InvalidVariableType: 'InvalidVariableType',
  /** The variable was never initialized. */
  VariableNotFound: 'VariableNotFound',
  /** A variable with this name (ignoring case) was already initialized. */
  VariableAlreadyExists: 'VariableAlreadyExists',
  /** Too many variables, or a variable value above the documented size. */
  VariableLimitExceeded: 'VariableLimitExceeded',
  /** An array is longer than an action allows (Foreach items, data operations). */
  LimitExceeded: 'LimitExceeded',
  /** The engine gave the Http action no outbound HTTP client. */
  HttpNotAvailable: 'HttpNotAvailable',
  /** The engine gave the connector actions (ApiConnection, OpenApiConnection) no connector port. */
  ConnectorNotAvailable: 'ConnectorNotAvailable',
  /** The engine gave JavaScriptCode no `workflowSnapshot`, so its `workflowContext` cannot be built. */
  InlineCodeNotAvailable: 'InlineCodeNotAvailable',
  /** JavaScriptCode: the code does not parse as a function body (message with line and column). */
  InlineCodeSyntaxError: 'InlineCodeSyntaxError',
  /** JavaScriptCode: the code threw (Logic Apps' own code for this). */
  InlineCodeScriptRuntimeFailure: 'InlineCodeScriptRuntimeFailure',
  /** JavaScriptCode: the code ran longer than its time limit. */
  InlineCodeTimeout: 'InlineCodeTimeout',
  /** JavaScriptCode: the code used more heap or stack than the sandbox allows. */
  InlineCodeMemoryLimit: 'InlineCodeMemoryLimit',
  /** JavaScriptCode: the code is longer than the character limit. */
  InlineCodeTooLong: 'InlineCodeTooLong',
  /** JavaScriptCode: `workflowContext` or the returned value is larger than the sandbox passes. */
  InlineCodeLimitExceeded: 'InlineCodeLimitExceeded',
  /** JavaScriptCode: no JSON result came back (not JSON data, a promise that never settles, broken built-ins). */
  InlineCodeResultInvalid: 'InlineCodeResultInvalid',
  /** The engine gave the Workflow action no port to run child workflows. */
  ChildFlowNotAvailable: 'ChildFlowNotAvailable',
  /** The action failed for a reason without a more specific code (e.g. the HTTP call could not be made). */
  ActionFailed: 'ActionFailed',
  /** No executor is registered for the action's type. */
  UnknownActionType: 'UnknownActionType',
  /** The action was cancelled (run cancelled or terminated) before it finished. */
  Cancelled: 'Cancelled',
} as const;

/** One of {@link ActionErrorCode}. */
export type ActionErrorCodeName = (typeof ActionErrorCode)[keyof typeof ActionErrorCode];

/** Options of {@link ActionError}. */
export interface ActionErrorOptions {
  readonly code: string;
  readonly kind?: ErrorKind;
  readonly details?: Readonly<Record<string, unknown>>;
  readonly cause?: unknown;
}

/** A failure of one action; the message names the action, the input and the fix, never a value. */
export class ActionError extends PlugboardError {
  constructor(message: string, options: ActionErrorOptions) {
    super(message, { code: options.code, kind: options.kind ?? 'user', details: options.details, cause: options.cause });
    this.name = 'ActionError';
  }
}

/** Which input of which action a problem is about. */
export interface InputLocation {
  readonly action: string;
  readonly input: string;
}

/** `BadRequest`: the input at `where` is wrong; `problem` continues the sentence and says what to write instead. */
export function badInput(where: InputLocation, problem: string): ActionError {
  return new ActionError(`action '${where.action}': input \`${where.input}\` ${problem}`, { code: ActionErrorCode.BadRequest, details: { action: where.action, input: where.input } });
}
