/**
 * The retry policy of connector actions (ApiConnection, OpenApiConnection; wdl.md §6). The
 * action's `retryPolicy` (the default policy when absent) is resolved by rules/retry-policy.ts.
 * After a 408, 429 or 5xx answer, or a failure before any answer that its error marks retryable
 * (connection refused or broken, timeout), the call waits the policy's delay
 * (rules/retry-delay.ts) and is made again, up to `count` retries; the action's outcome is the
 * last attempt's. An answer's `Retry-After` replaces the policy's delay, at most
 * {@link MAX_RETRY_AFTER_MS}, as the egress client does for the Http action. Waits go through
 * `ActionContext.sleep` and end when the action's signal aborts (run cancelled, `limit.timeout`).
 */
import { isPlugboardError } from '../../core/index.ts';
import { realSleep } from '../../queue/index.ts';
import { isRetryableFailure, retryAfterDelay, retryDelay } from '../rules/retry-delay.ts';
import { resolveRetryPolicy } from '../rules/retry-policy.ts';
import type { RetryPolicy } from '../rules/retry-policy.ts';
import type { ActionContext, ActionInput, ActionOutcome, ConnectorAnswer } from './contract.ts';
import { answerOutcome, failedCallOutcome } from './connector-outcome.ts';
import type { ConnectorTarget } from './connector-outcome.ts';
import { ActionError, ActionErrorCode } from './errors.ts';

/**
 * The longest `Retry-After` honoured; a longer one is cut to it. The egress client's default
 * `maxRetryAfterMs`, so that Http and connector actions wait alike for the same answer.
 */
export const MAX_RETRY_AFTER_MS = 120_000;

/**
 * The action's evaluated `retryPolicy` as a policy (undefined or `default` = the default policy).
 * An invalid one — an expression that gave a count of 91, say — is `BadRequest`.
 */
export function connectorRetryPolicy(action: ActionInput, retryPolicy: unknown): RetryPolicy {
  const { policy, issues } = resolveRetryPolicy(retryPolicy);
  if (policy !== undefined && issues.length === 0) return policy;
  const problems = issues.map((issue) => issue.message).join('; ');
  throw new ActionError(`action '${action.name}': input \`retryPolicy\` is not valid: ${problems}`, { code: ActionErrorCode.BadRequest, details: { action: action.name, input: 'retryPolicy' } });
}

/** One connector call of an action, for {@link callConnectorWithRetry}. */
export interface ConnectorCall {
  readonly context: ActionContext;
  readonly policy: RetryPolicy;
  /** What run history shows as the action's inputs. */
  readonly recorded: unknown;
  readonly target: ConnectorTarget;
  /** Makes one attempt (the port call, with the action's signal). */
  readonly send: () => Promise<ConnectorAnswer>;
}

/** What one attempt gave: an answer (any status) or a failure before an answer. */
type Attempt = { readonly answer: ConnectorAnswer } | { readonly error: unknown };

/** Calls, retrying per the policy, and gives the outcome of the last attempt (see connector-outcome.ts). */
export async function callConnectorWithRetry(action: ActionInput, call: ConnectorCall): Promise<ActionOutcome> {
  const { context, policy, recorded, target, send } = call;
  const signal = context.signal ?? new AbortController().signal;
  const sleep = context.sleep ?? realSleep;
  const random = context.random ?? Math.random;
  for (let attempt = 1; ; attempt++) {
    let result: Attempt;
    try {
      result = { answer: await send() };
    } catch (error) {
      result = { error };
    }
    const wait = signal.aborted ? undefined : waitBeforeRetry(policy, { attempt, result, random, now: context.clock.now() });
    if (wait === undefined) return 'answer' in result ? answerOutcome(action, { recorded, answer: result.answer, target }) : failedCallOutcome(action, { recorded, error: result.error, context, target });
    await sleep(wait, signal);
    if (signal.aborted) {
      return {
        status: 'Cancelled',
        inputs: recorded,
        error: { code: ActionErrorCode.Cancelled, message: `action '${action.name}' was cancelled while it waited to call connection reference '${target.reference}' again (after attempt ${attempt})` },
      };
    }
  }
}

/** Milliseconds to wait before calling again after `attempt` (1 = the first call), or undefined when the outcome stands. */
function waitBeforeRetry(policy: RetryPolicy, after: { readonly attempt: number; readonly result: Attempt; readonly random: () => number; readonly now: number }): number | undefined {
  const { attempt, result, random, now } = after;
  // A failure before an answer is retried only when its error says trying again can help
  // (connectivity, timeouts) — not for an unknown reference or a missing parameter.
  const retryable = 'answer' in result ? isRetryableFailure({ statusCode: result.answer.status }) : isPlugboardError(result.error) && result.error.retryable;
  if (!retryable) return undefined;
  const delay = retryDelay(policy, { attempt, random });
  if (delay === undefined) return undefined;
  const asked = 'answer' in result ? retryAfterDelay(result.answer.headers, now) : undefined;
  return asked === undefined ? delay : Math.min(asked, MAX_RETRY_AFTER_MS);
}
