/**
 * Runs a JavaScript function body — not a connector script — in the custom-code sandbox, for the
 * workflow engine's inline code action (JavaScriptCode).
 *
 * It goes through the very invocation path connector scripts use (`invokeInSandbox`): a fixed,
 * trusted harness module stands in for the script, the body and its parameters travel as the
 * request body (JSON text), and the result comes back as the response body. So the function gets
 * the same fresh QuickJS runtime per call, the same engine pool, heap/stack/time limits and
 * clean-up on every path as custom code, without a second sandbox driver to keep correct.
 *
 * Inside the sandbox the harness compiles the body with the `AsyncFunction` constructor. QuickJS
 * builds that function by pasting the body into `(async function anonymous(…) {\n<body>\n})`, so
 * a body such as `}(X()) + {` would close the function early and run `X()` while being compiled.
 * The body is therefore put inside a block labelled with a random name per call, and the block ends
 * with `break <label>;`: a body that closes the block leaves that `break` outside its label, which
 * is an early SyntaxError — nothing runs. (A leading `'use strict'` directive is kept in front of
 * the label.) Either way the body reaches only its parameters and the sandbox globals, never the
 * harness's variables or the hook's `send`. Each parameter is a deep-frozen copy made from JSON.
 * Errors the body throws, and syntax errors, are caught inside and returned as data with their line
 * and column in the body; running out of time, heap or stack is left to the host, which owns those
 * limits.
 */
import { randomUUID } from 'node:crypto';
import { PlugboardError, isPlugboardError, silentLogger, systemClock } from '../../core/index.ts';
import type { Clock, Logger } from '../../core/index.ts';
import { compileScript } from './compile-script.ts';
import type { ScriptLocation } from './errors.ts';
import { UNSETTLED_PROMISE_MESSAGE, invokeInSandbox } from './sandbox-invocation.ts';
import { SCRIPT_RUNNER_DEFAULTS, resolveScriptRunnerOptions } from './script-runner.ts';
import type { ScriptEngineVariant, ScriptResponse } from './script-types.ts';

/** Limits of one sandboxed function call; defaults are the custom-code sandbox's ({@link SCRIPT_RUNNER_DEFAULTS}). */
export interface SandboxedFunctionLimits {
  /** Heap limit; default 64 MiB. */
  readonly memoryLimitBytes?: number;
  /** The function's own execution time; default 5,000 ms. */
  readonly timeoutMs?: number;
  /** QuickJS stack limit; default 48 KiB. */
  readonly maxStackBytes?: number;
  /** Largest JSON text of the parameters going in, and of the result coming out; default 8 MiB. */
  readonly maxDataBytes?: number;
}

/** Options of {@link runSandboxedFunction}. */
export interface SandboxedFunctionOptions {
  /** A function body (`return x;`); `await` is allowed: the body is run as an async function. */
  readonly code: string;
  /**
   * Names the body sees, bound to deep-frozen copies of these JSON values (function parameters, not
   * properties of `globalThis`). A BigInt (the workflow engine's exact Int64) becomes a number.
   */
  readonly parameters?: Readonly<Record<string, unknown>>;
  /** What the code is called in host messages and logs (e.g. `inline code of action 'X'`). */
  readonly name?: string;
  readonly limits?: SandboxedFunctionLimits;
  /** Where `console.*` goes; default silent. */
  readonly logger?: Logger;
  /** Measures execution time; must advance while code runs (default: the system clock — never a manual test clock). */
  readonly clock?: Clock;
  /** Cancels the call: it ends with `{ kind: 'aborted' }`. */
  readonly signal?: AbortSignal;
  readonly engine?: ScriptEngineVariant;
}

