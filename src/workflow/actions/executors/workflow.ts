/**
 * Workflow: calls another workflow's Request trigger through the engine's child-flow port
 * (`ActionContext.childFlows`) and waits for its reply; outputs are the child's Response
 * `{ statusCode, headers, body }`. A reply of 400 or more fails the action with the status's name
 * as code (`NotFound`), as Logic Apps reports a failed nested workflow.
 *
 * The child is named by `host.workflow.id` (Logic Apps: an ARM id ending in `/workflows/<name>`, or
 * a Plugboard flow id or name) or `host.workflowReferenceName` (Power Automate's "Run a Child
 * Flow"); the port gets the last path segment and the raw value and resolves them. Power Automate
 * names no trigger: its child flows start with the `manual` trigger.
 */
import { isRecord } from '../../../expressions/index.ts';
import { isPlugboardError } from '../../../core/index.ts';
import type { ActionExecutor, ActionInput, ActionOutcome, ChildFlowCall, ChildFlowReply } from '../contract.ts';
import { ActionErrorCode, badInput } from '../errors.ts';
import { headerMap, sanitizedHeaders } from '../headers.ts';
import { httpStatusName } from '../http-status.ts';
import { describe, inputsRecord, memberOf } from '../inputs.ts';

/** The trigger a child is called through when the action names none. */
const DEFAULT_TRIGGER = 'manual';

/** `Workflow` — `{ host: { triggerName, workflow: { id } } | { workflowReferenceName }, headers?, body? }` → `{ statusCode, headers, body }`. */
export const workflowExecutor: ActionExecutor = {
  type: 'workflow',
  async execute(action, context) {
    const inputs = inputsRecord(action, { value: context.evaluate(action.inputs), expected: '`host` (`{ triggerName, workflow: { id } }`)' });
    const host = memberOf(inputs, 'host');
    if (!isRecord(host)) throw badInput({ action: action.name, input: 'host' }, `is required — an object { triggerName, workflow: { id } } naming the child workflow and its Request trigger (got ${describe(host)})`);
    const flowReference = childReference(action, host);
    const flowId = lastSegment(flowReference);
    const triggerValue = memberOf(host, 'triggerName');
    if (triggerValue !== undefined && triggerValue !== null && (typeof triggerValue !== 'string' || triggerValue.trim() === '')) {
      throw badInput({ action: action.name, input: 'host.triggerName' }, `must be the name of the child's Request trigger, such as 'manual' (got ${describe(triggerValue)})`);
    }
    const triggerName = typeof triggerValue === 'string' ? triggerValue.trim() : DEFAULT_TRIGGER;
    const headers = headerMap({ action: action.name, input: 'headers' }, memberOf(inputs, 'headers'));
    const rawHeaders = memberOf(inputs, 'headers');
    const body = memberOf(inputs, 'body');
    const recorded = {
      host,
      ...(rawHeaders === undefined ? {} : { headers: sanitizedHeaders(headers) }),
      ...(body === undefined ? {} : { body }),
    };
    if (context.childFlows === undefined) {
      return { status: 'Failed', inputs: recorded, error: { code: ActionErrorCode.ChildFlowNotAvailable, message: `action '${action.name}': this engine cannot run child workflows, so Workflow actions cannot run here` } };
    }
    const call: ChildFlowCall = {
      flowId,
      flowReference,
      triggerName,
      headers,
      ...(body === undefined ? {} : { body }),
      ...(context.signal === undefined ? {} : { signal: context.signal }),
    };
    let reply: ChildFlowReply;
    try {
      reply = await context.childFlows(call);
    } catch (error) {
      if (context.signal?.aborted === true) return { status: 'Cancelled', inputs: recorded, error: { code: ActionErrorCode.Cancelled, message: `action '${action.name}' was cancelled while child workflow '${flowId}' ran` } };
      return failedCall(action, { recorded, flowId, error });
    }
    const outputs = { statusCode: reply.status, headers: { ...reply.headers }, ...(reply.body === undefined ? {} : { body: reply.body }) };
    if (reply.status < 400) return { status: 'Succeeded', inputs: recorded, outputs };
    const name = httpStatusName(reply.status);
    return {
      status: 'Failed',
      inputs: recorded,
      outputs,
      error: { code: name ?? ActionErrorCode.ActionFailed, message: `action '${action.name}': child workflow '${flowId}' answered ${reply.status}${name === undefined ? '' : ` (${name})`} — see the action's outputs for its response; add an action that runs after Failed to handle it` },
    };
  },
};

/** The child's id as written: `host.workflow.id`, else `host.workflowReferenceName`. */
function childReference(action: ActionInput, host: Readonly<Record<string, unknown>>): string {
  const workflow = memberOf(host, 'workflow');
  if (workflow !== undefined && workflow !== null) {
    const id = isRecord(workflow) ? memberOf(workflow, 'id') : undefined;
    if (typeof id !== 'string' || lastSegment(id) === '') {
      throw badInput({ action: action.name, input: 'host.workflow.id' }, 'must be the child workflow\'s id — an ARM id such as /subscriptions/…/providers/Microsoft.Logic/workflows/<name>, or a Plugboard flow id or name');
    }
    return id;
  }
  const reference = memberOf(host, 'workflowReferenceName');
  if (typeof reference === 'string' && lastSegment(reference) !== '') return reference;
  throw badInput({ action: action.name, input: 'host.workflow.id' }, 'is required — the child workflow\'s id (Logic Apps `host.workflow.id`, or Power Automate `host.workflowReferenceName`)');
}

/** `/subscriptions/…/workflows/child` → `child`; a plain name stays as it is. */
function lastSegment(reference: string): string {
  const segments = reference.split('/').filter((segment) => segment.trim() !== '');
  return segments.at(-1)?.trim() ?? '';
}

function failedCall(action: ActionInput, call: { readonly recorded: unknown; readonly flowId: string; readonly error: unknown }): ActionOutcome {
  const { recorded, flowId, error } = call;
  const detail = isPlugboardError(error) ? error.message : error instanceof Error ? error.name : 'unknown error';
  return {
    status: 'Failed',
    inputs: recorded,
    error: { code: isPlugboardError(error) ? error.code : ActionErrorCode.ActionFailed, message: `action '${action.name}': child workflow '${flowId}' could not be run: ${detail}` },
  };
}
