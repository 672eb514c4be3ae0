/** AppendToStringVariable: adds text at the end of a String variable. */
import type { ActionExecutor } from '../contract.ts';
import { ActionError, ActionErrorCode, badInput } from '../errors.ts';
import { variableChange } from '../variable-inputs.ts';
import { wdlText } from '../wdl-text.ts';

/** `AppendToStringVariable` — `{ name, value }`; a non-string value is appended as `@{…}` writes it. */
export const appendToStringVariableExecutor: ActionExecutor = {
  type: 'appendtostringvariable',
  async execute(action, context) {
    const { name, value } = variableChange(action, { context, valueRequired: true });
    if (value === null) throw badInput({ action: action.name, input: 'value' }, 'cannot be null — guard it with coalesce(…, \'\')');
    const current = context.variables.get(name);
    const declared = context.variables.declared(name);
    if (declared?.type !== 'String') {
      throw new ActionError(`action '${action.name}': the variable '${name}' is of type '${declared?.type ?? 'unknown'}'; AppendToStringVariable only works on String variables — use AppendToArrayVariable for an Array`, {
        code: ActionErrorCode.InvalidVariableType,
        details: { action: action.name, variable: name, type: declared?.type },
      });
    }
    context.variables.set(name, `${typeof current === 'string' ? current : ''}${wdlText(value)}`);
    return { status: 'Succeeded', inputs: { name: declared.name, value } };
  },
};
