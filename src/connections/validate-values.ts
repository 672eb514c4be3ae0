/**
 * Checks the values a user gives for a connection against the connector's connection parameters
 * (or the chosen parameter set) and splits them into plain values and secrets. Pure.
 *
 * Messages name the parameter (also in `details.parameter`) and the fix, and never repeat a value:
 * it may be a secret typed into the wrong field.
 */
import type { ConnectionModel, ConnectionParameter } from '../connectors/index.ts';
import { UserInputError } from '../core/index.ts';
import { ConnectionsErrorCode } from './errors.ts';

/** How a parameter is stored. */
export type ParameterKind = 'plain' | 'secret' | 'number' | 'boolean' | 'oauth' | 'gateway';

/** Input of {@link validateConnectionValues}. */
export interface ConnectionValuesInput {
  readonly connectorName: string;
  readonly parameterSet?: string | null;
  readonly values: Readonly<Record<string, unknown>>;
}

/** The values, checked and split. */
export interface ValidatedConnectionValues {
  readonly parameterSet: string | null;
  /** The parameters that apply (the set's, or the connector's). */
  readonly parameters: readonly ConnectionParameter[];
  /** Non-secret values, stored in plain text. */
  readonly values: Readonly<Record<string, unknown>>;
  /** Secret values, stored only inside the encrypted envelope. */
  readonly secrets: Readonly<Record<string, unknown>>;
  /** True when a parameter is filled by an OAuth sign-in (the connection starts `unauthenticated`). */
  readonly usesOAuth: boolean;
}

/** Names that mark a `string` parameter as secret anyway (e.g. `token:clientSecret` typed `string`). */
const SECRET_NAME = /secret|password|passwd|api[_-]?key|apikey/i;

/** How a parameter's value is stored and checked. */
export function parameterKind(parameter: ConnectionParameter): ParameterKind {
  switch (parameter.type) {
    case 'oauthSetting':
      return 'oauth';
    case 'gatewaySetting':
      return 'gateway';
    case 'securestring':
      return 'secret';
    case 'int':
      return 'number';
    case 'bool':
      return 'boolean';
    case 'string':
      return SECRET_NAME.test(parameter.name) ? 'secret' : 'plain';
    case 'unknown':
      return /secure/i.test(parameter.rawType ?? '') || SECRET_NAME.test(parameter.name) ? 'secret' : 'plain';
  }
}

/** True when the user must give a value (`constraints.required`, written as the string "true" or a boolean). */
export function isRequired(parameter: ConnectionParameter): boolean {
  const required: unknown = parameter.ui?.required;
  return required === true || (typeof required === 'string' && required.trim().toLowerCase() === 'true');
}

/** The parameters that apply for `parameterSet`, or a UserInputError saying which sets exist. */
export function effectiveParameters(
  model: ConnectionModel,
  choice: { readonly connectorName: string; readonly parameterSet?: string | null },
): { readonly name: string | null; readonly parameters: readonly ConnectionParameter[] } {
  const { connectorName, parameterSet } = choice;
  const sets = model.parameterSets?.values ?? [];
  if (sets.length === 0) {
    if (parameterSet !== undefined && parameterSet !== null) {
      throw new UserInputError(`connector "${connectorName}" has no connection parameter sets, so parameter set "${parameterSet}" does not apply — leave it out`, {
        code: ConnectionsErrorCode.ConnectionParameterSetUnknown,
        details: { parameterSet, parameterSets: [] },
      });
    }
    return { name: null, parameters: model.parameters };
  }
  const choices = sets.map((set) => `"${set.name}"${set.uiDefinition?.displayName === undefined ? '' : ` (${set.uiDefinition.displayName})`}`).join(', ');
  if (parameterSet === undefined || parameterSet === null || parameterSet === '') {
    throw new UserInputError(`connector "${connectorName}" needs a connection parameter set — choose one of ${choices} as parameterSet (CLI: --set <name>)`, {
      code: ConnectionsErrorCode.ConnectionParameterSetRequired,
      details: { parameterSets: sets.map((set) => set.name) },
    });
  }
  const chosen = sets.find((set) => set.name === parameterSet);
  if (chosen === undefined) {
    throw new UserInputError(`connector "${connectorName}" has no connection parameter set "${parameterSet}" — choose one of ${choices}`, {
      code: ConnectionsErrorCode.ConnectionParameterSetUnknown,
      details: { parameterSet, parameterSets: sets.map((set) => set.name) },
    });
  }
  return { name: chosen.name, parameters: chosen.parameters };
}

