/**
 * Expressions: the Workflow Definition Language (and the policy-template dialect of it) parsed into
 * a JSON-serialisable AST and interpreted over JSON values. Pure: no I/O, no JavaScript evaluation.
 */
export { parseExpression, parseAccessPath } from './parser.ts';
export type { ParseOptions } from './parser.ts';
export { parseTemplate } from './template.ts';
export { printExpression } from './print.ts';
export type { TemplateOptions, TemplateSyntax } from './template.ts';
export { evaluate, interpolationText, isRecord, typeName } from './evaluate.ts';
export type { CallContext, EvaluationScope, ExpressionFunction, FunctionTable, LazyExpressionFunction } from './evaluate.ts';
export { ExpressionSyntaxError, ExpressionEvaluationError } from './errors.ts';
export type { EvaluationFailure, SyntaxPosition } from './errors.ts';
export { DEFAULT_EXPRESSION_LIMITS, resolveLimits } from './limits.ts';
export type { ExpressionLimits } from './limits.ts';
export type {
  BooleanLiteral,
  CallExpression,
  EmbeddingForm,
  Expression,
  ExpressionPart,
  ExpressionTemplate,
  IdentifierExpression,
  IndexExpression,
  InterpolatedTemplate,
  LiteralTemplate,
  MemberExpression,
  NullLiteral,
  NumberLiteral,
  PathSegment,
  StringLiteral,
  Template,
  TemplatePart,
  TextPart,
} from './ast.ts';
export { createWorkflowEvaluator, evaluateExpression } from './workflow-expression.ts';
export type { EvaluateExpressionOptions, WorkflowEvaluator } from './workflow-expression.ts';
export type { ExpressionContext, WorkflowExpressionLimits } from './workflow-context.ts';
export { DEFAULT_WORKFLOW_EXPRESSION_LIMITS, expressionContextOf, resolveWorkflowLimits } from './workflow-context.ts';
export { WORKFLOW_FUNCTION_FAMILIES, WORKFLOW_FUNCTION_NAMES } from './functions/registry.ts';
export type { FunctionFamilyName } from './functions/registry.ts';
export { toJsonText } from './values.ts';
export { parseJsonText } from './json-text.ts';
export type { JsonTextOptions } from './values.ts';
export { findTimeZone, TimeZoneError } from './dotnet/time-zones.ts';
export type { TimeZone } from './dotnet/time-zones.ts';
