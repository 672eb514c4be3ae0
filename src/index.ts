/**
 * The `plugboard` package entry: the library surface for programs that embed Plugboard.
 */
export { createWorkflowEvaluator, evaluateExpression } from './expressions/index.ts';
export type { EvaluateExpressionOptions, ExpressionContext, WorkflowEvaluator } from './expressions/index.ts';
