/**
 * JavaScriptCode ("Execute JavaScript Code", Inline Code): runs `code` as the body of a function in
 * the gateway's QuickJS sandbox — never in the host — with a read-only `workflowContext`
 * (`{ trigger, actions, workflow }`, as `trigger()`, `actions('X')` and `workflow()` return them)
 * and returns what the code returns as `outputs.body` (the designer's **Result** token).
 *
 * - The code may `await` (it runs as an async function body; a returned promise is awaited).
 * - `workflowContext` is a deep-frozen copy made from JSON: assignments are ignored (or throw
 *   under `'use strict'`) and never reach the run.
 * - `explicitDependencies: { actions, includeTrigger }` narrows it: only the listed actions, the
 *   trigger only when `includeTrigger` is true, plus what the code names literally
 *   (`workflowContext.trigger`, `workflowContext.actions.X`, `workflowContext.actions["X"]`) — the
 *   references Logic Apps finds in the code by itself. The docs' own example lists one action
 *   and reads the trigger, which only works that way.
 * - No host access: the sandbox has no `require`, `process`, `fetch` or timers.
 */
import { isRecord } from '../../../expressions/index.ts';
import { runSandboxedFunction } from '../../../gateway/index.ts';
import type { SandboxedFunctionFailure } from '../../../gateway/index.ts';
import type { ActionExecutor, ActionInput, ActionOutcome, WorkflowSnapshot } from '../contract.ts';
import { ActionErrorCode, badInput } from '../errors.ts';
import { describe, inputsRecord, memberOf } from '../inputs.ts';
import { DEFAULT_ACTION_LIMITS } from '../limits.ts';

/** The dependencies an action declares (`explicitDependencies`). */
interface ExplicitDependencies {
  readonly actions: readonly string[];
  readonly includeTrigger: boolean;
}

/** `JavaScriptCode` — `{ code, explicitDependencies?: { actions?, includeTrigger? } }` → `outputs.body` = the returned value. */
export const javaScriptCodeExecutor: ActionExecutor = {
  type: 'javascriptcode',
  async execute(action, context) {
    const inputs = inputsRecord(action, { value: context.evaluate(action.inputs), expected: '`code` (the JavaScript to run)' });
    const limits = context.limits ?? DEFAULT_ACTION_LIMITS;
    const code = memberOf(inputs, 'code');
    if (typeof code !== 'string' || code.trim() === '') throw badInput({ action: action.name, input: 'code' }, `is required — the JavaScript to run, written as the body of a function that \`return\`s its result${code === undefined ? '' : ` (got ${describe(code)})`}`);
    const rawDependencies = memberOf(inputs, 'explicitDependencies');
    const dependencies = explicitDependenciesOf(action, rawDependencies);
    const recorded = { code, ...(rawDependencies === undefined ? {} : { explicitDependencies: rawDependencies }) };
    const fail = (errorCode: string, message: string): ActionOutcome => ({ status: 'Failed', inputs: recorded, error: { code: errorCode, message: `action '${action.name}': ${message}` } });

    if (code.length > limits.maxInlineCodeChars) {
      return fail(ActionErrorCode.InlineCodeTooLong, `input \`code\` is ${code.length} characters long; at most ${limits.maxInlineCodeChars} are allowed (limit \`maxInlineCodeChars\`) — shorten the code, or move the logic into a child workflow`);
    }
    if (context.workflowSnapshot === undefined) {
      return fail(ActionErrorCode.InlineCodeNotAvailable, 'this engine gives inline code no view of the run (`workflowSnapshot`), so JavaScriptCode actions cannot run here');
    }
    const workflowContext = workflowContextOf(action, { snapshot: context.workflowSnapshot(), dependencies, code });
    const result = await runSandboxedFunction({
      code,
      parameters: { workflowContext },
      name: `inline code of action '${action.name}'`,
      limits: { timeoutMs: limits.inlineCodeTimeoutMs, memoryLimitBytes: limits.inlineCodeMemoryBytes, maxDataBytes: limits.inlineCodeMaxDataBytes },
      ...(context.signal === undefined ? {} : { signal: context.signal }),
    });
    // Code runs synchronously between its awaits, so a cancellation is seen when it stops, whatever it returned.
    if (context.signal?.aborted === true || (!result.ok && result.failure.kind === 'aborted')) {
      return { status: 'Cancelled', inputs: recorded, error: { code: ActionErrorCode.Cancelled, message: `action '${action.name}' was cancelled while its code ran` } };
    }
    if (result.ok) return { status: 'Succeeded', inputs: recorded, outputs: { body: result.value === undefined ? null : result.value } };
    const error = failureError(result.failure);
    return fail(error.code, error.message);
  },
};

