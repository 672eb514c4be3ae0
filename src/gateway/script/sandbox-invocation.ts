/**
 * One run of a script in a fresh QuickJS runtime: create the runtime with its limits, install the
 * prelude, evaluate the module, call the hook, drive its promise while `send` calls complete, and
 * free everything — on success, on error, and on timeout.
 *
 * Time: the runtime's interrupt handler stops the guest when its own execution (summed over every
 * entry into the sandbox) passes `timeoutMs`, or when the whole invocation passes
 * `totalTimeoutMs`. Waiting for `send` is not guest execution. No timers are used: the loop only
 * waits for `send` promises (and the caller's AbortSignal), so a script awaiting something that can
 * never settle fails at once.
 *
 * Every entry into the sandbox happens after an `await`, so it starts on a shallow host stack;
 * that is what makes the default 48 KiB QuickJS stack limit stop runaway recursion before V8's
 * own stack overflows through the WebAssembly frames. If V8's stack overflows anyway (e.g. the
 * parser on absurdly nested code), the engine instance is discarded (see script-engine.ts).
 *
 * `send` calls still in flight when the invocation ends (the script threw, or a limit stopped it)
 * are cancelled through the AbortSignal handed to `send`.
 */
import { Scope } from 'quickjs-emscripten';
import type { QuickJSContext, QuickJSDeferredPromise, QuickJSHandle, QuickJSRuntime } from 'quickjs-emscripten';
import { PlugboardError, errorMessage, isPlugboardError } from '../../core/index.ts';
import { createRedactor } from '../invoke/redact.ts';
import type { CompiledScript } from './compile-script.ts';
import { SCRIPT_HOOK_SIGNATURE, customCodeAborted, customCodeCrashed, customCodeFailed, customCodeInvalid, customCodeLimitExceeded, customCodeMemoryLimit, customCodeTimeout } from './errors.ts';
import type { ScriptErrorContext } from './errors.ts';
import { IMPORT_REFUSED, isOutOfMemory, scriptFailure } from './guest-error.ts';
import type { GuestError } from './guest-error.ts';
import { GUEST_LOG_LINE_CHARS, PRELUDE_FILE, PRELUDE_SOURCE } from './prelude.ts';
import { leaseScriptEngine } from './script-engine.ts';
import type { ScriptEngineLease } from './script-engine.ts';
import { ScriptBodyTooLargeError, ScriptMessageError, readScriptResponse, readSendAnswer, readSendRequest, requestForScript } from './script-messages.ts';
import type { ResolvedScriptRunnerOptions, ScriptRequest, ScriptResponse, ScriptRunInput } from './script-types.ts';

/** Why an invocation failed when the hook awaits something that can never settle (callers may recognise it). */
export const UNSETTLED_PROMISE_MESSAGE = 'the script awaits a promise that can never settle (no send() is in flight and the sandbox has no timers) — await send() or return a value';

/** Console lines kept per invocation; later ones are dropped with one warning. */
const MAX_LOG_LINES = 100;

/** Header names whose values are credentials, masked in console output and error messages. */
const CREDENTIAL_HEADER = /auth|key|token|secret|password|cookie|signature/i;

type SendOutcome = { readonly id: number; readonly ok: true; readonly response: ScriptResponse } | { readonly id: number; readonly ok: false; readonly error: unknown };

interface InFlightSend {
  readonly deferred: QuickJSDeferredPromise;
  readonly done: Promise<void>;
}

/** Runs the script's hook once for `call`, in a fresh runtime. */
export async function invokeInSandbox(options: ResolvedScriptRunnerOptions, script: CompiledScript, call: ScriptRunInput): Promise<ScriptResponse> {
  // Awaiting the lease also puts every sandbox entry below on a shallow host stack.
  const invocation = new SandboxInvocation(await leaseScriptEngine(options.engine, options.memoryLimitBytes), options, script, call);
  try {
    const response = await invocation.execute();
    if (response === undefined) throw new Error('the sandbox returned no response for a call');
    return response;
  } finally {
    invocation.dispose();
  }
}

/** Loads the module in a fresh runtime and checks that it exports the hook (top-level code runs, under the same limits). */
export async function checkInSandbox(options: ResolvedScriptRunnerOptions, script: CompiledScript): Promise<void> {
  const invocation = new SandboxInvocation(await leaseScriptEngine(options.engine, options.memoryLimitBytes), options, script, undefined);
  try {
    await invocation.execute();
  } finally {
    invocation.dispose();
  }
}

