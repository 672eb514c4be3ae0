/**
 * The value of each declared parameter: the caller's value, else the wrapper's `{ value }`, else
 * `defaultValue`. A parameter with none of them has no entry (validation reports it).
 */
import type { Issue } from '../../core/index.ts';
import { escapePointerToken } from '../../core/index.ts';
import type { ParameterDeclaration } from './model.ts';

/** Where values come from, in increasing priority. */
export interface ParameterSources {
  readonly wrapper: Readonly<Record<string, unknown>>;
  readonly supplied: Readonly<Record<string, unknown>> | undefined;
  /** Pointer of the wrapper's parameter values, for issues about undeclared ones. */
  readonly wrapperPointer: string | undefined;
}

/** Values by declared name; values for undeclared names are reported as warnings and dropped. */
export function resolveParameters(declarations: Readonly<Record<string, ParameterDeclaration>>, sources: ParameterSources, issues: Issue[]): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const [name, declaration] of Object.entries(declarations)) {
    const found = [sources.supplied, sources.wrapper].find((source) => source !== undefined && Object.hasOwn(source, name));
    if (found === undefined && !declaration.hasDefault) continue;
    Object.defineProperty(values, name, { value: found === undefined ? declaration.defaultValue : found[name], enumerable: true, writable: true, configurable: true });
  }
  const declared = Object.keys(declarations).join(', ') || 'none';
  for (const name of Object.keys(sources.wrapper)) {
    if (!Object.hasOwn(declarations, name)) {
      issues.push({ code: 'parameter-undeclared', severity: 'warning', path: `${sources.wrapperPointer ?? ''}/${escapePointerToken(name)}`, message: `a value is given for parameter \`${name}\`, which the definition does not declare (declared: ${declared}) — declare it under \`parameters\` or remove the value` });
    }
  }
  for (const name of Object.keys(sources.supplied ?? {})) {
    if (!Object.hasOwn(declarations, name)) {
      issues.push({ code: 'parameter-undeclared', severity: 'warning', path: '', message: `a value is supplied for parameter \`${name}\`, which the definition does not declare (declared: ${declared}) — check the name` });
    }
  }
  return values;
}
