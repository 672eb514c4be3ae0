/**
 * One call through the chain: the expression functions policy parameters may use, bound to the
 * call's context and working request.
 */
import { ExpressionEvaluationError, evaluate, interpolationText } from '../expressions/index.ts';
import type { EvaluationFailure, EvaluationScope, Expression, ExpressionFunction, ExpressionLimits, Template } from '../expressions/index.ts';
import { POLICY_ERROR_CODES, PolicyError } from './errors.ts';
import type { PolicyLocation } from './errors.ts';
import type { PolicyContext, PolicyRequest } from './model.ts';

/** A compiled template parameter: its name (after `x-ms-apimTemplateParameter.`), text and parsed form. */
export interface PolicyParameter {
  readonly name: string;
  readonly text: string;
  readonly template: Template;
}

/** Values the body functions return during one evaluation. */
export interface EvaluationData {
  /** `body()`: defaults to the working request's body. */
  readonly body?: unknown;
  /** `item()`: the current element of a collection. */
  readonly item?: unknown;
  /** `triggerBody()`: the previous poll's response. */
  readonly triggerBody?: unknown;
}

/** Names of the functions policy parameters may call, with their arity (lower-cased). */
export const POLICY_FUNCTIONS: Readonly<Record<string, { readonly minArgs: number; readonly maxArgs: number }>> = {
  connectionparameters: { minArgs: 1, maxArgs: 2 },
  headers: { minArgs: 1, maxArgs: 2 },
  header: { minArgs: 1, maxArgs: 2 },
  queryparameters: { minArgs: 1, maxArgs: 2 },
  body: { minArgs: 0, maxArgs: 0 },
  item: { minArgs: 0, maxArgs: 0 },
  triggerbody: { minArgs: 0, maxArgs: 0 },
};

const NO_DATA: EvaluationData = {};

/** Evaluation failures that mean "the data is not there" rather than "the policy is wrong". */
const MISSING: ReadonlySet<EvaluationFailure> = new Set(['missing-property', 'null-access', 'index-out-of-range']);

/** The state of one call while its policies run. */
export class PolicyRun {
  readonly context: PolicyContext | undefined;
  /** The working request `headers()` and `queryParameters()` read first. */
  request: PolicyRequest | undefined;
  /** The policy running now, for error messages. */
  location: PolicyLocation = { label: 'policy', pointer: '' };
  private data: EvaluationData = NO_DATA;
  private readonly scope: EvaluationScope;

  /** `context` is undefined where no call is running (polling trigger configuration). */
  constructor(context: PolicyContext | undefined, limits?: ExpressionLimits) {
    this.context = context;
    this.scope = {
      functions: this.functions(),
      identifiers: context === undefined ? {} : { Request: { OriginalHTTPMethod: context.originalMethod.toUpperCase() } },
      limits,
    };
  }

  /** Evaluates a parameter; evaluation errors are re-raised naming the policy and the parameter. */
  evaluate(parameter: PolicyParameter, data: EvaluationData = NO_DATA): unknown {
    return this.evaluateTemplate(parameter.template, { parameter: parameter.name, data });
  }

  /**
   * Evaluates a parameter whose expressions read data that may be absent (a body property, an
   * element, the previous poll's items): undefined when the value is missing, instead of an error.
   */
  tryEvaluate(parameter: PolicyParameter, data: EvaluationData = NO_DATA): { readonly value: unknown } | undefined {
    try {
      return { value: this.evaluate(parameter, data) };
    } catch (error) {
      if (error instanceof PolicyError && error.cause instanceof ExpressionEvaluationError && MISSING.has(error.cause.reason)) return undefined;
      throw error;
    }
  }

  /** Evaluates a parameter to text (non-strings as interpolation writes them). */
  text(parameter: PolicyParameter, data: EvaluationData = NO_DATA): string {
    return interpolationText(this.evaluate(parameter, data));
  }

  /** Evaluates one expression (a part of the template of parameter `of.parameter`). */
  evaluateExpression(expression: Expression, of: { readonly parameter: string; readonly data?: EvaluationData }): unknown {
    return this.evaluateTemplate(expression, { parameter: of.parameter, data: of.data ?? NO_DATA });
  }