class SandboxInvocation {
  private readonly lease: ScriptEngineLease;
  private readonly options: ResolvedScriptRunnerOptions;
  private readonly script: CompiledScript;
  private readonly call: ScriptRunInput | undefined;
  private readonly context: ScriptErrorContext;
  private readonly redact: (text: string) => string;
  private readonly scope = new Scope();
  private readonly totalDeadline: number;
  private runtime: QuickJSRuntime | undefined;
  private vm: QuickJSContext | undefined;
  private cpuUsedMs = 0;
  private deadline = Number.POSITIVE_INFINITY;
  private interrupted = false;
  private crashed = false;
  private outOfMemory = false;
  private fatal: Error | undefined;
  private sendCalls = 0;
  private nextSendId = 1;
  private readonly inFlight = new Map<number, InFlightSend>();
  private readonly completed: SendOutcome[] = [];
  private readonly sendErrors = new Map<number, unknown>();
  private sendErrorMarker: QuickJSHandle | undefined;
  private logLines = 0;
  private aborted: Promise<void> | undefined;
  private removeAbortListener: (() => void) | undefined;
  /** Cancels this invocation's `send` calls when it ends; combined with the caller's signal. */
  private readonly sendAbort = new AbortController();
  private readonly sendSignal: AbortSignal;

  constructor(lease: ScriptEngineLease, options: ResolvedScriptRunnerOptions, script: CompiledScript, call: ScriptRunInput | undefined) {
    this.lease = lease;
    this.options = options;
    this.script = script;
    this.call = call;
    this.context = call === undefined ? { file: script.file } : { file: script.file, operationId: call.operationId };
    this.redact = createRedactor([...(call?.secrets ?? []), ...credentialValues(call?.request.headers ?? {})]).redactText;
    this.totalDeadline = options.clock.now() + options.totalTimeoutMs;
    this.sendSignal = call?.signal === undefined ? this.sendAbort.signal : AbortSignal.any([call.signal, this.sendAbort.signal]);
  }

  async execute(): Promise<ScriptResponse | undefined> {
    this.checkAbort();
    // Prepare the input before touching QuickJS: a request over the limits never enters the sandbox.
    const input = this.call === undefined ? undefined : JSON.stringify({ operationId: this.call.operationId, request: this.guestRequest(this.call) });
    this.open();
    const harness = this.installPrelude();
    const hook = await this.loadModule();
    if (input === undefined) return undefined;
    const vm = this.vmOrThrow();
    const promise = this.scope.manage(
      this.guestCall(() => {
        const inputHandle = this.scope.manage(vm.newString(input));
        return vm.callFunction(harness, vm.undefined, hook, inputHandle);
      }, { phase: 'run' }),
    );
    const outcome = await this.settle(promise, 'run');
    if (outcome.rejected !== undefined) throw this.uncaught(this.readGuestError(outcome.rejected), 'run');
    const text = this.guestRun(() => (vm.typeof(outcome.value) === 'string' ? vm.getString(outcome.value) : undefined));
    if (text === undefined) throw customCodeFailed(this.context, { name: 'Error', message: 'the script replaced the sandbox harness result — do not modify Promise or async function internals' });
    return this.readResult(text);
  }

  /**
   * Frees every handle, pending `send` promise, the context and the runtime, and hands the engine
   * instance back. An instance that crashed, or ran out of memory (QuickJS does not always unwind
   * failed allocations cleanly), is not touched, only discarded.
   */
  dispose(): void {
    this.removeAbortListener?.();
    if (this.inFlight.size > 0) this.sendAbort.abort();
    if (this.crashed || this.outOfMemory || this.lease.atMemoryCeiling()) {
      this.lease.release('discard');
      return;
    }
    try {
      for (const entry of this.inFlight.values()) entry.deferred.dispose();
      this.inFlight.clear();
      this.scope.dispose();
      this.vm?.dispose();
      this.runtime?.dispose();
    } catch (error) {
      // QuickJS asserts that a freed runtime holds no object: a leak here is a Plugboard bug. Report it, drop the instance.
      this.options.logger.error('custom code sandbox was not freed cleanly; its engine instance is discarded', { file: this.script.file, reason: errorMessage(error) });
      this.lease.release('discard');
      return;
    }
    this.lease.release('reuse');
  }

