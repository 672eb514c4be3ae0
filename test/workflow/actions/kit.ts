/** Builds what the engine gives an executor: an action, a context with a real evaluator, a variable store and a manual clock. */
import { createManualClock } from '../../../src/core/index.ts';
import type { ManualClock } from '../../../src/core/index.ts';
import { createWorkflowEvaluator } from '../../../src/expressions/index.ts';
import type { ExpressionContext } from '../../../src/expressions/index.ts';
import { createBuiltInActionRegistry, createValueEvaluator, createVariableStore, resolveActionLimits } from '../../../src/workflow/actions/index.ts';
import type { ActionContext, ActionInput, ActionLimits, ActionOutcome, DeclaredVariable, HttpPort, VariableStore } from '../../../src/workflow/actions/index.ts';

/** What a test context starts with. */
export interface TestContextOptions {
  readonly variables?: readonly DeclaredVariable[];
  /** The rest of the run's expression context (parameters, trigger, actions, …). */
  readonly expressions?: ExpressionContext;
  readonly http?: HttpPort;
  readonly signal?: AbortSignal;
  readonly limits?: Partial<ActionLimits>;
  readonly clock?: ManualClock;
}

/** An {@link ActionContext} as the engine builds one, with its store and clock exposed. */
export interface TestContext extends ActionContext {
  readonly variables: VariableStore;
  readonly clock: ManualClock;
}

/** A context whose `evaluate` reads the run's expressions and the live variables. */
export function testContext(options: TestContextOptions = {}): TestContext {
  const limits = resolveActionLimits(options.limits);
  const clock = options.clock ?? createManualClock(Date.UTC(2026, 0, 15, 12, 0, 0));
  const variables = createVariableStore({ limits, ...(options.variables === undefined ? {} : { variables: options.variables }) });
  const evaluateValue = createValueEvaluator({ evaluator: createWorkflowEvaluator({ clock }) });
  return {
    evaluate: (value, extra) => evaluateValue(value, { ...options.expressions, variables: variables.values(), ...extra }),
    variables,
    clock,
    limits,
    ...(options.http === undefined ? {} : { http: options.http }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  };
}

/** What a test says about an action: its type and raw inputs, optionally its name and runtime configuration. */
export type TestAction = Pick<ActionInput, 'type' | 'inputs'> & Partial<ActionInput>;

/** The {@link ActionInput} the engine would pass (named after its type unless `name` is given). */
export function actionOf(action: TestAction): ActionInput {
  const name = action.name ?? action.type;
  return { name, pointer: `/actions/${name}`, ...action };
}

const registry = createBuiltInActionRegistry();

/** Runs one action through the built-in registry, the way the engine does. */
export function run(action: TestAction, context: ActionContext = testContext()): Promise<ActionOutcome> {
  return registry.execute(actionOf(action), context);
}
