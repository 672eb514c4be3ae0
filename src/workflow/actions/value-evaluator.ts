/**
 * Deep evaluation of an action's raw JSON inputs: every string that is a WDL template is
 * evaluated, object keys included (Logic Apps evaluates them too — which is why bodies write
 * `@@odata.type`). Parsed templates are cached, so an input evaluated once per Foreach iteration
 * or per Query item is parsed once.
 */
import { jsonPointer, parseJsonPointer } from '../../core/index.ts';
import { ExpressionEvaluationError, ExpressionSyntaxError, createWorkflowEvaluator, parseTemplate } from '../../expressions/index.ts';
import type { ExpressionContext, Template, WorkflowEvaluator } from '../../expressions/index.ts';
import { ActionError, ActionErrorCode } from './errors.ts';
import { wdlText } from './wdl-text.ts';

/** Evaluates a JSON value against an expression context. */
export type ValueEvaluator = (value: unknown, context: ExpressionContext) => unknown;

/** Options of {@link createValueEvaluator}. */
export interface ValueEvaluatorOptions {
  /** The run host's evaluator (clock, randomness, limits); default: a fresh one on the system clock. */
  readonly evaluator?: WorkflowEvaluator;
  /** Parsed templates kept (default 2,000); the oldest is dropped first. */
  readonly cacheSize?: number;
}

/**
 * Creates the deep evaluator the engine uses for `ActionContext.evaluate`. A failure is thrown as
 * {@link ActionError} `InvalidTemplate` whose `details.path` is the JSON pointer of the failing
 * string inside the value and whose message keeps the expression error's (which never holds values).
 */
export function createValueEvaluator(options: ValueEvaluatorOptions = {}): ValueEvaluator {
  const evaluator = options.evaluator ?? createWorkflowEvaluator();
  const cacheSize = options.cacheSize ?? 2_000;
  const cache = new Map<string, Template>();

  const templateOf = (text: string): Template => {
    const cached = cache.get(text);
    if (cached !== undefined) return cached;
    const template = parseTemplate(text, { syntax: 'wdl' });
    if (cache.size >= cacheSize) {
      const oldest = cache.keys().next();
      if (oldest.done !== true) cache.delete(oldest.value);
    }
    cache.set(text, template);
    return template;
  };

  const evaluateString = (text: string, context: ExpressionContext): unknown => {
    // Fast path: most strings are plain text (and a long literal must not hit the 8,192-character expression limit).
    if (!text.startsWith('@') && !text.includes('@{')) return text;
    const template = templateOf(text);
    return template.kind === 'literal' ? template.value : evaluator.evaluateTemplate(template, context);
  };

  /** The walker for one evaluation: every string of `value` read against `context`. */
  const walkerFor = (context: ExpressionContext) => {
    const walk = (value: unknown, path: readonly (string | number)[]): unknown => {
      if (typeof value === 'string') {
        try {
          return evaluateString(value, context);
        } catch (error) {
          throw invalidTemplate(error, path);
        }
      }
      if (Array.isArray(value)) return value.map((item, index) => walk(item, [...path, index]));
      if (!isPlainObject(value)) return value;
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(value)) {
        let name: string;
        try {
          name = wdlText(evaluateString(key, context));
        } catch (error) {
          throw invalidTemplate(error, [...path, key]);
        }
        Object.defineProperty(out, name, { value: walk(value[key], [...path, key]), enumerable: true, writable: true, configurable: true });
      }
      return out;
    };
    return walk;
  };

  return (value, context) => walkerFor(context)(value, []);
}

/** The JSON pointer of a failure inside an evaluated value, or `''` when unknown. */
export function templateErrorPath(error: unknown): string {
  if (error instanceof ActionError && typeof error.details?.['path'] === 'string') return error.details['path'];
  return '';
}

/** Prefixes the path of an `InvalidTemplate` error thrown for a part of a value (`from`, `where`, …). */
export function withPathPrefix(error: unknown, prefix: readonly (string | number)[]): unknown {
  if (!(error instanceof ActionError) || error.code !== ActionErrorCode.InvalidTemplate) return error;
  const inner = parseJsonPointer(templateErrorPath(error));
  return new ActionError(error.message, { code: error.code, details: { ...error.details, path: jsonPointer(...prefix, ...inner) }, cause: error.cause });
}

function invalidTemplate(error: unknown, path: readonly (string | number)[]): unknown {
  if (error instanceof ExpressionSyntaxError || error instanceof ExpressionEvaluationError) {
    return new ActionError(error.message, { code: ActionErrorCode.InvalidTemplate, details: { path: jsonPointer(...path), ...error.details }, cause: error });
  }
  return error;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}
