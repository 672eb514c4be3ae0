/**
 * Turns a connector's script.ts / script.js into the JavaScript module QuickJS evaluates.
 * TypeScript is handled by Node's own type stripper in `strip` mode: types become whitespace, so
 * every line and column of the output is the line and column of the source, and QuickJS stack
 * traces point into the file the author wrote. Syntax that needs a transform (enums, namespaces,
 * parameter properties) is refused, as it is for Plugboard's own code.
 */
import { stripTypeScriptTypes } from 'node:module';
import { customCodeInvalid } from './errors.ts';
import type { ScriptLocation } from './errors.ts';

/** A script ready to evaluate as an ES module. */
export interface CompiledScript {
  readonly file: string;
  readonly javascript: string;
}

/** Strips TypeScript types (no-op for JavaScript); throws `CustomCodeInvalid` with the location of a TypeScript syntax error. */
export function compileScript(options: { source: string; language: 'typescript' | 'javascript'; file: string }): CompiledScript {
  const source = options.source.charCodeAt(0) === 0xfeff ? options.source.slice(1) : options.source;
  if (options.language === 'javascript') return { file: options.file, javascript: source };
  try {
    return { file: options.file, javascript: stripTypeScriptTypes(source, { mode: 'strip' }) };
  } catch (error) {
    throw typeScriptError(error, options.file, source);
  }
}

function typeScriptError(error: unknown, file: string, source: string): Error {
  const code = error !== null && typeof error === 'object' && 'code' in error ? error.code : undefined;
  if (code !== 'ERR_INVALID_TYPESCRIPT_SYNTAX' && code !== 'ERR_UNSUPPORTED_TYPESCRIPT_SYNTAX') return error instanceof Error ? error : new Error(String(error));
  const message = error instanceof Error ? error.message : String(error);
  const location = error instanceof Error ? locationFromStack(error.stack, source) : undefined;
  const fix =
    code === 'ERR_UNSUPPORTED_TYPESCRIPT_SYNTAX'
      ? 'scripts run with types stripped: replace enums with objects, namespaces with modules, and parameter properties with fields'
      : 'fix the syntax';
  return customCodeInvalid({ file }, message, { location, fix });
}

/**
 * Node decorates the stripper's error stack with the failing line and a caret line under it
 * (`<file>:<line>\n<context>\n<line text>\n   ^^^\n`). Undocumented, so anything unexpected yields
 * no location rather than a wrong one.
 */
function locationFromStack(stack: string | undefined, source: string): ScriptLocation | undefined {
  if (stack === undefined) return undefined;
  const lines = stack.split('\n');
  const header = /:(\d+)$/.exec(lines[0] ?? '');
  if (header === null) return undefined;
  const line = Number(header[1]);
  const sourceLines = source.split(/\r\n|\r|\n/);
  if (!(line >= 1 && line <= sourceLines.length)) return undefined;
  const caretAt = lines.findIndex((text, index) => index > 0 && /^\s*\^+\s*$/.test(text));
  const caretLine = caretAt < 0 ? undefined : lines[caretAt];
  if (caretLine === undefined || lines[caretAt - 1] !== sourceLines[line - 1]) return { line, column: 1 };
  return { line, column: caretLine.indexOf('^') + 1 };
}
