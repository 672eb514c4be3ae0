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
export type { CallContext, EvaluationScope, ExpressionFunction, FunctionTable } from './evaluate.ts';
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
