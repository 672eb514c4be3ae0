/**
 * Reads what the sandbox reports about an error thrown inside it — name, message, QuickJS stack —
 * and turns it into the Plugboard error a caller sees. Only the script's own line and column are
 * kept from the stack; the host's stack never appears.
 */
import type { PlugboardError } from '../../core/index.ts';
import { customCodeFailed, customCodeInvalid, customCodeMemoryLimit } from './errors.ts';
import type { ScriptErrorContext, ScriptLocation } from './errors.ts';

/** An error as the guest described it (all plain strings). */
export interface GuestError {
  readonly name: string;
  readonly message: string;
  readonly stack: string;
}

/** How the sandbox's module loader starts its refusal (see sandbox-invocation.ts). */
export const IMPORT_REFUSED = 'custom code cannot import modules';

/** Longest script message kept in an error. */
const MESSAGE_CHARS = 2000;

/**
 * The first stack frame in `file`. QuickJS frames look like `    at fn (script.ts:12:5)` or
 * `    at script.ts:2:11` (syntax errors).
 */
export function scriptLocation(stack: string, file: string): ScriptLocation | undefined {
  for (const raw of stack.split('\n')) {
    const frame = raw.trim();
    if (!frame.startsWith('at ')) continue;
    const open = frame.lastIndexOf('(');
    const place = open >= 0 && frame.endsWith(')') ? frame.slice(open + 1, -1) : frame.slice(3);
    const match = /^(.*):(\d+):(\d+)$/.exec(place);
    if (match === null || match[1] !== file) continue;
    return { line: Number(match[2]), column: Number(match[3]) };
  }
  return undefined;
}

function clip(text: string): string {
  return text.length > MESSAGE_CHARS ? `${text.slice(0, MESSAGE_CHARS)}…` : text;
}

/** True when the guest error is QuickJS running out of heap. */
export function isOutOfMemory(error: GuestError): boolean {
  return error.name === 'InternalError' && error.message === 'out of memory';
}

/** True when the guest error is QuickJS's own stack limit (raised by the interpreter or the parser). */
export function isStackOverflow(error: GuestError): boolean {
  return (error.name === 'InternalError' || error.name === 'SyntaxError' || error.name === 'RangeError') && error.message === 'stack overflow';
}

/** The error for a script that threw while handling an operation (or while its module loaded). */
export function scriptFailure(
  error: GuestError,
  options: { context: ScriptErrorContext; memoryLimitBytes: number; redact: (text: string) => string; phase: 'load' | 'run' },
): PlugboardError {
  if (isOutOfMemory(error)) return customCodeMemoryLimit(options.context, { kind: 'heap', bytes: options.memoryLimitBytes });
  if (isStackOverflow(error)) return customCodeMemoryLimit(options.context, { kind: 'stack' });
  const location = scriptLocation(error.stack, options.context.file);
  const message = clip(options.redact(error.message));
  if (options.phase === 'load') {
    if (message.startsWith(IMPORT_REFUSED)) return customCodeInvalid(options.context, message, { location, fix: 'remove the import; scripts are a single file' });
    const problem = error.name === 'SyntaxError' ? `SyntaxError: ${message}` : `the module failed while loading: ${error.name}: ${message}`;
    return customCodeInvalid(options.context, problem, { location, fix: error.name === 'SyntaxError' ? 'fix the syntax' : 'make the top-level code of the script run without throwing' });
  }
  return customCodeFailed(options.context, { name: clip(options.redact(error.name)), message, location });
}