  private open(): void {
    const runtime = this.hostCall(() => this.lease.module.newRuntime());
    this.runtime = runtime;
    runtime.setMemoryLimit(this.options.memoryLimitBytes);
    runtime.setMaxStackSize(this.options.maxStackBytes);
    runtime.setInterruptHandler(() => {
      if (this.options.clock.now() <= this.deadline) return false;
      this.interrupted = true;
      return true;
    });
    runtime.setModuleLoader((name) => ({
      error: new Error(`${IMPORT_REFUSED} (${JSON.stringify(name)}): everything a script may use is send(), console and the sandbox globals`),
    }));
    this.vm = this.hostCall(() => runtime.newContext());
  }

  private vmOrThrow(): QuickJSContext {
    if (this.vm === undefined) throw new Error('sandbox context used before it was opened');
    return this.vm;
  }

  /** Evaluates the prelude and hands it the two host functions; returns the harness `invoke` function. */
  private installPrelude(): QuickJSHandle {
    const vm = this.vmOrThrow();
    // Platform code: bounded by the total deadline, not charged to the script's execution budget.
    const factory = this.scope.manage(this.guestCall(() => vm.evalCode(PRELUDE_SOURCE, PRELUDE_FILE, { type: 'global', strict: true }), { charged: false }));
    const send = this.scope.manage(vm.newFunction('send', (text) => this.onSend(text)));
    const log = this.scope.manage(vm.newFunction('log', (level, line) => this.onLog(level, line)));
    const exported = this.scope.manage(this.guestCall(() => vm.callFunction(factory, vm.undefined, send, log), { charged: false }));
    this.sendErrorMarker = this.scope.manage(vm.getProp(exported, 'sendErrorMarker'));
    return this.scope.manage(vm.getProp(exported, 'invoke'));
  }

  /** Evaluates the script module and returns its default export, which must be a function. */
  private async loadModule(): Promise<QuickJSHandle> {
    const vm = this.vmOrThrow();
    const result = this.guestRun(() => vm.evalCode(this.script.javascript, this.script.file, { type: 'module', strict: true }));
    if (result.error !== undefined) {
      const errorHandle = this.scope.manage(result.error);
      this.checkLimits();
      throw this.uncaught(this.readGuestError(errorHandle), 'load');
    }
    const evaluated = await this.settle(this.scope.manage(result.value), 'load');
    if (evaluated.rejected !== undefined) throw this.uncaught(this.readGuestError(evaluated.rejected), 'load');
    const hook = this.scope.manage(this.guestRun(() => vm.getProp(evaluated.value, 'default')));
    if (this.guestRun(() => vm.typeof(hook)) !== 'function') {
      throw customCodeInvalid({ file: this.script.file }, 'the script has no default export function', { fix: `write \`${SCRIPT_HOOK_SIGNATURE}\`` });
    }
    return hook;
  }

  /**
   * Runs pending jobs until the promise settles, waiting for `send` answers in between. Throws
   * when the guest is stopped, a limit is passed, or the promise can never settle.
   */
  private async settle(promise: QuickJSHandle, phase: 'load' | 'run'): Promise<{ value: QuickJSHandle; rejected?: undefined } | { value?: undefined; rejected: QuickJSHandle }> {
    const vm = this.vmOrThrow();
    for (;;) {
      this.pump(phase);
      const state = this.guestRun(() => vm.getPromiseState(promise));
      if (state.type === 'fulfilled') return { value: state.notAPromise === true ? promise : this.scope.manage(state.value) };
      if (state.type === 'rejected') return { rejected: this.scope.manage(state.error) };
      if (this.inFlight.size === 0 && this.completed.length === 0) {
        throw customCodeFailed(this.context, {
          name: 'Error',
          message: UNSETTLED_PROMISE_MESSAGE,
        });
      }
      await this.nextCompletion();
      this.deliverCompleted();
    }
  }

  private pump(phase: 'load' | 'run'): void {
    const runtime = this.runtime;
    if (runtime === undefined) return;
    do {
      const result = this.guestRun(() => runtime.executePendingJobs());
      if (result.error !== undefined) {
        const errorHandle = this.scope.manage(result.error);
        this.checkLimits();
        throw this.uncaught(this.readGuestError(errorHandle), phase);
      }
      this.checkLimits();
    } while (this.guestRun(() => runtime.hasPendingJob()));
  }

