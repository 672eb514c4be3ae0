/** What the workflow functions share during one evaluation: the context, the clock, randomness and the work budget. */
import type { CallContext, ExpressionFunction, LazyExpressionFunction } from '../evaluate.ts';
import { ExpressionEvaluationError } from '../errors.ts';
import type { DateTimeValue } from '../dotnet/date-time.ts';
import type { ExpressionContext, WorkflowExpressionLimits } from '../workflow-context.ts';

/** One evaluation's services. */
export interface FunctionRuntime {
  readonly context: ExpressionContext;
  readonly limits: WorkflowExpressionLimits;
  /** The current time (the context's fixed `utcNow`, or the clock). */
  now(): DateTimeValue;
  /** A uniform random number in [0, 1). */
  random(): number;
  /** Counts `units` of work (characters or items produced); throws a limit error once the budget is spent. */
  charge(units: number, call: CallContext): void;
}

/** Functions of one family by their documented (camelCase) name. */
export type FunctionFamily = Readonly<Record<string, ExpressionFunction | LazyExpressionFunction>>;

/** The work budget of one evaluation. */
export function createBudget(limits: WorkflowExpressionLimits): (units: number, call: CallContext) => void {
  let spent = 0;
  return (units, call) => {
    spent += units;
    if (spent > limits.maxWork) {
      throw new ExpressionEvaluationError(`function \`${call.name}\` (offset ${call.offset}): the expression does more than ${limits.maxWork} units of work (characters and items produced) — it is too expensive to evaluate`, {
        reason: 'limit',
        offset: call.offset,
      });
    }
  };
}
