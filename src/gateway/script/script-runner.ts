/**
 * A connector script, compiled and checked once, run in a fresh QuickJS runtime per call.
 *
 * Why a fresh runtime each time rather than one per connector with a reset: creating and freeing
 * a runtime and context costs about 0.15 ms, evaluating the prelude and a small script well under
 * a millisecond (see the benchmark in the README), while a reused runtime would let one call leave
 * state — globals, patched prototypes, pending promises — for the next caller, possibly another
 * tenant. Isolation wins at that price.
 */
import { PlugboardError, silentLogger, systemClock } from '../../core/index.ts';
import { compileScript } from './compile-script.ts';
import { checkInSandbox, invokeInSandbox } from './sandbox-invocation.ts';
import type { ResolvedScriptRunnerOptions, ScriptRunner, ScriptRunnerOptions } from './script-types.ts';

/** Defaults of {@link ScriptRunnerOptions}. */
export const SCRIPT_RUNNER_DEFAULTS = Object.freeze({
  memoryLimitBytes: 64 * 1024 * 1024,
  timeoutMs: 5000,
  totalTimeoutMs: 120_000,
  maxStackBytes: 48 * 1024,
  maxBodyBytes: 8 * 1024 * 1024,
  maxSendCalls: 20,
});

function positiveInteger(name: string, value: number | undefined, fallback: number, minimum = 1): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < minimum) {
    throw new PlugboardError(`script runner option \`${name}\` must be an integer ≥ ${minimum}, got ${String(value)}`, { code: 'ScriptRunnerOptionsInvalid', kind: 'unexpected' });
  }
  return value;
}

/** Applies defaults and checks every limit once. */
export function resolveScriptRunnerOptions(options: ScriptRunnerOptions): ResolvedScriptRunnerOptions {
  if (options.language !== 'typescript' && options.language !== 'javascript') {
    throw new PlugboardError(`script runner option \`language\` must be "typescript" or "javascript", got ${JSON.stringify(options.language)}`, { code: 'ScriptRunnerOptionsInvalid', kind: 'unexpected' });
  }
  return Object.freeze({
    file: options.file,
    language: options.language,
    memoryLimitBytes: positiveInteger('memoryLimitBytes', options.memoryLimitBytes, SCRIPT_RUNNER_DEFAULTS.memoryLimitBytes, 1024 * 1024),
    timeoutMs: positiveInteger('timeoutMs', options.timeoutMs, SCRIPT_RUNNER_DEFAULTS.timeoutMs),
    totalTimeoutMs: positiveInteger('totalTimeoutMs', options.totalTimeoutMs, SCRIPT_RUNNER_DEFAULTS.totalTimeoutMs),
    maxStackBytes: positiveInteger('maxStackBytes', options.maxStackBytes, SCRIPT_RUNNER_DEFAULTS.maxStackBytes, 16 * 1024),
    maxBodyBytes: positiveInteger('maxBodyBytes', options.maxBodyBytes, SCRIPT_RUNNER_DEFAULTS.maxBodyBytes, 0),
    maxSendCalls: positiveInteger('maxSendCalls', options.maxSendCalls, SCRIPT_RUNNER_DEFAULTS.maxSendCalls, 0),
    logger: options.logger ?? silentLogger,
    clock: options.clock ?? systemClock,
    engine: options.engine ?? 'release',
  });
}

/**
 * Compiles the script (TypeScript types stripped), loads it once in the sandbox to check that it
 * has a default export function, and returns a runner. Throws `CustomCodeInvalid` for a syntax
 * error, an import, a throwing top level or a missing hook.
 */
export async function createScriptRunner(options: ScriptRunnerOptions): Promise<ScriptRunner> {
  const resolved = resolveScriptRunnerOptions(options);
  const compiled = compileScript({ source: options.source, language: resolved.language, file: resolved.file });
  await checkInSandbox(resolved, compiled);
  return Object.freeze({
    file: resolved.file,
    run: (input) => invokeInSandbox(resolved, compiled, input),
  } satisfies ScriptRunner);
}