function explicitDependenciesOf(action: ActionInput, value: unknown): ExplicitDependencies | undefined {
  if (value === undefined || value === null) return undefined;
  const input = 'explicitDependencies';
  if (!isRecord(value)) throw badInput({ action: action.name, input }, `must be an object { actions: [names], includeTrigger: true|false } (got ${describe(value)})`);
  const actions = memberOf(value, 'actions') ?? [];
  if (!Array.isArray(actions) || actions.some((name) => typeof name !== 'string' || name === '')) {
    throw badInput({ action: action.name, input: `${input}.actions` }, 'must be an array of action names as the definition writes them (underscores, not spaces)');
  }
  const includeTrigger = memberOf(value, 'includeTrigger') ?? false;
  if (typeof includeTrigger !== 'boolean') throw badInput({ action: action.name, input: `${input}.includeTrigger` }, `must be true or false (got ${describe(includeTrigger)})`);
  return { actions, includeTrigger };
}

/** The `workflowContext` the code sees: everything, or what `explicitDependencies` and the code's own references name. */
function workflowContextOf(action: ActionInput, from: { readonly snapshot: WorkflowSnapshot; readonly dependencies: ExplicitDependencies | undefined; readonly code: string }): Record<string, unknown> {
  const { snapshot, dependencies, code } = from;
  if (dependencies === undefined) return { actions: snapshot.actions, trigger: snapshot.trigger, workflow: snapshot.workflow };
  const referenced = codeReferences(code);
  const actions: Record<string, unknown> = {};
  for (const name of dependencies.actions) {
    const key = resultKey(snapshot.actions, name);
    if (key === undefined) {
      throw badInput({ action: action.name, input: 'explicitDependencies.actions' }, `names '${name}', which has no result in this run yet — list only actions that run before this one, by their names in the definition`);
    }
    actions[key] = snapshot.actions[key];
  }
  for (const name of referenced.actions) {
    const key = resultKey(snapshot.actions, name);
    if (key !== undefined) actions[key] = snapshot.actions[key];
  }
  const withTrigger = dependencies.includeTrigger || referenced.trigger;
  return { actions, ...(withTrigger ? { trigger: snapshot.trigger } : {}), workflow: snapshot.workflow };
}

/** What inline code can read of the run: some actions and maybe the trigger (see {@link inlineCodeVisibility}). */
export interface InlineCodeVisibility {
  /** Names as the definition or the code writes them (matched ignoring case). */
  readonly actions: readonly string[];
  readonly trigger: boolean;
}

/**
 * What inline code with these raw (not yet evaluated) inputs can read through `workflowContext`,
 * for secure-data propagation: undefined when it sees every action and the trigger — no
 * `explicitDependencies`, or inputs whose names only an expression would give (the engine must
 * decide before the code runs, so anything it cannot read literally counts as everything).
 */
export function inlineCodeVisibility(rawInputs: unknown): InlineCodeVisibility | undefined {
  if (!isRecord(rawInputs)) return undefined;
  const code = memberOf(rawInputs, 'code');
  const dependencies = memberOf(rawInputs, 'explicitDependencies');
  if (typeof code !== 'string' || mayBeExpression(code) || !isRecord(dependencies)) return undefined;
  const actions = memberOf(dependencies, 'actions') ?? [];
  const includeTrigger = memberOf(dependencies, 'includeTrigger') ?? false;
  if (!Array.isArray(actions) || typeof includeTrigger !== 'boolean') return undefined;
  const listed: string[] = [];
  for (const name of actions) {
    if (typeof name !== 'string' || mayBeExpression(name)) return undefined;
    listed.push(name);
  }
  const referenced = codeReferences(code);
  return { actions: [...listed, ...referenced.actions], trigger: includeTrigger || referenced.trigger };
}

/** True when evaluating the inputs may change the string (`@…` or `@{…}`). */
function mayBeExpression(text: string): boolean {
  return text.startsWith('@') || text.includes('@{');
}

/** The key of `name` among the results: exact, else ignoring case (action names are case-insensitive in expressions). */
function resultKey(results: Readonly<Record<string, unknown>>, name: string): string | undefined {
  if (Object.hasOwn(results, name)) return name;
  const lower = name.toLowerCase();
  return Object.keys(results).find((key) => key.toLowerCase() === lower);
}

