/**
 * Retry policies (`inputs.retryPolicy`, wdl.md §6) and action timeouts (`limit.timeout`, ISO 8601)
 * written as literals; those built by expressions are checked when the run evaluates them.
 */
import type { Issue } from '../../../core/index.ts';
import { isRecord } from '../../../expressions/index.ts';
import { parseIsoDuration } from '../../rules/iso-duration.ts';
import { resolveRetryPolicy } from '../../rules/retry-policy.ts';
import type { CheckInput } from './check.ts';
import { error } from './check.ts';

function hasExpression(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('@');
  if (Array.isArray(value)) return value.some(hasExpression);
  return isRecord(value) && Object.values(value).some(hasExpression);
}

/** Reports invalid literal retry policies and timeouts of actions and triggers. */
export function checkRetryAndTimeouts({ definition }: CheckInput): Issue[] {
  const issues: Issue[] = [];
  for (const node of [...definition.triggers, ...definition.allActions]) {
    const policy = isRecord(node.inputs) ? node.inputs['retryPolicy'] : undefined;
    if (policy !== undefined && !hasExpression(policy)) {
      for (const found of resolveRetryPolicy(policy, { path: `${node.pointer}/inputs/retryPolicy` }).issues) issues.push({ ...found, message: `\`${node.name}\`: ${found.message}` });
    }
    const limit = node.raw['limit'];
    const timeout = isRecord(limit) ? limit['timeout'] : undefined;
    if (timeout !== undefined && !hasExpression(timeout) && (typeof timeout !== 'string' || parseIsoDuration(timeout) === undefined)) {
      issues.push(error('timeout-invalid', `${node.pointer}/limit/timeout`, `\`${node.name}\`: limit timeout ${JSON.stringify(timeout)} is not an ISO 8601 duration — write e.g. "PT1H", "PT30S" or "P1D"`));
    }
  }
  return issues;
}