  private async nextCompletion(): Promise<void> {
    if (this.completed.length === 0) {
      const waits: Promise<void>[] = [...this.inFlight.values()].map((entry) => entry.done);
      const aborted = this.abortPromise();
      if (aborted !== undefined) waits.push(aborted);
      await Promise.race(waits);
    }
    this.checkAbort();
    if (this.options.clock.now() > this.totalDeadline) throw customCodeTimeout(this.context, { kind: 'total', ms: this.options.totalTimeoutMs });
  }

  /** Hands finished `send` answers (or failures) to the guest. */
  private deliverCompleted(): void {
    for (const outcome of this.completed.splice(0)) {
      const entry = this.inFlight.get(outcome.id);
      if (entry === undefined) continue;
      this.inFlight.delete(outcome.id);
      try {
        this.settleSend(entry.deferred, outcome);
      } finally {
        entry.deferred.dispose();
      }
    }
    this.checkLimits();
  }

  /** Resolves (answer) or rejects (failure) the guest promise of one `send` call. */
  private settleSend(deferred: QuickJSDeferredPromise, outcome: SendOutcome): void {
    const vm = this.vmOrThrow();
    if (outcome.ok) {
      const json = JSON.stringify(this.checkSendAnswer(outcome.response));
      this.guestRun(() => vm.newString(json).consume((handle) => deferred.resolve(handle)));
      return;
    }
    this.sendErrors.set(outcome.id, outcome.error);
    const code = isPlugboardError(outcome.error) ? outcome.error.code : undefined;
    const message = this.redact(`send() failed: ${errorMessage(outcome.error)}`);
    const marker = this.sendErrorMarker;
    this.guestRun(() =>
      vm.newError({ name: 'SendError', message }).consume((error) => {
        if (code !== undefined) vm.newString(code).consume((handle) => vm.setProp(error, 'code', handle));
        if (marker !== undefined) vm.newNumber(outcome.id).consume((handle) => vm.setProp(error, marker, handle));
        deferred.reject(error);
      }),
    );
  }

  private checkSendAnswer(response: ScriptResponse): ScriptResponse {
    try {
      return readSendAnswer(response, this.options.maxBodyBytes);
    } catch (error) {
      if (error instanceof ScriptBodyTooLargeError) {
        throw customCodeLimitExceeded(this.context, `the answer to send() has a body of ${error.bytes} bytes, more than the sandbox passes`, { name: 'maxBodyBytes', value: this.options.maxBodyBytes });
      }
      throw new PlugboardError(`custom code \`${this.script.file}\`: the gateway's send() answered something that is not a response (${errorMessage(error)})`, {
        code: 'CustomCodeCrashed',
        kind: 'unexpected',
        details: { file: this.script.file },
      });
    }
  }

  /** Host side of the guest's `send(request)`: checks the request and starts the call; returns a guest promise. */
  private onSend(textHandle: QuickJSHandle | undefined): QuickJSHandle | { error: QuickJSHandle } {
    const vm = this.vmOrThrow();
    const guestError = (name: string, message: string) => ({ error: vm.newError({ name, message: this.redact(message) }) });
    const call = this.call;
    if (call === undefined) return guestError('Error', 'send() is not available while the module loads — call it from the hook');
    if (textHandle === undefined || vm.typeof(textHandle) !== 'string') return guestError('TypeError', 'send(request): pass an object { method, url, headers, body }');
    let request: ScriptRequest;
    try {
      request = readSendRequest(vm.getString(textHandle), this.options.maxBodyBytes);
    } catch (error) {
      if (error instanceof ScriptBodyTooLargeError) {
        this.fatal = customCodeLimitExceeded(this.context, `send() was given a body of ${error.bytes} bytes, more than the sandbox passes`, { name: 'maxBodyBytes', value: this.options.maxBodyBytes });
        return guestError('RangeError', this.fatal.message);
      }
      return guestError('TypeError', error instanceof ScriptMessageError ? error.message : `send(request): ${errorMessage(error)}`);
    }
    this.sendCalls += 1;
    if (this.sendCalls > this.options.maxSendCalls) {
      this.fatal = customCodeLimitExceeded(this.context, `the script called send() more than ${this.options.maxSendCalls} times in one invocation`, { name: 'maxSendCalls', value: this.options.maxSendCalls });
      return guestError('RangeError', this.fatal.message);
    }
    const remaining = this.totalDeadline - this.options.clock.now();
    if (remaining <= 0) {
      this.fatal = customCodeTimeout(this.context, { kind: 'total', ms: this.options.totalTimeoutMs });
      return guestError('RangeError', this.fatal.message);
    }
    const id = this.nextSendId++;
    const deferred = vm.newPromise();
    let pending: Promise<ScriptResponse>;
    try {
      pending = Promise.resolve(call.send(request, { timeoutMs: remaining, signal: this.sendSignal }));
    } catch (error) {
      pending = Promise.reject(error);
    }
    const done = pending.then(
      (response) => void this.completed.push({ id, ok: true, response }),
      (error: unknown) => void this.completed.push({ id, ok: false, error }),
    );
    this.inFlight.set(id, { deferred, done });
    return deferred.handle;
  }

