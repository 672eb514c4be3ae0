/**
 * `plugboard expr '<expression>' [--context file.json]`: evaluates one workflow expression and
 * prints its JSON value. `plugboard expr --jsonl`: reads `{ "expression", "context" }` lines on
 * stdin and writes one `{ "value" }` or `{ "error": { "code", "message" } }` line per input line.
 */
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { UserInputError, errorMessage, isPlugboardError } from '../../core/index.ts';
import { evaluateExpression, expressionContextOf, isRecord, parseJsonText, toJsonText } from '../../expressions/index.ts';
import type { ExpressionContext } from '../../expressions/index.ts';

/** Options of the command. */
export interface ExprOptions {
  readonly context?: string;
  readonly jsonl?: boolean;
  /** Where to read and write (default: the process's stdin, stdout and files). */
  readonly io?: ExprIo;
}

/** Where the command reads and writes (injectable for tests). */
export interface ExprIo {
  readonly lines: () => AsyncIterable<string>;
  readonly out: (text: string) => void;
  readonly readText: (path: string) => Promise<string>;
}

const processIo: ExprIo = {
  lines: () => createInterface({ input: process.stdin, crlfDelay: Infinity }),
  out: (text) => process.stdout.write(text),
  readText: (path) => readFile(path, 'utf8'),
};

/** Runs the command; returns the process exit code. */
export async function exprCommand(expression: string | undefined, options: ExprOptions): Promise<number> {
  const io = options.io ?? processIo;
  if (options.jsonl === true) {
    if (expression !== undefined || options.context !== undefined) throw new UserInputError('--jsonl reads expressions and contexts from stdin; give no expression argument and no --context', { code: 'CliUsage' });
    for await (const line of io.lines()) {
      if (line.trim() === '') continue;
      io.out(`${evaluateLine(line)}\n`);
    }
    return 0;
  }
  if (expression === undefined) throw new UserInputError("give an expression, e.g. plugboard expr \"@add(1, 2)\" (or --jsonl to read many from stdin)", { code: 'CliUsage' });
  const context = options.context === undefined ? {} : await readContext(options.context, io);
  io.out(`${toJsonText(evaluateExpression(expression, context), { indent: '  ' })}\n`);
  return 0;
}

async function readContext(path: string, io: ExprIo): Promise<ExpressionContext> {
  let text: string;
  try {
    text = await io.readText(path);
  } catch (error) {
    throw new UserInputError(`cannot read the context file ${path}: ${errorMessage(error)}`, { code: 'ExpressionContextInvalid', cause: error });
  }
  return expressionContextOf(parseJson(text, { where: `the context file ${path}`, code: 'ExpressionContextInvalid' }));
}

function parseJson(text: string, origin: { readonly where: string; readonly code: string }): unknown {
  try {
    return parseJsonText(text);
  } catch (error) {
    throw new UserInputError(`${origin.where} is not JSON: ${errorMessage(error)}`, { code: origin.code, cause: error });
  }
}

/** One JSONL line in, one out; every failure becomes an error line. */
function evaluateLine(line: string): string {
  try {
    const request = parseJson(line, { where: 'the line', code: 'ExpressionRequestInvalid' });
    if (!isRecord(request) || typeof request.expression !== 'string') throw new UserInputError('each line must be a JSON object with a string "expression" (and an optional "context" object)', { code: 'ExpressionRequestInvalid' });
    return toJsonText({ value: evaluateExpression(request.expression, expressionContextOf(request.context)) });
  } catch (error) {
    const code = isPlugboardError(error) ? error.code : 'InternalError';
    return toJsonText({ error: { code, message: errorMessage(error) } });
  }
}
