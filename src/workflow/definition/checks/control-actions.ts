/**
 * The members and limits of control actions (wdl.md §4, §10): Switch (≤ 25 distinct cases),
 * Foreach (`foreach`, concurrency 1–50), Until (`expression`, count 1–5,000), Terminate (a known
 * `runStatus`, `runError` only when Failed), and neither Terminate nor Response inside a loop.
 */
import type { Issue } from '../../../core/index.ts';
import { escapePointerToken } from '../../../core/index.ts';
import { isRecord } from '../../../expressions/index.ts';
import type { WorkflowAction, WorkflowDefinition } from '../model.ts';
import type { CheckInput } from './check.ts';
import { enclosingActions, error } from './check.ts';

/** Documented limits. */
export const CONTROL_LIMITS = Object.freeze({ maxSwitchCases: 25, minRepetitions: 1, maxRepetitions: 50, minUntilCount: 1, maxUntilCount: 5000 });

const isExpression = (value: unknown): boolean => typeof value === 'string' && value.includes('@');

function checkSwitch(action: WorkflowAction, issues: Issue[]): void {
  const cases = action.raw['cases'];
  if (action.raw['expression'] === undefined) issues.push(error('switch-expression-missing', action.pointer, `Switch \`${action.name}\` has no \`expression\` — add the value to switch on, e.g. "@triggerBody()?['status']"`));
  if (!isRecord(cases)) return;
  const entries = Object.entries(cases);
  if (entries.length > CONTROL_LIMITS.maxSwitchCases) {
    issues.push(error('switch-case-count-exceeded', `${action.pointer}/cases`, `Switch \`${action.name}\` has ${entries.length} cases; at most ${CONTROL_LIMITS.maxSwitchCases} are allowed — nest a second Switch in \`default\``));
  }
  const seen = new Map<string, string>();
  for (const [name, entry] of entries) {
    const value = isRecord(entry) ? entry['case'] : undefined;
    const at = `${action.pointer}/cases/${escapePointerToken(name)}`;
    if (value === undefined) {
      issues.push(error('switch-case-value-missing', at, `Switch \`${action.name}\`: case \`${name}\` has no \`case\` value — add the value it matches`));
      continue;
    }
    const key = JSON.stringify(value);
    const first = seen.get(key);
    if (first !== undefined) issues.push(error('switch-case-duplicate', `${at}/case`, `Switch \`${action.name}\`: cases \`${first}\` and \`${name}\` match the same value — each case needs a distinct value`));
    else seen.set(key, name);
  }
}

function checkForeach(action: WorkflowAction, issues: Issue[]): void {
  if (action.raw['foreach'] === undefined) issues.push(error('foreach-missing', action.pointer, `Foreach \`${action.name}\` has no \`foreach\` — add the array to loop over, e.g. "@triggerBody()?['items']"`));
  const configuration = action.raw['runtimeConfiguration'];
  const concurrency = isRecord(configuration) && isRecord(configuration['concurrency']) ? configuration['concurrency'] : undefined;
  const repetitions = concurrency?.['repetitions'];
  const { minRepetitions, maxRepetitions } = CONTROL_LIMITS;
  if (repetitions !== undefined && !isExpression(repetitions) && (typeof repetitions !== 'number' || !Number.isInteger(repetitions) || repetitions < minRepetitions || repetitions > maxRepetitions)) {
    issues.push(error('foreach-concurrency-invalid', `${action.pointer}/runtimeConfiguration/concurrency/repetitions`, `Foreach \`${action.name}\`: concurrency ${JSON.stringify(repetitions)} must be an integer from ${minRepetitions} to ${maxRepetitions} (default 20; 1 runs the iterations one by one)`));
  }
}

function checkUntil(action: WorkflowAction, issues: Issue[]): void {
  if (action.raw['expression'] === undefined) issues.push(error('until-expression-missing', action.pointer, `Until \`${action.name}\` has no \`expression\` — add the condition that ends the loop`));
  const limit = action.raw['limit'];
  const count = isRecord(limit) ? limit['count'] : undefined;
  const { minUntilCount, maxUntilCount } = CONTROL_LIMITS;
  if (count !== undefined && !isExpression(count) && (typeof count !== 'number' || !Number.isInteger(count) || count < minUntilCount || count > maxUntilCount)) {
    issues.push(error('until-count-invalid', `${action.pointer}/limit/count`, `Until \`${action.name}\`: limit count ${JSON.stringify(count)} must be an integer from ${minUntilCount} to ${maxUntilCount} (default 60)`));
  }
}

function checkTerminate(action: WorkflowAction, issues: Issue[]): void {
  const inputs = isRecord(action.inputs) ? action.inputs : {};
  const status = inputs['runStatus'];
  const known = ['Succeeded', 'Failed', 'Cancelled'];
  if (typeof status !== 'string' || !known.some((k) => k.toLowerCase() === status.toLowerCase())) {
    issues.push(error('terminate-status-invalid', `${action.pointer}/inputs/runStatus`, `Terminate \`${action.name}\`: runStatus ${JSON.stringify(status ?? null)} must be one of ${known.join(', ')}`));
  } else if (inputs['runError'] !== undefined && status.toLowerCase() !== 'failed') {
    issues.push(error('terminate-error-not-allowed', `${action.pointer}/inputs/runError`, `Terminate \`${action.name}\`: runError is only allowed with runStatus Failed — remove it or set runStatus to Failed`));
  }
}

/** Terminate and Response may not sit inside a Foreach or Until, at any depth. */
function checkPlacement(definition: WorkflowDefinition, action: WorkflowAction): Issue[] {
  const loop = enclosingActions(definition, action).find((a) => a.type === 'Foreach' || a.type === 'Until');
  if (loop === undefined) return [];
  return [
    error(`${action.type.toLowerCase()}-in-loop`, action.pointer, `${action.type} \`${action.name}\` is inside the ${loop.type} \`${loop.name}\`, where it is not allowed — move it after the loop`),
  ];
}

/** Reports malformed or over-limit Switch, Foreach, Until and Terminate actions, and Terminate/Response in loops. */
export function checkControlActions({ definition }: CheckInput): Issue[] {
  const issues: Issue[] = [];
  for (const action of definition.allActions) {
    if (action.type === 'Switch') checkSwitch(action, issues);
    else if (action.type === 'Foreach') checkForeach(action, issues);
    else if (action.type === 'Until') checkUntil(action, issues);
    else if (action.type === 'Terminate') checkTerminate(action, issues);
    if (action.type === 'Terminate' || action.type === 'Response') issues.push(...checkPlacement(definition, action));
  }
  return issues;
}