  /** Host side of `console.*`: bounded, redacted, to the injected logger. */
  private onLog(levelHandle: QuickJSHandle | undefined, lineHandle: QuickJSHandle | undefined): void {
    const vm = this.vmOrThrow();
    if (levelHandle === undefined || lineHandle === undefined || vm.typeof(levelHandle) !== 'string' || vm.typeof(lineHandle) !== 'string') return;
    this.logLines += 1;
    const fields = { file: this.script.file, ...(this.call === undefined ? {} : { operationId: this.call.operationId }) };
    if (this.logLines > MAX_LOG_LINES) {
      if (this.logLines === MAX_LOG_LINES + 1) this.options.logger.warn(`custom code wrote more than ${MAX_LOG_LINES} console lines; the rest of this invocation's output is dropped`, fields);
      return;
    }
    const raw = vm.getString(lineHandle);
    const line = this.redact(raw.length > GUEST_LOG_LINE_CHARS ? `${raw.slice(0, GUEST_LOG_LINE_CHARS)}…` : raw);
    const level = vm.getString(levelHandle);
    const logger = this.options.logger;
    const write = level === 'error' ? logger.error : level === 'warn' ? logger.warn : level === 'debug' ? logger.debug : logger.info;
    write.call(logger, `custom code: ${line}`, fields);
  }