/** Why a sandboxed function call did not return a value. Line and column count from 1 within the body. */
export type SandboxedFunctionFailure =
  | { readonly kind: 'syntax'; readonly message: string; readonly location?: ScriptLocation }
  | { readonly kind: 'thrown'; readonly name: string; readonly message: string; readonly location?: ScriptLocation }
  | { readonly kind: 'timeout'; readonly limitMs: number }
  | { readonly kind: 'memory'; readonly limit: 'heap'; readonly limitBytes: number }
  | { readonly kind: 'memory'; readonly limit: 'stack' }
  | { readonly kind: 'input-too-large'; readonly bytes: number; readonly limitBytes: number }
  | { readonly kind: 'result-too-large'; readonly limitBytes: number }
  /** The returned value could not be turned into JSON (a BigInt, a cycle, a throwing `toJSON`…). */
  | { readonly kind: 'result-not-json'; readonly message: string }
  /** The body awaits something that can never settle (the sandbox has no timers and no I/O). */
  | { readonly kind: 'unsettled' }
  /** The body broke built-ins the harness relies on (JSON, Promise, Object.prototype) so that no result came back. */
  | { readonly kind: 'harness-broken'; readonly message: string }
  | { readonly kind: 'aborted' };

/** The outcome of {@link runSandboxedFunction}. `value` is JSON data; undefined when the body returned nothing (or a function). */
export type SandboxedFunctionResult = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly failure: SandboxedFunctionFailure };

