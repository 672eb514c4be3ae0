/**
 * The call of one poll, shared by the trigger kinds: each kind (polling-http.ts,
 * polling-connector.ts) sends the trigger's request with the cursor's state through the matching
 * action executor — so a trigger's inputs mean exactly what the same action's inputs mean — and
 * reports the answer or why there was none. Messages name the trigger, never input values.
 */
import { isPlugboardError } from '../../core/index.ts';
import { isRecord } from '../../expressions/index.ts';
import type { ActionContext, ActionInput, ActionOutcome } from '../actions/contract.ts';
import type { WorkflowTrigger } from '../definition/model.ts';
import type { PollCursor } from './polling-cursor.ts';
import type { PollingOperation, PollingOperationLookup } from './polling-template.ts';
import type { TriggerOutputs } from './split-on.ts';
import { setOwn, triggerMessage } from './values.ts';

/** Why a poll failed: a stable code, a message naming the trigger and the target, and whether trying again may help. */
export interface PollError {
  readonly code: string;
  readonly message: string;
  /** 408, 429, 5xx and connection failures: the trigger service may retry per the trigger's retryPolicy. */
  readonly retryable: boolean;
  /** The answer's status, when the failure is an answer. */
  readonly statusCode?: number;
}

/** What a kind's call gets. */
export interface PollCallRequest {
  readonly trigger: WorkflowTrigger;
  readonly cursor: PollCursor | undefined;
  /** The context the action executor runs with: `evaluate` sees the previous execution as `trigger()`. */
  readonly actionContext: ActionContext;
  readonly connectorOperations?: PollingOperationLookup;
}

/** An answer of the polled service. */
export interface PollAnswer {
  readonly kind: 'answer';
  readonly outputs: TriggerOutputs & { readonly statusCode: number };
  /** Names what answered, for messages: `GET api.example.com`, `operation 'X' on connection reference 'y'`. */
  readonly target: string;
  /** Http: the URL the request went to (a relative `Location` is resolved against it). */
  readonly requestUrl?: string;
  /** Connector triggers: the operation the call reached, when the lookup knew it. */
  readonly operation?: PollingOperation;
  /** pollingtrigger: the template query values this call sent. */
  readonly sentTemplateQuery?: Readonly<Record<string, string>>;
}

/** A poll that got no answer (bad inputs, expression error, no port, connection failure). */
export interface PollCallFailure {
  readonly kind: 'failed';
  readonly error: PollError;
}

/** What a kind's call reports. */
export type PollCallResult = PollAnswer | PollCallFailure;

/**
 * Runs an action executor for the trigger's call: an answer when the outcome has
 * `{ statusCode, headers, body }`, else a failure with the executor's code (a thrown
 * PlugboardError included). `thrown` is the port's own error, when it threw one, for `retryable`.
 */
export async function executeForTrigger(call: {
  readonly trigger: WorkflowTrigger;
  readonly action: ActionInput;
  readonly context: ActionContext;
  readonly execute: (action: ActionInput, context: ActionContext) => Promise<ActionOutcome>;
  readonly portError: () => unknown;
}): Promise<{ readonly kind: 'outputs'; readonly outputs: TriggerOutputs & { readonly statusCode: number } } | PollCallFailure> {
  const { trigger, action, context } = call;
  let outcome: ActionOutcome;
  try {
    outcome = await call.execute(action, context);
  } catch (error) {
    if (!isPlugboardError(error)) throw error;
    return { kind: 'failed', error: { code: error.code, message: triggerMessage(error.message, { trigger: trigger.name }), retryable: error.retryable } };
  }
  const outputs = outcome.outputs;
  if (isRecord(outputs) && typeof outputs['statusCode'] === 'number') {
    const headers = textHeaders(outputs['headers']);
    return { kind: 'outputs', outputs: { statusCode: outputs['statusCode'], headers, ...(outputs['body'] === undefined ? {} : { body: outputs['body'] }) } };
  }
  const portError = call.portError();
  const error = outcome.error ?? { code: 'TriggerFailed', message: `action '${trigger.name}' got no answer` };
  return { kind: 'failed', error: { code: error.code, message: triggerMessage(error.message, { trigger: trigger.name }), retryable: isPlugboardError(portError) ? portError.retryable : false } };
}

/** Header values that are text (an executor's outputs hold nothing else). */
function textHeaders(value: unknown): Readonly<Record<string, string>> {
  const out: Record<string, string> = {};
  if (!isRecord(value)) return out;
  for (const key of Object.keys(value)) {
    const item = value[key];
    if (typeof item === 'string') setOwn(out, key.toLowerCase(), item);
  }
  return out;
}
