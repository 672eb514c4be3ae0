/**
 * The registry of action executors: one executor per lower-cased type, looked up by the action's
 * type in any letter case. `execute` is the one place an executor's failure becomes a `Failed`
 * outcome and secure data is marked, so every executor behaves the same way.
 */
import { PlugboardError, isPlugboardError } from '../../core/index.ts';
import { ExpressionEvaluationError, ExpressionSyntaxError } from '../../expressions/index.ts';
import type { ActionContext, ActionExecutor, ActionInput, ActionOutcome } from './contract.ts';
import { ActionError, ActionErrorCode } from './errors.ts';
import { apiConnectionExecutor } from './executors/api-connection.ts';
import { appendToArrayVariableExecutor } from './executors/append-to-array-variable.ts';
import { appendToStringVariableExecutor } from './executors/append-to-string-variable.ts';
import { composeExecutor } from './executors/compose.ts';
import { decrementVariableExecutor } from './executors/decrement-variable.ts';
import { httpExecutor } from './executors/http.ts';
import { incrementVariableExecutor } from './executors/increment-variable.ts';
import { initializeVariableExecutor } from './executors/initialize-variable.ts';
import { javaScriptCodeExecutor } from './executors/javascript-code.ts';
import { joinExecutor } from './executors/join.ts';
import { openApiConnectionExecutor } from './executors/open-api-connection.ts';
import { parseJsonExecutor } from './executors/parse-json.ts';
import { queryExecutor } from './executors/query.ts';
import { responseExecutor } from './executors/response.ts';
import { selectExecutor } from './executors/select.ts';
import { setVariableExecutor } from './executors/set-variable.ts';
import { tableExecutor } from './executors/table.ts';
import { terminateExecutor } from './executors/terminate.ts';
import { waitExecutor } from './executors/wait.ts';
import { workflowExecutor } from './executors/workflow.ts';
import { secureDataOf } from './secure-data.ts';
import { templateErrorPath, withPathPrefix } from './value-evaluator.ts';

/** Executors found by action type. */
export interface ActionRegistry {
  /** The executor for `type` (any letter case), or undefined. */
  get(type: string): ActionExecutor | undefined;
  has(type: string): boolean;
  /** The registered types, lower case, sorted. */
  types(): readonly string[];
  /**
   * Runs `action` with its executor: `Cancelled` when `context.signal` is aborted, `Failed` with
   * `UnknownActionType` when no executor exists, `Failed` with the error's code when the executor
   * throws a {@link PlugboardError} (expression errors become `InvalidTemplate`), and `secure` set
   * from `runtimeConfiguration.secureData`. Errors that are not PlugboardErrors are bugs and are
   * rethrown.
   */
  execute(action: ActionInput, context: ActionContext): Promise<ActionOutcome>;
}

/** The executors of every leaf action this folder implements. */
export const BUILT_IN_ACTION_EXECUTORS: readonly ActionExecutor[] = Object.freeze([
  composeExecutor,
  parseJsonExecutor,
  queryExecutor,
  selectExecutor,
  joinExecutor,
  tableExecutor,
  initializeVariableExecutor,
  setVariableExecutor,
  incrementVariableExecutor,
  decrementVariableExecutor,
  appendToArrayVariableExecutor,
  appendToStringVariableExecutor,
  terminateExecutor,
  waitExecutor,
  responseExecutor,
  httpExecutor,
  javaScriptCodeExecutor,
  workflowExecutor,
  apiConnectionExecutor,
  openApiConnectionExecutor,
]);

/** A registry of `executors`; throws when a type is not lower case or is registered twice. */
export function createActionRegistry(executors: readonly ActionExecutor[]): ActionRegistry {
  const byType = new Map<string, ActionExecutor>();
  for (const executor of executors) {
    if (executor.type === '' || executor.type !== executor.type.toLowerCase()) {
      throw new PlugboardError(`action executor type '${executor.type}' must be a non-empty lower-case name (such as 'compose')`, { code: 'ActionExecutorInvalid' });
    }
    if (byType.has(executor.type)) throw new PlugboardError(`two action executors are registered for type '${executor.type}' — register each type once`, { code: 'ActionExecutorInvalid' });
    byType.set(executor.type, executor);
  }
  const get = (type: string): ActionExecutor | undefined => byType.get(type.toLowerCase());
  return {
    get,
    has: (type) => get(type) !== undefined,
    types: () => [...byType.keys()].sort(),
    async execute(action, context) {
      const secure = secureDataOf(action.runtimeConfiguration, action.type);
      const marked = (outcome: ActionOutcome): ActionOutcome => (secure === undefined ? outcome : { ...outcome, secure });
      if (isAborted(context)) return marked(cancelled(action));
      const executor = get(action.type);
      if (executor === undefined) {
        return marked({ status: 'Failed', error: { code: ActionErrorCode.UnknownActionType, message: `action '${action.name}' has type '${action.type}', which this engine cannot run (known: ${[...byType.keys()].sort().join(', ')})` } });
      }
      try {
        return marked(await executor.execute(action, context));
      } catch (error) {
        if (isAborted(context)) return marked(cancelled(action));
        return marked({ status: 'Failed', error: failureOf(action, inInputs(error)) });
      }
    },
  };
}

/** A registry of {@link BUILT_IN_ACTION_EXECUTORS} plus `extra` (the engine's control and connector executors). */
export function createBuiltInActionRegistry(extra: readonly ActionExecutor[] = []): ActionRegistry {
  return createActionRegistry([...BUILT_IN_ACTION_EXECUTORS, ...extra]);
}

/** Read through a call: the signal may abort while the executor awaits. */
function isAborted(context: ActionContext): boolean {
  return context.signal?.aborted === true;
}

function cancelled(action: ActionInput): ActionOutcome {
  return { status: 'Cancelled', error: { code: ActionErrorCode.Cancelled, message: `action '${action.name}' was cancelled before it finished` } };
}

/** An executor evaluates its inputs: the path of a template failure starts at `/inputs`. */
function inInputs(error: unknown): unknown {
  if (error instanceof ExpressionSyntaxError || error instanceof ExpressionEvaluationError) {
    return new ActionError(error.message, { code: ActionErrorCode.InvalidTemplate, details: { ...error.details, path: '/inputs' }, cause: error });
  }
  return withPathPrefix(error, ['inputs']);
}

/**
 * The `{ code, message }` of a failure of `action` — for the engine's own evaluations too (a
 * Foreach's `foreach`, an If's `expression`): a template failure reads "Unable to process template
 * language expressions in action 'X' at /actions/X/<path>: …". Errors that are not
 * PlugboardErrors are bugs and are rethrown.
 */
export function failureOf(action: ActionInput, error: unknown): { code: string; message: string } {
  if (error instanceof ExpressionSyntaxError || error instanceof ExpressionEvaluationError || (isPlugboardError(error) && error.code === ActionErrorCode.InvalidTemplate)) {
    return { code: ActionErrorCode.InvalidTemplate, message: `Unable to process template language expressions in action '${action.name}' at ${action.pointer}${templateErrorPath(error)}: ${error.message}` };
  }
  if (isPlugboardError(error)) {
    const named = error.message.startsWith(`action '${action.name}'`);
    return { code: error.code, message: named ? error.message : `action '${action.name}': ${error.message}` };
  }
  throw error;
}