  private evaluateTemplate(target: Template | Expression, of: { readonly parameter: string; readonly data: EvaluationData }): unknown {
    const { parameter: parameterName, data } = of;
    const previous = this.data;
    this.data = data;
    try {
      return evaluate(target, this.scope);
    } catch (error) {
      if (error instanceof ExpressionEvaluationError) {
        throw new PolicyError(`parameter \`${parameterName}\`: ${error.message}`, {
          code: error.code,
          location: this.location,
          details: { parameter: parameterName, reason: error.reason },
          cause: error,
        });
      }
      throw error;
    } finally {
      this.data = previous;
    }
  }

  private functions(): Record<string, ExpressionFunction> {
    const lookup = (args: readonly unknown[], kind: 'header' | 'query'): unknown => {
      const name = interpolationText(args[0]);
      const found = kind === 'header' ? this.header(name) : this.query(name);
      if (found !== undefined) return found;
      if (args.length > 1) return args[1];
      const call = kind === 'header' ? 'headers' : 'queryParameters';
      throw new PolicyError(`${kind === 'header' ? 'header' : 'query parameter'} \`${name}\` is not in the request — send it, or give the policy a default: @${call}('${name}', '…')`, {
        code: POLICY_ERROR_CODES.valueMissing,
        location: this.location,
        details: { [kind === 'header' ? 'header' : 'queryParameter']: name },
      });
    };
    return {
      connectionparameters: { minArgs: 1, maxArgs: 2, call: (args) => this.connectionParameter(args) },
      headers: { minArgs: 1, maxArgs: 2, call: (args) => lookup(args, 'header') },
      header: { minArgs: 1, maxArgs: 2, call: (args) => lookup(args, 'header') },
      queryparameters: { minArgs: 1, maxArgs: 2, call: (args) => lookup(args, 'query') },
      body: { minArgs: 0, maxArgs: 0, call: () => ('body' in this.data ? this.data.body : this.request?.body) },
      item: {
        minArgs: 0,
        maxArgs: 0,
        call: (_args, call) => {
          if ('item' in this.data) return this.data.item;
          throw new ExpressionEvaluationError(`item() (offset ${call.offset}) is only available where a policy works on each element of a collection`, { reason: 'unknown-identifier', offset: call.offset });
        },
      },
      triggerbody: { minArgs: 0, maxArgs: 0, call: () => this.data.triggerBody ?? null },
    };
  }

  private connectionParameter(args: readonly unknown[]): unknown {
    const name = interpolationText(args[0]);
    const values = this.context?.connectionParameters ?? {};
    const value = Object.hasOwn(values, name) ? values[name] : caseInsensitive(values, name);
    if (value !== undefined && value !== null) return value;
    if (args.length > 1) return args[1];
    throw new PolicyError(
      this.context === undefined
        ? `connection parameter \`${name}\` cannot be read here (no connection is involved)`
        : `connection parameter \`${name}\` has no value in this connection — set it on the connection, or give the policy a default: @connectionParameters('${name}', '…')`,
      { code: POLICY_ERROR_CODES.connectionParameterMissing, location: this.location, details: { connectionParameter: name } },
    );
  }

  private header(name: string): string | undefined {
    const lower = name.toLowerCase();
    const current = this.request?.headers;
    if (current !== undefined && Object.hasOwn(current, lower)) return current[lower];
    const original = this.context?.originalRequest.headers;
    if (original === undefined) return undefined;
    return Object.hasOwn(original, lower) ? original[lower] : caseInsensitive(original, lower);
  }

  private query(name: string): string | undefined {
    const current = this.request?.query.find((pair) => pair[0] === name);
    if (current !== undefined) return current[1];
    return this.context?.originalRequest.query.find((pair) => pair[0] === name)?.[1];
  }
}

function caseInsensitive<T>(values: Readonly<Record<string, T>>, name: string): T | undefined {
  const lower = name.toLowerCase();
  for (const key of Object.keys(values)) if (key.toLowerCase() === lower) return values[key];
  return undefined;
}