  private readResult(text: string): ScriptResponse {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw customCodeFailed(this.context, { name: 'Error', message: 'the script replaced JSON handling of the sandbox harness — do not modify JSON or Object.prototype.toJSON' });
    }
    const result = parsed !== null && typeof parsed === 'object' ? (parsed as { ok?: unknown; response?: unknown; error?: unknown }) : {};
    if (result.ok !== true) {
      const error = asGuestError(result.error);
      const sendErrorId = result.error !== null && typeof result.error === 'object' && 'sendErrorId' in result.error ? result.error.sendErrorId : undefined;
      // A send() failure the script let through is the gateway's own error (egress refused, timed out …): keep it.
      if (typeof sendErrorId === 'number' && this.sendErrors.has(sendErrorId)) throw this.sendErrors.get(sendErrorId);
      throw this.uncaught(error, 'run');
    }
    try {
      return readScriptResponse(result.response, this.options.maxBodyBytes);
    } catch (error) {
      if (error instanceof ScriptBodyTooLargeError) {
        throw customCodeLimitExceeded(this.context, `the returned response has a body of ${error.bytes} bytes, more than the sandbox passes`, { name: 'maxBodyBytes', value: this.options.maxBodyBytes });
      }
      throw customCodeFailed(this.context, { name: 'TypeError', message: this.redact(errorMessage(error)) });
    }
  }

  private guestRequest(call: ScriptRunInput): ReturnType<typeof requestForScript> {
    try {
      return requestForScript(call.request, this.options.maxBodyBytes);
    } catch (error) {
      if (error instanceof ScriptBodyTooLargeError) {
        throw customCodeLimitExceeded(this.context, `the request has a body of ${error.bytes} bytes, more than the sandbox passes`, { name: 'maxBodyBytes', value: this.options.maxBodyBytes });
      }
      throw new PlugboardError(`custom code \`${this.script.file}\`: the gateway handed the script an invalid request (${errorMessage(error)})`, {
        code: 'CustomCodeCrashed',
        kind: 'unexpected',
        details: { file: this.script.file },
      });
    }
  }

  /** An uncaught guest error: a limit when one was hit, else the script's failure. */
  private uncaught(error: GuestError, phase: 'load' | 'run'): Error {
    if (isOutOfMemory(error)) this.outOfMemory = true;
    this.checkLimits();
    return scriptFailure(error, { context: this.context, memoryLimitBytes: this.options.memoryLimitBytes, redact: this.redact, phase });
  }

  /** Reads name, message and stack of a guest value (only string properties are taken). */
  private readGuestError(handle: QuickJSHandle): GuestError {
    const vm = this.vmOrThrow();
    return this.guestRun(() => {
      const type = vm.typeof(handle);
      if (type === 'string') return { name: 'thrown value', message: vm.getString(handle), stack: '' };
      // Primitives are read without running guest code.
      if (type !== 'object' && type !== 'function') return { name: 'thrown value', message: String(vm.dump(handle)), stack: '' };
      if (vm.eq(handle, vm.null)) return { name: 'thrown value', message: 'null', stack: '' };
      const text = (key: string): string | undefined => vm.getProp(handle, key).consume((value) => (vm.typeof(value) === 'string' ? vm.getString(value) : undefined));
      return { name: text('name') ?? 'Error', message: text('message') ?? '', stack: text('stack') ?? '' };
    });
  }

  /** Runs `fn`, which evaluates guest code and returns a result that may carry a guest error; throws on a guest error. */
  private guestCall(fn: () => { error?: QuickJSHandle; value?: QuickJSHandle }, options: { phase?: 'load' | 'run'; charged?: boolean } = {}): QuickJSHandle {
    const phase = options.phase ?? 'load';
    const result = this.guestRun(fn, options.charged ?? true);
    if (result.error !== undefined) {
      const errorHandle = this.scope.manage(result.error);
      this.checkLimits();
      throw this.uncaught(this.readGuestError(errorHandle), phase);
    }
    if (result.value === undefined) throw new Error('QuickJS returned neither a value nor an error');
    return result.value;
  }

  /** Runs `fn` against the sandbox, counting its time against the execution budget. */
  private guestRun<T>(fn: () => T, charged = true): T {
    const clock = this.options.clock;
    const start = clock.now();
    const budgetLeft = charged ? Math.max(0, this.options.timeoutMs - this.cpuUsedMs) : Number.POSITIVE_INFINITY;
    this.deadline = Math.min(start + budgetLeft, this.totalDeadline);
    try {
      return this.hostCall(fn);
    } finally {
      if (charged) this.cpuUsedMs += clock.now() - start;
      this.deadline = Number.POSITIVE_INFINITY;
    }
  }

  /** Runs `fn`; an exception that is not a guest error means the engine failed at host level. */
  private hostCall<T>(fn: () => T): T {
    try {
      return fn();
    } catch (error) {
      if (isPlugboardError(error)) throw error;
      this.crashed = true;
      if (error instanceof RangeError && /call stack/i.test(error.message)) throw customCodeMemoryLimit(this.context, { kind: 'stack' });
      throw customCodeCrashed(this.context, this.redact(errorMessage(error)).slice(0, 300));
    }
  }

  /** Throws the limit error when the interrupt handler stopped the guest or the host recorded a fatal problem. */
  private checkLimits(): void {
    if (this.interrupted) {
      const total = this.options.clock.now() >= this.totalDeadline;
      throw customCodeTimeout(this.context, total ? { kind: 'total', ms: this.options.totalTimeoutMs } : { kind: 'execution', ms: this.options.timeoutMs });
    }
    if (this.fatal !== undefined) throw this.fatal;
  }

  private checkAbort(): void {
    if (this.call?.signal?.aborted === true) throw customCodeAborted(this.context);
  }

  private abortPromise(): Promise<void> | undefined {
    const signal = this.call?.signal;
    if (signal === undefined) return undefined;
    if (this.aborted === undefined) {
      this.aborted = new Promise<void>((resolve) => {
        const listener = () => resolve();
        signal.addEventListener('abort', listener, { once: true });
        this.removeAbortListener = () => signal.removeEventListener('abort', listener);
      });
    }
    return this.aborted;
  }
}

function asGuestError(value: unknown): GuestError {
  const record = value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {};
  const text = (key: string, fallback: string) => (typeof record[key] === 'string' ? record[key] : fallback);
  return { name: text('name', 'Error'), message: text('message', ''), stack: text('stack', '') };
}

/** Values of credential-looking headers (and the credential after an auth scheme such as `Bearer`). */
function credentialValues(headers: Readonly<Record<string, string>>): string[] {
  const out: string[] = [];
  for (const [name, value] of Object.entries(headers)) {
    if (!CREDENTIAL_HEADER.test(name) || typeof value !== 'string') continue;
    out.push(value);
    const space = value.indexOf(' ');
    if (space > 0) out.push(value.slice(space + 1).trim());
  }
  return out;
}
