/**
 * Switch matching (logic-apps-control-flow-switch-statement.md): equality only, case values must
 * be constant and unique, at most one case matches, at most 25 cases; no match → `default`.
 * Strings compare exactly (case-sensitive: users write `toLower()` in the On expression), numbers
 * by value (1 matches 1.0), a string never matches a number.
 */
import { isRecord, parseTemplate } from '../../expressions/index.ts';
import { ActionError, ActionErrorCode } from './errors.ts';
import { DEFAULT_ACTION_LIMITS } from './limits.ts';

/** One case as a definition writes it: `{ case: <value>, actions }`. */
export interface SwitchCaseDefinition {
  readonly case?: unknown;
}

/**
 * The name of the case whose value equals `on`, or undefined (run `default`). Throws `BadRequest`
 * for more than 25 cases, a case without a value, an expression as a case value, or two cases with
 * the same value; `InvalidTemplate` when `on` is not a string, number or boolean.
 */
export function switchCase(on: unknown, cases: Readonly<Record<string, SwitchCaseDefinition>>): string | undefined {
  const limits = DEFAULT_ACTION_LIMITS;
  const names = Object.keys(cases);
  if (names.length > limits.maxSwitchCases) {
    throw new ActionError(`a Switch has ${names.length} cases; at most ${limits.maxSwitchCases} are allowed — split it or use a lookup object with an expression`, { code: ActionErrorCode.BadRequest, details: { cases: names.length } });
  }
  if (typeof on !== 'string' && typeof on !== 'number' && typeof on !== 'bigint' && typeof on !== 'boolean') {
    throw new ActionError(`the Switch expression must evaluate to a string or a number, but it evaluated to ${on === null ? 'null' : Array.isArray(on) ? 'an array' : `a ${typeof on}`} — pick a property, or use string()/int()`, {
      code: ActionErrorCode.InvalidTemplate,
      details: {},
    });
  }
  const seen: { readonly name: string; readonly value: unknown }[] = [];
  let match: string | undefined;
  for (const name of names) {
    const definition = cases[name];
    const value = isRecord(definition) ? constantOf(name, definition['case']) : undefined;
    if (value === undefined) throw new ActionError(`Switch case '${name}' has no \`case\` value — give it the constant it matches`, { code: ActionErrorCode.BadRequest, details: { case: name } });
    const duplicate = seen.find((other) => sameValue(other.value, value));
    if (duplicate !== undefined) throw new ActionError(`Switch cases '${duplicate.name}' and '${name}' have the same value — case values must be unique`, { code: ActionErrorCode.BadRequest, details: { case: name } });
    seen.push({ name, value });
    if (match === undefined && sameValue(value, on)) match = name;
  }
  return match;
}

function constantOf(name: string, value: unknown): unknown {
  if (typeof value !== 'string') return value === null ? undefined : value;
  const template = parseTemplate(value, { syntax: 'wdl' });
  if (template.kind !== 'literal') {
    throw new ActionError(`Switch case '${name}' has an expression as its value — case values must be constants (put the expression in the Switch's On)`, { code: ActionErrorCode.BadRequest, details: { case: name } });
  }
  return template.value;
}

function sameValue(a: unknown, b: unknown): boolean {
  if ((typeof a === 'number' || typeof a === 'bigint') && (typeof b === 'number' || typeof b === 'bigint')) {
    if (typeof a === 'bigint' || typeof b === 'bigint') {
      return Number.isInteger(Number(a)) && Number.isInteger(Number(b)) && BigInt(a) === BigInt(b);
    }
    return a === b;
  }
  return typeof a === typeof b && a === b;
}