/** The file name the harness module is evaluated under (in host messages only; the body's frames are `<input>`). */
const HARNESS_FILE = 'plugboard:function-harness';
/** QuickJS's file name for code compiled by the Function constructors. */
const BODY_FILE = '<input>';
/** Lines before the body: QuickJS's `(async function anonymous(a\n) {\n` and the harness's `<label>: {\n`. */
const BODY_LINE_OFFSET = 3;
/** A `'use strict'` directive at the start of the body (after comments and white space). */
const STRICT_DIRECTIVE = /^(?:\s|\/\/[^\n]*(?:\n|$)|\/\*[\s\S]*?\*\/)*(['"])use strict\1/;
/** Longest message kept from the guest. */
const MESSAGE_CHARS = 2000;
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
/** A stack frame in the body: `at anonymous (<input>:4:7)` or, for syntax errors, `at <input>:4:9`. */
const BODY_FRAME = new RegExp(`(?:\\(|at )${BODY_FILE}:(\\d+):(\\d+)\\)?$`);

/**
 * The trusted module the sandbox runs. Built-ins are captured at load, before the body runs, so a
 * body that replaces `JSON` or `Object.freeze` only breaks its own result. Out-of-memory and stack
 * overflow are rethrown so the host sees them (and discards the engine instance).
 */
const HARNESS_SOURCE = String.raw`
const parse = JSON.parse;
const stringify = JSON.stringify;
const freeze = Object.freeze;
const isFrozen = Object.isFrozen;
const keysOf = Object.keys;
const toStr = String;
const apply = Reflect.apply;
const construct = Reflect.construct;
const AsyncFunction = (async function () {}).constructor;

function deepFreeze(root) {
  const pending = [root];
  while (pending.length > 0) {
    const value = pending.pop();
    if (value === null || typeof value !== 'object' || isFrozen(value)) continue;
    freeze(value);
    const names = keysOf(value);
    for (let i = 0; i < names.length; i++) pending.push(value[names[i]]);
  }
  return root;
}

function describe(error) {
  const out = { name: 'Error', message: '', stack: '' };
  try {
    if (error !== null && (typeof error === 'object' || typeof error === 'function')) {
      out.name = toStr(error.name);
      out.message = toStr(error.message);
      if (typeof error.stack === 'string') out.stack = error.stack;
    } else {
      out.name = 'thrown value';
      out.message = toStr(error);
    }
  } catch (e) {
    out.message = '(the thrown value could not be read)';
  }
  return out;
}

function isLimit(error) {
  if (error === null || typeof error !== 'object') return false;
  const message = error.message;
  return (message === 'out of memory' || message === 'stack overflow') && (error.name === 'InternalError' || error.name === 'RangeError' || error.name === 'SyntaxError');
}

function reply(result) {
  return { status: 200, headers: {}, body: stringify(result) };
}

export default async function ({ request }) {
  const input = parse(request.body);
  let body;
  try {
    body = construct(AsyncFunction, [...input.names, input.prologue + input.label + ': {\n' + input.code + '\nbreak ' + input.label + ';\n}']);
  } catch (error) {
    if (isLimit(error)) throw error;
    return reply({ ok: false, phase: 'syntax', error: describe(error) });
  }
  let value;
  try {
    value = await apply(body, undefined, input.values.map(deepFreeze));
  } catch (error) {
    if (isLimit(error)) throw error;
    return reply({ ok: false, phase: 'run', error: describe(error) });
  }
  try {
    return reply({ ok: true, value: value });
  } catch (error) {
    if (isLimit(error)) throw error;
    return reply({ ok: false, phase: 'result', error: describe(error) });
  }
}
`;

const HARNESS = compileScript({ source: HARNESS_SOURCE, language: 'javascript', file: HARNESS_FILE });

/**
 * Runs `code` as the body of an async function with `parameters` in a fresh QuickJS sandbox and
 * returns its JSON result, or why there is none. Throws only for the caller's mistakes (a
 * parameter name that is not an identifier, parameter values that are not JSON) and for a sandbox
 * crash (`CustomCodeCrashed`).
 */
export async function runSandboxedFunction(options: SandboxedFunctionOptions): Promise<SandboxedFunctionResult> {
  const parameters = options.parameters ?? {};
  const names = Object.keys(parameters);
  const badName = names.find((name) => !IDENTIFIER.test(name));
  if (badName !== undefined) throw invalidOptions(`parameter name ${JSON.stringify(badName)} is not a JavaScript identifier`);
  const limits = options.limits ?? {};
  const maxDataBytes = limits.maxDataBytes ?? SCRIPT_RUNNER_DEFAULTS.maxBodyBytes;
  const timeoutMs = limits.timeoutMs ?? SCRIPT_RUNNER_DEFAULTS.timeoutMs;
  const memoryLimitBytes = limits.memoryLimitBytes ?? SCRIPT_RUNNER_DEFAULTS.memoryLimitBytes;
  const resolved = resolveScriptRunnerOptions({
    source: '',
    language: 'javascript',
    file: options.name ?? 'inline code',
    memoryLimitBytes,
    timeoutMs,
    // Nothing is awaited outside the sandbox: the total only bounds the (uncharged) prelude on top of the execution budget.
    totalTimeoutMs: timeoutMs + 5000,
    ...(limits.maxStackBytes === undefined ? {} : { maxStackBytes: limits.maxStackBytes }),
    maxBodyBytes: maxDataBytes,
    maxSendCalls: 0,
    logger: options.logger ?? silentLogger,
    clock: options.clock ?? systemClock,
    ...(options.engine === undefined ? {} : { engine: options.engine }),
  });
  const input = inputText(options.code, { names, values: names.map((name) => parameters[name]) });
  const bytes = Buffer.byteLength(input, 'utf8');
  if (bytes > maxDataBytes) return failed({ kind: 'input-too-large', bytes, limitBytes: maxDataBytes });
  if (options.signal?.aborted === true) return failed({ kind: 'aborted' });
  let response: ScriptResponse;
  try {
    response = await invokeInSandbox(resolved, HARNESS, {
      operationId: 'function',
      request: { method: 'POST', url: 'https://sandbox.invalid/function', headers: {}, body: input },
      send: () => Promise.reject(new PlugboardError('a sandboxed function has no network access', { code: 'CustomCodeFailed', kind: 'operational' })),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
  } catch (error) {
    return failed(limitFailure(error, { timeoutMs, memoryLimitBytes, maxDataBytes }));
  }
  return readReply(response.body, options.code);
}

/** What the harness reads: the body, its label and prologue, parameter names and values. */
function inputText(code: string, parameters: { readonly names: readonly string[]; readonly values: readonly unknown[] }): string {
  const label = `body_${randomUUID().replaceAll('-', '')}`;
  const prologue = STRICT_DIRECTIVE.test(code) ? "'use strict'; " : '';
  try {
    const values = parameters.values.map((value) => (value === undefined ? null : value));
    return JSON.stringify({ code, label, prologue, names: parameters.names, values }, (_key, value: unknown) => (typeof value === 'bigint' ? Number(value) : value));
  } catch (error) {
    throw invalidOptions(`the parameter values must be JSON data (${error instanceof Error ? error.message : String(error)})`);
  }
}

function failed(failure: SandboxedFunctionFailure): SandboxedFunctionResult {
  return { ok: false, failure };
}

function invalidOptions(problem: string): PlugboardError {
  return new PlugboardError(`runSandboxedFunction: ${problem}`, { code: 'ScriptRunnerOptionsInvalid', kind: 'unexpected' });
}

/** The sandbox's own errors (limits, cancellation) as failures; a crash or a harness that cannot load is rethrown. */
function limitFailure(error: unknown, limits: { readonly timeoutMs: number; readonly memoryLimitBytes: number; readonly maxDataBytes: number }): SandboxedFunctionFailure {
  if (!isPlugboardError(error)) throw error;
  switch (error.code) {
    case 'CustomCodeTimeout':
      return { kind: 'timeout', limitMs: limits.timeoutMs };
    case 'CustomCodeMemoryLimit':
      return error.details?.['limit'] === 'stack' ? { kind: 'memory', limit: 'stack' } : { kind: 'memory', limit: 'heap', limitBytes: limits.memoryLimitBytes };
    case 'CustomCodeLimitExceeded':
      // The input was measured before the call, so only the returned result can be over the limit.
      return { kind: 'result-too-large', limitBytes: limits.maxDataBytes };
    case 'CustomCodeAborted':
      return { kind: 'aborted' };
    case 'CustomCodeFailed':
      return error.message.includes(UNSETTLED_PROMISE_MESSAGE) ? { kind: 'unsettled' } : { kind: 'harness-broken', message: clip(error.message) };
    default:
      throw error;
  }
}

/** Reads the harness's reply; anything unexpected means the body tampered with the harness's built-ins. */
function readReply(body: string | null, code: string): SandboxedFunctionResult {
  const broken = failed({ kind: 'harness-broken', message: 'the sandbox harness answered something that is not its result' });
  if (body === null) return broken;
  let reply: unknown;
  try {
    reply = JSON.parse(body);
  } catch {
    return broken;
  }
  if (!isRecord(reply)) return broken;
  if (reply['ok'] === true) return { ok: true, value: reply['value'] };
  const error = guestError(reply['error']);
  if (reply['phase'] === 'syntax') return syntaxFailure(error, code);
  if (reply['phase'] === 'run') return failed({ kind: 'thrown', name: error.name, message: error.message, ...located(error.stack) });
  if (reply['phase'] === 'result') return failed({ kind: 'result-not-json', message: error.message });
  return broken;
}

/** A syntax error; one found after the body's last line means the body is not closed, or closes more than it opens. */
function syntaxFailure(error: { readonly message: string; readonly stack: string }, code: string): SandboxedFunctionResult {
  const { location } = located(error.stack);
  const lines = code.split('\n').length;
  if (location === undefined || location.line <= lines) return failed({ kind: 'syntax', message: error.message, ...(location === undefined ? {} : { location }) });
  return failed({ kind: 'syntax', message: `the code ends inside an unclosed string, comment, bracket or block, or closes a brace it did not open (${error.message})`, location: { line: lines, column: (code.split('\n').at(-1) ?? '').length + 1 } });
}

function guestError(value: unknown): { name: string; message: string; stack: string } {
  const record = isRecord(value) ? value : {};
  const text = (key: string, fallback: string): string => (typeof record[key] === 'string' ? clip(record[key]) : fallback);
  return { name: text('name', 'Error'), message: text('message', ''), stack: text('stack', '') };
}

/** The innermost frame in the body, as a location in the body. */
function located(stack: string): { location?: ScriptLocation } {
  for (const raw of stack.split('\n')) {
    const frame = raw.trim();
    if (!frame.startsWith('at ')) continue;
    const match = BODY_FRAME.exec(frame);
    if (match === null) continue;
    const line = Number(match[1]) - BODY_LINE_OFFSET;
    if (line < 1) return {};
    return { location: { line, column: Number(match[2]) } };
  }
  return {};
}

function clip(text: string): string {
  return text.length > MESSAGE_CHARS ? `${text.slice(0, MESSAGE_CHARS)}…` : text;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
