/**
 * Parameter declarations (wdl.md §1): a known type, a default of that type, and — when the run's
 * values are given — a value for each parameter, of the declared type and among `allowedValues`.
 */
import type { Issue } from '../../../core/index.ts';
import { isRecord } from '../../../expressions/index.ts';
import type { ParameterDeclaration, ParameterType } from '../model.ts';
import type { CheckInput } from './check.ts';
import { error } from './check.ts';

const TYPES = 'Int, Float, String, Bool, Array, Object, SecureString, SecureObject';

function fits(type: ParameterType, value: unknown): boolean {
  switch (type) {
    case 'int':
      return typeof value === 'bigint' || (typeof value === 'number' && Number.isInteger(value));
    case 'float':
      return typeof value === 'number' || typeof value === 'bigint';
    case 'string':
    case 'securestring':
      return typeof value === 'string';
    case 'bool':
      return typeof value === 'boolean';
    case 'array':
      return Array.isArray(value);
    case 'object':
    case 'secureobject':
      return isRecord(value);
  }
}

const describe = (value: unknown): string => (value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value);

function checkValue(declaration: ParameterDeclaration, found: { readonly value: unknown; readonly path: string; readonly what: string }): Issue[] {
  const { type, name } = declaration;
  const { value } = found;
  if (type !== undefined && !fits(type, value)) {
    return [error('parameter-value-type', found.path, `parameter \`${name}\` is declared ${String(declaration.raw['type'])}, but its ${found.what} is ${describe(value)} — give a ${String(declaration.raw['type'])} value`)];
  }
  const allowed = declaration.raw['allowedValues'];
  const secure = type === 'securestring' || type === 'secureobject';
  if (Array.isArray(allowed) && !allowed.some((candidate) => JSON.stringify(candidate) === JSON.stringify(value))) {
    return [error('parameter-value-not-allowed', found.path, `parameter \`${name}\`: its ${found.what}${secure ? '' : ` ${JSON.stringify(value)}`} is not one of its allowedValues — use one of them`)];
  }
  return [];
}

/** Reports unknown types, defaults and values of the wrong type, and (with `options.parameters`) missing values. */
export function checkParameters({ definition, options }: CheckInput): Issue[] {
  const issues: Issue[] = [];
  for (const declaration of Object.values(definition.parameters)) {
    const { name, pointer } = declaration;
    if (declaration.type === undefined) {
      issues.push(error('parameter-type-unknown', `${pointer}/type`, `parameter \`${name}\`: type ${JSON.stringify(declaration.raw['type'] ?? null)} is not known — use one of ${TYPES}`));
    }
    if (declaration.hasDefault) issues.push(...checkValue(declaration, { value: declaration.defaultValue, path: `${pointer}/defaultValue`, what: 'defaultValue' }));
    const values = options.parameters;
    if (values === undefined) continue;
    if (!Object.hasOwn(values, name)) {
      issues.push(error('parameter-missing', pointer, `parameter \`${name}\` has no value and no defaultValue — supply a value (e.g. in a parameters file: { "${name}": … }) or add a defaultValue`));
    } else if (!declaration.hasDefault || values[name] !== declaration.defaultValue) {
      issues.push(...checkValue(declaration, { value: values[name], path: pointer, what: 'supplied value' }));
    }
  }
  return issues;
}
