/**
 * The state one poll hands to the next (the "cursor"), committed by the trigger service together
 * with the runs the poll starts. Plain JSON. A cursor written for other trigger inputs (the flow
 * was edited) is ignored, so an old `Location` or filter value never leaks into a new definition.
 */
import { createHash } from 'node:crypto';
import { isRecord } from '../../expressions/index.ts';
import type { WorkflowTrigger } from '../definition/model.ts';
import type { TriggerOutputs } from './split-on.ts';
import { textRecord } from './values.ts';

/** The cursor format this module writes. */
export const POLL_CURSOR_VERSION = 1;

/** The previous execution of the trigger, for `trigger()` inside the trigger's inputs. */
export interface PreviousExecution {
  /** ISO-8601 time of the poll. */
  readonly startTime: string;
  readonly status: 'Succeeded' | 'Skipped';
  readonly code?: string;
  /** The answer's outputs; `body` is left out when larger than the cursor allows. */
  readonly outputs: TriggerOutputs;
}

/** The state between two polls of one trigger. */
export interface PollCursor {
  readonly version: typeof POLL_CURSOR_VERSION;
  /** Hash of the trigger's type and raw inputs: a cursor of other inputs is ignored. */
  readonly fingerprint: string;
  /** Http: the URL of the next poll (the last answer's `Location`), fetched with GET. */
  readonly nextUrl?: string;
  /** Http: the origin of the trigger's own `uri`; credentials are sent to a `Location` only on this origin. */
  readonly origin?: string;
  /** Connector triggers: the query parameters of the last answer's `Location` (the connector's own state, such as `sequence`). */
  readonly locationQuery?: Readonly<Record<string, string>>;
  /**
   * pollingtrigger template: the query values the next poll sends (`after`, `$filter`, …),
   * computed from the last answer. Present once the baseline poll was made.
   */
  readonly templateQuery?: Readonly<Record<string, string>>;
  readonly previous?: PreviousExecution;
}

/** Hash of what identifies a trigger's polling target: its type and raw inputs. */
export function triggerFingerprint(trigger: Pick<WorkflowTrigger, 'type' | 'inputs'>): string {
  return createHash('sha256').update(JSON.stringify([trigger.type.toLowerCase(), trigger.inputs ?? null])).digest('hex').slice(0, 32);
}

/** The cursor if `value` is one this module wrote for the same trigger inputs, else undefined (start over). */
export function readPollCursor(value: unknown, fingerprint: string): PollCursor | undefined {
  if (!isRecord(value) || value['version'] !== POLL_CURSOR_VERSION || value['fingerprint'] !== fingerprint) return undefined;
  const nextUrl = value['nextUrl'];
  const origin = value['origin'];
  const locationQuery = isRecord(value['locationQuery']) ? textRecord(value['locationQuery']) : undefined;
  const templateQuery = isRecord(value['templateQuery']) ? textRecord(value['templateQuery']) : undefined;
  const previous = previousOf(value['previous']);
  return {
    version: POLL_CURSOR_VERSION,
    fingerprint,
    ...(typeof nextUrl === 'string' && nextUrl !== '' ? { nextUrl } : {}),
    ...(typeof origin === 'string' && origin !== '' ? { origin } : {}),
    ...(locationQuery === undefined ? {} : { locationQuery }),
    ...(templateQuery === undefined ? {} : { templateQuery }),
    ...(previous === undefined ? {} : { previous }),
  };
}

/** The outputs kept for `trigger()`: the body only when its JSON is at most `maxBodyChars` long. */
export function previousExecution(execution: { readonly outputs: TriggerOutputs; readonly now: number; readonly status: PreviousExecution['status']; readonly code?: string; readonly maxBodyChars: number }): PreviousExecution {
  const { outputs, now, status, code, maxBodyChars } = execution;
  let keepBody = outputs.body !== undefined;
  if (keepBody) {
    const text = JSON.stringify(outputs.body);
    keepBody = text !== undefined && text.length <= maxBodyChars;
  }
  return {
    startTime: new Date(now).toISOString(),
    status,
    ...(code === undefined ? {} : { code }),
    outputs: { headers: outputs.headers, ...(outputs.statusCode === undefined ? {} : { statusCode: outputs.statusCode }), ...(keepBody ? { body: outputs.body } : {}) },
  };
}

function previousOf(value: unknown): PreviousExecution | undefined {
  if (!isRecord(value) || typeof value['startTime'] !== 'string' || !isRecord(value['outputs'])) return undefined;
  const outputs = value['outputs'];
  const headers = textRecord(outputs['headers']);
  const statusCode = outputs['statusCode'];
  const status = value['status'] === 'Skipped' ? 'Skipped' : 'Succeeded';
  const code = value['code'];
  return {
    startTime: value['startTime'],
    status,
    ...(typeof code === 'string' ? { code } : {}),
    outputs: { headers, ...(typeof statusCode === 'number' ? { statusCode } : {}), ...('body' in outputs ? { body: outputs['body'] } : {}) },
  };
}
