/** Writes an AST back as expression text (WDL syntax), e.g. to show a parsed expression to a user. */
import type { Expression } from './ast.ts';

const MEMBER_NAME = /^[A-Za-z0-9_$][A-Za-z0-9_$-]*$/;

/** The text of an expression, without a leading `@`; parsing it gives the same AST (offsets aside). */
export function printExpression(expression: Expression): string {
  switch (expression.kind) {
    case 'string':
      return `'${expression.value.replaceAll("'", "''")}'`;
    case 'number':
      return printNumber(expression.value, expression.float === true);
    case 'boolean':
      return String(expression.value);
    case 'null':
      return 'null';
    case 'identifier':
      return expression.name;
    case 'call':
      return `${expression.name}(${expression.args.map(printExpression).join(', ')})`;
    case 'member':
      if (MEMBER_NAME.test(expression.property)) return `${printExpression(expression.object)}${expression.optional ? '?.' : '.'}${expression.property}`;
      return `${printExpression(expression.object)}${expression.optional ? '?' : ''}['${expression.property.replaceAll("'", "''")}']`;
    case 'index':
      return `${printExpression(expression.object)}${expression.optional ? '?' : ''}[${printExpression(expression.index)}]`;
  }
}

/** A number literal that parses back to the same value and the same float flag. */
function printNumber(value: number, float: boolean): string {
  if (Object.is(value, -0)) return float ? '-0.0' : '-0';
  const text = String(value);
  if (float) return /[.e]/.test(text) ? text : `${text}.0`;
  // A whole value that String() writes with an exponent (1e+21) would read back as a float.
  if (Number.isInteger(value) && text.includes('e')) return BigInt(value).toString();
  return text;
}
