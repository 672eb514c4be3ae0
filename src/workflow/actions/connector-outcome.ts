/**
 * How a connector call becomes an action outcome (ApiConnection and OpenApiConnection alike):
 * outputs `{ statusCode, headers, body }`; a non-2xx answer fails the action with the status's
 * name as code (`NotFound`), as Logic Apps reports it, and keeps the outputs; a failure before an
 * answer keeps its own code; an aborted call is `Cancelled`.
 */
import { isPlugboardError } from '../../core/index.ts';
import type { ActionContext, ActionInput, ActionOutcome, ConnectorAnswer } from './contract.ts';
import { ActionErrorCode } from './errors.ts';
import { httpStatusName } from './http-status.ts';

/** What a connector action called, for messages: never input values, only names. */
export interface ConnectorTarget {
  readonly reference: string;
  /** The operation id, when the action names it (OpenApiConnection). */
  readonly operationId?: string;
}

/** The outcome of an answer: `Succeeded` for 2xx, else `Failed` with the status name as code. */
export function answerOutcome(action: ActionInput, call: { readonly recorded: unknown; readonly answer: ConnectorAnswer; readonly target: ConnectorTarget }): ActionOutcome {
  const { recorded, answer, target } = call;
  const outputs = { statusCode: answer.status, headers: { ...answer.headers }, ...(answer.body === undefined ? {} : { body: answer.body }) };
  if (answer.status >= 200 && answer.status <= 299) return { status: 'Succeeded', inputs: recorded, outputs };
  const name = httpStatusName(answer.status);
  const operationId = target.operationId ?? answer.operationId;
  return {
    status: 'Failed',
    inputs: recorded,
    outputs,
    error: {
      code: name ?? ActionErrorCode.ActionFailed,
      message: `action '${action.name}': ${operationId === undefined ? 'the connector' : `operation '${operationId}'`} on connection reference '${target.reference}' answered ${answer.status}${name === undefined ? '' : ` (${name})`} — see the action's outputs for the response; add an action that runs after Failed to handle it`,
    },
  };
}

/** The outcome of a call that failed before an answer: `Cancelled` when the run was, else `Failed` with the error's code. */
export function failedCallOutcome(action: ActionInput, call: { readonly recorded: unknown; readonly error: unknown; readonly context: ActionContext; readonly target: ConnectorTarget }): ActionOutcome {
  const { recorded, error, context, target } = call;
  if (context.signal?.aborted === true) {
    return { status: 'Cancelled', inputs: recorded, error: { code: ActionErrorCode.Cancelled, message: `action '${action.name}' was cancelled while its call on connection reference '${target.reference}' was in flight` } };
  }
  // Anything but a PlugboardError is a bug of the port: the registry rethrows it.
  if (!isPlugboardError(error)) throw error;
  const message = error.message.startsWith(`action '${action.name}'`) ? error.message : `action '${action.name}': ${error.message}`;
  return { status: 'Failed', inputs: recorded, error: { code: error.code, message } };
}

/** The outcome when the engine gave no connector port. */
export function noConnectorsOutcome(action: ActionInput, recorded: unknown): ActionOutcome {
  return {
    status: 'Failed',
    inputs: recorded,
    error: { code: ActionErrorCode.ConnectorNotAvailable, message: `action '${action.name}': this engine has no connector gateway, so ${action.type} actions cannot run here — run the flow on a Plugboard server (or pass a connector port to the engine)` },
  };
}

