/**
 * InitializeVariable: declares variables with a type and an initial value. The designer writes one
 * variable per action; newer Logic Apps designers write several — both work. Without `value` a
 * variable starts at its type's empty value (false, 0, 0, "", [], {}), so `length()`/`add()` on it
 * work as users expect.
 */
import { isRecord } from '../../../expressions/index.ts';
import type { ActionExecutor } from '../contract.ts';
import { ActionError, ActionErrorCode, badInput } from '../errors.ts';
import { describe, inputsRecord, memberOf } from '../inputs.ts';
import { DEFAULT_ACTION_LIMITS } from '../limits.ts';
import type { DeclaredVariable, VariableType } from '../variable-store.ts';
import { VARIABLE_TYPES, parseVariableType } from '../variable-store.ts';

const EMPTY: Readonly<Record<VariableType, () => unknown>> = {
  Boolean: () => false,
  Integer: () => 0,
  Float: () => 0,
  String: () => '',
  Array: () => [],
  Object: () => ({}),
};

/** `InitializeVariable` — `{ variables: [{ name, type, value? }] }`. */
export const initializeVariableExecutor: ActionExecutor = {
  type: 'initializevariable',
  async execute(action, context) {
    const inputs = inputsRecord(action, { value: context.evaluate(action.inputs), expected: '`variables: [{ name, type, value }]`' });
    const list = memberOf(inputs, 'variables');
    if (!Array.isArray(list) || list.length === 0) throw badInput({ action: action.name, input: 'variables' }, 'must be a non-empty array of { "name", "type", "value" }');
    const declared: DeclaredVariable[] = [];
    const names = new Set<string>();
    list.forEach((entry, index) => {
      const where = `variables[${index}]`;
      if (!isRecord(entry)) throw badInput({ action: action.name, input: where }, `must be an object { "name", "type", "value" } (got ${describe(entry)})`);
      const name = memberOf(entry, 'name');
      if (typeof name !== 'string' || name.trim() === '') throw badInput({ action: action.name, input: `${where}.name` }, 'is required — the variable name');
      const type = parseVariableType(memberOf(entry, 'type'));
      if (type === undefined) throw badInput({ action: action.name, input: `${where}.type` }, `must be one of ${VARIABLE_TYPES.join(', ')}`);
      if (names.has(name.toLowerCase()) || context.variables.declared(name) !== undefined) {
        throw new ActionError(`action '${action.name}': the variable '${name}' is already initialized — variable names must be unique in a workflow (ignoring case)`, {
          code: ActionErrorCode.VariableAlreadyExists,
          details: { action: action.name, variable: name },
        });
      }
      names.add(name.toLowerCase());
      const value = memberOf(entry, 'value');
      declared.push({ name, type, value: value === undefined ? EMPTY[type]() : value });
    });
    const limits = context.limits ?? DEFAULT_ACTION_LIMITS;
    const count = Object.keys(context.variables.values()).length;
    if (count + declared.length > limits.maxVariables) {
      throw new ActionError(`action '${action.name}': a workflow run has at most ${limits.maxVariables} variables`, { code: ActionErrorCode.VariableLimitExceeded, details: { action: action.name } });
    }
    for (const variable of declared) context.variables.declare(variable);
    return { status: 'Succeeded', inputs: { variables: declared } };
  },
};