const TRIGGER_REFERENCE = /\bworkflowContext\s*(?:\.\s*trigger\b|\[\s*(['"])trigger\1\s*\])/;
const ACTION_REFERENCE = /\bworkflowContext\s*(?:\.\s*actions\b|\[\s*(['"])actions\1\s*\])\s*(?:\.\s*([A-Za-z_$][\w$]*)|\[\s*(['"])((?:(?!\3)[^\\\n])*)\3\s*\])/g;

/** The trigger and action names the code reads literally — a text scan, the code is never evaluated here. */
function codeReferences(code: string): { readonly trigger: boolean; readonly actions: readonly string[] } {
  const actions: string[] = [];
  for (const match of code.matchAll(ACTION_REFERENCE)) {
    const name = match[2] ?? match[4];
    if (name !== undefined && name !== '') actions.push(name);
  }
  return { trigger: TRIGGER_REFERENCE.test(code), actions };
}

/** The action error for a failure of the sandboxed code. */
function failureError(failure: SandboxedFunctionFailure): { code: string; message: string } {
  const at = (location: { line: number; column: number } | undefined): string => (location === undefined ? '' : ` at line ${location.line}, column ${location.column}`);
  switch (failure.kind) {
    case 'syntax':
      return { code: ActionErrorCode.InlineCodeSyntaxError, message: `input \`code\` has a syntax error${at(failure.location)}: ${failure.message} — the code runs as the body of a function: write statements and \`return\` the result` };
    case 'thrown':
      return {
        code: ActionErrorCode.InlineCodeScriptRuntimeFailure,
        message: `the inline code failed${at(failure.location)}: ${failure.name === 'thrown value' ? `it threw ${failure.message}` : `${failure.name}: ${failure.message}`}`,
      };
    case 'timeout':
      return { code: ActionErrorCode.InlineCodeTimeout, message: `the inline code ran for more than ${failure.limitMs} ms and was stopped (limit \`inlineCodeTimeoutMs\`) — look for an endless loop, or do less work in one action` };
    case 'memory':
      return failure.limit === 'heap'
        ? { code: ActionErrorCode.InlineCodeMemoryLimit, message: `the inline code ran out of memory: it may use at most ${mebibytes(failure.limitBytes)} (limit \`inlineCodeMemoryBytes\`) — process less data at once` }
        : { code: ActionErrorCode.InlineCodeMemoryLimit, message: 'the inline code exceeded the sandbox stack: recursion or nesting is too deep — use a loop, or flatten the data' };
    case 'input-too-large':
      return {
        code: ActionErrorCode.InlineCodeLimitExceeded,
        message: `workflowContext is ${failure.bytes} bytes as JSON, more than the ${failure.limitBytes} inline code accepts (limit \`inlineCodeMaxDataBytes\`) — list only the actions the code reads in \`explicitDependencies\``,
      };
    case 'result-too-large':
      return { code: ActionErrorCode.InlineCodeLimitExceeded, message: `the value the code returned is more than ${failure.limitBytes} bytes as JSON (limit \`inlineCodeMaxDataBytes\`) — return less data` };
    case 'result-not-json':
      return { code: ActionErrorCode.InlineCodeResultInvalid, message: `the value the code returned cannot be turned into JSON (${failure.message}) — return plain data: objects, arrays, strings, numbers, booleans or null` };
    case 'unsettled':
      return { code: ActionErrorCode.InlineCodeResultInvalid, message: 'the code awaits a promise that can never settle (inline code has no timers and no I/O) — return the value instead' };
    case 'harness-broken':
      return { code: ActionErrorCode.InlineCodeResultInvalid, message: 'the code replaced built-ins the sandbox needs to read its result (JSON, Promise or Object.prototype) — leave them unchanged' };
    case 'aborted':
      return { code: ActionErrorCode.Cancelled, message: 'the inline code was cancelled before it finished' };
    default:
      return unhandled(failure);
  }
}

/** Every failure kind is handled above; a new kind is a compile error here. */
function unhandled(failure: never): never {
  throw new Error(`unhandled inline code failure ${JSON.stringify(failure)}`);
}

function mebibytes(bytes: number): string {
  return bytes % (1024 * 1024) === 0 ? `${bytes / (1024 * 1024)} MiB` : `${bytes} bytes`;
}
