/** The data a connector script sees and returns, and the options of a script runner. */
import type { Clock, Logger } from '../../core/index.ts';

/** An HTTP request as plain data (the request the gateway built, or one the script sends). */
export interface ScriptRequest {
  readonly method: string;
  /** Absolute URL, query included. */
  readonly url: string;
  /** Header names in lower case. */
  readonly headers: Record<string, string>;
  /** Text body (UTF-8); null when there is none. */
  readonly body: string | null;
}

/** An HTTP response as plain data. */
export interface ScriptResponse {
  readonly status: number;
  /** Header names in lower case. */
  readonly headers: Record<string, string>;
  readonly body: string | null;
}

/** What the runner tells `send` besides the request. */
export interface ScriptSendOptions {
  /** Time left in this invocation's total budget; the egress should not wait longer than this. */
  readonly timeoutMs: number;
  /** Fires when the caller cancels the invocation, or when the invocation ends while this call is still in flight. */
  readonly signal: AbortSignal;
}

/**
 * Performs one backend call for the script, through the gateway's egress (SSRF guard, credentials
 * policy, size caps). The sandbox itself has no network access; this is its only way out.
 * A non-2xx status is an answer, not an error; reject only when no answer was obtained.
 */
export type ScriptSend = (request: ScriptRequest, options: ScriptSendOptions) => Promise<ScriptResponse>;

/** One invocation of a script. */
export interface ScriptRunInput {
  readonly operationId: string;
  readonly request: ScriptRequest;
  readonly send: ScriptSend;
  /** Extra secret values to mask in console output and error messages (credential headers are masked anyway). */
  readonly secrets?: readonly string[];
  readonly signal?: AbortSignal;
}

/** A loaded, checked script, ready to run once per operation call. */
export interface ScriptRunner {
  /** The script file the runner was created from (e.g. `script.ts`). */
  readonly file: string;
  run(input: ScriptRunInput): Promise<ScriptResponse>;
}

/** Which QuickJS build runs scripts. */
export type ScriptEngineVariant = 'release' | 'debug';

/** Options of {@link createScriptRunner}. */
export interface ScriptRunnerOptions {
  readonly source: string;
  readonly language: 'typescript' | 'javascript';
  /** The script's file name, used in error messages and stack traces. */
  readonly file: string;
  /** Heap limit of one invocation; default 64 MiB. */
  readonly memoryLimitBytes?: number;
  /** Budget for the script's own execution (not the time awaiting `send`); default 5000 ms. */
  readonly timeoutMs?: number;
  /** Bound of one whole invocation including `send` waits; default 120000 ms. */
  readonly totalTimeoutMs?: number;
  /** QuickJS stack limit; default 48 KiB (measured to stop runaway recursion before the host stack overflows). */
  readonly maxStackBytes?: number;
  /** Largest body (request, send request, send response, response) crossing the sandbox boundary; default 8 MiB. */
  readonly maxBodyBytes?: number;
  /** Most `send` calls per invocation; default 20. */
  readonly maxSendCalls?: number;
  /** Where `console.*` goes (bounded: 100 lines of 2000 characters per invocation); default silent. */
  readonly logger?: Logger;
  /** Measures execution time; default the system clock. It must advance while code runs, or loops are never stopped. */
  readonly clock?: Clock;
  /** `debug` runs the QuickJS debug build, which aborts when an object leaks; slower, for diagnosis. Default `release`. */
  readonly engine?: ScriptEngineVariant;
}

/** {@link ScriptRunnerOptions} with defaults applied and values checked. */
export interface ResolvedScriptRunnerOptions {
  readonly file: string;
  readonly language: 'typescript' | 'javascript';
  readonly memoryLimitBytes: number;
  readonly timeoutMs: number;
  readonly totalTimeoutMs: number;
  readonly maxStackBytes: number;
  readonly maxBodyBytes: number;
  readonly maxSendCalls: number;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly engine: ScriptEngineVariant;
}