/** Validates and splits the values; throws a UserInputError naming the first bad parameter. */
export function validateConnectionValues(model: ConnectionModel, input: ConnectionValuesInput): ValidatedConnectionValues {
  const { name: parameterSet, parameters } = effectiveParameters(model, input);
  const settable = parameters.filter((p) => isSettable(parameterKind(p)));
  const where = `connector "${input.connectorName}"${parameterSet === null ? '' : ` (parameter set "${parameterSet}")`}`;

  for (const name of Object.keys(input.values)) {
    const parameter = parameters.find((p) => p.name === name);
    if (parameter === undefined) {
      throw new UserInputError(`${where} has no connection parameter "${name}" — ${settable.length === 0 ? 'it takes no parameters' : `use ${listNames(settable)}`}`, {
        code: ConnectionsErrorCode.ConnectionParameterUnknown,
        details: { parameter: name, parameters: settable.map((p) => p.name) },
      });
    }
    const kind = parameterKind(parameter);
    if (!isSettable(kind) && input.values[name] !== undefined && input.values[name] !== null) {
      throw new UserInputError(
        kind === 'oauth'
          ? `connection parameter "${name}" of ${where} is filled in by the OAuth sign-in, not given as a value — remove it and sign in after creating the connection`
          : `connection parameter "${name}" of ${where} is an on-premises gateway setting, which Plugboard does not support yet — remove it`,
        { code: ConnectionsErrorCode.ConnectionParameterNotSettable, details: { parameter: name } },
      );
    }
  }

  const values: Record<string, unknown> = {};
  const secrets: Record<string, unknown> = {};
  for (const parameter of settable) {
    const kind = parameterKind(parameter);
    const given = input.values[parameter.name];
    const value = isEmpty(given) ? parameter.defaultValue : given;
    if (isEmpty(value)) {
      if (isRequired(parameter)) {
        throw new UserInputError(
          `connection parameter "${parameter.name}"${label(parameter)} of ${where} is required — give it as values["${parameter.name}"] (CLI: --param ${parameter.name}=…${kind === 'secret' ? ` or --param-file ${parameter.name}=<file>` : ''})`,
          { code: ConnectionsErrorCode.ConnectionParameterMissing, details: { parameter: parameter.name } },
        );
      }
      continue;
    }
    const checked = checkType(parameter, kind, value, where);
    checkAllowed(parameter, checked, where);
    if (kind === 'secret') secrets[parameter.name] = checked;
    else values[parameter.name] = checked;
  }
  return { parameterSet, parameters, values, secrets, usesOAuth: parameters.some((p) => parameterKind(p) === 'oauth') };
}

function isSettable(kind: ParameterKind): boolean {
  return kind !== 'oauth' && kind !== 'gateway';
}

function isEmpty(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}

function checkType(parameter: ConnectionParameter, kind: ParameterKind, value: unknown, where: string): unknown {
  const invalid = (expected: string) =>
    new UserInputError(`connection parameter "${parameter.name}"${label(parameter)} of ${where} must be ${expected}, not ${describe(value)} — give it as ${expected}`, {
      code: ConnectionsErrorCode.ConnectionParameterInvalid,
      details: { parameter: parameter.name, expected },
    });
  switch (kind) {
    case 'number':
      if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
      if (typeof value === 'string' && /^-?\d{1,15}$/.test(value.trim())) return Number(value.trim());
      throw invalid('a whole number');
    case 'boolean':
      if (typeof value === 'boolean') return value;
      if (typeof value === 'string' && /^(true|false)$/i.test(value.trim())) return value.trim().toLowerCase() === 'true';
      throw invalid('true or false');
    default:
      if (typeof value === 'string') return value;
      throw invalid('a string');
  }
}

function checkAllowed(parameter: ConnectionParameter, value: unknown, where: string): void {
  const allowed = parameter.ui?.allowedValues;
  if (allowed === undefined || allowed.length === 0) return;
  if (allowed.some((choice) => String(choice.value) === String(value))) return;
  const choices = allowed.map((choice) => `"${String(choice.value)}"${choice.text === undefined || choice.text === String(choice.value) ? '' : ` (${choice.text})`}`).join(', ');
  throw new UserInputError(`connection parameter "${parameter.name}"${label(parameter)} of ${where} must be one of ${choices}`, {
    code: ConnectionsErrorCode.ConnectionParameterNotAllowed,
    details: { parameter: parameter.name, allowedValues: allowed.map((choice) => choice.value) },
  });
}

function label(parameter: ConnectionParameter): string {
  const display = parameter.ui?.displayName;
  return display === undefined || display === parameter.name ? '' : ` (${display})`;
}

function listNames(parameters: readonly ConnectionParameter[]): string {
  return parameters.map((p) => `"${p.name}"`).join(', ');
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
