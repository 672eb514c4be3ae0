/**
 * Errors of connector custom code. Every one names the script file and, when known, the operation;
 * none carries a host stack or a secret (script messages are redacted before they get here).
 *
 * Kinds: a script that cannot load, or C# code Plugboard cannot run, is the connector author's
 * input (`user`); a script that fails, runs too long or uses too much memory at call time is
 * `operational` — the caller did nothing wrong, and mapping it to 4xx would blame them. None is
 * retryable: the same script on the same input fails the same way.
 */
import { PlugboardError, UserInputError } from '../../core/index.ts';

/** Stable error codes of this folder. */
export const CUSTOM_CODE_ERROR_CODES = [
  'CustomCodeInvalid',
  'CustomCodeFailed',
  'CustomCodeTimeout',
  'CustomCodeMemoryLimit',
  'CustomCodeLimitExceeded',
  'CustomCodeCrashed',
  'CustomCodeAborted',
  'CustomCodeUnsupported',
  'ScriptRunnerOptionsInvalid',
] as const;

/** Where in a script something happened (1-based, as editors count). */
export interface ScriptLocation {
  readonly line: number;
  readonly column: number;
}

/** Which script and operation an error is about. */
export interface ScriptErrorContext {
  readonly file: string;
  /** Undefined while the script is loaded and checked, before any operation runs. */
  readonly operationId?: string;
}

/** The hook every TypeScript/JavaScript connector script exports (named in messages). */
export const SCRIPT_HOOK_SIGNATURE = 'export default async function ({ operationId, request, send }) { … }';

function where(context: ScriptErrorContext): string {
  return context.operationId === undefined ? `custom code \`${context.file}\`` : `custom code \`${context.file}\` (operation \`${context.operationId}\`)`;
}

function at(context: ScriptErrorContext, location: ScriptLocation | undefined): string {
  return location === undefined ? '' : ` at ${context.file} line ${location.line}, column ${location.column}`;
}

function baseDetails(context: ScriptErrorContext, location?: ScriptLocation): Record<string, unknown> {
  const details: Record<string, unknown> = { file: context.file };
  if (context.operationId !== undefined) details['operationId'] = context.operationId;
  if (location !== undefined) {
    details['line'] = location.line;
    details['column'] = location.column;
  }
  return details;
}

/** The script cannot be loaded: syntax error, unsupported TypeScript, missing hook. */
export function customCodeInvalid(context: ScriptErrorContext, problem: string, options: { location?: ScriptLocation; fix: string }): UserInputError {
  return new UserInputError(`${where(context)}${at(context, options.location)}: ${problem} — ${options.fix}`, {
    code: 'CustomCodeInvalid',
    details: baseDetails(context, options.location),
  });
}

/** The script threw (or returned something that is not a response). */
export function customCodeFailed(context: ScriptErrorContext, failure: { name: string; message: string; location?: ScriptLocation }): PlugboardError {
  const label = failure.name === '' || failure.name === 'Error' ? '' : `${failure.name}: `;
  return new PlugboardError(`${where(context)} failed${at(context, failure.location)}: ${label}${failure.message}`, {
    code: 'CustomCodeFailed',
    kind: 'operational',
    retryable: false,
    details: { ...baseDetails(context, failure.location), errorName: failure.name },
  });
}

/** The script's own execution, or the whole invocation, took too long. */
export function customCodeTimeout(context: ScriptErrorContext, limit: { kind: 'execution' | 'total'; ms: number }): PlugboardError {
  const message =
    limit.kind === 'execution'
      ? `${where(context)} ran for more than ${limit.ms} ms of its own execution (time spent awaiting send() is not counted) — look for an endless loop or move heavy work out of the script`
      : `${where(context)} did not finish within ${limit.ms} ms in total, including the time spent awaiting send() — make fewer or faster backend calls`;
  return new PlugboardError(message, {
    code: 'CustomCodeTimeout',
    kind: 'operational',
    retryable: false,
    details: { ...baseDetails(context), limit: limit.kind, limitMs: limit.ms },
  });
}

/** The script used more memory, or a deeper stack, than the sandbox allows. */
export function customCodeMemoryLimit(context: ScriptErrorContext, limit: { kind: 'heap'; bytes: number } | { kind: 'stack' }): PlugboardError {
  const message =
    limit.kind === 'heap'
      ? `${where(context)} ran out of memory: it may use at most ${formatBytes(limit.bytes)} — process less data at once`
      : `${where(context)} exceeded the sandbox stack: recursion or nesting is too deep — use a loop, or flatten the data`;
  return new PlugboardError(message, {
    code: 'CustomCodeMemoryLimit',
    kind: 'operational',
    retryable: false,
    details: { ...baseDetails(context), limit: limit.kind, ...(limit.kind === 'heap' ? { limitBytes: limit.bytes } : {}) },
  });
}

/** A size or count limit of the sandbox boundary was exceeded (body size, number of send() calls). */
export function customCodeLimitExceeded(context: ScriptErrorContext, problem: string, limit: { name: string; value: number }): PlugboardError {
  return new PlugboardError(`${where(context)}: ${problem} (limit \`${limit.name}\` = ${limit.value})`, {
    code: 'CustomCodeLimitExceeded',
    kind: 'operational',
    retryable: false,
    details: { ...baseDetails(context), limit: limit.name, limitValue: limit.value },
  });
}

/** The sandbox engine itself failed (a host-level stack overflow or a WebAssembly trap); it was replaced. */
export function customCodeCrashed(context: ScriptErrorContext, reason: string): PlugboardError {
  return new PlugboardError(`${where(context)} crashed the sandbox (${reason}); the engine was replaced and other calls are not affected — report this together with the script`, {
    code: 'CustomCodeCrashed',
    kind: 'unexpected',
    retryable: false,
    details: baseDetails(context),
  });
}

/** The caller cancelled the invocation (its AbortSignal fired). */
export function customCodeAborted(context: ScriptErrorContext): PlugboardError {
  return new PlugboardError(`${where(context)} was cancelled by the caller before it finished`, {
    code: 'CustomCodeAborted',
    kind: 'operational',
    retryable: true,
    details: baseDetails(context),
  });
}

/** C# custom code (script.csx) handles this operation, and Plugboard cannot run C#. */
export function customCodeUnsupported(options: { connector: string; file: string; operationId: string }): UserInputError {
  return new UserInputError(
    `connector \`${options.connector}\`: operation \`${options.operationId}\` is handled by C# custom code in \`${options.file}\`, which Plugboard cannot run — ` +
      `add a \`script.ts\` to the connector folder with \`${SCRIPT_HOOK_SIGNATURE}\` that handles \`${options.operationId}\` ` +
      `(forward with \`return send(request)\` after editing the request, or build the response yourself)`,
    { code: 'CustomCodeUnsupported', details: { connector: options.connector, file: options.file, operationId: options.operationId, hook: 'script.ts' } },
  );
}

/** `67108864` → `64 MiB`. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}
