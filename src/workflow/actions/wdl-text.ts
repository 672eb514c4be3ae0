/**
 * Values as the workflow language writes them in text (Join, Table cells, AppendToStringVariable)
 * and JSON text read as `json()` reads it (ParseJson). Both go through the expression language so
 * that actions and functions agree: booleans `True`/`False`, null as nothing, doubles with .NET's
 * 15 significant digits, objects as compact JSON, integers beyond 2^53 exact.
 */
import { createWorkflowEvaluator, parseTemplate } from '../../expressions/index.ts';

// Only pure functions run here (`string`, `join`, `json`): no clock or randomness is read.
const evaluator = createWorkflowEvaluator();
const AS_TEXT = parseTemplate('@{item()}', { syntax: 'wdl' });
const AS_JSON = parseTemplate('@json(item())', { syntax: 'wdl' });
const JOINED = parseTemplate('@join(item().from, item().separator)', { syntax: 'wdl' });

/** The text of a value inside `@{…}`. */
export function wdlText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  return String(evaluator.evaluateTemplate(AS_TEXT, { item: value }));
}

/** `join(from, separator)`, with its limits (the result is at most 104,857,600 characters). */
export function wdlJoin(from: readonly unknown[], separator: string): string {
  return String(evaluator.evaluateTemplate(JOINED, { item: { from, separator } }));
}

/** `json(text)`: throws the expression error when the text is not JSON. */
export function wdlParseJson(text: string): unknown {
  return evaluator.evaluateTemplate(AS_JSON, { item: text });
}
